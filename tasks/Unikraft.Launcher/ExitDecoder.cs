// Turns the kernel's control line and QEMU's exit status into the program's exit code (docs/runtime-pack.md).
namespace Unikraft.Launcher;

/// <summary>The decoded end of a boot.</summary>
/// <param name="ExitCode">What the launcher returns.</param>
/// <param name="Message">A note for stderr, or null when the program ended normally.</param>
public sealed record ExitOutcome(int ExitCode, string? Message);

/// <summary>
/// Decodes the exit protocols: the control line <c>exit N</c> or <c>panic</c>, else QEMU's status (x86_64);
/// QEMU's status (arm64 semihosting); the console line <c>[uk] exit: …</c> (Firecracker).
/// </summary>
public static class ExitDecoder
{
    /// <summary>The code returned when the kernel panicked.</summary>
    public const int PanicExitCode = 255;

    /// <summary>The code returned when the VM stopped without the kernel's exit path.</summary>
    public const int NoExitCode = 1;

    /// <summary>Message printed after a panic.</summary>
    public const string PanicMessage = "unikernel panicked (see the report above)";

    /// <summary>Message printed when the VM stopped without the kernel's exit path.</summary>
    public const string StoppedMessage = "VM stopped without reporting an exit code";

    /// <summary>
    /// Decodes an x86_64 boot: the last control line wins; without one, an odd status s means the kernel wrote
    /// (s - 1) / 2 to isa-debug-exit. Status 1 without a control line is QEMU's own failure (it exits with 1
    /// when it cannot start), and an even status means the VM stopped some other way (e.g. a triple fault).
    /// </summary>
    public static ExitOutcome DecodeDebugExit(string? controlText, int qemuStatus)
    {
        string? line = (controlText ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => l == "panic" || l.StartsWith("exit ", StringComparison.Ordinal));
        if (line == "panic")
        {
            return new ExitOutcome(PanicExitCode, PanicMessage);
        }

        if (line is not null && int.TryParse(line.AsSpan(5), out int code) && code is >= 0 and <= 255)
        {
            return new ExitOutcome(code, null);
        }

        if (qemuStatus == 1)
        {
            return new ExitOutcome(NoExitCode, "QEMU exited with status 1 before the unikernel reported an exit code");
        }

        return qemuStatus % 2 == 1
            ? new ExitOutcome((qemuStatus - 1) / 2, null)
            : new ExitOutcome(NoExitCode, StoppedMessage);
    }

    /// <summary>
    /// Decodes an arm64 boot, where the kernel leaves through semihosting and QEMU exits with the code itself.
    /// </summary>
    public static ExitOutcome DecodeSemihosting(int qemuStatus) => new(qemuStatus, null);

    /// <summary>
    /// Decodes a boot whose only exit channel is the console (Firecracker; an fc-arm64 image on QEMU): the
    /// kernel prints <c>[uk] exit: code N</c> for a non-zero code or <c>[uk] exit: kernel panic</c>, then powers
    /// off, so no line and a clean VMM exit (status 0) mean 0. <paramref name="exitLine"/> is the last such line
    /// (<see cref="ConsoleTap"/>); a VMM that fails without one is reported as <see cref="NoExitCode"/>.
    /// </summary>
    public static ExitOutcome DecodeConsole(string? exitLine, int vmmStatus, string vmm)
    {
        if (exitLine is not null && exitLine.EndsWith("kernel panic", StringComparison.Ordinal))
        {
            return new ExitOutcome(PanicExitCode, PanicMessage);
        }

        int at = exitLine?.LastIndexOf("code ", StringComparison.Ordinal) ?? -1;
        if (at >= 0 && int.TryParse(exitLine.AsSpan(at + 5), out int code) && code is >= 0 and <= 255)
        {
            return new ExitOutcome(code, null);
        }

        return vmmStatus == 0
            ? new ExitOutcome(0, null)
            : new ExitOutcome(NoExitCode, $"{vmm} exited with status {vmmStatus} before the unikernel reported an exit code");
    }
}
