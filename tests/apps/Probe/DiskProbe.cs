// The "disk" mode: block devices as unchanged .NET code uses them; the same checks pass on Linux against
// loop devices ("disk /dev/loop0 /dev/loop1"). The read-write disk (default /dev/vda, 64 MiB): its size by
// lseek(SEEK_END) and ioctl(BLKGETSIZE64), and 0 from fstat as on Linux; a pattern written with
// RandomAccess.Write at an aligned and at an unaligned offset and read back, eight concurrent
// RandomAccess.ReadAsync calls, reads and writes at the end, FileStream with Seek and Flush(true) (fsync →
// FLUSH), and the host-visible marker "UNIKRAFT-VDA-OK" at offset 4096. The read-only disk (default
// /dev/vdb, its first sector filled by the test with 'B'): readable, and writes fail with EPERM.
// Prints each check and DISK: PASS.
static class DiskProbe
{
    const ulong BLKGETSIZE64 = 0x80081272, BLKSSZGET = 0x1268, BLKROGET = 0x125e;

    [System.Runtime.InteropServices.DllImport("libc")] static extern long lseek(int fd, long offset, int whence);
    [System.Runtime.InteropServices.DllImport("libc")] static extern unsafe int ioctl(int fd, ulong request, void* arg);

    /// <summary>What Linux tools ask a block device for its size: lseek(SEEK_END) and the block ioctls.</summary>
    static unsafe (long Seek, ulong Bytes, int Sector, int ReadOnly, bool Ok) Query(int fd)
    {
        ulong bytes = 0;
        int sector = 0, readOnly = -1;
        bool ok = ioctl(fd, BLKGETSIZE64, &bytes) == 0 && ioctl(fd, BLKSSZGET, &sector) == 0 && ioctl(fd, BLKROGET, &readOnly) == 0;
        return (lseek(fd, 0, 2), bytes, sector, readOnly, ok);
    }

    static bool ok = true;

    static void Check(string what, bool passed, string detail = "")
    {
        Console.WriteLine($"{what}: {(passed ? "ok" : "FAIL")} {detail}");
        ok &= passed;
    }

