// Runs the VMM (QEMU or Firecracker) as a child whose serial console is the framed console, demultiplexed onto the
// launcher's stdout and stderr, with the launcher's stdin as the program's; passes SIGINT and SIGTERM on.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Unikraft.Launcher;

/// <summary>How a VMM run ended.</summary>
/// <param name="Status">The VMM's exit status.</param>
/// <param name="Interrupted">SIGINT or SIGTERM stopped it.</param>
/// <param name="ExitLine">The kernel's last <c>[uk] exit: …</c> log line, else null.</param>
public sealed record VmmRun(int Status, bool Interrupted, string? ExitLine);

/// <summary>Starts the VMM and waits for it.</summary>
public static class VmmProcess
{
    /// <summary>
    /// Runs <paramref name="binary"/> with inherited stderr; its stdin and stdout are the serial console, which the
    /// kernel frames (<see cref="ConsoleOptions()"/>): stdout frames go to the launcher's stdout, stderr and kernel log
    /// frames to its stderr (<see cref="ConsoleDemultiplexer"/>), the launcher's stdin to the program
    /// (<see cref="StdinPump"/>). A terminal stdin is put in raw mode meanwhile: the guest's line discipline echoes.
    /// Returns after the VMM exited and its last byte was passed on. Throws
    /// <see cref="System.ComponentModel.Win32Exception"/> when it cannot start.
    /// </summary>
    public static VmmRun Run(string binary, IReadOnlyList<string> arguments)
    {
        var startInfo = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{binary} did not start");
        using TerminalMode? raw = TerminalMode.MakeRaw(0);

        // A SIGINT or SIGTERM sent to the launcher is passed on (^C at a terminal is a byte for the guest); the VMM
        // then shuts down cleanly and the launcher reports 130.
        bool interrupted = false;
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupted = true;
            ProcessSignals.Send(process.Id, ProcessSignals.SigInt);
        };
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            interrupted = true;
            ProcessSignals.Send(process.Id, ProcessSignals.SigTerm);
        });

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
        return new VmmRun(process.ExitCode, interrupted, console.ExitLine);
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
