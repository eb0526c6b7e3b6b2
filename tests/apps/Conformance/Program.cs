// Conformance: BCL behaviour a .NET service relies on, checked inside the unikernel. Each check prints
// "PASS <name>" or "FAIL <name>: <why>"; the last line is "SUMMARY <passed> passed, <failed> failed".
// Argument: the host's Unix time in seconds (for the clock check), or nothing to skip that check.
using System.Diagnostics;
using System.Security.Cryptography;

var checks = new List<(string Name, Func<string?> Run)>
{
    ("clock", () =>
    {
        // args[0] is the host's clock when the launcher started QEMU; since then the guest has been up
        // for its monotonic uptime (TickCount64 counts from the kernel's boot). Wall clocks agree to 1 s.
        if (args.Length == 0) return null;
        double host = double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        double guest = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        double uptime = Environment.TickCount64 / 1000.0;
        var sw = Stopwatch.StartNew();
        Thread.Sleep(50);
        double lag = guest - host - uptime;
        return Math.Abs(lag) < 1 && sw.ElapsedMilliseconds >= 50 ? null : $"guest {guest:F3} host {host:F3} uptime {uptime:F3}";
    }),
    ("interlocked-threads", () =>
    {
        long n = 0;
        var ts = Enumerable.Range(0, 4).Select(_ => new Thread(() => { for (int i = 0; i < 50_000; i++) Interlocked.Increment(ref n); })).ToList();
        ts.ForEach(t => t.Start());
        ts.ForEach(t => t.Join());
        return n == 200_000 ? null : $"count {n}";
    }),
    ("monitor-contention", () =>
    {
        var gate = new object();
        int inside = 0, maxInside = 0, total = 0;
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 2000; i++)
                lock (gate) { inside++; maxInside = Math.Max(maxInside, inside); total++; inside--; }
        });
        return total == 16_000 && maxInside == 1 ? null : $"total {total} max {maxInside}";
    }),
    ("parallel-for", () =>
    {
        var sums = new long[1000];
        Parallel.For(0, 1000, i => sums[i] = Enumerable.Range(0, i).Sum(x => (long)x));
        return sums[999] == 498_501 ? null : $"sum {sums[999]}";
    }),
    ("thread-pool", () =>
    {
        int done = 0;
        using var all = new CountdownEvent(100);
        for (int i = 0; i < 100; i++)
            ThreadPool.QueueUserWorkItem(_ => { Interlocked.Increment(ref done); all.Signal(); });
        return all.Wait(TimeSpan.FromSeconds(30)) && done == 100 ? null : $"done {done}";
    }),
    ("task-delay-timers", () =>
    {
        var sw = Stopwatch.StartNew();
        Task.WhenAll(Task.Delay(100), Task.Delay(150)).Wait();
        int ticks = 0;
        using var timer = new Timer(_ => Interlocked.Increment(ref ticks), null, 10, 10);
        Thread.Sleep(200);
        long ms = sw.ElapsedMilliseconds;
        return ms >= 340 && ms < 3000 && ticks >= 5 ? null : $"elapsed {ms} ms, {ticks} ticks";
    }),
    ("async-await-chain", () =>
    {
        static async Task<int> Depth(int n) { if (n == 0) return 0; await Task.Yield(); return 1 + await Depth(n - 1); }
        int r = Depth(200).Result;
        return r == 200 ? null : $"depth {r}";
    }),
    ("gc-churn", () =>
    {
        long total = 0;
        var live = new List<byte[]>();
        long limit = 3 * GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        while (total < limit)
        {
            var b = new byte[64 * 1024];
            total += b.Length;
            live.Add(b);
            if (live.Count > 64) live.RemoveRange(0, 32);
        }
        return GC.CollectionCount(0) > 0 ? null : "no collection";
    }),
    ("loh", () =>
    {
        var big = new byte[50 * 1024 * 1024];
        big[^1] = 7;
        bool loh = GC.GetGeneration(big) == 2;
        return big[^1] == 7 && loh ? null : $"generation {GC.GetGeneration(big)}";
    }),
    ("finalizers", () =>
    {
        Finalized.Count = 0;
        static void Make() { for (int i = 0; i < 100; i++) _ = new Finalized(); }
        Make();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Finalized.Count > 0 ? null : "no finalizer ran";
    }),
    ("gc-memory-info", () =>
    {
        var info = GC.GetGCMemoryInfo();
        return info.TotalAvailableMemoryBytes > 16 << 20 && info.TotalAvailableMemoryBytes < 64L << 30 ? null : $"available {info.TotalAvailableMemoryBytes}";
    }),
    ("exceptions", () =>
    {
        int caught = 0;
        object? o = null;
        try { _ = o!.GetHashCode(); } catch (NullReferenceException) { caught++; }
        int z = 0;
        try { _ = 5 / z; } catch (DivideByZeroException) { caught++; }
        var one = new int[1];
        try { _ = one[z + 3]; } catch (IndexOutOfRangeException) { caught++; }
        try { throw new CustomException(); } catch (CustomException) { caught++; }
        bool fin = false;
        try { try { throw new InvalidOperationException(); } finally { fin = true; } } catch (InvalidOperationException) { if (fin) caught++; }
        return caught == 5 ? null : $"caught {caught}";
    }),
    ("random", () =>
    {
        var g = new HashSet<Guid>(Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid()));
        var bytes = RandomNumberGenerator.GetBytes(64);
        var dev = new byte[64];
        using (var urandom = File.OpenRead("/dev/urandom")) urandom.ReadExactly(dev);
        int r = Random.Shared.Next(1, 7);
        return g.Count == 1000 && bytes.Any(b => b != 0) && dev.Any(b => b != 0) && r is >= 1 and < 7 ? null : "not random";
    }),
    // System.Security.Cryptography over the OpenSSL the runtime pack links in statically.
    ("crypto", () =>
    {
        string sha = Convert.ToHexString(SHA256.HashData("abc"u8)).ToLowerInvariant();
        byte[] key = RandomNumberGenerator.GetBytes(32), nonce = RandomNumberGenerator.GetBytes(12);
        byte[] plain = "unikernel"u8.ToArray(), cipher = new byte[plain.Length], tag = new byte[16], back = new byte[plain.Length];
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Encrypt(nonce, plain, cipher, tag);
            gcm.Decrypt(nonce, cipher, tag, back);
        }
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        bool signed = ecdsa.VerifyData(plain, ecdsa.SignData(plain, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256);
        return sha == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" && back.AsSpan().SequenceEqual(plain) && signed
            ? null : $"sha {sha} gcm {back.AsSpan().SequenceEqual(plain)} ecdsa {signed}";
    }),
    ("files", () =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "conf");
        Directory.CreateDirectory(dir);
        File.WriteAllLines(Path.Combine(dir, "a.txt"), ["one", "two"]);
        var lines = File.ReadAllLines(Path.Combine(dir, "a.txt"));
        Directory.Delete(dir, true);
        return lines.SequenceEqual(["one", "two"]) ? null : "contents differ";
    }),
    ("environment", () =>
    {
        return Environment.ProcessorCount >= 1 && Environment.GetEnvironmentVariable("CONFORMANCE") == "yes"
            && Environment.OSVersion.Platform == PlatformID.Unix ? null
            : $"cpus {Environment.ProcessorCount} env {Environment.GetEnvironmentVariable("CONFORMANCE")}";
    }),
};

int passed = 0, failed = 0;
foreach (var (name, run) in checks)
{
    string? why;
    try { why = run(); } catch (Exception e) { why = e.GetType().Name + ": " + e.Message; }
    if (why is null) { passed++; Console.WriteLine($"PASS {name}"); }
    else { failed++; Console.WriteLine($"FAIL {name}: {why}"); }
}
Console.WriteLine($"SUMMARY {passed} passed, {failed} failed");
return failed == 0 ? 0 : 1;

sealed class Finalized
{
    public static int Count;
    ~Finalized() => Interlocked.Increment(ref Count);
}

sealed class CustomException : Exception;
