// The "net-info" mode's protocol statistics: IPGlobalProperties' IPv4/IPv6, TCP, UDP and ICMP statistics (what .NET
// parses out of /proc/net/snmp and /proc/net/snmp6) after traffic of every kind over lo: TCP over 127.0.0.1 and ::1,
// UDP datagrams both ways over both, and one datagram to a closed port of each family (answered with ICMP port
// unreachable). Prints "NETINFO: <protocol> stats ..." lines of facts the traffic guarantees.
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

static unsafe partial class NetInfoProbe
{
    static void UdpExchange(IPAddress loopback)
    {
        using var a = new Socket(loopback.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(new IPEndPoint(loopback, 0));
        using var b = new Socket(loopback.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        b.Bind(new IPEndPoint(loopback, 0));
        b.SendTo("one"u8, a.LocalEndPoint!);
        a.SendTo("two"u8, b.LocalEndPoint!);
        var buf = new byte[16];
        a.ReceiveTimeout = b.ReceiveTimeout = 5000;
        a.Receive(buf);
        b.Receive(buf);
        // a port nobody listens on (a's, once a is closed): ICMP port unreachable comes back
        var closed = (IPEndPoint)a.LocalEndPoint!;
        a.Close();
        b.SendTo("nobody"u8, closed);
    }

    /// <summary>A counter of /proc/net/snmp: the value under <paramref name="name"/> in the "<paramref name="proto"/>:" lines.</summary>
    static long Snmp(string proto, string name)
    {
        string[] lines = File.ReadAllLines("/proc/net/snmp").Where(line => line.StartsWith(proto + ": ", StringComparison.Ordinal)).ToArray();
        return long.Parse(lines[1].Split(' ')[Array.IndexOf(lines[0].Split(' '), name)]);
    }

    static void Statistics()
    {
        IPGlobalProperties g = IPGlobalProperties.GetIPGlobalProperties();
        using var l4 = new TcpListener(IPAddress.Loopback, 0);
        using var l6 = new TcpListener(IPAddress.IPv6Loopback, 0);
        l4.Start();
        l6.Start();
        using var c4 = new TcpClient(AddressFamily.InterNetwork);
        c4.Connect((IPEndPoint)l4.LocalEndpoint);
        using TcpClient s4 = l4.AcceptTcpClient();
        using var c6 = new TcpClient(AddressFamily.InterNetworkV6);
        c6.Connect((IPEndPoint)l6.LocalEndpoint);
        using TcpClient s6 = l6.AcceptTcpClient();
        c4.GetStream().Write("ping"u8);
        s4.GetStream().ReadExactly(new byte[4]);
        UdpExchange(IPAddress.Loopback);
        UdpExchange(IPAddress.IPv6Loopback);
        Thread.Sleep(100);

        TcpStatistics tcp = g.GetTcpIPv4Statistics();
        Console.WriteLine($"NETINFO: tcp stats connections>=2={tcp.CurrentConnections >= 2} segsin>0={tcp.SegmentsReceived > 0} " +
            $"segsout>0={tcp.SegmentsSent > 0} maxconn={tcp.MaximumConnections} same6={g.GetTcpIPv6Statistics().SegmentsSent >= tcp.SegmentsSent}");
        // what Linux counts and .NET does not expose there (opens, datagrams to no port): from the file itself
        Console.WriteLine($"NETINFO: snmp tcp activeopens>=2={Snmp("Tcp", "ActiveOpens") >= 2} passiveopens>=2={Snmp("Tcp", "PassiveOpens") >= 2} " +
            $"currestab>=4={Snmp("Tcp", "CurrEstab") >= 4} insegs>0={Snmp("Tcp", "InSegs") > 0}");
        Console.WriteLine($"NETINFO: snmp udp noports>=1={Snmp("Udp", "NoPorts") >= 1}");
        foreach ((string name, UdpStatistics u) in new[] { ("udp4", g.GetUdpIPv4Statistics()), ("udp6", g.GetUdpIPv6Statistics()) })
        {
            Console.WriteLine($"NETINFO: {name} stats in>=2={u.DatagramsReceived >= 2} out>=3={u.DatagramsSent >= 3} " +
                $"values {u.DatagramsReceived} {u.DatagramsSent} {u.IncomingDatagramsWithErrors} {u.UdpListeners}");
        }

        foreach ((string name, IPGlobalStatistics ip) in new[] { ("ipv4", g.GetIPv4GlobalStatistics()), ("ipv6", g.GetIPv6GlobalStatistics()) })
        {
            Console.WriteLine($"NETINFO: {name} stats received>0={ip.ReceivedPackets > 0} delivered>0={ip.ReceivedPacketsDelivered > 0} " +
                $"sent>0={ip.OutputPacketRequests > 0} ttl={ip.DefaultTtl} forwarding={ip.ForwardingEnabled} " +
                $"values {ip.ReceivedPackets} {ip.ReceivedPacketsDelivered} {ip.OutputPacketRequests} {ip.ReceivedPacketsDiscarded}");
        }

        IcmpV4Statistics icmp4 = g.GetIcmpV4Statistics();
        Console.WriteLine($"NETINFO: icmp4 stats in>=1={icmp4.MessagesReceived >= 1} out>=1={icmp4.MessagesSent >= 1} " +
            $"unreachable in>=1={icmp4.DestinationUnreachableMessagesReceived >= 1} out>=1={icmp4.DestinationUnreachableMessagesSent >= 1}");
        IcmpV6Statistics icmp6 = g.GetIcmpV6Statistics();
        Console.WriteLine($"NETINFO: icmp6 stats in>=1={icmp6.MessagesReceived >= 1} out>=1={icmp6.MessagesSent >= 1} " +
            $"values {icmp6.MessagesReceived} {icmp6.MessagesSent}");
    }
}
