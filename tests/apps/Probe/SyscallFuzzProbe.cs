// The "syscall-fuzz" mode: the kernel's syscall table fed random and adversarial arguments from inside the VM, seeded
// and reproducible (syscall-fuzz SEED CALLS [KERNEL-ADDRESS...]). Every implemented syscall (SyscallSpecs.cs) is
// called with arguments of its kind: descriptors of the fuzzer's own, pointers into a fuzzer-owned arena, to its
// edge and guard page, to the kernel's own symbols (passed in by the test, from the image's ELF), non-canonical and
// wrapping addresses, huge lengths, random flags. What the program could legitimately do to itself on Linux (kill
// itself, unmap the runtime's memory, close the runtime's descriptors, install random signal handlers, block forever)
// is kept out by the argument kinds, so that any crash, panic or hang is the kernel's fault. A call still blocked
// after 2 s is left to its thread, and a fresh one goes on with the next call; workers never exit (see Work). Afterwards a self-check (threads,
// memory, files, pipes, a signal) must pass: "SYSCALL-FUZZ: PASS calls=… errors=…".
using System.Diagnostics;
using System.Runtime.InteropServices;

static unsafe partial class SyscallFuzzProbe
{
    const int PROT_NONE = 0, PROT_RW = 3, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20;
    const long ArenaSize = 2 << 20, Page = 4096;

    [DllImport("libc", SetLastError = true)] static extern long syscall(long nr, long a, long b, long c, long d, long e, long f);
    [DllImport("libc", SetLastError = true)] static extern nint mmap(nint addr, nuint len, int prot, int flags, int fd, long off);
    [DllImport("libc", SetLastError = true)] static extern int mprotect(nint addr, nuint len, int prot);
    [DllImport("libc", SetLastError = true)] static extern int munmap(nint addr, nuint len);
    [DllImport("libc", SetLastError = true)] static extern int close(int fd);
    [DllImport("libc", SetLastError = true)] static extern int mkdir(byte* path, int mode);

    static byte* arena;          // [arena, arena + ArenaSize - Page) read-write, then a PROT_NONE guard page
    static long[] kernel = [];   // addresses of the kernel's own code and data
    static readonly List<int> fds = [];
    static long calls, errors, abandoned, current, traceFrom;
    static readonly Dictionary<int, long> results = [];

