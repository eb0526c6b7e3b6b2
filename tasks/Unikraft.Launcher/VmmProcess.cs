// Runs the VMM (QEMU or Firecracker) as a child whose console is the terminal; Ctrl-C and SIGTERM become a graceful
// shutdown request to the guest where the VMM takes one, else they are passed on.
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Unikraft.Launcher;

/// <summary>How a VMM run ended.</summary>
/// <param name="Status">The VMM's exit status.</param>
/// <param name="Interrupted">Ctrl-C or SIGTERM stopped it (not a graceful shutdown, after which the program's code counts).</param>
/// <param name="ExitLine">The kernel's last <c>[uk] exit: …</c> console line when the console was tapped, else null.</param>
public sealed record VmmRun(int Status, bool Interrupted, string? ExitLine);

/// <summary>Starts the VMM and waits for it.</summary>
public static class VmmProcess
{
    /// <summary>How long a program may take to end after a graceful shutdown request before the VM is stopped.</summary>
    public static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs <paramref name="binary"/> with inherited stdin and stderr. Its stdout is inherited too, or, with
    /// <paramref name="tapConsole"/>, read through <see cref="ConsoleTap"/> (for VMMs whose only exit channel is
    /// the console). Throws <see cref="System.ComponentModel.Win32Exception"/> when it cannot start.
    /// <para>
    /// With <paramref name="requestShutdown"/> (QEMU's system_powerdown through <see cref="QmpClient"/>), the first
    /// Ctrl-C or SIGTERM asks the VM to shut down: the program gets SIGTERM, finishes and the VM powers off with
    /// its exit code. A second one, or <see cref="GracefulStopTimeout"/>, stops the VMM. The VMM then runs in a
    /// session of its own (<c>setsid</c>), so that the terminal's Ctrl-C reaches the launcher only; its console
    /// is still the terminal. Without it (or without <c>setsid</c>), Ctrl-C and SIGTERM stop the VMM at once.
    /// </para>
    /// </summary>
    public static VmmRun Run(string binary, IReadOnlyList<string> arguments, bool tapConsole, Func<bool>? requestShutdown = null)
    {
        string? setsid = requestShutdown is not null && OperatingSystem.IsLinux() ? Unikraft.Sdk.ExecutableSearch.Find("setsid") : null;
        var startInfo = new ProcessStartInfo(setsid ?? binary) { UseShellExecute = false, RedirectStandardOutput = tapConsole };
        if (setsid is not null)
        {
            startInfo.ArgumentList.Add(binary);
        }

        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{binary} did not start");

        // The first signal asks for a graceful shutdown when the VMM can take one; any other stops the VMM: a
        // SIGINT or SIGTERM passed on makes it shut down cleanly, restoring the terminal, and the launcher reports 130.
        bool interrupted = false;
        int signals = 0;
        Timer? deadline = null;
        void Stop(int signal)
        {
            interrupted = true;
            ProcessSignals.Send(process.Id, signal);
        }

        void OnSignal(int signal)
        {
            if (Interlocked.Increment(ref signals) == 1 && setsid is not null && requestShutdown!())
            {
                Console.Error.WriteLine(
                    $"unikraft: asked the VM to shut down (the program gets SIGTERM); Ctrl-C again stops it at once, as will {GracefulStopTimeout.TotalSeconds:0} s");
                deadline = new Timer(_ => Stop(ProcessSignals.SigTerm), null, GracefulStopTimeout, Timeout.InfiniteTimeSpan);
                return;
            }

            Stop(signal);
        }

        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            OnSignal(ProcessSignals.SigInt);
        };
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            OnSignal(ProcessSignals.SigTerm);
        });

        // A VMM in its own session does not get the terminal's hang-up: when the terminal goes away, it stops with us.
        using PosixSignalRegistration hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Stop(ProcessSignals.SigTerm);
        });

        string? exitLine = null;
        if (tapConsole)
        {
            using Stream terminal = Console.OpenStandardOutput();
            exitLine = ConsoleTap.Copy(process.StandardOutput.BaseStream, terminal);
        }

        process.WaitForExit();
        deadline?.Dispose();
        return new VmmRun(process.ExitCode, interrupted, exitLine);
    }
}
