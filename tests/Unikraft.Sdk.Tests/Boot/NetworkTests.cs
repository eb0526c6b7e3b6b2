// virtio-net through unchanged .NET code (tests/apps/Probe, modes "net-config", "tcp-echo-server" and
// "tcp-client") on QEMU user networking (slirp: no root, DHCP server at 10.0.2.2, name server 10.0.2.3, the
// host's 127.0.0.1 reachable as 10.0.2.2), on every transport: virtio-pci modern and legacy (x86_64 q35 with
// MSI-X, arm64 virt with INTx) and virtio-mmio versions 1 and 2 (microvm; the Firecracker image on virt). The
// host talks to the guest through a forwarded port and the guest to a listener on the host's loopback.
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class NetworkTests
{
    private const string Mac = "52:54:00:12:34:56"; // QEMU's first NIC

    private const string DhcpLine = $"net: en0 {Mac} mtu 1500, 10.0.2.15/24 gw 10.0.2.2 (dhcp), fe80::5054:ff:fe12:3456, dns 10.0.2.3";

    /// <summary>A NIC's transport: the RID whose image boots, launcher options, QEMU's -device, the kernel's name for its place.</summary>
    public sealed record Nic(string Rid, string Name, string[] Options, string Device, string Where)
    {
        public override string ToString() => Name;

        /// <summary>
        /// Launcher options attaching this NIC to a slirp network with <paramref name="netdevOptions"/> (",hostfwd=…"),
        /// the kernel's log at info level and <paramref name="kernelArgs"/>.
        /// </summary>
        public string[] LaunchOptions(string netdevOptions = "", string kernelArgs = "")
        {
            int qemuArgs = Array.IndexOf(Options, "--qemu-args");
            string extra = qemuArgs >= 0 ? " " + Options[qemuArgs + 1] : "";
            string[] rest = qemuArgs >= 0 ? [.. Options[..qemuArgs], .. Options[(qemuArgs + 2)..]] : Options;
            return [.. rest, "--qemu-args", $"-netdev user,id=n0{netdevOptions} -device {Device},netdev=n0{extra}",
                    "--kernel-args", $"uk.log=info {kernelArgs}".Trim()];
        }
    }

    private const string LegacyPci = "disable-modern=on,disable-legacy=off";

    public static IEnumerable<object[]> Nics =>
    [
        Row(new(BootTarget.QemuX64, "virtio-pci modern, x86_64 q35", ["--machine", "q35"], "virtio-net-pci", "pci 00:01.0 modern msi-x 64")),
        Row(new(BootTarget.QemuX64, "virtio-pci legacy, x86_64 q35", ["--machine", "q35"], $"virtio-net-pci,{LegacyPci}", "pci 00:01.0 legacy msi-x 64")),
        Row(new(BootTarget.QemuX64, "virtio-mmio v1, x86_64 microvm", [], "virtio-net-device", "v1")),
        Row(new(BootTarget.QemuX64, "virtio-mmio v2, x86_64 microvm", ["--qemu-args", "-global virtio-mmio.force-legacy=false"], "virtio-net-device", "v2")),
        // QEMU's own default for microvm with ACPI: a second I/O APIC, on whose inputs 24-47 the transports sit.
        Row(new(BootTarget.QemuX64, "virtio-mmio v1, x86_64 microvm with its second I/O APIC", ["--qemu-args", "-M microvm,acpi=on,ioapic2=on"], "virtio-net-device", "irq 47 v1")),
        Row(new(BootTarget.QemuArm64, "virtio-pci modern, arm64 virt", [], "virtio-net-pci", "pci 00:01.0 modern intx 36")),
        Row(new(BootTarget.FcArm64, "virtio-mmio v2, arm64 virt", ["--qemu-args", "-global virtio-mmio.force-legacy=false"], "virtio-net-device", "v2")),
    ];

    private static object[] Row(Nic nic) => BootTarget.Row(nic.Rid, nic, $"GivenAVirtioNic_DhcpConfiguresEn0 ({nic.Name})");

    [TestMethod]
    [DynamicData(nameof(Nics))]
    public void GivenAVirtioNic_DhcpConfiguresEn0(Nic nic)
    {
        BootTarget target = BootTarget.Of(nic.Rid);

        CommandResult result = target.Boot(nic.LaunchOptions(), "net-config");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"{nic.Where}: network device en0, mtu 1500");
        StringAssert.Contains(result.Output, DhcpLine);
        StringAssert.Contains(result.Output, "NETCONFIG: resolv.conf: nameserver 10.0.2.3");
        StringAssert.Contains(result.Output, "NETCONFIG: hosts: 127.0.0.1 localhost");
        Assert.DoesNotContain("polled", result.Output, "the NIC has its interrupt");
        Assert.DoesNotContain("no DHCP lease", result.Output);
    }

    public static IEnumerable<object[]> EchoNics =>
    [
        BootTarget.Row(BootTarget.QemuX64, new Nic(BootTarget.QemuX64, "q35", ["--machine", "q35"], "virtio-net-pci", "pci"), "GivenAForwardedPort_TheHostTalksToTheGuestsEchoServer"),
        BootTarget.Row(BootTarget.QemuArm64, new Nic(BootTarget.QemuArm64, "virt", [], "virtio-net-pci", "pci"), "GivenAForwardedPort_TheHostTalksToTheGuestsEchoServer"),
    ];

    /// <summary>The host connects to a forwarded port; the guest's dual-stack listener echoes lines (and 256 KiB at once) back.</summary>
    [TestMethod]
    [DynamicData(nameof(EchoNics))]
    public void GivenAForwardedPort_TheHostTalksToTheGuestsEchoServer(Nic nic)
    {
        BootTarget target = BootTarget.Of(nic.Rid);
        target.RequireHelloBoots();
        int port = FreePort();
        string big = new('x', 256 * 1024);
        Task<List<string>> client = Task.Run(() => EchoClient(port, ["hello", "from the host", big], TimeSpan.FromMinutes(3)));

        CommandResult result = target.Boot(nic.LaunchOptions($",hostfwd=tcp:127.0.0.1:{port}-:8080"), "tcp-echo-server");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        Assert.IsTrue(client.Wait(TimeSpan.FromSeconds(30)), "the host's client finished");
        CollectionAssert.AreEqual(new[] { "hello", "from the host", big }, client.Result, result.ToString());
        StringAssert.Contains(result.Output, "ECHO: listening on [::]:8080");
        StringAssert.Contains(result.Output, "ECHO: client [::ffff:10.0.2.2]:");
        StringAssert.Contains(result.Output, $"ECHO: done 3 lines {5 + 1 + 13 + 1 + big.Length + 1} bytes");
    }

    public static IEnumerable<object[]> ClientNics =>
    [
        BootTarget.Row(BootTarget.QemuX64, new Nic(BootTarget.QemuX64, "microvm", [], "virtio-net-device", "v1"), "GivenAHostListener_TheGuestConnectsThroughTheGateway"),
        BootTarget.Row(BootTarget.QemuArm64, new Nic(BootTarget.QemuArm64, "virt", [], "virtio-net-pci", "pci"), "GivenAHostListener_TheGuestConnectsThroughTheGateway"),
    ];

    /// <summary>A listener on the host's 127.0.0.1; the guest connects to 10.0.2.2 (slirp's alias for it) and gets its reply.</summary>
    [TestMethod]
    [DynamicData(nameof(ClientNics))]
    public void GivenAHostListener_TheGuestConnectsThroughTheGateway(Nic nic)
    {
        BootTarget target = BootTarget.Of(nic.Rid);
        target.RequireHelloBoots();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<string?> server = Task.Run(() => ReplyOnce(listener));

        CommandResult result = target.Boot(nic.LaunchOptions(), "tcp-client", "10.0.2.2", port.ToString(), "ping over virtio-net");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, DhcpLine);
        StringAssert.Contains(result.Output, $"CLIENT: connected 10.0.2.15:");
        StringAssert.Contains(result.Output, "CLIENT: got <host: ping over virtio-net>");
        StringAssert.Contains(result.Output, "CLIENT: PASS");
        Assert.IsTrue(server.Wait(TimeSpan.FromSeconds(10)));
        Assert.AreEqual("ping over virtio-net", server.Result);
    }

    /// <summary>net.ip=, net.gw= and net.dns= instead of DHCP: the address the guest connects from, its resolv.conf.</summary>
    [TestMethod]
    public void GivenAStaticAddress_En0UsesItAndNoDhcp()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        target.RequireHelloBoots();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<string?> server = Task.Run(() => ReplyOnce(listener));
        var nic = new Nic(BootTarget.QemuX64, "microvm", [], "virtio-net-device", "v1");

        string[] options = nic.LaunchOptions(kernelArgs: "net.ip=10.0.2.20/24 net.gw=10.0.2.2 net.dns=192.0.2.53 net.dns=FEC0::3");

        CommandResult result = target.Boot(options, "tcp-client", "10.0.2.2", port.ToString(), "static");
        CommandResult config = target.Boot(options, "net-config");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"net: en0 {Mac} mtu 1500, 10.0.2.20/24 gw 10.0.2.2 (static), fe80::5054:ff:fe12:3456");
        StringAssert.Contains(result.Output, "CLIENT: connected 10.0.2.20:");
        StringAssert.Contains(result.Output, "CLIENT: PASS");
        Assert.DoesNotContain("(dhcp)", result.Output);
        Assert.IsTrue(server.Wait(TimeSpan.FromSeconds(10)));
        Assert.AreEqual(0, config.ExitCode, config.ToString());
        StringAssert.Contains(config.Output, "NETCONFIG: resolv.conf: nameserver 192.0.2.53\nNETCONFIG: resolv.conf: nameserver fec0::3\n");
    }

    /// <summary>Two NICs are en0 and en1 in the VMM's order, each configured on its own network.</summary>
    [TestMethod]
    public void GivenTwoNics_TheyAreEn0AndEn1()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        target.RequireHelloBoots();

        CommandResult result = target.Boot(
            new Nic(BootTarget.QemuX64, "two", ["--machine", "q35", "--qemu-args",
                "-netdev user,id=n1,net=10.0.3.0/24 -device virtio-net-pci,netdev=n1,mac=52:54:00:00:00:01"], "virtio-net-pci", "pci")
                .LaunchOptions(kernelArgs: "net.en1.ip=10.0.3.9/24"),
            "net-config");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "pci 00:01.0 modern msi-x 64: network device en0");
        StringAssert.Contains(result.Output, "network device en1");
        StringAssert.Contains(result.Output, DhcpLine);
        StringAssert.Contains(result.Output, "net: en1 52:54:00:00:00:01 mtu 1500, 10.0.3.9/24 gw none (static), fe80::5054:ff:fe00:1");
    }

    [TestMethod]
    public void GivenAMalformedNetOption_TheBootStopsWithTheReason()
    {
        CommandResult result = BootTarget.Of(BootTarget.QemuX64).Boot(["--kernel-args", "net.ip=10.0.0.2"], "hello");

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "bad kernel command line: net.ip takes an IPv4 address and prefix length");
        Assert.DoesNotContain("Hello from", result.Output);
    }

    [TestMethod]
    public void GivenAMalformedNetRawOption_TheBootStopsWithTheReason()
    {
        CommandResult result = BootTarget.Of(BootTarget.QemuX64).Boot(["--kernel-args", "net.raw=en1,eth0"], "hello");

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "bad kernel command line: net.raw takes interface names en0, en1, ... separated by commas");
        Assert.DoesNotContain("Hello from", result.Output);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>
    /// Sends <paramref name="lines"/> to 127.0.0.1:<paramref name="port"/> and reads them back. slirp accepts the host's
    /// connection before the guest listens and then closes it, so a connection that ends without an echo is retried.
    /// </summary>
    private static List<string> EchoClient(int port, string[] lines, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                client.ReceiveTimeout = 60_000;
                using NetworkStream stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var echoed = new List<string>();
                foreach (string line in lines)
                {
                    stream.Write(Encoding.UTF8.GetBytes(line + "\n"));
                    if (reader.ReadLine() is not { } back)
                    {
                        break; // the guest was not listening yet
                    }

                    echoed.Add(back);
                }

                if (echoed.Count == lines.Length)
                {
                    client.Client.Shutdown(SocketShutdown.Send);
                    reader.ReadToEnd();
                    return echoed;
                }
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                return [];
            }

            Thread.Sleep(300);
        }
    }

    /// <summary>Accepts one connection, reads a line, answers "host: line".</summary>
    private static string? ReplyOnce(TcpListener listener)
    {
        using TcpClient client = listener.AcceptTcpClient();
        using NetworkStream stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? line = reader.ReadLine();
        stream.Write(Encoding.UTF8.GetBytes($"host: {line}\n"));
        client.Client.Shutdown(SocketShutdown.Send);
        return line;
    }
}
