// The "sigterm" mode: a graceful shutdown. The program says it is running, waits until SIGTERM arrives (the VMM's
// power button or Ctrl-Alt-Del through the kernel, or a signal to the launcher) or SIGINT (Ctrl-C typed at the
// guest's terminal) — both stop it, as ASP.NET Core's host does — then still finishes the work it had started: a
// timer, the thread pool and a file write run after the signal. It exits with 42, so a test tells its own exit
// from the default action of SIGTERM (143) or SIGINT (130).
using System.Runtime.InteropServices;

static class TermProbe
{
    public const int ExitCode = 42;

    public static int Run()
    {
        using var stopping = new ManualResetEventSlim();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // no default action: the program ends when it is done
            Console.WriteLine($"{context.Signal}: received");
            stopping.Set();
        }

        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        Console.WriteLine("SIGTERM: running");
        if (!stopping.Wait(TimeSpan.FromMinutes(3)))
        {
            Console.WriteLine("SIGTERM: FAIL no signal within 3 minutes");
            return 1;
        }

        // In-flight work after the request: it must all still run.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Thread.Sleep(100);
        int sum = Task.Run(() => Enumerable.Range(1, 100).Sum()).Result;
        File.WriteAllText("/tmp/flushed", $"sum={sum}");
        bool ok = File.ReadAllText("/tmp/flushed") == "sum=5050" && watch.ElapsedMilliseconds >= 100;
        Console.WriteLine(ok ? $"SIGTERM: cleanup done, exiting with {ExitCode}" : "SIGTERM: FAIL cleanup");
        return ok ? ExitCode : 1;
    }
}
