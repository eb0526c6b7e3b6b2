// The launcher's network: --net/--tap/--forward parsing, the QEMU devices per machine, RID and mode (transport,
// MAC, forwards, order after the disks), the Firecracker config, the VMM choice and the errors before QEMU runs.
using System.Text.Json;
using Unikraft.Launcher;

namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Unit")]
public sealed class NetworkCommandTests
{
    private static readonly HostFacts Host = new(KvmUsable: false, QbootPath: null, ControlFile: "/tmp/ctl");

    /// <summary>The MAC of every image named Hello: 52:54:00 and the first three bytes of SHA-256("Hello").</summary>
    private const string HelloMac = "52:54:00:18:5f:8d";

    private static string LauncherPath =>
        Path.Combine(Path.GetDirectoryName(typeof(LaunchOptions).Assembly.Location)!, "Unikraft.Launcher.dll");

    private static LaunchOptions Options(string image, string? machine, string[] arch, params string[] more) =>
        LaunchOptions.Parse(["--image", image, .. arch, .. machine is null ? Array.Empty<string>() : ["--machine", machine], .. more]);

    /// <summary>The arguments from -netdev on, up to the accelerator.</summary>
    private static string[] NetPart(LaunchOptions options)
    {
        List<string> args = [.. QemuCommand.Build(options, Host)];
        int first = args.IndexOf("-netdev");
        return first < 0 ? [] : args.Skip(first).TakeWhile(a => a != "-accel").ToArray();
    }

    /// <summary>Image, machine, architecture options, and the network device when there are {0} disks before it.</summary>
    public static IEnumerable<object?[]> Machines =>
    [
        ["/i/Hello.qemu", null, Array.Empty<string>(), $"virtio-net-device,netdev=net0,mac={HelloMac}"],
        ["/i/Hello.qemu", "q35", Array.Empty<string>(), $"virtio-net-pci,netdev=net0,mac={HelloMac}"],
        ["/i/Hello.qemu", null, new[] { "--arch", "arm64" }, $"virtio-net-pci,netdev=net0,mac={HelloMac}"],
        // A Firecracker image on virt: pinned to the virtio-mmio window after the disks', where Firecracker puts it.
        ["/i/Hello.fc", null, new[] { "--arch", "arm64" }, $"virtio-net-device,netdev=net0,mac={HelloMac},bus=virtio-mmio-bus.{{0}}"],
        ["/i/Hello.fc", null, Array.Empty<string>(), $"virtio-net-device,netdev=net0,mac={HelloMac}"],
    ];

    private static string Device(string format, int disks) => string.Format(System.Globalization.CultureInfo.InvariantCulture, format, disks);

    [TestMethod]
    [DynamicData(nameof(Machines))]
    public void GivenNoNetwork_QemuGetsNoNetworkDevice(string image, string? machine, string[] arch, string device)
    {
        _ = device;
        string[] args = [.. QemuCommand.Build(Options(image, machine, arch), Host)];

        Assert.DoesNotContain("-netdev", args);
        Assert.IsFalse(args.Any(a => a.Contains("virtio-net", StringComparison.Ordinal)));
        Assert.AreEqual("none", Options(image, machine, arch).Network);
    }

    [TestMethod]
    [DynamicData(nameof(Machines))]
    public void GivenUserNetworking_QemuGetsSlirpAndAVirtioNetDevice(string image, string? machine, string[] arch, string device)
    {
        CollectionAssert.AreEqual(
            new[] { "-netdev", "user,id=net0", "-device", Device(device, 0) },
            NetPart(Options(image, machine, arch, "--net", "user")));
    }

    [TestMethod]
    [DynamicData(nameof(Machines))]
    public void GivenForwards_TheyBecomeHostfwdRulesOnTheLoopbackInOrder(string image, string? machine, string[] arch, string device)
    {
        CollectionAssert.AreEqual(
            new[]
            {
                "-netdev", "user,id=net0,hostfwd=tcp:127.0.0.1:18080-:8080,hostfwd=udp:127.0.0.1:5353-:53,hostfwd=tcp:127.0.0.1:2222-:22",
                "-device", Device(device, 0),
            },
            NetPart(Options(image, machine, arch, "--net", "user", "--forward", "18080:8080", "--forward", "udp:5353:53", "--forward", "tcp:2222:22")));
    }

    [TestMethod]
    [DynamicData(nameof(Machines))]
    public void GivenATapDevice_QemuAttachesItWithoutScripts(string image, string? machine, string[] arch, string device)
    {
        CollectionAssert.AreEqual(
            new[] { "-netdev", "tap,id=net0,ifname=tap0,script=no,downscript=no", "-device", Device(device, 0) },
            NetPart(Options(image, machine, arch, "--net", "tap", "--tap", "tap0")));
    }

