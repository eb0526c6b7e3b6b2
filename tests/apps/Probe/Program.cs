// Probe: one program the integration tests publish once and boot with different arguments.
// Each mode prints "<MODE>: PASS" or "<MODE>: FAIL <why>" and exits with a code the test checks.
using System.Runtime.InteropServices;

static int Echo(string[] rest)
{
    Console.WriteLine($"argc={rest.Length}");
    for (int i = 0; i < rest.Length; i++)
        Console.WriteLine($"arg[{i}]=<{rest[i]}>");
    foreach (var name in new[] { "GREETING", "EMPTY_OK", "PATH" })
        Console.WriteLine($"env[{name}]=<{Environment.GetEnvironmentVariable(name) ?? "(unset)"}>");
    Console.WriteLine($"rid={RuntimeInformation.RuntimeIdentifier}");
    return 0;
}

static int Gc()
{
    // Allocate far more than the heap keeps alive, including large-object-heap arrays.
    long total = 0;
    var keep = new List<byte[]>();
    for (int i = 0; i < 2000; i++)
    {
        var small = new byte[32 * 1024];
        small[i % small.Length] = 1;
        total += small.Length;
        if (i % 100 == 0)
        {
            var large = new byte[1024 * 1024];
            large[^1] = 2;
            keep.Add(large);
            total += large.Length;
            if (keep.Count > 4) keep.RemoveAt(0);
        }
    }
    GC.Collect(2, GCCollectionMode.Forced, blocking: true);
    GC.WaitForPendingFinalizers();
    int gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
    Console.WriteLine($"allocated={total / (1024 * 1024)}MiB gen0={gen0} gen2={gen2} heap={GC.GetTotalMemory(false) / 1024}KiB");
    bool ok = gen2 >= 1 && gen0 >= 1 && keep.Count == 4 && keep[3][^1] == 2;
    Console.WriteLine(ok ? "GC: PASS" : "GC: FAIL");
    return ok ? 0 : 1;
}

static int Threads()
{
    const int n = 4, perThread = 100000;
    long counter = 0;
    var gate = new object();
    int underLock = 0;
    var threads = new Thread[n];
    for (int t = 0; t < n; t++)
    {
        threads[t] = new Thread(() =>
        {
            for (int i = 0; i < perThread; i++)
            {
                Interlocked.Increment(ref counter);
                if (i % 1000 == 0) lock (gate) underLock++;
            }
        });
        threads[t].Start();
    }
    foreach (var th in threads) th.Join();
    var sum = Task.Run(() => Enumerable.Range(1, 1000).Sum()).Result;
    // Threads get NativeAOT's stack for musl (1.5 MiB), not musl's 128 KiB: .NET's stack check passes on a new
    // thread and on the thread pool's (Microsoft.Extensions.DependencyInjection hops threads when it fails), and
    // 1 MiB of frames fits on a thread created without a size.
    bool newThreadStack = false, poolStack = false;
    int deep = -1;
    var big = new Thread(() =>
    {
        newThreadStack = System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack();
        deep = StackFrames(1024);
    });
    big.Start();
    big.Join();
    poolStack = Task.Run(System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack).Result;
    bool ok = counter == n * perThread && underLock == n * perThread / 1000 && sum == 500500 && newThreadStack &&
              poolStack && deep == 1024;
    Console.WriteLine($"counter={counter} underLock={underLock} sum={sum} stack check: new thread {newThreadStack}, " +
                      $"thread pool {poolStack}; 1 KiB frames: {deep}");
    Console.WriteLine(ok ? "THREADS: PASS" : "THREADS: FAIL");
    return ok ? 0 : 1;
}

static int Exceptions()
{
    int passed = 0;
    object? o = null;
    try { o!.ToString(); } catch (NullReferenceException) { passed++; }
    int zero = 0;
    try { Console.WriteLine(10 / zero); } catch (DivideByZeroException) { passed++; }
    int[] arr = new int[3];
    try { arr[zero + 5] = 1; } catch (IndexOutOfRangeException) { passed++; }
    bool fin = false;
    try { try { throw new ApplicationException("x"); } finally { fin = true; } }
    catch (ApplicationException) { if (fin) passed++; }
    Console.WriteLine($"exceptions caught={passed}");
    Console.WriteLine(passed == 4 ? "EXCEPTIONS: PASS" : "EXCEPTIONS: FAIL");
    return passed == 4 ? 0 : 1;
}

