// The launcher's coded messages (UKSDK2nnn), printed to stderr as "error UKSDK2nnn: …".
namespace Unikraft.Launcher;

/// <summary>Message formats; each starts with a unique code (a test keeps them unique).</summary>
public static class LauncherMessages
{
    /// <summary>{0}: QEMU binary, {1}: Debian package.</summary>
    public const string QemuNotFound =
        "UKSDK2001: QEMU ('{0}') was not found. Install it (sudo apt-get install {1}) or pass --qemu (UnikraftQemuPath).";

    /// <summary>{0}: image path.</summary>
    public const string ImageNotFound = "UKSDK2002: The image '{0}' does not exist. Publish the project first.";

    /// <summary>{0}: what is wrong.</summary>
    public const string UsageError = "UKSDK2003: {0}";

    /// <summary>{0}: QEMU binary, {1}: reason.</summary>
    public const string QemuStartFailed = "UKSDK2004: QEMU ('{0}') could not be started: {1}";

    /// <summary>{0}: disk image path.</summary>
    public const string DiskNotFound = "UKSDK2005: The disk image '{0}' (--disk, UnikraftDisk) does not exist or is not a file.";

    /// <summary>{0}: config path, {1}: what is wrong.</summary>
    public const string FirecrackerConfigInvalid =
        "UKSDK2006: The Firecracker config '{0}' cannot be used: {1}. Publishing for a unikraft-fc-* RID writes it next to the image.";

    /// <summary>{0}: Firecracker binary.</summary>
    public const string FirecrackerNotFound =
        "UKSDK2007: Firecracker ('{0}') was not found. Put it on PATH, pass --firecracker, or use --vmm auto to fall back to QEMU.";

    /// <summary>{0}: Firecracker binary, {1}: reason.</summary>
    public const string FirecrackerStartFailed = "UKSDK2008: Firecracker ('{0}') could not be started: {1}";

    /// <summary>{0}: tap device, {1}: why it cannot be used (<see cref="Unikraft.Sdk.TapDevice.Problem"/>).</summary>
    public const string TapDeviceUnusable = "UKSDK2009: The tap device '{0}' (--tap, UnikraftTapDevice) cannot be used: {1}";

    /// <summary>No values.</summary>
    public const string UserNetworkOnFirecracker =
        "UKSDK2010: --net user is QEMU's user-mode network, which Firecracker does not have. On Firecracker use a tap device " +
        "(--net tap --tap <name>), or boot on QEMU (--vmm qemu or auto).";

    /// <summary>{0}: --memory, {1}: image path, {2}: the smallest memory in MiB.</summary>
    public const string MemoryTooSmall =
        "UKSDK2011: --memory {0} (UnikraftMemory) is too little for the image '{1}': it needs at least {2} MiB (the image " +
        "where the loader puts it, the boot data and 3 MiB free for the kernel to start the program). Pass --memory {2}M " +
        "or more (set UnikraftMemory).";

    /// <summary>Exit code for usage errors, a missing image, disk or Firecracker config, an unusable tap device.</summary>
    public const int UsageExitCode = 125;

    /// <summary>Exit code when QEMU or Firecracker is missing or cannot start (the shell's "command not found").</summary>
    public const int QemuMissingExitCode = 127;

    /// <summary>Exit code after Ctrl-C (128 + SIGINT).</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>Every format, for the uniqueness test.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        QemuNotFound, ImageNotFound, UsageError, QemuStartFailed, DiskNotFound, FirecrackerConfigInvalid, FirecrackerNotFound,
        FirecrackerStartFailed, TapDeviceUnusable, UserNetworkOnFirecracker, MemoryTooSmall,
    ];
}
