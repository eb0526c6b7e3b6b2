// The "net-info" mode: what a .NET program learns about its network interfaces, printed for the boot tests to
// compare with the VMM's configuration: NetworkInterface.GetAllNetworkInterfaces() (getifaddrs over netlink,
// the interface ioctls, /proc/net/route, /sys/class/net, /proc/net/dev, /etc/resolv.conf), the active TCP
// listeners (/proc/net/tcp and tcp6) while a listener is open, the host name and its addresses, and musl's
// if_nameindex/if_nametoindex/if_indextoname. Then raw NETLINK_ROUTE checks: acknowledgements, the error for an
// unsupported request, MSG_PEEK|MSG_TRUNC sizing, the socket's port id. Prints "NETINFO: ..." lines and
// NETINFO: PASS or FAIL; the files named after the mode are printed line by line ("NETFILE: path: line").
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;

static unsafe partial class NetInfoProbe
{
    [DllImport("libc", SetLastError = true)] static extern IntPtr if_nameindex();
    [DllImport("libc")] static extern void if_freenameindex(IntPtr p);
    [DllImport("libc")] static extern uint if_nametoindex(string name);
    [DllImport("libc")] static extern IntPtr if_indextoname(uint index, byte* name);
    [DllImport("libc", SetLastError = true)] static extern int socket(int domain, int type, int protocol);
    [DllImport("libc", SetLastError = true)] static extern nint send(int fd, byte* buf, nint len, int flags);
    [DllImport("libc", SetLastError = true)] static extern nint recv(int fd, byte* buf, nint len, int flags);
    [DllImport("libc", SetLastError = true)] static extern int getsockname(int fd, byte* addr, int* len);
    [DllImport("libc", SetLastError = true)] static extern int bind(int fd, byte* addr, int len);
    [DllImport("libc")] static extern int close(int fd);

    static bool ok = true;

    static void Check(string what, bool passed, string detail = "")
    {
        Console.WriteLine($"NETINFO: {what}: {(passed ? "ok" : "FAIL")} {detail}");
        ok &= passed;
    }

    public static int Run(params string[] files)
    {
        try
        {
            Interfaces();
        }
        catch (Exception e)
        {
            Check("interfaces", false, e.ToString());
        }

        try
        {
            Statistics();
        }
        catch (Exception e)
        {
            Check("statistics", false, e.ToString());
        }

        try
        {
            NameIndex();
            Netlink();
        }
        catch (Exception e)
        {
            Check("libc", false, e.ToString());
        }

        foreach (string path in files)
            foreach (string line in File.ReadAllLines(path))
                Console.WriteLine($"NETFILE: {path}: {line}");
        Console.WriteLine(ok ? "NETINFO: PASS" : "NETINFO: FAIL");
        return ok ? 0 : 1;
    }

    static void Interfaces()
    {
        // traffic first, so that the counters have something to count: a TCP exchange over lo and a UDP datagram out
        using var listener = new TcpListener(IPAddress.Any, 7070);
        listener.Start();
        using (var c = new TcpClient())
        {
            c.Connect(IPAddress.Loopback, 7070);
            using TcpClient a = listener.AcceptTcpClient();
            c.GetStream().Write("ping"u8);
            Span<byte> b = stackalloc byte[4];
            a.GetStream().ReadExactly(b);
        }
        using (var u = new UdpClient())
            u.Send("hello"u8.ToArray(), 5, new IPEndPoint(IPAddress.Parse("10.0.2.2"), 9));
        Thread.Sleep(100);

        foreach (NetworkInterface ni in NetworkInterface.GetAllNetworkInterfaces())
        {
            IPInterfaceProperties p = ni.GetIPProperties();
            IPv4InterfaceProperties v4 = p.GetIPv4Properties();
            Console.WriteLine($"NETINFO: if {ni.Name} index={v4.Index} type={ni.NetworkInterfaceType} status={ni.OperationalStatus} " +
                $"mac={ni.GetPhysicalAddress()} mtu={v4.Mtu} loopback={ni.NetworkInterfaceType == NetworkInterfaceType.Loopback} " +
                $"multicast={ni.SupportsMulticast} speed={ni.Speed}");
            foreach (UnicastIPAddressInformation a in p.UnicastAddresses)
                Console.WriteLine($"NETINFO: if {ni.Name} addr {a.Address}/{a.PrefixLength}");
            foreach (GatewayIPAddressInformation g in p.GatewayAddresses)
                Console.WriteLine($"NETINFO: if {ni.Name} gateway {g.Address}");
            foreach (IPAddress d in p.DnsAddresses)
                Console.WriteLine($"NETINFO: if {ni.Name} dns {d}");
            IPInterfaceStatistics s = ni.GetIPStatistics();
            Console.WriteLine($"NETINFO: if {ni.Name} stats rx>0={s.BytesReceived > 0} tx>0={s.BytesSent > 0} " +
                $"rxpackets>0={s.UnicastPacketsReceived > 0} txpackets>0={s.UnicastPacketsSent > 0} queue={s.OutputQueueLength}");
            Console.WriteLine($"NETINFO: if {ni.Name} forwarding={v4.IsForwardingEnabled} v6mtu={(ni.Supports(NetworkInterfaceComponent.IPv6) ? p.GetIPv6Properties().Mtu : -1)}");
        }

        IPGlobalProperties g0 = IPGlobalProperties.GetIPGlobalProperties();
        IPEndPoint[] listeners = g0.GetActiveTcpListeners();
        foreach (IPEndPoint l in listeners)
            Console.WriteLine($"NETINFO: tcp listener {l}");
        foreach (TcpConnectionInformation t in g0.GetActiveTcpConnections())
            Console.WriteLine($"NETINFO: tcp connection {t.LocalEndPoint} {t.RemoteEndPoint} {t.State}");
        Check("listener listed", listeners.Any(l => l.Port == 7070 && l.Address.Equals(IPAddress.Any)));
        Console.WriteLine($"NETINFO: host {Dns.GetHostName()} domain=<{g0.DomainName}>");
        foreach (IPAddress a in Dns.GetHostAddresses(Dns.GetHostName()))
            Console.WriteLine($"NETINFO: host address {a}");
    }

