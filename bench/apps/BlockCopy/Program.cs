// BlockCopy: the block-device benchmark of bench/block.sh, in two parts.
// 1. Throughput and latency tests (--tests), one line each:
//   seqread / seqwrite  - the whole disk in 1 MiB requests, one at a time (RandomAccess.Read / Write)
//   randread:D / randwrite:D - N random 4 KiB-aligned 4 KiB requests (--random-requests N, the same offsets in every
//                 variant: a seeded generator); D = 1: RandomAccess.Read / Write, one at a time; D > 1: D workers,
//                 each awaiting RandomAccess.ReadAsync / WriteAsync, so D requests are outstanding.
//   BLOCKIO test=randread depth=8 bytes=4096 requests=N runs=R mean_s=.. min_s=.. max_s=.. lat_mean_us=..
//           lat_p50_us=.. lat_p99_us=.. verified=yes
//   (seconds for all N requests; latency = each request's own Stopwatch span, over all runs). Reads check each
//   request's first sector number; writes write the source's own content (every 512-byte sector starts with its
//   number), so the destination equals the source afterwards, which is then checked (untimed).
// 2. MirageOS's block benchmark (--modes, --sectors): copies the source disk onto the destination disk with a
//   buffer of S sectors (512 bytes), for each S given, in two modes:
//   sequential - one request at a time: RandomAccess.Read of S sectors, then RandomAccess.Write of them, ...
//   parallel   - P workers (default 8), each awaiting RandomAccess.ReadAsync then WriteAsync of its own
//                S-sector buffer on the next unclaimed chunk, so up to P requests are outstanding.
//   Each (mode, S) is copied R times; a Stopwatch times the copy loop only. Before each copy the destination is
//   zeroed and after it compared with the source (both untimed, with 1 MiB requests), so every timed copy is
//   checked. Prints one line per (mode, S):
//   BLOCK mode=sequential sectors=1 bytes=512 runs=3 mean_s=1.234567 min_s=... max_s=... verified=yes
// Every test leaves the destination equal to the source. Ends with "BLOCKCOPY: DONE" (exit 0), or
// "BLOCKCOPY: FAIL ..." (exit 1).
//
// Usage: BlockCopy SRC DST [--tests seqread,seqwrite,randread:1,randread:8,randwrite:1,randwrite:8|none]
//                          [--random-requests N] [--sectors 1,2,5] [--modes sequential,parallel|none] [--runs R]
//                          [--parallel P] [--buffered] [--linux-init]
// The disks are opened with open(O_DIRECT) (no page cache: what the unikernel has anyway) unless --buffered;
// buffers are page-aligned native memory, as O_DIRECT wants. --linux-init: the program is /init of a Linux
// initramfs; it loads the kernel modules in /modules (virtio, virtio-mmio, virtio-blk) and mounts devtmpfs on
// /dev first, untimed.
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

static class BlockCopy
{
    const int Sector = 512;
    const int VerifyChunk = 1 << 20;
    const int Big = 1 << 20;    // the sequential tests' request
    const int Block = 4096;     // the random tests' request

    [DllImport("libc", SetLastError = true)] static extern unsafe int open(byte* path, int flags, int mode);
    [DllImport("libc", SetLastError = true)] static extern unsafe long lseek(int fd, long offset, int whence);
    [DllImport("libc", SetLastError = true)] static extern unsafe int fsync(int fd);
    [DllImport("libc", SetLastError = true)] static extern unsafe int init_module(byte* image, nuint length, byte* parameters);
    [DllImport("libc", SetLastError = true)] static extern unsafe int mount(byte* source, byte* target, byte* type, nuint flags, void* data);

