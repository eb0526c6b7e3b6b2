// Checks that a tap device of the host can be attached the way QEMU's tap netdev and Firecracker attach it, so
// that a missing, wrong or busy device is a coded error before the VM starts (shared by the tasks and the launcher).
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Unikraft.Sdk;

/// <summary>
/// A tap device is usable when <c>/sys/class/net/NAME</c> exists and is a single-queue tap (its
/// <c>tun_flags</c>), and <c>TUNSETIFF</c> on <c>/dev/net/tun</c> attaches it with the flags a VMM uses
/// (IFF_TAP | IFF_NO_PI, the device's own IFF_VNET_HDR): the kernel refuses that with EBUSY while another
/// process holds the device and with EPERM when it belongs to another user. The probe closes its descriptor at
/// once; a persistent device (<c>ip tuntap add</c>) stays as it was. The name must exist first: TUNSETIFF with
/// an unknown name would create a device.
/// </summary>
internal static class TapDevice
{
    /// <summary>The tun/tap clone device QEMU and Firecracker open.</summary>
    public const string CloneDevice = "/dev/net/tun";

    /// <summary>Where Linux lists the host's network interfaces.</summary>
    public const string SysClassNet = "/sys/class/net";

    private const uint TunSetIff = 0x400454ca; // _IOW('T', 202, int), the same on x86_64 and arm64
    private const int IffTap = 0x0002;
    private const int IffMultiQueue = 0x0100;
    private const int IffNoPi = 0x1000;
    private const int IffVnetHdr = 0x4000;
    private const int ORdWr = 2;
    private const int OCloExec = 0x80000;
    private const int EPerm = 1, ENoEnt = 2, EAcces = 13, EBusy = 16, ENoDev = 19, EInval = 22;

    /// <summary>The commands that create a tap device <paramref name="name"/> this user may attach.</summary>
    public static string CreateHint(string name) =>
        $"sudo ip tuntap add dev {name} mode tap user {Environment.UserName} && sudo ip link set {name} up";

    /// <summary>
    /// Null when the tap device <paramref name="name"/> can be attached now, else why not (it does not exist,
    /// is no tap, is busy, …), phrased to follow "cannot be used: ". <paramref name="sysClassNet"/> is for tests.
    /// </summary>
    public static string? Problem(string name, string sysClassNet = SysClassNet)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "tap devices are a Linux feature";
        }

        if (!GuestNetwork.IsInterfaceName(name))
        {
            return "it is not a network interface name (1 to 15 characters without '/', ':', ',' or blanks)";
        }

        string device = Path.Combine(sysClassNet, name);
        if (!Directory.Exists(device))
        {
            return $"it does not exist ({device} is missing); create it: {CreateHint(name)}";
        }

        string flagsFile = Path.Combine(device, "tun_flags");
        if (!File.Exists(flagsFile) || ParseFlags(File.ReadAllText(flagsFile)) is not { } flags)
        {
            return "it is not a tun/tap device (it has no tun_flags); QEMU and Firecracker need a tap device: " + CreateHint(name);
        }

        if ((flags & IffTap) == 0)
        {
            return "it is a tun device (IP packets), not a tap device (Ethernet frames): " + CreateHint(name);
        }

        if ((flags & IffMultiQueue) != 0)
        {
            return "it was created with multi_queue, and QEMU and Firecracker attach a single queue: recreate it without multi_queue";
        }

        return Attach(name, IffTap | IffNoPi | (flags & IffVnetHdr));
    }

    private static int? ParseFlags(string text)
    {
        string hex = text.Trim();
        hex = hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex;
        return int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int flags) ? flags : null;
    }

    private static string? Attach(string name, int flags)
    {
        int fd = Open(CloneDevice, ORdWr | OCloExec);
        if (fd < 0)
        {
            int openError = Marshal.GetLastPInvokeError();
            return openError switch
            {
                EAcces or EPerm => $"this user may not open {CloneDevice} read-write, which QEMU and Firecracker need (its mode, or the container's device rules)",
                ENoEnt or ENoDev => $"{CloneDevice} is missing: load the tun module (sudo modprobe tun)",
                _ => $"{CloneDevice} cannot be opened (errno {openError})",
            };
        }

        try
        {
            // struct ifreq: the name (IFNAMSIZ = 16 bytes, NUL-terminated), then ifr_flags in a 24-byte union.
            byte[] ifreq = new byte[40];
            Encoding.UTF8.GetBytes(name, ifreq);
            BitConverter.TryWriteBytes(ifreq.AsSpan(16), (short)flags);
            if (Ioctl(fd, TunSetIff, ifreq) == 0)
            {
                return null;
            }

            int error = Marshal.GetLastPInvokeError();
            return error switch
            {
                EBusy => "it is busy: another process (another VM?) has it attached",
                EPerm => $"this user may not attach it (it belongs to another user or group); create it for this user: {CreateHint(name)}",
                EInval => "it refuses a single-queue tap attachment (IFF_TAP | IFF_NO_PI)",
                _ => $"attaching it (TUNSETIFF) failed with errno {error}",
            };
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int Ioctl(int fd, nuint request, byte[] ifreq);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