// A thread spinning in managed code while another collects: needs time slicing and the GC's
// suspension signal reaching the spinner.
static int SpinGc()
{
    bool stop = false;
    long spins = 0;
    var spinner = new Thread(() => { while (!Volatile.Read(ref stop)) spins++; });
    spinner.Start();
    Thread.Sleep(20);
    var sw = System.Diagnostics.Stopwatch.StartNew();
    for (int i = 0; i < 5; i++) { _ = new byte[4_000_000]; GC.Collect(); }
    Volatile.Write(ref stop, true);
    spinner.Join();
    Console.WriteLine($"collections={GC.CollectionCount(2)} spins>0={spins > 0} ms={sw.ElapsedMilliseconds}");
    Console.WriteLine(spins > 0 ? "SPINGC: PASS" : "SPINGC: FAIL");
    return spins > 0 ? 0 : 1;
}

static int Oom()
{
    var keep = new List<byte[]>();
    try
    {
        while (true) { var b = new byte[1 << 20]; b[0] = 1; b[^1] = 1; keep.Add(b); }
    }
    catch (OutOfMemoryException)
    {
        Console.WriteLine($"OutOfMemoryException after {keep.Count} MiB");
    }
    keep.Clear();
    GC.Collect();
    var again = new byte[8 << 20];
    again[^1] = 3;
    bool ok = again[^1] == 3;
    Console.WriteLine(ok ? "OOM: PASS" : "OOM: FAIL");
    return ok ? 0 : 1;
}

// /tmp is writable; /proc/meminfo reports the guest's memory; missing files throw.
static int Files()
{
    Directory.CreateDirectory("/tmp/a/b");
    File.WriteAllText("/tmp/a/b/x.txt", "hello file");
    File.AppendAllText("/tmp/a/b/x.txt", " + more");
    bool ok = File.ReadAllText("/tmp/a/b/x.txt") == "hello file + more";
    ok &= Directory.GetFiles("/tmp/a/b").SequenceEqual(new[] { "/tmp/a/b/x.txt" });
    File.Move("/tmp/a/b/x.txt", "/tmp/a/y.txt");
    ok &= !File.Exists("/tmp/a/b/x.txt") && new FileInfo("/tmp/a/y.txt").Length == 17;
    var data = new byte[300_000];
    new Random(7).NextBytes(data);
    using (var fs = new FileStream("/tmp/big.bin", FileMode.Create))
    {
        fs.Write(data);
        fs.Seek(5, SeekOrigin.Begin);
        fs.WriteByte(42);
    }
    data[5] = 42;
    ok &= File.ReadAllBytes("/tmp/big.bin").AsSpan().SequenceEqual(data);
    File.Delete("/tmp/a/y.txt");
    Directory.Delete("/tmp/a", recursive: true);
    ok &= !Directory.Exists("/tmp/a");
    string memTotal = File.ReadAllLines("/proc/meminfo")[0];
    Console.WriteLine(memTotal);
    ok &= memTotal.StartsWith("MemTotal:");
    try { File.ReadAllText("/nonexistent"); ok = false; } catch (FileNotFoundException) { }
    ok &= Environment.CurrentDirectory == "/" || Environment.CurrentDirectory.Length > 0;
    // Bundled by the SDK next to the program: read it the way ASP.NET Core's configuration does.
    string bundled = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
    string text = File.Exists(bundled) ? File.ReadAllText(bundled).Trim() : "(none)";
    Console.WriteLine($"bundled={text}");
    ok &= text.Contains("bundled hello");
    File.WriteAllText(bundled, "{ \"Greeting\": \"changed\" }");
    ok &= File.ReadAllText(bundled).Contains("changed");
    Console.WriteLine(ok ? "FILES: PASS" : "FILES: FAIL");
    return ok ? 0 : 1;
}

// eventfd through libc: a counter that wakes a thread blocked in poll() on it.
static unsafe int EventFd()
{
    int fd = Libc.eventfd(0, 0);
    if (fd < 0) { Console.WriteLine("EVENTFD: FAIL eventfd"); return 1; }
    var waiter = new Thread(() =>
    {
        var p = new Libc.PollFd { fd = fd, events = 1 };
        int ready = Libc.poll(&p, 1, 10_000);
        ulong value = 0;
        long n = Libc.read(fd, &value, 8);
        Console.WriteLine($"poll={ready} revents={p.revents} read={n} value={value}");
    });
    waiter.Start();
    Thread.Sleep(50);
    ulong add = 5;
    Libc.write(fd, &add, 8);
    Libc.write(fd, &add, 8);
    waiter.Join();
    Console.WriteLine("EVENTFD: done");
    return 0;
}

