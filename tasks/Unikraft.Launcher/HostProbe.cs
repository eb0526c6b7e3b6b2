// Facts about the host that decide the QEMU command: KVM access and the q35 firmware.
using System.Runtime.InteropServices;

namespace Unikraft.Launcher;

/// <summary>Probes the host once per launch.</summary>
public static class HostProbe
{
    /// <summary>The firmware QEMU uses for q35 when it exists (fast boot; SeaBIOS otherwise).</summary>
    public const string QbootPath = "/usr/share/qemu/qboot.rom";

    /// <summary>Gathers the <see cref="HostFacts"/> for a guest of <paramref name="architecture"/>.</summary>
    public static HostFacts Probe(string architecture, string controlFile) =>
        new(KvmUsable(architecture), File.Exists(QbootPath) ? QbootPath : null, controlFile);

    /// <summary>True when the guest CPU is the host's and /dev/kvm opens read-write.</summary>
    public static bool KvmUsable(string architecture)
    {
        string host = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            _ => "other",
        };
        if (host != architecture || !OperatingSystem.IsLinux())
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
