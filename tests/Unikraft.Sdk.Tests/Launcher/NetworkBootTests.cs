// Boots tests/apps/Probe through the launcher with QEMU's user-mode network and a port forward, on each transport
// the network device can have (virtio-mmio on microvm, virtio-pci on q35, the Firecracker image's pinned
// virtio-mmio window on arm64 virt after a disk): QEMU accepts the configuration and the kernel's virtio-net driver
// takes the device as en0 at the place the launcher put it (Boot/NetworkTests.cs sends traffic through it).
using System.Net;
using System.Net.Sockets;
using Unikraft.Sdk.Tests.Boot;

namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Boot")]
public sealed class NetworkBootTests
{
    /// <summary>What the kernel prints (uk.log=info) when its driver takes the first virtio network device.</summary>
    private const string DrivenNetworkDevice = ": network device en0, ";

    /// <summary>A transport: the RID whose Probe boots, launcher options, and the kernel's name for the device's place.</summary>
    public sealed record Transport(string Rid, string Name, string[] Options, string Where)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<object[]> Transports =>
    [
        Row(new(BootTarget.QemuX64, "virtio-mmio, x86_64 microvm", [], "virtio: mmio@")),
        Row(new(BootTarget.QemuX64, "virtio-pci, x86_64 q35", ["--machine", "q35"], "virtio: pci 00:01.0")),
        // Firecracker's order: the disk in the lowest window (0xa000000), the network device in the next one.
        Row(new(BootTarget.FcArm64, "virtio-mmio after a disk, arm64 virt", ["--disk", "DISK"], "virtio: mmio@0xa000200 ")),
    ];

    private static object[] Row(Transport transport) =>
        BootTarget.Row(transport.Rid, transport, $"GivenUserNetworkingWithAForward_QemuAcceptsItAndTheKernelFindsTheDevice ({transport.Name})");

    [TestMethod]
    [DynamicData(nameof(Transports))]
    public void GivenUserNetworkingWithAForward_QemuAcceptsItAndTheKernelFindsTheDevice(Transport transport)
    {
        BootTarget target = BootTarget.Of(transport.Rid);
        string folder = TestRun.Folder($"net-{transport.Rid}-{transport.Name.Replace(' ', '-').Replace(",", "")}");
        string disk = Path.Combine(folder, "d.img");
        File.WriteAllBytes(disk, new byte[1 << 20]);
        int hostPort = FreePort();

        CommandResult result = target.Boot(
            [.. transport.Options.Select(o => o == "DISK" ? disk : o), "--net", "user", "--forward", $"{hostPort}:8080",
             "--kernel-args", "uk.log=info"],
            "hello");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, BootTarget.Greeting);
        StringAssert.Contains(result.Output, $"unikraft: forwarding tcp 127.0.0.1:{hostPort} to the guest's port 8080");
        string line = result.Output.Replace("\r", "").Split('\n').SingleOrDefault(l => l.Contains(DrivenNetworkDevice, StringComparison.Ordinal))
            ?? throw new AssertFailedException($"no '{DrivenNetworkDevice}' line:\n{result}");
        StringAssert.Contains(line, transport.Where);
        if (transport.Options.Contains("--disk"))
        {
            StringAssert.Matches(result.Output, new System.Text.RegularExpressions.Regex("virtio: mmio@0xa000000 [^\n]*: block device /dev/vda"));
        }
    }

    /// <summary>A TCP port of the host's loopback that nothing listens on now (QEMU binds it for the forward).</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