    [TestMethod]
    [DynamicData(nameof(Machines))]
    public void GivenDisks_TheNetworkDeviceComesAfterThem(string image, string? machine, string[] arch, string device)
    {
        string[] args = [.. QemuCommand.Build(Options(image, machine, arch, "--disk", "/d/a.img", "--disk", "/d/b.img,ro", "--net", "user"), Host)];

        int lastDisk = Array.FindLastIndex(args, a => a.StartsWith("virtio-blk-", StringComparison.Ordinal));
        Assert.AreEqual(lastDisk + 1, Array.IndexOf(args, "-netdev"));
        Assert.AreEqual(Device(device, 2), args[lastDisk + 4]);
    }

    [TestMethod]
    public void GivenTheImageName_TheMacIsStableAndDiffersBetweenPrograms()
    {
        Assert.AreEqual(HelloMac, Unikraft.Sdk.GuestNetwork.GuestMac("/i/Hello.qemu"));
        Assert.AreEqual(HelloMac, Unikraft.Sdk.GuestNetwork.GuestMac("/elsewhere/Hello.fc"));
        Assert.AreEqual("52:54:00:18:5f:8e", Unikraft.Sdk.GuestNetwork.GuestMac("Hello.qemu", 1));
        Assert.AreNotEqual(HelloMac, Unikraft.Sdk.GuestNetwork.GuestMac("/i/Probe.qemu"));
    }

    [TestMethod]
    public void GivenNetworkOptions_TheyParse()
    {
        LaunchOptions options = LaunchOptions.Parse(["--image", "a.qemu", "--net", "user", "--forward", "80:8080", "--forward", "udp:53:5353"]);

        Assert.AreEqual("user", options.Network);
        Assert.IsNull(options.Tap);
        CollectionAssert.AreEqual(new[] { new PortForward("tcp", 80, 8080), new PortForward("udp", 53, 5353) }, options.Forwards.ToArray());
        Assert.AreEqual("tcp:80:8080", options.Forwards[0].ToString());
        Assert.AreEqual("tap0", LaunchOptions.Parse(["--image", "a.qemu", "--net", "tap", "--tap", "tap0"]).Tap);
    }

    [TestMethod]
    [DataRow(new[] { "--net", "bridge" }, "--net must be none, user or tap")]
    [DataRow(new[] { "--net", "tap" }, "--net tap needs --tap")]
    [DataRow(new[] { "--tap", "tap0" }, "--tap tap0 needs --net tap")]
    [DataRow(new[] { "--net", "user", "--tap", "tap0" }, "needs --net tap")]
    [DataRow(new[] { "--net", "tap", "--tap", "a/b" }, "--tap must name a network interface")]
    [DataRow(new[] { "--net", "tap", "--tap", "tap,x" }, "--tap must name a network interface")]
    [DataRow(new[] { "--net", "tap", "--tap", "sixteen-chars-ab" }, "--tap must name a network interface")]
    [DataRow(new[] { "--forward", "8080:80" }, "--forward needs --net user (QEMU's user-mode network), not --net none.")]
    [DataRow(new[] { "--net", "tap", "--tap", "tap0", "--forward", "8080:80" }, "on a tap device the guest has an address of its own")]
    [DataRow(new[] { "--net", "user", "--forward", "80" }, "--forward takes [tcp|udp:]HOST:GUEST")]
    [DataRow(new[] { "--net", "user", "--forward", "sctp:1:2" }, "--forward takes")]
    [DataRow(new[] { "--net", "user", "--forward", "0:80" }, "--forward takes")]
    [DataRow(new[] { "--net", "user", "--forward", "65536:80" }, "--forward takes")]
    [DataRow(new[] { "--net", "user", "--forward", "+80:80" }, "--forward takes")]
    [DataRow(new[] { "--net", "user", "--forward", "tcp:1:2:3" }, "--forward takes")]
    [DataRow(new[] { "--net", "user", "--forward", "8080:80", "--forward", "tcp:8080:81" }, "the host's tcp port 8080 is forwarded twice")]
    public void GivenAMalformedNetwork_ItIsAUsageError(string[] args, string expected) =>
        StringAssert.Contains(Assert.ThrowsExactly<UsageException>(() => LaunchOptions.Parse(["--image", "a.qemu", .. args])).Message, expected);

    [TestMethod]
    public void GivenOneHostPortForTcpAndUdp_BothAreForwarded() =>
        Assert.HasCount(2, LaunchOptions.Parse(["--image", "a.qemu", "--net", "user", "--forward", "53:53", "--forward", "udp:53:53"]).Forwards);