    static void NameIndex()
    {
        IntPtr list = if_nameindex();
        Check("if_nameindex", list != IntPtr.Zero, $"errno={Marshal.GetLastPInvokeError()}");
        if (list == IntPtr.Zero)
            return;
        for (var e = (byte*)list; *(uint*)e != 0; e += 16) // struct if_nameindex { unsigned index; char *name; }
        {
            uint index = *(uint*)e;
            string name = Marshal.PtrToStringUTF8(*(IntPtr*)(e + 8))!;
            byte* back = stackalloc byte[16];
            string? again = if_indextoname(index, back) != IntPtr.Zero ? Marshal.PtrToStringUTF8((IntPtr)back) : null;
            Console.WriteLine($"NETINFO: if_nameindex {index} {name} nametoindex={if_nametoindex(name)} indextoname={again}");
        }
        if_freenameindex(list);
        Check("if_nametoindex of a missing interface", if_nametoindex("nope0") == 0);
    }

    // One request, the replies' types until NLMSG_DONE or an error (with its code), as "type[,type...]".
    static string Ask(int fd, ushort type, ushort flags, uint seq, byte family)
    {
        byte* req = stackalloc byte[20];
        new Span<byte>(req, 20).Clear();
        *(uint*)req = 17; *(ushort*)(req + 4) = type; *(ushort*)(req + 6) = flags; *(uint*)(req + 8) = seq; req[16] = family;
        if (send(fd, req, 17, 0) != 17)
            return $"send errno {Marshal.GetLastPInvokeError()}";
        var seen = new List<string>();
        byte* buf = stackalloc byte[8192];
        while (true)
        {
            nint n = recv(fd, buf, 8192, 0x40 /* MSG_DONTWAIT */);
            if (n <= 0)
                return string.Join(",", seen) + $" recv errno {Marshal.GetLastPInvokeError()}";
            for (int off = 0; off + 16 <= n; off += (int)((*(uint*)(buf + off) + 3) & ~3u))
            {
                uint len = *(uint*)(buf + off), mseq = *(uint*)(buf + off + 8);
                ushort mtype = *(ushort*)(buf + off + 4);
                if (mseq != seq || len < 16)
                    return $"bad seq {mseq} or length {len}";
                if (mtype == 2)
                    return string.Join(",", seen.Append($"error {*(int*)(buf + off + 16)}"));
                seen.Add(mtype.ToString());
                if (mtype == 3)
                    return string.Join(",", seen);
            }
        }
    }

    static void Netlink()
    {
        int fd = socket(16 /* AF_NETLINK */, 3 /* SOCK_RAW */ | 0x80000 /* SOCK_CLOEXEC */, 0);
        Check("netlink socket", fd >= 0, $"errno={Marshal.GetLastPInvokeError()}");
        if (fd < 0)
            return;
        byte* sa = stackalloc byte[12];
        new Span<byte>(sa, 12).Clear();
        *(ushort*)sa = 16;
        Check("bind sockaddr_nl", bind(fd, sa, 12) == 0, $"errno={Marshal.GetLastPInvokeError()}");
        int salen = 12;
        getsockname(fd, sa, &salen);
        Console.WriteLine($"NETINFO: netlink pid {*(uint*)(sa + 4)} len {salen}");
        Console.WriteLine($"NETINFO: netlink getlink {Ask(fd, 18, 0x301, 7, 0)}");
        Console.WriteLine($"NETINFO: netlink getaddr inet {Ask(fd, 22, 0x301, 8, 2)}");
        Console.WriteLine($"NETINFO: netlink getaddr inet6 {Ask(fd, 22, 0x301, 9, 10)}");
        Console.WriteLine($"NETINFO: netlink noop ack {Ask(fd, 1, 0x5, 10, 0)}");
        Console.WriteLine($"NETINFO: netlink newlink {Ask(fd, 16, 0x5, 11, 0)}");

        // sizing a reply as glibc does: MSG_PEEK|MSG_TRUNC returns the datagram's length without taking it
        byte* req = stackalloc byte[17];
        new Span<byte>(req, 17).Clear();
        *(uint*)req = 17; *(ushort*)(req + 4) = 18; *(ushort*)(req + 6) = 0x301; *(uint*)(req + 8) = 12;
        send(fd, req, 17, 0);
        byte* small = stackalloc byte[16];
        nint full = recv(fd, small, 0, 0x2 | 0x20 /* MSG_PEEK|MSG_TRUNC */);
        byte* big = stackalloc byte[(int)Math.Max(full, 16)];
        nint got = recv(fd, big, full, 0);
        Check("MSG_PEEK|MSG_TRUNC sizes the datagram", full > 16 && got == full, $"{full} then {got}");
        while (recv(fd, big, 16, 0x40) > 0) { }
        Check("empty queue is EAGAIN", recv(fd, big, 16, 0x40) == -1 && Marshal.GetLastPInvokeError() == 11);
        close(fd);
    }
}
