// NetworkDevice: finding and opening the network interfaces the kernel leaves to the program (net.raw=), their
// address, MTU, link and counters.
using System;
using System.Collections.Generic;
using System.IO;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using System.Threading;

namespace Unikraft.Drivers;

/// <summary>
/// A network interface that the unikernel's TCP/IP stack leaves alone, sending and receiving whole Ethernet frames:
/// the .NET counterpart of MirageOS's mirage-net-unikraft, for programs that bring their own network stack. The
/// kernel option <c>net.raw=en1</c> (in <c>&lt;UnikraftDefaultCommandLine&gt;</c>, <c>&lt;UnikraftKernelArgs&gt;</c> for
/// <c>dotnet run</c>, or the launcher's <c>--kernel-args</c>)
/// takes <c>en1</c> away from the stack: it gets no address and no socket uses it, and it appears as the character
/// device <c>/dev/net/en1</c>. The other interfaces (en0 …) stay with the stack, so sockets keep working beside it.
/// </summary>
/// <remarks>
/// <para>
/// A frame runs from the Ethernet header (destination MAC first) to the end of the payload, without the frame check
/// sequence; frames shorter than 60 bytes are sent as they are (the virtual device pads nothing). The device receives
/// every frame addressed to its MAC, broadcasts and multicasts (no filter is applied). While it is open, the kernel
/// keeps up to 128 received frames for the program; frames beyond them are dropped and counted
/// (<see cref="GetStatistics"/>). Only one <see cref="NetworkDevice"/> may have an interface open at a time.
/// </para>
/// <example>
/// <code>
/// using NetworkDevice nic = NetworkDevice.Open("en1");
/// Console.WriteLine($"{nic.Name} {nic.MacAddress} mtu {nic.Mtu} link {(nic.IsLinkUp ? "up" : "down")}");
/// byte[] frame = new byte[nic.MaxFrameSize];
/// int length = await nic.ReceiveAsync(frame);
/// await nic.SendAsync(frame.AsMemory(0, length));
/// </code>
/// </example>
/// </remarks>
public sealed partial class NetworkDevice : IDisposable, IAsyncDisposable
{
    /// <summary>Where the kernel lists the raw interfaces (one character device per interface).</summary>
    public const string DeviceDirectory = "/dev/net";

    /// <summary>Where the kernel lists the interfaces its TCP/IP stack owns.</summary>
    private const string StackDirectory = "/sys/class/net";

    private const int EthernetHeader = 14;

    /// <summary>The Ethernet header and a VLAN tag, which the kernel allows beyond the MTU.</summary>
    private const int FrameOverhead = 18;

    private readonly int _fd;
    private int _closed;

    private NetworkDevice(int fd, string name)
    {
        _fd = fd;
        Name = name;
        Path = $"{DeviceDirectory}/{name}";
        try
        {
            MacAddress = new PhysicalAddress(Native.HardwareAddress(fd, name));
            Mtu = Native.Mtu(fd, name);
            _poller = new Poller(this);
        }
        catch
        {
            Native.Close(fd);
            throw;
        }
    }

    /// <summary>The interface's name, e.g. <c>en1</c>.</summary>
    public string Name { get; }

    /// <summary>The device file, e.g. <c>/dev/net/en1</c>.</summary>
    public string Path { get; }

    /// <summary>The interface's MAC address (the VMM's, or a random locally administered one when it has none).</summary>
    public PhysicalAddress MacAddress { get; }

    /// <summary>The interface's MTU: the largest payload after the Ethernet header, normally 1500.</summary>
    public int Mtu { get; }

    /// <summary>
    /// The largest frame <see cref="Send"/> takes and <see cref="Receive"/> returns: <see cref="Mtu"/> + 18 bytes (the
    /// Ethernet header and a VLAN tag). A receive buffer of this size never truncates a frame.
    /// </summary>
    public int MaxFrameSize => Mtu + FrameOverhead;

    /// <summary>Whether the link is up now (the virtio device's link status; while it is down, sends fail).</summary>
    /// <exception cref="ObjectDisposedException">The device was disposed.</exception>
    public bool IsLinkUp => Native.IsRunning(Fd, Name);

    /// <summary>
    /// The names of the raw interfaces, in order (<c>en1</c>, <c>en2</c>, …): those the kernel option <c>net.raw=</c>
    /// left to the program. Empty when there is none.
    /// </summary>
    public static IReadOnlyList<string> Enumerate()
    {
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(DeviceDirectory, "en*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        var names = new List<string>();
        foreach (string entry in entries)
        {
            string name = System.IO.Path.GetFileName(entry);
            if (IsInterfaceName(name))
            {
                names.Add(name);
            }
        }

        names.Sort((a, b) => a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b));
        return names;
    }

    /// <summary>Opens a raw interface for sending and receiving frames.</summary>
    /// <param name="name">The interface's name, e.g. <c>en1</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is no interface name (en0, en1, …).</exception>
    /// <exception cref="InvalidOperationException">The TCP/IP stack owns the interface: it was not named in <c>net.raw=</c>.</exception>
    /// <exception cref="FileNotFoundException">There is no such interface.</exception>
    /// <exception cref="IOException">The interface is open already (here or elsewhere in the program), or the kernel refused it.</exception>
    public static NetworkDevice Open(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!IsInterfaceName(name))
        {
            throw new ArgumentException(
                $"'{name}' is no network interface name: the unikernel names its interfaces en0, en1, … in the VMM's order.", nameof(name));
        }

        string path = $"{DeviceDirectory}/{name}";
        int fd = Native.Open(path, out int errno);
        if (fd >= 0)
        {
            return new NetworkDevice(fd, name);
        }

        if (errno == Native.ENOENT && Directory.Exists($"{StackDirectory}/{name}"))
        {
            throw new InvalidOperationException(
                $"{name} belongs to the unikernel's TCP/IP stack, so its frames cannot be opened: boot with the kernel option " +
                $"net.raw={name} (<UnikraftDefaultCommandLine>net.raw={name}</UnikraftDefaultCommandLine>, or the launcher's --kernel-args) to " +
                "leave it to the program. The stack then gives it no address and no socket uses it.");
        }

        if (errno == Native.ENOENT)
        {
            throw new FileNotFoundException(
                $"There is no network interface {name} (no {path}). A unikernel's NICs are en0, en1, … in the VMM's order; " +
                "those named in the kernel option net.raw= appear as /dev/net/<name>.", path);
        }

        if (errno == Native.EBUSY)
        {
            throw new IOException($"{path} is open already: one NetworkDevice at a time may hold an interface.");
        }

        throw new IOException($"Cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
    }

    /// <summary>The interface's counters: frames and bytes received and sent, and those dropped or malformed.</summary>
    /// <exception cref="ObjectDisposedException">The device was disposed.</exception>
    public NetworkDeviceStatistics GetStatistics() => Native.Statistics(Fd, Path);

    /// <summary>Closes the device: receives and sends still waiting end with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _poller.Stop();
            Native.Close(_fd);
        }
    }

    /// <summary>Closes the device, as <see cref="Dispose"/> does.</summary>
    public System.Threading.Tasks.ValueTask DisposeAsync()
    {
        Dispose();
        return System.Threading.Tasks.ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Path} ({MacAddress}, mtu {Mtu})";

    /// <summary>"en" and digits.</summary>
    private static bool IsInterfaceName(string name)
    {
        if (name.Length < 3 || name.Length > 5 || !name.StartsWith("en", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in name.AsSpan(2))
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The open descriptor, or <see cref="ObjectDisposedException"/> once the device is disposed.</summary>
    private int Fd
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
            return _fd;
        }
    }
}
