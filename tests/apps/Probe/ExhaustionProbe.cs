// Modes that exhaust a resource and expect Linux's answer, never a hang or a kernel panic: the fd table (EMFILE as
// an IOException, then the descriptors work again once closed), /tmp on a small VM (ENOSPC as an IOException, and
// the program goes on: memory and files work once the file is gone), threads (clone's EAGAIN as .NET's
// OutOfMemoryException or ThreadStartException, then the blocked threads finish and a new one starts), and a stack
// overflow on a thread other than the first (the kernel's report names that thread), and the kernel's own memory
// short while the program holds the rest (calls fail with managed exceptions, then work). Each prints "<MODE>: PASS".
static class ExhaustionProbe
{
    private const int EMFILE = 24, ENOSPC = 28; // the same on x86_64 and arm64

    public static int Emfile()
    {
        var open = new List<Microsoft.Win32.SafeHandles.SafeFileHandle>();
        string? error = null;
        int errno = 0;
        try
        {
            for (int i = 0; i < 100_000; i++)
                open.Add(File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read));
        }
        catch (IOException e)
        {
            // .NET keeps errno as the HResult; the message is the C library's (musl: "No file descriptors available")
            error = e.Message;
            errno = e.HResult;
        }
        int count = open.Count;
        foreach (var h in open) h.Dispose();
        bool again;
        using (var h = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read))
            again = !h.IsInvalid;
        Console.WriteLine($"opened {count}; then: errno={errno} {error ?? "(no error)"}");
        bool ok = errno == EMFILE && count is > 900 and < 1024 && again;
        Console.WriteLine(ok ? "EMFILE: PASS" : "EMFILE: FAIL");
        return ok ? 0 : 1;
    }

    public static int Enospc()
    {
        const string path = "/tmp/fill.bin";
        var chunk = new byte[1 << 20];
        new Random(1).NextBytes(chunk);
        long written = 0;
        string? error = null;
        int errno = 0;
        try
        {
            using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
            for (int i = 0; i < 1024; i++) // 1 GiB, far more than the VM holds
            {
                fs.Write(chunk);
                written += chunk.Length;
            }
        }
        catch (IOException e)
        {
            error = e.Message;
            errno = e.HResult;
        }
        Console.WriteLine($"wrote {written >> 20} MiB; then: errno={errno} {error ?? "(no error)"}");
        File.Delete(path);
        // The space is back: a file and managed memory work again.
        File.WriteAllBytes("/tmp/after.bin", chunk);
        var more = new byte[16 << 20];
        more[^1] = 1;
        bool ok = errno == ENOSPC && written < (1L << 30) &&
                  new FileInfo("/tmp/after.bin").Length == chunk.Length && more[^1] == 1;
        Console.WriteLine(ok ? "ENOSPC: PASS" : "ENOSPC: FAIL");
        return ok ? 0 : 1;
    }

    public static int ThreadLimit()
    {
        // The console first: its initialization starts .NET's signal-handling thread, which needs a thread to start.
        Console.WriteLine("starting threads until the kernel refuses one");
        using var release = new ManualResetEventSlim();
        var threads = new List<Thread>();
        Exception? error = null;
        try
        {
            for (int i = 0; i < 100_000; i++)
            {
                var t = new Thread(() => release.Wait(), 64 * 1024);
                t.Start();
                threads.Add(t);
            }
        }
        catch (Exception e) when (e is OutOfMemoryException or ThreadStartException)
        {
            error = e;
        }
        Console.WriteLine($"started {threads.Count} threads; then: {error?.GetType().Name ?? "(no error)"} {error?.Message}");
        release.Set();
        foreach (var t in threads) t.Join();
        bool ranAgain = false;
        var last = new Thread(() => ranAgain = true);
        last.Start();
        last.Join();
        bool ok = error is not null && threads.Count > 10 && ranAgain;
        Console.WriteLine(ok ? "THREADLIMIT: PASS" : "THREADLIMIT: FAIL");
        return ok ? 0 : 1;
    }

    /// <summary>
    /// Native memory held (and touched) by the program until the kernel refuses more (its commit limit keeps a reserve
    /// for page tables, kernel stacks and files: lib/boot/boot.c), then calls that need the kernel's own memory (a
    /// pipe, a file in /tmp, a thread, a timer): each works or fails with a managed exception, never a kernel panic;
    /// once the memory is given back, all of them work.
    /// </summary>
    public static unsafe int KernelHeap()
    {
        Console.WriteLine("holding native memory until the kernel refuses more");
        string[] before = Calls(); // the calls' code and managed objects are ready before memory runs short
        var keep = new List<IntPtr>(4096);
        try
        {
            while (keep.Count < 4096)
            {
                byte* p = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc(1 << 20);
                new Span<byte>(p, 1 << 20).Fill(1); // every page touched: frames, not just addresses
                keep.Add((IntPtr)p);
            }
        }
        catch (OutOfMemoryException)
        {
        }
        int free = FreeKernelMiB();
        string[] starved = Calls();
        foreach (IntPtr p in keep) System.Runtime.InteropServices.NativeMemory.Free((void*)p);
        string[] after = Calls();
        Console.WriteLine($"held {keep.Count} MiB, {free} MiB left free; with memory short: {string.Join(", ", starved)}");
        Console.WriteLine($"after: {string.Join(", ", after)}");
        bool ok = keep.Count > 0 && keep.Count < 4096 && before.Concat(after).All(r => r.EndsWith("=ok", StringComparison.Ordinal));
        Console.WriteLine(ok ? "KHEAP: PASS" : "KHEAP: FAIL");
        return ok ? 0 : 1;
    }

    /// <summary>MemFree of /proc/meminfo, in MiB (-1 when unreadable).</summary>
    private static int FreeKernelMiB()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemFree:", StringComparison.Ordinal))
                    return int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        }
        catch (Exception e) when (e is IOException or OutOfMemoryException)
        {
        }
        return -1;
    }

    private static string[] Calls() =>
    [
        Try("pipe", () =>
        {
            using var server = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
            using var client = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, server.ClientSafePipeHandle);
            server.WriteByte(7);
            if (client.ReadByte() != 7) throw new InvalidOperationException("pipe lost its byte");
        }),
        Try("file", () =>
        {
            File.WriteAllBytes("/tmp/kheap.bin", new byte[64 << 10]);
            File.Delete("/tmp/kheap.bin");
        }),
        Try("thread", () =>
        {
            var t = new Thread(() => { });
            t.Start();
            t.Join();
        }),
        Try("timer", () => Thread.Sleep(1)),
    ];

    private static string Try(string name, Action call)
    {
        try
        {
            call();
            return name + "=ok";
        }
        catch (Exception e) when (e is IOException or OutOfMemoryException or ThreadStartException or UnauthorizedAccessException)
        {
            return $"{name}={e.GetType().Name}";
        }
    }

    public static int OverflowOnThread()
    {
        var t = new Thread(() => Console.WriteLine(Recurse(1)));
        t.Start();
        t.Join();
        Console.WriteLine("OVERFLOW-THREAD: FAIL (the recursion returned)");
        return 1;
    }

    private static int Recurse(int n) => n == 0 ? 0 : 1 + Recurse(n + 1);
}