    public static int Run(string[] args)
    {
        ulong seed = args.Length > 1 ? ulong.Parse(args[1]) : 1;
        long count = args.Length > 2 ? long.Parse(args[2]) : 100_000;
        // trace=N prints every call from the N-th on before it runs (to find what a hang or a panic was doing).
        traceFrom = args.Skip(3).Where(a => a.StartsWith("trace=")).Select(a => long.Parse(a[6..])).DefaultIfEmpty(long.MaxValue).First();
        kernel = args.Skip(3).Where(a => !a.StartsWith("trace=")).Select(a => Convert.ToInt64(a, 16)).ToArray();
        arena = (byte*)mmap(0, (nuint)ArenaSize, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        RestoreArena();
        MakeKonst();
        fixed (byte* p = "/tmp/fz\0"u8)
            mkdir(p, 493); // 0755
        if (!Regressions())
        {
            return 1;
        }

        var specs = SyscallSpecs.ForThisArchitecture();
        Console.WriteLine($"SYSCALL-FUZZ: seed {seed}, {count} calls over {specs.Length} syscalls, {kernel.Length} kernel addresses");

        // Workers run the calls; one whose call blocks for 2 s is abandoned and a new one goes on after that call.
        var watch = Stopwatch.StartNew();
        while (Interlocked.Read(ref current) < count)
        {
            long start = Interlocked.Read(ref current);
            int generation = (int)abandoned;
            var worker = new Thread(() => Work(specs, seed, count, generation), 256 * 1024) { IsBackground = true };
            worker.Start();
            long seen = start, since = watch.ElapsedMilliseconds;
            while (Interlocked.Read(ref current) < count)
            {
                Thread.Sleep(50);
                long now = Interlocked.Read(ref current);
                if (now != seen)
                {
                    (seen, since) = (now, watch.ElapsedMilliseconds);
                }
                else if (watch.ElapsedMilliseconds - since > 2000)
                {
                    Console.WriteLine($"SYSCALL-FUZZ: call {now} ({Describe(specs, seed, now)}) still blocked after 2 s; going on without it");
                    abandoned++;
                    Interlocked.Increment(ref current);
                    break;
                }
            }

            if (abandoned > 64)
            {
                Console.WriteLine("SYSCALL-FUZZ: FAIL: more than 64 calls blocked");
                return 1;
            }
        }

        Console.WriteLine($"SYSCALL-FUZZ: {calls} calls in {watch.Elapsed.TotalSeconds:F1} s, {abandoned} left blocked; results: " +
                          string.Join(' ', results.OrderBy(r => r.Key).Select(r => r.Key == 0 ? $"ok={r.Value}" : $"E{r.Key}={r.Value}")));
        Console.WriteLine($"SYSCALL-FUZZ: closing the fuzzer's {fds.Count} descriptors");
        foreach (int fd in fds)
        {
            close(fd);
        }

        return SelfCheck() ? 0 : 1;
    }

    static void Work(SyscallSpec[] specs, ulong seed, long count, int generation)
    {
        for (long i; (i = Interlocked.Read(ref current)) < count && generation == abandoned; Interlocked.Increment(ref current))
        {
            var rng = new Rng(seed, i);
            SyscallSpec spec = specs[rng.Below(specs.Length)];
            long[] a = spec.Arguments(rng);
            ResetTimes();
            if (i >= traceFrom)
            {
                Console.WriteLine($"SYSCALL-FUZZ: call {i}: {spec.Name}({string.Join(", ", a.Select(x => $"0x{x:x}"))})");
            }

            long r = syscall(spec.Number, a[0], a[1], a[2], a[3], a[4], a[5]);
            int errno = r == -1 ? Marshal.GetLastPInvokeError() : 0;
            if (generation != abandoned)
            {
                Thread.Sleep(Timeout.Infinite); // the watchdog gave up on this call and another thread has gone on
            }

            calls++;
            results[errno] = results.GetValueOrDefault(errno) + 1;
            if (errno != 0)
            {
                errors++;
            }

            spec.After(r, a);
            if (i % 20_000 == 0 && i > 0)
            {
                Console.WriteLine($"SYSCALL-FUZZ: {i} calls");
            }
        }

        // A worker never exits: set_tid_address may have moved the word its exit clears, and musl releases its
        // thread list lock through that word, so an exit would leave the lock held (Linux's behaviour, the program's
        // own doing). The program's exit_group ends it.
        Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>Calls the fuzzer once found the kernel getting wrong, with Linux's answers (EINVAL, ENOMEM).</summary>
    static bool Regressions()
    {
        bool x64 = RuntimeInformation.ProcessArchitecture == Architecture.X64;
        long munmapNr = x64 ? 11 : 215, madviseNr = x64 ? 28 : 233, mprotectNr = x64 ? 10 : 226, mremapNr = x64 ? 25 : 216;
        const int EINVAL = 22, ENOMEM = 12;
        (string What, long Nr, long A, long B, long C, int Errno)[] cases =
        [
            // An end past the program's half used to unmap everything above the arena (the threads' stacks included).
            ("munmap(arena, 1 << 63)", munmapNr, (long)arena, long.MinValue, 0, EINVAL),
            ("munmap(arena, -4096)", munmapNr, (long)arena, -4096, 0, EINVAL),
            ("mprotect(arena, 1 << 63)", mprotectNr, (long)arena, long.MinValue, PROT_RW, ENOMEM),
            // A huge range used to be walked page by page (hours). Nothing is mapped there: DONTNEED over the
            // program's own memory would zero it, on Linux as here.
            ("madvise(0x400000000000, 1 << 44, DONTNEED)", madviseNr, 0x4000_0000_0000L, 1L << 44, 4, ENOMEM),
            ("madvise(arena, -4096, DONTNEED)", madviseNr, (long)arena, -4096, 4, EINVAL),
            ("mremap(arena, 1 << 63, 4096)", mremapNr, (long)arena, long.MinValue, Page, EINVAL),
        ];
        bool ok = true;
        foreach (var c in cases)
        {
            long r = syscall(c.Nr, c.A, c.B, c.C, 0, 0, 0);
            int errno = r == -1 ? Marshal.GetLastPInvokeError() : 0;
            Console.WriteLine($"SYSCALL-FUZZ: regression {c.What} = {(r == -1 ? $"-1 errno {errno}" : r.ToString())} (Linux: errno {c.Errno})");
            ok &= r == -1 && errno == c.Errno;
        }

        RestoreArena();
        if (!ok)
        {
            Console.WriteLine("SYSCALL-FUZZ: FAIL: a regression");
        }

        return ok;
    }

    static string Describe(SyscallSpec[] specs, ulong seed, long i)
    {
        var rng = new Rng(seed, i);
        SyscallSpec spec = specs[rng.Below(specs.Length)];
        return $"{spec.Name}({string.Join(", ", spec.Arguments(rng).Select(x => $"0x{x:x}"))})";
    }

    /// <summary>The arena mapped read-write again (a call may have unmapped, moved or protected it), its guard page PROT_NONE.</summary>
    static void RestoreArena()
    {
        mmap((nint)arena, (nuint)ArenaSize, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        mprotect((nint)(arena + ArenaSize - Page), (nuint)Page, PROT_NONE);
    }

    static bool SelfCheck()
    {
        var checks = new List<(string, Func<bool>)>
        {
            ("threads", () =>
            {
                int sum = 0;
                var threads = Enumerable.Range(1, 8).Select(n => new Thread(() => Interlocked.Add(ref sum, n))).ToList();
                threads.ForEach(t => t.Start());
                threads.ForEach(t => t.Join());
                return sum == 36;
            }),
            ("memory", () =>
            {
                var blocks = Enumerable.Range(0, 64).Select(n => new byte[256 * 1024]).ToList();
                blocks.ForEach(b => b.AsSpan().Fill(0x5a));
                GC.Collect();
                return blocks.All(b => b[^1] == 0x5a);
            }),
            ("files", () =>
            {
                File.WriteAllText("/tmp/selfcheck", "after the fuzz");
                Directory.CreateDirectory("/tmp/selfcheck.d");
                return File.ReadAllText("/tmp/selfcheck") == "after the fuzz" && Directory.Exists("/tmp/selfcheck.d");
            }),
            ("pipes", () =>
            {
                using var server = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
                using var client = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, server.ClientSafePipeHandle);
                server.Write("pipe"u8);
                byte[] b = new byte[4];
                return client.Read(b) == 4 && b.AsSpan().SequenceEqual("pipe"u8);
            }),
            ("signals", () =>
            {
                using var got = new ManualResetEventSlim();
                using var registration = PosixSignalRegistration.Create(PosixSignal.SIGCHLD, c => { c.Cancel = true; got.Set(); });
                syscall(SyscallSpecs.Kill, Environment.ProcessId, 17, 0, 0, 0, 0);
                return got.Wait(TimeSpan.FromSeconds(10));
            }),
        };
        bool all = true;
        foreach ((string name, Func<bool> check) in checks)
        {
            Console.WriteLine($"SYSCALL-FUZZ: self-check {name} ...");
            bool ok;
            try
            {
                ok = check();
            }
            catch (Exception e)
            {
                Console.WriteLine($"SYSCALL-FUZZ: self-check {name}: {e.GetType().Name}: {e.Message}");
                ok = false;
            }

            Console.WriteLine($"SYSCALL-FUZZ: self-check {name}: {(ok ? "ok" : "FAILED")}");
            all &= ok;
        }

        Console.WriteLine(all ? $"SYSCALL-FUZZ: PASS calls={calls} errors={errors}" : "SYSCALL-FUZZ: FAIL");
        return all;
    }

    /// <summary>A small deterministic generator (splitmix64) per call: call i of a seed gets the same arguments every run.</summary>
    internal struct Rng(ulong seed, long index)
    {
        ulong state = seed * 0x9E3779B97F4A7C15UL ^ (ulong)index * 0xBF58476D1CE4E5B9UL;

        public ulong Next()
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public int Below(int n) => (int)(Next() % (ulong)n);

        public T Pick<T>(params T[] choices) => choices[Below(choices.Length)];
    }
}
