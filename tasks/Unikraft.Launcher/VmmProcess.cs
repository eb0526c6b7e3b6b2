// Runs the VMM (QEMU or Firecracker) as a child whose console is the terminal, passing Ctrl-C and SIGTERM on.
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Unikraft.Launcher;

/// <summary>How a VMM run ended.</summary>
/// <param name="Status">The VMM's exit status.</param>
/// <param name="Interrupted">Ctrl-C or SIGTERM stopped it.</param>
/// <param name="ExitLine">The kernel's last <c>[uk] exit: …</c> console line when the console was tapped, else null.</param>
public sealed record VmmRun(int Status, bool Interrupted, string? ExitLine);

/// <summary>Starts the VMM and waits for it.</summary>
public static class VmmProcess
{
    /// <summary>
    /// Runs <paramref name="binary"/> with inherited stdin and stderr. Its stdout is inherited too, or, with
    /// <paramref name="tapConsole"/>, read through <see cref="ConsoleTap"/> (for VMMs whose only exit channel is
    /// the console). Throws <see cref="System.ComponentModel.Win32Exception"/> when it cannot start.
    /// </summary>
    public static VmmRun Run(string binary, IReadOnlyList<string> arguments, bool tapConsole)
    {
        var startInfo = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = tapConsole };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{binary} did not start");

        // Ctrl-C in a terminal reaches the VMM too (same process group); a SIGINT or SIGTERM sent to the launcher
        // alone is passed on. The VMM then shuts down cleanly, restoring the terminal, and the launcher reports 130.
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

        string? exitLine = null;
        if (tapConsole)
        {
            using Stream terminal = Console.OpenStandardOutput();
            exitLine = ConsoleTap.Copy(process.StandardOutput.BaseStream, terminal);
        }

        process.WaitForExit();
        return new VmmRun(process.ExitCode, interrupted, exitLine);
    }
}
