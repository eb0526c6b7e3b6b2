// Runs the VMM (QEMU or Firecracker) as a child whose serial console is the framed console, demultiplexed onto the
// launcher's stdout and stderr, with the launcher's stdin as the program's. SIGINT and SIGTERM sent to the launcher
// become a graceful shutdown request to the guest where the VMM takes one, else they are passed on.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Unikraft.Launcher;

/// <summary>How a VMM run ended.</summary>
/// <param name="Status">The VMM's exit status.</param>
/// <param name="Interrupted">SIGINT or SIGTERM stopped it (not a graceful shutdown, after which the program's code counts).</param>
/// <param name="ExitLine">The kernel's last <c>[uk] exit: …</c> log line, else null.</param>
/// <param name="Backtrace">The return addresses of the kernel's last backtrace (a panic's), else empty.</param>
public sealed record VmmRun(int Status, bool Interrupted, string? ExitLine, IReadOnlyList<ulong>? Backtrace = null);

/// <summary>Starts the VMM and waits for it.</summary>
public static class VmmProcess
{
    /// <summary>How long a program may take to end after a graceful shutdown request before the VM is stopped.</summary>
    public static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs <paramref name="binary"/> with inherited stderr; its stdin and stdout are the serial console, which the
    /// kernel frames (<see cref="ConsoleOptions()"/>): stdout frames go to the launcher's stdout, stderr and kernel log
    /// frames to its stderr (<see cref="ConsoleDemultiplexer"/>), the launcher's stdin to the program
    /// (<see cref="StdinPump"/>). A terminal stdin is put in raw mode meanwhile: the guest's line discipline echoes,
    /// and a typed Ctrl-C is the program's SIGINT, as for a native process.
    /// <para>
    /// With <paramref name="requestShutdown"/> (QEMU's system_powerdown through <see cref="QmpClient"/>, Firecracker's
    /// SendCtrlAltDel), the first SIGINT or SIGTERM sent to the launcher asks the VM to shut down: the program gets
    /// SIGTERM, finishes and the VM powers off with its exit code. A second one, or <see cref="GracefulStopTimeout"/>,
    /// stops the VMM. When stdin is not a terminal the VMM then runs in a session of its own (<c>setsid</c>), so that
    /// signals for the terminal's process group (Ctrl-C) reach the launcher only. Without it, SIGINT and SIGTERM stop
    /// the VMM at once.
    /// </para>
    /// Returns after the VMM exited and its last byte was passed on. Throws
    /// <see cref="System.ComponentModel.Win32Exception"/> when it cannot start.
    /// </summary>
    public static VmmRun Run(string binary, IReadOnlyList<string> arguments, Func<bool>? requestShutdown = null)
    {
        // A terminal stdin is put in raw mode, where the terminal makes no signals; otherwise the VMM gets a session of
        // its own, so that the terminal's signals (Ctrl-C with a redirected stdin) reach the launcher only.
        bool terminalInput = TerminalMode.IsTerminal(0);
        string? setsid = requestShutdown is not null && !terminalInput && OperatingSystem.IsLinux()
            ? Unikraft.Sdk.ExecutableSearch.Find("setsid") : null;
        var startInfo = new ProcessStartInfo(setsid ?? binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardInput = true };
        if (setsid is not null)
        {
            startInfo.ArgumentList.Add(binary);
        }

        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The signal handlers come first: a signal that arrives while the VMM starts is passed on once it runs,
        // rather than killing the launcher and leaving a VMM in its own session behind.
        using var process = new Process { StartInfo = startInfo };
        bool started = false;
        int pendingSignal = 0;
        object startLock = new();

        // The first signal asks for a graceful shutdown when the VMM can take one; any other stops the VMM: a
        // SIGINT or SIGTERM passed on makes it shut down cleanly, and the launcher reports 130.
        bool interrupted = false;
        int signals = 0;
        Timer? deadline = null;
        void Stop(int signal)
        {
            interrupted = true;
            lock (startLock)
            {
                if (!started)
                {
                    pendingSignal = signal;
                    return;
                }
            }

            ProcessSignals.Send(process.Id, signal);
        }

        void OnSignal(int signal)
        {
            if (Interlocked.Increment(ref signals) == 1 && requestShutdown is not null)
            {
                // Said before asking: the guest's kernel answers on the same standard error, so a note written
                // after the request could land inside its line.
                Console.Error.WriteLine(
                    $"unikraft: asking the VM to shut down (the program gets SIGTERM); Ctrl-C again stops it at once, as will {GracefulStopTimeout.TotalSeconds:0} s");
                if (requestShutdown())
                {
                    deadline = new Timer(_ => Stop(ProcessSignals.SigTerm), null, GracefulStopTimeout, Timeout.InfiniteTimeSpan);
                    return;
                }

                Console.Error.WriteLine("unikraft: the VM did not take the shutdown request: stopping it");
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

        lock (startLock)
        {
            if (!process.Start())
            {
                throw new InvalidOperationException($"{binary} did not start");
            }

            started = true;
        }

        if (pendingSignal != 0)
        {
            ProcessSignals.Send(process.Id, pendingSignal);
        }

        using TerminalMode? raw = TerminalMode.MakeRaw(0);

        // The standard handles as they are, unbuffered: each frame's bytes are written when they arrive, so that
        // stdout and stderr interleave as the program wrote them.
        using var stdout = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 0);
        using var stderr = new FileStream(new SafeFileHandle(2, ownsHandle: false), FileAccess.Write, 0);
        Stream? terminal = TerminalMode.IsTerminal(1) ? stdout : TerminalMode.IsTerminal(2) ? stderr : null;
        var pump = new StdinPump(OpenStandardInput(), process.StandardInput.BaseStream);
        var console = new ConsoleDemultiplexer(stdout, stderr, terminal, pump.Credit);
        console.FramingStarted += pump.Start;
        pump.RunInBackground();

        Stream serial = process.StandardOutput.BaseStream;
        byte[] buffer = new byte[65536];
        int read;
        while ((read = serial.Read(buffer, 0, buffer.Length)) > 0)
        {
            console.Feed(buffer.AsSpan(0, read));
        }

        pump.Stop();
        process.WaitForExit();
        deadline?.Dispose();
        return new VmmRun(process.ExitCode, interrupted, console.ExitLine, console.Backtrace);
    }

    /// <summary>
    /// The kernel options of the framed console for this launcher's standard handles: <c>uk.console=framed</c> and
    /// <c>uk.tty=</c> with the descriptors (0, 1, 2) that are a terminal.
    /// </summary>
    public static string ConsoleOptions() =>
        ConsoleOptions(TerminalMode.IsTerminal(0), TerminalMode.IsTerminal(1), TerminalMode.IsTerminal(2));

    /// <summary>The kernel options of the framed console, given which standard handles are a terminal.</summary>
    public static string ConsoleOptions(bool stdinTerminal, bool stdoutTerminal, bool stderrTerminal) =>
        "uk.console=framed uk.tty=" + (stdinTerminal ? "0" : "") + (stdoutTerminal ? "1" : "") + (stderrTerminal ? "2" : "");

    private static Stream OpenStandardInput()
    {
        try
        {
            return new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Stream.Null; // no stdin: the program reads its end at once
        }
    }
}