// A TLS 1.3 handshake and an echo between two SslStreams in the program, over a pair of connected
// in-memory streams: OpenSSL's TLS, X.509 and the certificate API inside the unikernel.
static int Tls()
{
    using var rsa = System.Security.Cryptography.RSA.Create(2048);
    var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
        "CN=unikernel.test", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256,
        System.Security.Cryptography.RSASignaturePadding.Pkcs1);
    using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    var (a, b) = DuplexPipe.CreatePair();
    using var server = new System.Net.Security.SslStream(a);
    using var client = new System.Net.Security.SslStream(b, false, (_, _, _, _) => true);
    var serverTask = server.AuthenticateAsServerAsync(cert);
    client.AuthenticateAsClient("unikernel.test");
    serverTask.Wait();
    client.Write("ping"u8);
    var buf = new byte[4];
    int n = server.Read(buf);
    bool ok = n == 4 && buf.AsSpan().SequenceEqual("ping"u8);
    Console.WriteLine($"protocol={client.SslProtocol} cipher={client.NegotiatedCipherSuite} echo={System.Text.Encoding.ASCII.GetString(buf, 0, n)}");
    Console.WriteLine(ok ? "TLS: PASS" : "TLS: FAIL");
    return ok ? 0 : 1;
}

static int Recurse(int n) => n == 0 ? 0 : 1 + Recurse(n + 1);

// n frames of 1 KiB each; returns n when every frame kept its own bytes.
[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static int StackFrames(int n)
{
    Span<byte> frame = stackalloc byte[1024];
    frame.Fill((byte)n);
    int below = n > 1 ? StackFrames(n - 1) : 0;
    return frame[0] == (byte)n && frame[^1] == (byte)n ? below + 1 : below;
}

// Starts n threads (default stack size) that wait, then releases and joins them: each thread's stack counts by the
// pages it touches, so many fit in a small VM although their stacks add up to more than its memory.
static int IdleThreads(int n)
{
    using var release = new ManualResetEventSlim();
    var started = new CountdownEvent(n);
    var threads = new Thread[n];
    for (int i = 0; i < n; i++)
    {
        threads[i] = new Thread(() =>
        {
            started.Signal();
            release.Wait();
        });
        threads[i].Start();
    }
    started.Wait();
    Console.WriteLine($"{n} threads started");
    release.Set();
    foreach (var t in threads) t.Join();
    Console.WriteLine("IDLE-THREADS: PASS");
    return 0;
}

var mode = args.Length > 0 ? args[0] : "hello";
switch (mode)
{
    case "hello":
        Console.WriteLine("Hello from a .NET unikernel!");
        return 0;
    case "echo":
        return Echo(args[1..]);
    case "gc":
        return Gc();
    case "threads":
        return Threads();
    case "idle-threads":
        return IdleThreads(int.Parse(args[1]));
    case "layout":
        return LayoutProbe.Run();
    case "exit":
        Console.WriteLine($"exiting with {args[1]}");
        return int.Parse(args[1]);
    case "exceptions":
        return Exceptions();
    case "spingc":
        return SpinGc();
    case "readline":
        Console.Error.WriteLine("reading two lines"); // the terminal tests type once they see it
        string? first = Console.ReadLine();
        string? next = Console.ReadLine();
        Console.WriteLine($"got <{first}> then <{next ?? "(eof)"}>");
        return first == "Ada Lovelace" && next is null ? 0 : 1;
    case "readlines":
        // Every line of standard input, counted: console input that stalls mid-stream shows as a hang.
        int lines = 0;
        long chars = 0;
        while (Console.ReadLine() is string line)
        {
            lines++;
            chars += line.Length;
        }
        Console.WriteLine($"read {lines} lines, {chars} characters");
        return 0;
    case "eventfd":
        return EventFd();
    case "poll":
        return PollProbe.Run();
    case "net":
        return NetProbe.Run();
    case "net-async":
        return await NetProbe.RunAsync();
    case "epoll":
        return EpollProbe.Run();
    case "inotify":
        return InotifyProbe.Run();
    case "tcp-echo-server":
        return TcpProbe.EchoServer(args[1..]);
    case "tcp-client":
        return TcpProbe.Client(args[1..]);
    case "tcp-connects":
        return TcpProbe.Connects(args[1..]);
    case "net-config":
        return TcpProbe.Config();
    case "tcp-serve":
        return await ServeProbe.TcpAsync(args[1..]);
    case "udp-serve":
        return await ServeProbe.UdpAsync(args[1..]);
    case "http-get":
        return await ServeProbe.HttpGetAsync(args[1..]);
    case "net-info":
        return NetInfoProbe.Run(args[1..]);
    case "disks":
        return DiskProbe.List();
    case "disk":
        return await DiskProbe.Run(args.Length > 1 ? args[1] : "/dev/vda", args.Length > 2 ? args[2] : "/dev/vdb");
    case "disk-direct":
        return DiskCacheProbe.Direct(args.Length > 1 ? args[1] : "/dev/vda");
    case "disk-crash":
        return DiskCacheProbe.Crash(args.Length > 1 ? args[1] : "/dev/vda");
    case "disk-cache":
        return DiskCacheProbe.Cache(args.Length > 1 ? args[1] : "/dev/vda");
    case "tls":
        return Tls();
    case "oom":
        return Oom();
    case "files":
        return Files();
    case "overflow":
        return Recurse(1);
    case "overflow-thread":
        return ExhaustionProbe.OverflowOnThread();
    case "emfile":
        return ExhaustionProbe.Emfile();
    case "enospc":
        return ExhaustionProbe.Enospc();
    case "threadlimit":
        return ExhaustionProbe.ThreadLimit();
    case "syscall-fuzz":
        return SyscallFuzzProbe.Run(args);
    case "kheap":
        return ExhaustionProbe.KernelHeap();
    case "sleep":
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Thread.Sleep(200);
        Task.Delay(100).Wait();
        Console.WriteLine($"slept={watch.ElapsedMilliseconds}ms utc={DateTime.UtcNow:O}");
        return watch.ElapsedMilliseconds is >= 300 and < 2000 ? 0 : 1;
    case "cancelkey":
        // ^C on the console: the kernel's line discipline sends SIGINT, .NET raises CancelKeyPress.
        using (var cancelled = new ManualResetEventSlim())
        {
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancelled.Set(); };
            Console.WriteLine("waiting for ^C");
            bool got = cancelled.Wait(TimeSpan.FromSeconds(30));
            Console.WriteLine(got ? "CANCELKEY: PASS" : "CANCELKEY: FAIL");
            return got ? 0 : 1;
        }
    case "sigterm":
        return TermProbe.Run();
    case "bytes":
        return StreamProbe.Bytes(int.Parse(args[1]));
    case "cat":
        return StreamProbe.Cat();
    case "streams":
        return StreamProbe.Streams(int.Parse(args[1]));
    case "flood":
        return StreamProbe.Flood(int.Parse(args[1]));
    case "redirection":
        return StreamProbe.Redirection();
    case "bench":
        return Benchmarks.Run(args[1], int.Parse(args[2]));
    case "failfast":
        Environment.FailFast("failing fast on purpose");
        return 0;
    case "throw":
        throw new InvalidOperationException("unhandled on purpose");
    default:
        Console.Error.WriteLine($"unknown mode '{mode}'");
        return 64;
}