    [TestMethod]
    public void GivenForwards_TheLauncherDescribesEachWithItsAddress()
    {
        Assert.AreEqual(
            "unikraft: forwarding tcp 127.0.0.1:18080 to the guest's port 8080 (http://127.0.0.1:18080/ for a web server)",
            new PortForward("tcp", 18080, 8080).Description);
        Assert.AreEqual("unikraft: forwarding udp 127.0.0.1:5353 to the guest's port 53", new PortForward("udp", 5353, 53).Description);
    }

    [TestMethod]
    public void GivenATapDeviceOnFirecracker_TheRunsConfigHasItAsEth0WithTheMac()
    {
        LaunchOptions options = LaunchOptions.Parse(["--image", "/i/Hello.fc", "--vmm", "firecracker", "--net", "tap", "--tap", "tap7"]);

        using JsonDocument document = JsonDocument.Parse(FirecrackerCommand.BuildConfig(options, null, null));

        JsonElement nic = document.RootElement.GetProperty("network-interfaces").EnumerateArray().Single();
        CollectionAssert.AreEqual(new[] { "iface_id", "host_dev_name", "guest_mac" }, nic.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual("eth0", nic.GetProperty("iface_id").GetString());
        Assert.AreEqual("tap7", nic.GetProperty("host_dev_name").GetString());
        Assert.AreEqual(HelloMac, nic.GetProperty("guest_mac").GetString());
    }

    [TestMethod]
    public void GivenUserNetworkingAndVmmAuto_QemuStandsInForFirecracker()
    {
        LaunchOptions options = LaunchOptions.Parse(["--image", "/i/Hello.fc", "--vmm", "auto", "--net", "user"]);

        VmmChoice choice = VmmChoice.Choose(options, "/usr/bin/firecracker", "x64", kvmUsable: true);

        Assert.IsFalse(choice.UseFirecracker);
        Assert.AreEqual(
            "unikraft: --net user is QEMU's user-mode network, which Firecracker does not have, running on QEMU microvm instead", choice.Note);
        Assert.IsTrue(VmmChoice.Choose(options with { Network = "none" }, "/usr/bin/firecracker", "x64", kvmUsable: true).UseFirecracker);
    }

    [TestMethod]
    public void GivenUserNetworkingOnFirecracker_TheLauncherReturns125WithUKSDK2010()
    {
        string image = Path.Combine(NativeFixtures.NewFolder("fcuser"), "Hello.fc");
        File.WriteAllText(image, "");

        CommandResult result = Launch(["--image", image, "--vmm", "firecracker", "--net", "user"]);

        Assert.AreEqual(125, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "error UKSDK2010: --net user is QEMU's user-mode network, which Firecracker does not have.");
        StringAssert.Contains(result.Output, "--net tap --tap <name>");
    }

    [TestMethod]
    public void GivenAMissingTapDevice_TheLauncherReturns125WithUKSDK2009BeforeLookingForQemu()
    {
        string image = Path.Combine(NativeFixtures.NewFolder("notap"), "x.qemu");
        File.WriteAllText(image, "");

        CommandResult result = Launch(["--image", image, "--qemu", "/nonexistent/qemu", "--net", "tap", "--tap", "uknotap9"]);

        Assert.AreEqual(125, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "error UKSDK2009: The tap device 'uknotap9' (--tap, UnikraftTapDevice) cannot be used: it does not exist");
        StringAssert.Contains(result.Output, "ip tuntap add dev uknotap9 mode tap");
        Assert.DoesNotContain("UKSDK2001", result.Output);
    }

    [TestMethod]
    public void GivenForwards_TheLauncherPrintsThemAndQemuGetsTheRules()
    {
        string folder = NativeFixtures.NewFolder("fwd");
        string image = Path.Combine(folder, "Hello.qemu");
        File.WriteAllText(image, "");
        string qemu = Path.Combine(folder, "qemu");
        File.WriteAllText(qemu, "#!/bin/sh\necho \"fake-qemu $*\"\nexit 1\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(qemu, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        CommandResult result = Launch(["--image", image, "--qemu", qemu, "--accel", "tcg", "--net", "user", "--forward", "18080:8080", "--forward", "udp:5353:53"]);

        Assert.AreEqual(1, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "unikraft: forwarding tcp 127.0.0.1:18080 to the guest's port 8080 (http://127.0.0.1:18080/ for a web server)");
        StringAssert.Contains(result.Output, "unikraft: forwarding udp 127.0.0.1:5353 to the guest's port 53");
        StringAssert.Contains(
            result.Output,
            "-netdev user,id=net0,hostfwd=tcp:127.0.0.1:18080-:8080,hostfwd=udp:127.0.0.1:5353-:53 -device virtio-net-device,netdev=net0,mac=52:54:00:18:5f:8d");
    }

    private static CommandResult Launch(string[] args) =>
        Command.Run("dotnet", ["exec", LauncherPath, .. args], timeout: TimeSpan.FromMinutes(1));
}
