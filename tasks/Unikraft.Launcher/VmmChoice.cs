// Which VMM boots the image: QEMU, or Firecracker when asked for and (with --vmm auto) able to run it here.
namespace Unikraft.Launcher;

/// <summary>The VMM of one launch and the line that tells the user about it.</summary>
/// <param name="UseFirecracker">Boot on Firecracker (else QEMU).</param>
/// <param name="Note">One line for stderr that names the VMM (and why QEMU stands in), or null for plain QEMU runs.</param>
public sealed record VmmChoice(bool UseFirecracker, string? Note)
{
    /// <summary>
    /// Chooses for <paramref name="options"/>: <c>qemu</c> is QEMU, <c>firecracker</c> is Firecracker, and
    /// <c>auto</c> is Firecracker when <paramref name="firecracker"/> (its full path, null when it was not found)
    /// exists, the host's CPU is the guest's, /dev/kvm is usable and neither a gdb stub nor QEMU's user-mode
    /// network (<c>--net user</c>) is wanted, else the equivalent QEMU machine.
    /// </summary>
    public static VmmChoice Choose(LaunchOptions options, string? firecracker, string hostArchitecture, bool kvmUsable)
    {
        if (options.Vmm == "qemu")
        {
            return new VmmChoice(false, null);
        }

        string? reason =
            options.Vmm == "firecracker" ? null
            : options.Gdb ? "--gdb needs QEMU's gdb stub"
            : options.Network == Unikraft.Sdk.GuestNetwork.User ? "--net user is QEMU's user-mode network, which Firecracker does not have"
            : firecracker is null ? $"{options.Firecracker ?? FirecrackerCommand.DefaultBinary} not found"
                + (options.Firecracker is null ? " on PATH" : "")
            : hostArchitecture != options.Architecture ? $"firecracker runs only {hostArchitecture} guests on this host"
            : !kvmUsable ? "firecracker needs /dev/kvm, which cannot be opened read-write here"
            : null;
        return reason is null
            ? new VmmChoice(true, $"unikraft: running on Firecracker ({firecracker ?? options.Firecracker ?? FirecrackerCommand.DefaultBinary})")
            : new VmmChoice(false, $"unikraft: {reason}, running on QEMU {QemuMachineName(options)} instead");
    }

    /// <summary>The QEMU machine that stands in for Firecracker: microvm (x64) or virt with a GICv3 (arm64).</summary>
    public static string QemuMachineName(LaunchOptions options)
    {
        string machine = options.Machine ?? (options.Architecture == "x64" ? "microvm" : "virt");
        return machine == "virt" ? "virt (gic-version=3)" : machine;
    }
}
