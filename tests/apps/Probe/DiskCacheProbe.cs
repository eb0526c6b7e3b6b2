// Block devices' page cache and O_DIRECT, as Linux gives them to a program (the same checks pass on Linux
// against loop devices). Modes:
//   "disk-direct [DISK]"  O_DIRECT refuses misaligned offsets, lengths and buffers with EINVAL; what a buffered
//                         write left dirty is what a direct read sees; a direct write is what a later buffered
//                         read sees (the cached pages of the range are dropped); a 4 MiB direct read equals the
//                         buffered one. Leaves Pattern(65536, 10) at 12 MiB for the host to check. DISKCACHE: PASS.
//   "disk-crash [DISK]"   writes Pattern(65536, 11) at 16 MiB without fsync, then fails fast: the bytes must reach
//                         the disk all the same (on Linux the kernel outlives the program; here the kernel writes its
//                         dirty pages back before the VM ends).
//   "disk-cache [DISK]"   reads the whole disk through the cache (which fills free memory: /proc/meminfo's Buffers
//                         grows), then allocates and touches most of the guest's memory: the cache gives its pages
//                         back instead of the program running out; reading the disk again gives the same bytes.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

static class DiskCacheProbe
{
    [DllImport("libc", SetLastError = true)] static extern unsafe int open(byte* path, int flags, int mode);
    [DllImport("libc", SetLastError = true)] static extern unsafe nint pread(int fd, void* buf, nuint count, long offset);
    [DllImport("libc", SetLastError = true)] static extern unsafe nint pwrite(int fd, void* buf, nuint count, long offset);
    [DllImport("libc")] static extern int close(int fd);
    [DllImport("libc")] static extern long lseek(int fd, long offset, int whence);

    const int EINVAL = 22;
    static bool ok = true;

    static void Check(string what, bool passed, string detail = "")
    {
        Console.WriteLine($"{what}: {(passed ? "ok" : "FAIL")} {detail}");
        ok &= passed;
    }

    static int Finish()
    {
        Console.WriteLine(ok ? "DISKCACHE: PASS" : "DISKCACHE: FAIL");
        return ok ? 0 : 1;
    }

    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)(i * 13 + seed);
        }

        return data;
    }

    /// <summary>open(2) with O_DIRECT, whose value differs between x86_64 (040000) and arm64 (0200000).</summary>
    static unsafe int OpenDirect(string path)
    {
        int direct = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x10000 : 0x4000;
        byte[] name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = name)
        {
            return open(p, 2 /* O_RDWR */ | 0x80000 /* O_CLOEXEC */ | direct, 0);
        }
    }

    static bool Einval(nint result) => result == -1 && Marshal.GetLastPInvokeError() == EINVAL;

    public static unsafe int Direct(string disk)
    {
        int fd = OpenDirect(disk);
        Check("O_DIRECT open", fd >= 0, $"errno {Marshal.GetLastPInvokeError()}");
        if (fd < 0)
        {
            return Finish();
        }

        const int Size = 4 << 20;
        byte* buf = (byte*)NativeMemory.AlignedAlloc(Size, 4096);
        using var buffered = File.OpenHandle(disk, FileMode.Open, FileAccess.ReadWrite);
        try
        {
            Check("O_DIRECT refuses a misaligned offset", Einval(pwrite(fd, buf, 4096, 1000)));
            Check("O_DIRECT refuses a misaligned length", Einval(pread(fd, buf, 1000, 0)));
            Check("O_DIRECT refuses a misaligned buffer", Einval(pread(fd, buf + 8, 4096, 0)));

            // Buffered write (dirty in the cache, no fsync), then a direct read of the same bytes.
            byte[] nine = Pattern(65536, 9);
            RandomAccess.Write(buffered, nine, 8L << 20);
            nint n = pread(fd, buf, 65536, 8L << 20);
            Check("a direct read sees a buffered write", n == 65536 && new Span<byte>(buf, 65536).SequenceEqual(nine), $"n={n}");

            // Cached (read once through the cache), then written directly: a buffered read sees the new bytes.
            var before = new byte[65536];
            RandomAccess.Read(buffered, before, 12L << 20);
            byte[] ten = Pattern(65536, 10);
            ten.CopyTo(new Span<byte>(buf, 65536));
            n = pwrite(fd, buf, 65536, 12L << 20);
            var after = new byte[65536];
            RandomAccess.Read(buffered, after, 12L << 20);
            Check("a buffered read sees a direct write", n == 65536 && after.AsSpan().SequenceEqual(ten), $"n={n}");

            // One large direct read (many requests in flight) equals the same range read through the cache.
            n = pread(fd, buf, Size, 4L << 20);
            var viaCache = new byte[Size];
            RandomAccess.Read(buffered, viaCache, 4L << 20);
            Check("a 4 MiB direct read equals the buffered one", n == Size && new Span<byte>(buf, Size).SequenceEqual(viaCache), $"n={n}");
        }
        finally
        {
            NativeMemory.AlignedFree(buf);
            close(fd);
        }

        return Finish();
    }

    public static int Crash(string disk)
    {
        using var handle = File.OpenHandle(disk, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.Write(handle, Pattern(65536, 11), 16L << 20);
        Console.WriteLine("DISKCACHE: written, failing fast");
        Environment.FailFast("the disk-crash probe ends without fsync");
        return 1;
    }

    static long MeminfoKb(string field)
    {
        foreach (string line in File.ReadAllLines("/proc/meminfo"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim());
            }
        }

        return -1;
    }

    static ulong ReadAll(SafeFileHandle handle, long length)
    {
        var chunk = new byte[1 << 20];
        ulong hash = 14695981039346656037;
        for (long at = 0; at < length; at += chunk.Length)
        {
            int n = RandomAccess.Read(handle, chunk, at);
            foreach (byte b in chunk.AsSpan(0, n))
            {
                hash = (hash ^ b) * 1099511628211;
            }
        }

        return hash;
    }

    public static int Cache(string disk)
    {
        using var handle = File.OpenHandle(disk, FileMode.Open, FileAccess.Read);
        long length = lseek((int)handle.DangerousGetHandle(), 0, 2); /* a block device's size: fstat says 0 */

        long total = MeminfoKb("MemTotal"), buffers0 = MeminfoKb("Buffers");
        ulong first = ReadAll(handle, length);
        long buffers = MeminfoKb("Buffers"), available = MeminfoKb("MemAvailable");
        Check("reading the disk fills the cache", buffers - buffers0 >= 8 << 10, $"Buffers {buffers0} -> {buffers} kB of {total} kB");
        Check("cached pages count as available", available >= buffers, $"MemAvailable {available} kB");

        // Most of what is left for the program: only reachable when the cache gives its pages back.
        long want = MeminfoKb("MemAvailable") * 1024 * 6 / 10;
        var keep = new List<byte[]>();
        for (long got = 0; got < want; got += 1 << 20)
        {
            var block = new byte[1 << 20];
            for (int i = 0; i < block.Length; i += 4096)
            {
                block[i] = 1;
            }

            keep.Add(block);
        }

        long buffersAfter = MeminfoKb("Buffers");
        Check("the cache gave memory back to the program", buffersAfter < buffers, $"{keep.Count} MiB allocated; Buffers {buffers} -> {buffersAfter} kB");
        Check("the disk reads the same again", ReadAll(handle, length) == first);
        GC.KeepAlive(keep);
        return Finish();
    }
}
