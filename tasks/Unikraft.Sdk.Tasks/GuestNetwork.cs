// The guest's network device as the VMMs see it: the modes, the guest MAC and the address QEMU's user-mode
// network hands out (shared by the tasks and the launcher, like FirecrackerConfig.cs).
using System.Security.Cryptography;
using System.Text;

namespace Unikraft.Sdk;

/// <summary>
/// <c>none</c> (no network device), <c>user</c> (QEMU's user-mode network, NAT to the host) or <c>tap</c> (an
/// existing tap device of the host). The guest has at most one virtio-net device: QEMU's netdev <c>net0</c>,
/// Firecracker's interface <c>eth0</c>.
/// </summary>
internal static class GuestNetwork
{
    /// <summary>No network device.</summary>
    public const string None = "none";

    /// <summary>QEMU's user-mode network (slirp): DHCP, NAT to the host, port forwards; not on Firecracker.</summary>
    public const string User = "user";

    /// <summary>An existing tap device of the host, on QEMU and Firecracker.</summary>
    public const string Tap = "tap";

    /// <summary>The modes, in the order the messages list them.</summary>
    public static IReadOnlyList<string> Modes { get; } = [None, User, Tap];

    /// <summary>QEMU's netdev id of the guest's network device.</summary>
    public const string QemuNetdevId = "net0";

    /// <summary>Firecracker's iface_id of the guest's network device.</summary>
    public const string FirecrackerInterfaceId = "eth0";

    /// <summary>The only host address port forwards listen on: the host's loopback, so nothing outside reaches the guest.</summary>
    public const string ForwardAddress = "127.0.0.1";

    /// <summary>
    /// The guest MAC of network device <paramref name="index"/> (0-based) of an image: QEMU's prefix 52:54:00,
    /// then the first three bytes of the SHA-256 of the program name (the image's file name without its
    /// suffix: <c>Hello.qemu</c> and <c>Hello.fc</c> → <c>Hello</c>), the index added to the last one. The
    /// same program gets the same MAC on every run and VMM; two programs on one bridge get different ones.
    /// </summary>
    public static string GuestMac(string image, int index = 0)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFileNameWithoutExtension(image)));
        return $"52:54:00:{hash[0]:x2}:{hash[1]:x2}:{(byte)(hash[2] + index):x2}";
    }

    /// <summary>
    /// True when <paramref name="name"/> can name a Linux network interface: 1 to 15 bytes (IFNAMSIZ - 1), not
    /// <c>.</c> or <c>..</c>, without <c>/</c>, <c>:</c>, <c>,</c> (QEMU's option separator) or blanks.
    /// </summary>
    public static bool IsInterfaceName(string name) =>
        name.Length > 0 && Encoding.UTF8.GetByteCount(name) <= 15 && name is not ("." or "..")
        && !name.Any(c => c is '/' or ':' or ',' || char.IsWhiteSpace(c) || char.IsControl(c));
}