    static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)(i * 7 + seed);
        }

        return data;
    }

    /// <summary>The "disks" mode: every /dev/vd* in order with its size and whether it is read-only.</summary>
    public static int List()
    {
        for (char c = 'a'; c <= 'z'; c++)
        {
            string path = $"/dev/vd{c}";
            if (!File.Exists(path))
            {
                continue;
            }

            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            var q = Query((int)handle.DangerousGetHandle());
            Console.WriteLine($"disk {path} {q.Bytes} {(q.ReadOnly == 1 ? "ro" : "rw")}");
        }

        Console.WriteLine("DISKS: listed");
        return 0;
    }

    public static async Task<int> Run(string rw, string ro)
    {
        long length;
        using (var vda = File.OpenHandle(rw, FileMode.Open, FileAccess.ReadWrite))
        {
            var q = Query((int)vda.DangerousGetHandle());
            length = q.Seek;
            Check("size by lseek and ioctl", length == 64L << 20 && q.Ok && q.Bytes == (ulong)length && q.Sector == 512 && q.ReadOnly == 0,
                  $"lseek={length} BLKGETSIZE64={q.Bytes} BLKSSZGET={q.Sector} BLKROGET={q.ReadOnly}");
            Check("fstat size is 0, as on Linux", RandomAccess.GetLength(vda) == 0);

            byte[] block = Pattern(64 * 1024, 1);
            RandomAccess.Write(vda, block, 1 << 20);
            var back = new byte[block.Length];
            int n = RandomAccess.Read(vda, back, 1 << 20);
            Check("aligned write/read", n == back.Length && back.AsSpan().SequenceEqual(block), $"n={n}");

            byte[] odd = Pattern(3000, 2);
            RandomAccess.Write(vda, odd, (2 << 20) + 1000);
            var oddBack = new byte[5000];
            RandomAccess.Read(vda, oddBack, (2 << 20) + 500);
            bool around = oddBack.AsSpan(0, 500).IndexOfAnyExcept((byte)0) < 0 && oddBack.AsSpan(3500).IndexOfAnyExcept((byte)0) < 0;
            Check("unaligned write/read", oddBack.AsSpan(500, 3000).SequenceEqual(odd) && around);

            // Eight reads in flight together, each of a different region written first.
            var tasks = new List<Task<bool>>();
            for (int i = 0; i < 8; i++)
            {
                byte[] region = Pattern(256 * 1024, 10 + i);
                long at = (8L << 20) + i * (1L << 20);
                RandomAccess.Write(vda, region, at);
                tasks.Add(Task.Run(async () =>
                {
                    var buf = new byte[region.Length];
                    int got = await RandomAccess.ReadAsync(vda, buf, at);
                    return got == buf.Length && buf.AsSpan().SequenceEqual(region);
                }));
            }

            bool[] results = await Task.WhenAll(tasks);
            Check("concurrent ReadAsync", results.All(r => r));

            // Four threads patch their own bytes of the same two blocks at once (each write a read-modify-write
            // of a 512-byte block, the blocks shared): no thread's bytes may be lost to another's stale copy.
            long shared = 16L << 20;
            RandomAccess.Write(vda, new byte[1024], shared);
            Task[] writers = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
            {
                for (int round = 1; round <= 25; round++)
                {
                    RandomAccess.Write(vda, new[] { (byte)round, (byte)round }, shared + 511 + 2 * t);
                }
            })).ToArray();
            await Task.WhenAll(writers);
            var patched = new byte[1024];
            RandomAccess.Read(vda, patched, shared);
            bool allKept = Enumerable.Range(0, 4).All(t => patched[511 + 2 * t] == 25 && patched[512 + 2 * t] == 25);
            Check("concurrent partial writes of shared blocks", allKept, allKept ? "" : Convert.ToHexString(patched.AsSpan(505, 16)));

            Check("read at the end", RandomAccess.Read(vda, new byte[16], length) == 0);
            Check("read across the end", RandomAccess.Read(vda, new byte[1024], length - 100) == 100);
            try
            {
                RandomAccess.Write(vda, new byte[16], length);
                Check("write at the end", false, "no error");
            }
            catch (IOException e)
            {
                Check("write at the end", true, e.Message);
            }
        }

        using (var stream = new FileStream(rw, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Seek(4096, SeekOrigin.Begin);
            stream.Write("UNIKRAFT-VDA-OK"u8);
            stream.Flush(flushToDisk: true);
            stream.Seek(length - 512, SeekOrigin.Begin);
            stream.Write(Pattern(512, 3));
            stream.Seek(4096, SeekOrigin.Begin);
            var marker = new byte[15];
            stream.ReadExactly(marker);
            Check("FileStream seek/write/read", marker.AsSpan().SequenceEqual("UNIKRAFT-VDA-OK"u8));
        }

        if (File.Exists(ro))
        {
            using (var vdb = File.OpenHandle(ro, FileMode.Open, FileAccess.Read))
            {
                var first = new byte[512];
                RandomAccess.Read(vdb, first, 0);
                Check("read-only disk readable", first.All(b => b == (byte)'B'));
            }

            // As Linux: a read-only block device opens for writing, and every write fails with EPERM.
            using var w = File.OpenHandle(ro, FileMode.Open, FileAccess.ReadWrite);
            try
            {
                RandomAccess.Write(w, new byte[512], 0);
                Check("read-only disk refuses writes", false, "written");
            }
            catch (UnauthorizedAccessException e)
            {
                Check("read-only disk refuses writes", true, e.Message);
            }
        }

        Console.WriteLine(ok ? "DISK: PASS" : "DISK: FAIL");
        return ok ? 0 : 1;
    }
}
