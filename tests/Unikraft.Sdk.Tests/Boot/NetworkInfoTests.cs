// What a .NET program learns about its network interfaces (tests/apps/Probe, mode "net-info") on QEMU user
// networking: NetworkInterface.GetAllNetworkInterfaces() through getifaddrs (musl's NETLINK_ROUTE dumps), the
// interface ioctls of if_nametoindex/if_indextoname, /proc/net/route, /proc/net/dev, /proc/net/tcp and
// /sys/class/net, each value compared with what the VMM configured: slirp's 10.0.2.15/24, gateway 10.0.2.2 and
// name server 10.0.2.3, QEMU's MACs, MTU 1500, lo's 127.0.0.1/8 and ::1; on x86_64 and arm64, PCI and MMIO. And
// IPGlobalProperties' protocol statistics (/proc/net/snmp, snmp6): counters that traffic of every kind moved.
namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class NetworkInfoTests
{
    public static IEnumerable<object[]> Nics =>
    [
        Row(new(BootTarget.QemuX64, "virtio-pci modern, x86_64 q35", ["--machine", "q35"], "virtio-net-pci", "pci")),
        Row(new(BootTarget.QemuX64, "virtio-mmio v1, x86_64 microvm", [], "virtio-net-device", "v1")),
        Row(new(BootTarget.QemuArm64, "virtio-pci modern, arm64 virt", [], "virtio-net-pci", "pci")),
    ];

    private static object[] Row(NetworkTests.Nic nic) =>
        BootTarget.Row(nic.Rid, nic, $"GivenUserNetworking_NetworkInterfaceReportsLoAndEn0 ({nic.Name})");

    /// <summary>lo and en0 with their indexes, types, MACs, MTUs, addresses, gateway, name server and traffic counters.</summary>
    [TestMethod]
    [DynamicData(nameof(Nics))]
    public void GivenUserNetworking_NetworkInterfaceReportsLoAndEn0(NetworkTests.Nic nic)
    {
        BootTarget target = BootTarget.Of(nic.Rid);

        CommandResult result = target.Boot(nic.LaunchOptions(), "net-info", "/proc/net/snmp", "/proc/net/snmp6");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        string o = result.Output;
        StringAssert.Contains(o, "NETFILE: /proc/net/snmp: Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails " +
            "EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors\nNETFILE: /proc/net/snmp: Tcp: 1 200 120000 -1 ");
        StringAssert.Contains(o, "NETFILE: /proc/net/snmp: Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\n");
        StringAssert.Contains(o, "NETFILE: /proc/net/snmp: Ip: 2 64 ", "not a router, TTL 64");
        StringAssert.Matches(o, new System.Text.RegularExpressions.Regex(@"NETFILE: /proc/net/snmp6: Ip6InReceives {19}\t[1-9][0-9]*\n"));
        StringAssert.Matches(o, new System.Text.RegularExpressions.Regex(@"NETFILE: /proc/net/snmp6: Udp6OutDatagrams {16}\t[3-9][0-9]*\n"));
        StringAssert.Contains(o, "NETINFO: if lo index=1 type=Loopback status=Up mac=000000000000 mtu=65536 loopback=True");
        StringAssert.Contains(o, "NETINFO: if lo addr 127.0.0.1/8\nNETINFO: if lo addr ::1/128\n");
        StringAssert.Contains(o, "NETINFO: if lo stats rx>0=True tx>0=True rxpackets>0=True txpackets>0=True queue=1000");
        StringAssert.Contains(o, "NETINFO: if en0 index=2 type=Ethernet status=Up mac=525400123456 mtu=1500 loopback=False multicast=True");
        StringAssert.Contains(o, "NETINFO: if en0 addr 10.0.2.15/24\nNETINFO: if en0 addr fe80::5054:ff:fe12:3456%2/64\n");
        StringAssert.Contains(o, "NETINFO: if en0 gateway 10.0.2.2\n");
        StringAssert.Contains(o, "NETINFO: if en0 dns 10.0.2.3\n");
        StringAssert.Contains(o, "NETINFO: if en0 stats rx>0=True tx>0=True rxpackets>0=True txpackets>0=True queue=1000");
        StringAssert.Contains(o, "NETINFO: if en0 forwarding=False v6mtu=1500");
        Assert.IsLessThan(o.IndexOf("NETINFO: if en0 index", StringComparison.Ordinal), o.IndexOf("NETINFO: if lo index", StringComparison.Ordinal),
            "interfaces in index order, as Linux lists them");
        StringAssert.Contains(o, "NETINFO: tcp listener 0.0.0.0:7070\n");
        StringAssert.Contains(o, "NETINFO: listener listed: ok");
        StringAssert.Contains(o, "NETINFO: host unikraft ");
        StringAssert.Contains(o, "NETINFO: host address 10.0.2.15\n", "Dns.GetHostAddresses adds the interfaces' addresses (getifaddrs)");
        StringAssert.Contains(o, "NETINFO: if_nameindex 1 lo nametoindex=1 indextoname=lo\nNETINFO: if_nameindex 2 en0 nametoindex=2 indextoname=en0\n");
        // IPGlobalProperties' statistics (/proc/net/snmp and snmp6) after TCP, UDP and ICMP traffic over lo in both families
        StringAssert.Contains(o, "NETINFO: tcp stats connections>=2=True segsin>0=True segsout>0=True maxconn=-1 same6=True");
        StringAssert.Contains(o, "NETINFO: snmp tcp activeopens>=2=True passiveopens>=2=True currestab>=4=True insegs>0=True");
        StringAssert.Contains(o, "NETINFO: snmp udp noports>=1=True");
        StringAssert.Contains(o, "NETINFO: udp4 stats in>=2=True out>=3=True");
        StringAssert.Contains(o, "NETINFO: udp6 stats in>=2=True out>=3=True");
        StringAssert.Contains(o, "NETINFO: ipv4 stats received>0=True delivered>0=True sent>0=True ttl=64 forwarding=False");
        StringAssert.Contains(o, "NETINFO: ipv6 stats received>0=True delivered>0=True sent>0=True ttl=64 forwarding=False");
        StringAssert.Contains(o, "NETINFO: icmp4 stats in>=1=True out>=1=True unreachable in>=1=True out>=1=True");
        StringAssert.Contains(o, "NETINFO: icmp6 stats in>=1=True out>=1=True");
        StringAssert.Contains(o, "NETINFO: if_nametoindex of a missing interface: ok");
        StringAssert.Contains(o, "NETINFO: netlink pid 1 len 12");
        StringAssert.Contains(o, "NETINFO: netlink getlink 16,16,3\n");
        StringAssert.Contains(o, "NETINFO: netlink getaddr inet 20,20,3\n");
        StringAssert.Contains(o, "NETINFO: netlink getaddr inet6 20,20,3\n");
        StringAssert.Contains(o, "NETINFO: netlink noop ack error 0\n");
        StringAssert.Contains(o, "NETINFO: netlink newlink error -95\n", "an unsupported request is EOPNOTSUPP");
        StringAssert.Contains(o, "NETINFO: MSG_PEEK|MSG_TRUNC sizes the datagram: ok");
        StringAssert.Contains(o, "NETINFO: PASS");
    }

    /// <summary>A second NIC on its own network is en1, index 3, with its MAC, static address and no gateway.</summary>
    [TestMethod]
    public void GivenTwoNics_BothAreListedWithTheirIndexes()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        var nic = new NetworkTests.Nic(BootTarget.QemuX64, "two", ["--machine", "q35", "--qemu-args",
            "-netdev user,id=n1,net=10.0.3.0/24 -device virtio-net-pci,netdev=n1,mac=52:54:00:00:00:01"], "virtio-net-pci", "pci");

        CommandResult result = target.Boot(nic.LaunchOptions(kernelArgs: "net.en1.ip=10.0.3.9/24"), "net-info");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        string o = result.Output;
        StringAssert.Contains(o, "NETINFO: if en0 index=2 type=Ethernet status=Up mac=525400123456 mtu=1500");
        StringAssert.Contains(o, "NETINFO: if en1 index=3 type=Ethernet status=Up mac=525400000001 mtu=1500");
        StringAssert.Contains(o, "NETINFO: if en1 addr 10.0.3.9/24\nNETINFO: if en1 addr fe80::5054:ff:fe00:1%3/64\n");
        Assert.DoesNotContain("NETINFO: if en1 gateway", o, "only en0 (the default route) has a gateway");
        StringAssert.Contains(o, "NETINFO: if en0 gateway 10.0.2.2\n");
        StringAssert.Contains(o, "NETINFO: host address 10.0.3.9\n");
        StringAssert.Contains(o, "NETINFO: if_nameindex 3 en1 nametoindex=3 indextoname=en1\n");
        StringAssert.Contains(o, "NETINFO: netlink getlink 16,16,16,3\n");
        StringAssert.Contains(o, "NETINFO: PASS");
    }
}