static unsafe class Libc
{
    public struct PollFd { public int fd; public short events, revents; }
    [System.Runtime.InteropServices.DllImport("libc")] public static extern int eventfd(uint initval, int flags);
    [System.Runtime.InteropServices.DllImport("libc")] public static extern int poll(PollFd* fds, ulong nfds, int timeout);
    [System.Runtime.InteropServices.DllImport("libc")] public static extern long read(int fd, void* buf, ulong count);
    [System.Runtime.InteropServices.DllImport("libc")] public static extern long write(int fd, void* buf, ulong count);
}

/// <summary>Two streams joined back to back: what one writes, the other reads.</summary>
sealed class DuplexPipe : Stream
{
    private readonly System.IO.Pipelines.Pipe _in, _out;
    private DuplexPipe(System.IO.Pipelines.Pipe @in, System.IO.Pipelines.Pipe @out) => (_in, _out) = (@in, @out);

    public static (Stream, Stream) CreatePair()
    {
        var ab = new System.IO.Pipelines.Pipe();
        var ba = new System.IO.Pipelines.Pipe();
        return (new DuplexPipe(ba, ab), new DuplexPipe(ab, ba));
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct)
    {
        var result = await _in.Reader.ReadAsync(ct);
        int n = (int)Math.Min(count, result.Buffer.Length);
        System.Buffers.BuffersExtensions.CopyTo(result.Buffer.Slice(0, n), buffer.AsSpan(offset, n));
        _in.Reader.AdvanceTo(result.Buffer.GetPosition(n));
        return n;
    }
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();
    public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct)
    {
        await _out.Writer.WriteAsync(buffer.AsMemory(offset, count), ct);
    }
    public override void Flush() { }
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
