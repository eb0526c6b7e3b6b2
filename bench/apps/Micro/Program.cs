// Micro: one measurement per run, printed as "RESULT <name> <value> <unit>".
//   syscall   - Thread.Yield() (one sched_yield syscall) round trips
//   switch    - futex ping-pong between two threads (ManualResetEventSlim without spinning)
//   alloc     - GC-heavy allocation: small objects, some surviving, with gen0/gen2 collections
//   idle      - sleeps for the given seconds (the host measures the VM's CPU use meanwhile)
using System.Diagnostics;

static void Result(string name, double value, string unit) => Console.WriteLine($"RESULT {name} {value:F1} {unit}");

string mode = args.Length > 0 ? args[0] : "syscall";
switch (mode)
{
    case "syscall":
    {
        const int n = 200_000;
        for (int i = 0; i < 1000; i++) Thread.Yield();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) Thread.Yield();
        Result("syscall", sw.Elapsed.TotalNanoseconds / n, "ns");
        break;
    }
    case "switch":
    {
        const int n = 20_000;
        var ping = new ManualResetEventSlim(false, 0);
        var pong = new ManualResetEventSlim(false, 0);
        var other = new Thread(() =>
        {
            for (int i = 0; i < n; i++) { ping.Wait(); ping.Reset(); pong.Set(); }
        });
        other.Start();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) { ping.Set(); pong.Wait(); pong.Reset(); }
        other.Join();
        Result("switch", sw.Elapsed.TotalNanoseconds / (2.0 * n), "ns");
        break;
    }
    case "alloc":
    {
        var survivors = new object[4096];
        var sw = Stopwatch.StartNew();
        long bytes = 0;
        for (int i = 0; i < 20_000_000; i++)
        {
            var o = new byte[16 + (i & 63)];
            bytes += o.Length;
            if ((i & 255) == 0) survivors[(i >> 8) & 4095] = o;
        }
        Result("alloc", sw.Elapsed.TotalMilliseconds, "ms");
        Console.WriteLine($"allocated {bytes >> 20} MiB, gen0 {GC.CollectionCount(0)}, gen2 {GC.CollectionCount(2)}");
        break;
    }
    case "idle":
        Thread.Sleep(TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1]) : 5));
        Result("idle", 0, "s");
        break;
}
