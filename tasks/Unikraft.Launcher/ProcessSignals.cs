// Sends POSIX signals to QEMU, so that it shuts down cleanly (and restores the terminal) instead of being killed.
using System.Runtime.InteropServices;

namespace Unikraft.Launcher;

/// <summary>kill(2) for the child QEMU process.</summary>
public static class ProcessSignals
{
    /// <summary>SIGINT: what Ctrl-C sends.</summary>
    public const int SigInt = 2;

    /// <summary>SIGTERM: a polite request to stop.</summary>
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="processId"/>; false when it failed.</summary>
    public static bool Send(int processId, int signal) => !OperatingSystem.IsWindows() && Kill(processId, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int sig);
}
