// Facts about the host that decide the VMM and its command: KVM access, the host's CPU and the q35 firmware.
using System.Runtime.InteropServices;

namespace Unikraft.Launcher;

/// <summary>Probes the host once per launch.</summary>
public static class HostProbe
{
    /// <summary>The firmware QEMU uses for q35 when it exists (fast boot; SeaBIOS otherwise).</summary>
    public const string QbootPath = "/usr/share/qemu/qboot.rom";

    /// <summary>Gathers the <see cref="HostFacts"/> for a guest of <paramref name="architecture"/>.</summary>
    public static HostFacts Probe(string architecture, string controlFile) =>
        new(KvmUsable(architecture), File.Exists(QbootPath) ? QbootPath : null, controlFile, DateTimeOffset.UtcNow);

    /// <summary>
    /// Present when the host's KVM is PVM, which runs the guest kernel through KVM's instruction emulator:
    /// the kernel core works there (it takes syscalls as faults, see traps_x86_64.c) but boots about ten
    /// times slower than under TCG, so <c>auto</c> picks TCG; <c>--accel kvm</c> still uses it.
    /// </summary>
    public const string PvmModulePath = "/sys/module/kvm_pvm";

    /// <summary>
    /// True when the guest CPU is the host's, /dev/kvm opens read-write and the host's KVM is hardware
    /// assisted (not PVM, see <see cref="PvmModulePath"/>).
    /// </summary>
    public static bool KvmUsable(string architecture)
    {
        if (Directory.Exists(PvmModulePath))
        {
            return false;
        }

        return HostArchitecture == architecture && KvmDeviceUsable();
    }

    /// <summary>The host's CPU as a .NET architecture name: <c>x64</c>, <c>arm64</c> or <c>other</c>.</summary>
    public static string HostArchitecture => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "x64",
        Architecture.Arm64 => "arm64",
        _ => "other",
    };

    /// <summary>True when this is Linux and /dev/kvm opens read-write (what Firecracker needs).</summary>
    public static bool KvmDeviceUsable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            using FileStream kvm = File.Open("/dev/kvm", FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