    static int Main(string[] args)
    {
        try
        {
            return Run(args).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Console.WriteLine($"BLOCKCOPY: FAIL {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }

    static async Task<int> Run(string[] args)
    {
        var sizes = new List<int> { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000 };
        var modes = new List<string> { "sequential", "parallel" };
        var tests = new List<string> { "seqread", "seqwrite", "randread:1", "randread:8", "randwrite:1", "randwrite:8" };
        int runs = 3, parallel = 8, randomRequests = 4096;
        bool direct = true, linuxInit = false;
        var paths = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sectors": sizes = args[++i].Split(',').Select(int.Parse).ToList(); break;
                case "--modes": modes = args[++i] == "none" ? [] : args[i].Split(',').ToList(); break;
                case "--tests": tests = args[++i] == "none" ? [] : args[i].Split(',').ToList(); break;
                case "--random-requests": randomRequests = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--parallel": parallel = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--buffered": direct = false; break;
                case "--linux-init": linuxInit = true; break;
                default: paths.Add(args[i]); break;
            }
        }

        if (paths.Count != 2 || runs < 1 || parallel < 1 || randomRequests < 1 || sizes.Any(s => s < 1) ||
            modes.Any(m => m is not ("sequential" or "parallel")) || !tests.All(ValidTest))
        {
            Console.WriteLine("BLOCKCOPY: FAIL usage: BlockCopy SRC DST [--tests seqread,seqwrite,randread:D,randwrite:D|none] " +
                              "[--random-requests N] [--sectors 1,2,5] [--modes sequential,parallel|none] [--runs R] " +
                              "[--parallel P] [--buffered] [--linux-init]");
            return 2;
        }

        if (linuxInit)
        {
            LinuxInit(paths);
        }

        // ReadAsync/WriteAsync on a synchronous handle run as thread-pool work items blocked in pread/pwrite: let the
        // pool start a thread per outstanding request at once instead of growing slowly under starvation.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, parallel + 2), io);

        using var src = Open(paths[0], write: false, direct);
        using var dst = Open(paths[1], write: true, direct);
        long length = Size(src), dstLength = Size(dst);
        if (length <= 0 || length % Sector != 0 || dstLength < length)
        {
            Console.WriteLine($"BLOCKCOPY: FAIL source of {length} bytes, destination of {dstLength} bytes");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"BLOCKCOPY disk={length} direct={(direct ? "yes" : "no")} parallel={parallel} runs={runs} " +
            $"cpus={Environment.ProcessorCount} clock_step_us={ClockStepUs():F3}"));
        var buffers = Enumerable.Range(0, parallel).Select(_ => new NativeBuffer(sizes.Max() * Sector)).ToArray();
        var scratch = new[] { new NativeBuffer(VerifyChunk), new NativeBuffer(VerifyChunk) };

        // Untimed warm-up: every buffer page touched (no demand-paging fault inside a timed copy), and both paths
        // (thread-pool threads, first-call costs) run on the first 64 KiB.
        foreach (var b in buffers.Concat(scratch))
        {
            b.GetSpan().Fill(0xa5);
        }

        CopySequential(src, dst, Math.Min(length, 64 * 1024), Sector, buffers[0]);
        await CopyParallel(src, dst, Math.Min(length, 64 * 1024), Sector, buffers);

        bool allOk = true;
        // The warm-up made only the first 64 KiB of the destination equal to the source.
        bool dstSame = false;
        if (tests.Count > 0)
        {
            int depth = tests.Select(t => t.StartsWith("rand", StringComparison.Ordinal) ? int.Parse(t[(t.IndexOf(':') + 1)..],
                CultureInfo.InvariantCulture) : 1).Max();
            var big = new NativeBuffer(Big);
            var small = Enumerable.Range(0, depth).Select(_ => new NativeBuffer(Block)).ToArray();
            foreach (var b in small.Append(big))
            {
                SourcePattern(b.GetSpan(), 0);
            }

            foreach (string test in tests)
            {
                (bool ok, dstSame) = await IoTest(test, src, dst, length, runs, randomRequests, big, small, scratch, dstSame);
                allOk &= ok;
            }
        }

        foreach (string mode in modes)
        {
            foreach (int sectors in sizes)
            {
                int bytes = sectors * Sector;
                var times = new List<double>();
                bool verified = true;
                for (int r = 0; r < runs; r++)
                {
                    Fill(dst, length, scratch[0], 0);
                    long start = Stopwatch.GetTimestamp();
                    if (mode == "sequential")
                    {
                        CopySequential(src, dst, length, bytes, buffers[0]);
                    }
                    else
                    {
                        await CopyParallel(src, dst, length, bytes, buffers);
                    }

                    times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                    verified &= Same(src, dst, length, scratch);
                }

                allOk &= verified;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"BLOCK mode={mode} sectors={sectors} bytes={bytes} runs={runs} mean_s={times.Average():F6} " +
                    $"min_s={times.Min():F6} max_s={times.Max():F6} verified={(verified ? "yes" : "NO")}"));
            }
        }

        if (fsync((int)dst.DangerousGetHandle()) != 0)
        {
            Console.WriteLine($"BLOCKCOPY: FAIL fsync: errno {Marshal.GetLastPInvokeError()}");
            return 1;
        }

        Console.WriteLine(allOk ? "BLOCKCOPY: DONE" : "BLOCKCOPY: FAIL the destination differs from the source");
        return allOk ? 0 : 1;
    }

    /// <summary>The smallest step of the Stopwatch's clock seen in 50 tries (at most about 0.5 s): a guest whose clock
    /// ticks in jiffies (Linux after its watchdog gave up on the TSC) shows 1000-4000 µs here.</summary>
    static double ClockStepUs()
    {
        long min = long.MaxValue, until = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
        for (int i = 0; i < 50 && Stopwatch.GetTimestamp() < until; i++)
        {
            long a = Stopwatch.GetTimestamp(), b;
            while ((b = Stopwatch.GetTimestamp()) == a)
            {
            }

            min = Math.Min(min, b - a);
        }

        return min * 1e6 / Stopwatch.Frequency;
    }

    static bool ValidTest(string t) =>
        t is "seqread" or "seqwrite" ||
        ((t.StartsWith("randread:", StringComparison.Ordinal) || t.StartsWith("randwrite:", StringComparison.Ordinal)) &&
         int.TryParse(t[(t.IndexOf(':') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int d) && d >= 1);

    /// <summary>The source disk's content from byte offset off on: every 512-byte sector is the bytes 0..255 twice,
    /// its first 8 bytes replaced by the sector's number (bench/block.py writes source.img so).</summary>
    static void SourcePattern(Span<byte> span, long off)
    {
        for (int i = 0; i < span.Length; i += Sector)
        {
            Span<byte> sector = span[i..Math.Min(i + Sector, span.Length)];
            for (int j = 8; j < sector.Length; j++)
            {
                sector[j] = (byte)j;
            }

            StampSectors(sector, off + i);
        }
    }

    /// <summary>Writes each sector's number into its first 8 bytes (the rest of the pattern is already there).</summary>
    static void StampSectors(Span<byte> span, long off)
    {
        for (int i = 0; i + 8 <= span.Length; i += Sector)
        {
            BitConverter.TryWriteBytes(span[i..], (off + i) / Sector);
        }
    }

    /// <summary>Whether span starts with the source's first sector at off (its number).</summary>
    static bool FirstSectorIs(ReadOnlySpan<byte> span, long off) => BitConverter.ToInt64(span) == off / Sector;

    /// <summary>One throughput/latency test, runs times; prints its BLOCKIO line. Returns whether every request read
    /// what the source holds (reads) or the destination equals the source afterwards (writes), and whether the
    /// destination equals the source now.</summary>
    static async Task<(bool Ok, bool DstSame)> IoTest(string test, SafeFileHandle src, SafeFileHandle dst, long length,
        int runs, int randomRequests, NativeBuffer big, NativeBuffer[] small, NativeBuffer[] scratch, bool dstSame)
    {
        bool write = test.Contains("write", StringComparison.Ordinal);
        bool sequential = test.StartsWith("seq", StringComparison.Ordinal);
        int depth = sequential ? 1 : int.Parse(test[(test.IndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        int bytes = sequential ? Big : Block;
        long requests = sequential ? (length + Big - 1) / Big : randomRequests;
        long blocks = length / Block;
        if (!sequential && blocks < 1)
        {
            throw new IOException($"a disk of {length} bytes has no whole {Block}-byte block");
        }

        // A random write needs the destination equal to the source first, so that it stays so (untimed).
        if (write && !sequential && !dstSame)
        {
            CopySequential(src, dst, length, VerifyChunk, scratch[0]);
        }

        var times = new List<double>();
        var latencies = new long[runs * requests];
        bool ok = true;
        for (int r = 0; r < runs; r++)
        {
            // The same offsets in every variant and run set: a fixed seed per run.
            var random = new Random(1000 + r);
            long[] offsets = new long[requests];
            for (long i = 0; i < requests; i++)
            {
                offsets[i] = sequential ? i * Big : random.NextInt64(blocks) * Block;
            }

            Span<long> lat = latencies.AsSpan((int)(r * requests), (int)requests);
            long start = Stopwatch.GetTimestamp();
            if (depth == 1)
            {
                Span<byte> span = (sequential ? big : small[0]).GetSpan();
                for (long i = 0; i < requests; i++)
                {
                    long off = offsets[i];
                    Span<byte> part = span[..(int)Math.Min(bytes, length - off)];
                    long t0 = Stopwatch.GetTimestamp();
                    if (write)
                    {
                        StampSectors(part, off);
                        RandomAccess.Write(dst, part, off);
                    }
                    else if (RandomAccess.Read(src, part, off) != part.Length || !FirstSectorIs(part, off))
                    {
                        ok = false;
                    }

                    lat[(int)i] = Stopwatch.GetTimestamp() - t0;
                }
            }
            else
            {
                ok &= await RandomParallel(write ? dst : src, write, offsets, small.Take(depth).ToArray(),
                                           latencies, (int)(r * requests));
            }

            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        if (write)
        {
            ok &= Same(src, dst, length, scratch);
        }

        Array.Sort(latencies);
        double us(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
        string kind = sequential ? test : test[..test.IndexOf(':')];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"BLOCKIO test={kind} depth={depth} bytes={bytes} requests={requests} runs={runs} mean_s={times.Average():F6} " +
            $"min_s={times.Min():F6} max_s={times.Max():F6} lat_mean_us={us((long)latencies.Average()):F1} " +
            $"lat_p50_us={us(latencies[latencies.Length / 2]):F1} " +
            $"lat_p99_us={us(latencies[Math.Min(latencies.Length - 1, latencies.Length * 99 / 100)]):F1} " +
            $"verified={(ok ? "yes" : "NO")}"));
        return (ok, write ? ok : dstSame);
    }

    /// <summary>Random 4 KiB requests with buffers.Length workers, each awaiting RandomAccess.ReadAsync or WriteAsync
    /// of its own buffer on the next unclaimed offset: buffers.Length requests outstanding. Each request's span
    /// goes to latencies[first + i].</summary>
    static async Task<bool> RandomParallel(SafeFileHandle disk, bool write, long[] offsets, NativeBuffer[] buffers,
        long[] latencies, int first)
    {
        long next = -1;
        bool ok = true;

        async Task Worker(NativeBuffer buffer)
        {
            Memory<byte> memory = buffer.Memory;
            long i;
            while ((i = Interlocked.Increment(ref next)) < offsets.Length)
            {
                long off = offsets[i];
                long t0 = Stopwatch.GetTimestamp();
                if (write)
                {
                    StampSectors(buffer.GetSpan(), off);
                    await RandomAccess.WriteAsync(disk, (ReadOnlyMemory<byte>)memory, off).ConfigureAwait(false);
                }
                else if (await RandomAccess.ReadAsync(disk, memory, off).ConfigureAwait(false) != memory.Length ||
                         !FirstSectorIs(buffer.GetSpan(), off))
                {
                    ok = false;
                }

                latencies[first + i] = Stopwatch.GetTimestamp() - t0;
            }
        }

        await Task.WhenAll(buffers.Select(Worker));
        return ok;
    }

    /// <summary>One request at a time: read a buffer, write it, next.</summary>
    static void CopySequential(SafeFileHandle src, SafeFileHandle dst, long length, int bytes, NativeBuffer buffer)
    {
        Span<byte> span = buffer.GetSpan();
        for (long off = 0; off < length; off += bytes)
        {
            int n = (int)Math.Min(bytes, length - off);
            Span<byte> part = span[..n];
            int got = RandomAccess.Read(src, part, off);
            if (got != n)
            {
                throw new IOException($"short read of {got} bytes at {off}");
            }

            RandomAccess.Write(dst, part, off);
        }
    }

    /// <summary>A worker per buffer, each copying the next unclaimed chunk: up to buffers.Length requests in flight.</summary>
    static Task CopyParallel(SafeFileHandle src, SafeFileHandle dst, long length, int bytes, NativeBuffer[] buffers)
    {
        long chunks = (length + bytes - 1) / bytes;
        long next = -1;

        async Task Worker(Memory<byte> memory)
        {
            long i;
            while ((i = Interlocked.Increment(ref next)) < chunks)
            {
                long off = i * bytes;
                int n = (int)Math.Min(bytes, length - off);
                Memory<byte> part = memory[..n];
                int got = await RandomAccess.ReadAsync(src, part, off).ConfigureAwait(false);
                if (got != n)
                {
                    throw new IOException($"short read of {got} bytes at {off}");
                }

                await RandomAccess.WriteAsync(dst, (ReadOnlyMemory<byte>)part, off).ConfigureAwait(false);
            }
        }

        return Task.WhenAll(buffers.Select(b => Worker(b.Memory)));
    }

    /// <summary>Overwrites the first length bytes of the disk with value.</summary>
    static void Fill(SafeFileHandle disk, long length, NativeBuffer buffer, byte value)
    {
        Span<byte> span = buffer.GetSpan();
        span.Fill(value);
        for (long off = 0; off < length; off += span.Length)
        {
            RandomAccess.Write(disk, span[..(int)Math.Min(span.Length, length - off)], off);
        }
    }

    static bool Same(SafeFileHandle a, SafeFileHandle b, long length, NativeBuffer[] scratch)
    {
        Span<byte> x = scratch[0].GetSpan(), y = scratch[1].GetSpan();
        for (long off = 0; off < length; off += x.Length)
        {
            int n = (int)Math.Min(x.Length, length - off);
            if (RandomAccess.Read(a, x[..n], off) != n || RandomAccess.Read(b, y[..n], off) != n ||
                !x[..n].SequenceEqual(y[..n]))
            {
                return false;
            }
        }

        return true;
    }

    static unsafe SafeFileHandle Open(string path, bool write, bool direct)
    {
        // O_RDONLY 0, O_RDWR 2, O_CLOEXEC 02000000; O_DIRECT is 040000 on x86_64 and 0200000 on arm64.
        int flags = (write ? 2 : 0) | 0x80000;
        if (direct)
        {
            flags |= RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x10000 : 0x4000;
        }

        byte[] name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        int fd;
        fixed (byte* p = name)
        {
            fd = open(p, flags, 0);
        }

        if (fd < 0)
        {
            throw new IOException($"open {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>The size as Linux tools take it from a block device (fstat says 0): lseek(SEEK_END).</summary>
    static long Size(SafeFileHandle handle) => lseek((int)handle.DangerousGetHandle(), 0, 2);

    /// <summary>As /init of the Linux VM: load the virtio block driver's modules and mount devtmpfs, then wait for the disks.</summary>
    static unsafe void LinuxInit(List<string> disks)
    {
        // Without modules.dep: load what loads, then retry the rest (a module needing another's symbols fails
        // with ENOENT until that one is in), until nothing more loads.
        var pending = Directory.GetFiles("/modules", "*.ko").Order(StringComparer.Ordinal).ToList();
        var errors = new Dictionary<string, int>();
        for (bool progress = true; progress && pending.Count > 0;)
        {
            progress = false;
            foreach (string ko in pending.ToList())
            {
                byte[] image = File.ReadAllBytes(ko);
                int error = 0;
                fixed (byte* p = image)
                fixed (byte* none = "\0"u8)
                {
                    if (init_module(p, (nuint)image.Length, none) != 0)
                    {
                        error = Marshal.GetLastPInvokeError();
                    }
                }

                if (error is 0 or 17 /* EEXIST */)
                {
                    pending.Remove(ko);
                    progress = true;
                }
                else
                {
                    errors[ko] = error;
                }
            }
        }

        if (pending.Count > 0)
        {
            throw new IOException("init_module: " + string.Join(", ", pending.Select(ko => $"{ko}: errno {errors[ko]}")));
        }

        fixed (byte* dev = "devtmpfs\0"u8)
        fixed (byte* target = "/dev\0"u8)
        {
            if (mount(dev, target, dev, 0, null) != 0 && Marshal.GetLastPInvokeError() != 16 /* EBUSY */)
            {
                throw new IOException($"mount devtmpfs: errno {Marshal.GetLastPInvokeError()}");
            }
        }

        var until = Stopwatch.StartNew();
        while (!disks.All(File.Exists))
        {
            if (until.Elapsed.TotalSeconds > 10)
            {
                throw new IOException($"no {string.Join(" or ", disks.Where(d => !File.Exists(d)))} after loading the modules");
            }

            Thread.Sleep(10);
        }
    }

    /// <summary>Page-aligned native memory (O_DIRECT needs aligned buffers), usable as Span and as Memory.</summary>
    sealed unsafe class NativeBuffer(int length) : MemoryManager<byte>
    {
        readonly byte* pointer = (byte*)NativeMemory.AlignedAlloc((nuint)length, 4096);

        public override Span<byte> GetSpan() => new(pointer, length);

        public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

        public override void Unpin() { }

        protected override void Dispose(bool disposing) => NativeMemory.AlignedFree(pointer);
    }
}
