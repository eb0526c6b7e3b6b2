// TapDevice: the check before a VM attaches a tap device (missing, no tap, tun, multi_queue, busy, usable), and
// the launcher with a real tap device against stand-in QEMU and Firecracker scripts. The devices are made with
// `ip tuntap` and deleted again; without CAP_NET_ADMIN those tests are inconclusive.
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Unikraft.Sdk;

namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Unit")]
public sealed class TapDeviceTests
{
    private static string LauncherPath =>
        Path.Combine(Path.GetDirectoryName(typeof(Unikraft.Launcher.LaunchOptions).Assembly.Location)!, "Unikraft.Launcher.dll");

    [TestMethod]
    public void GivenAMissingDevice_ItSaysSoAndHowToCreateIt()
    {
        string? problem = TapDevice.Problem("uknotap0");

        Assert.IsNotNull(problem);
        StringAssert.StartsWith(problem, "it does not exist (/sys/class/net/uknotap0 is missing); create it: sudo ip tuntap add dev uknotap0 mode tap user ");
    }

    [TestMethod]
    public void GivenTheLoopback_ItIsNoTapDevice() => StringAssert.StartsWith(TapDevice.Problem("lo"), "it is not a tun/tap device");

    [TestMethod]
    [DataRow("")]
    [DataRow("a/b")]
    [DataRow("..")]
    [DataRow("sixteen-chars-ab")]
    public void GivenABadName_ItIsNoInterfaceName(string name) => StringAssert.StartsWith(TapDevice.Problem(name), "it is not a network interface name");

    [TestMethod]
    public void GivenSysfsFlags_ATunAndAMultiQueueTapAreRefused()
    {
        string sys = NativeFixtures.NewFolder("sysnet");
        Directory.CreateDirectory(Path.Combine(sys, "tun0"));
        File.WriteAllText(Path.Combine(sys, "tun0", "tun_flags"), "0x1001\n");
        Directory.CreateDirectory(Path.Combine(sys, "mq0"));
        File.WriteAllText(Path.Combine(sys, "mq0", "tun_flags"), "0x1102\n");

        StringAssert.StartsWith(TapDevice.Problem("tun0", sys), "it is a tun device (IP packets), not a tap device");
        StringAssert.StartsWith(TapDevice.Problem("mq0", sys), "it was created with multi_queue");
    }

    [TestMethod]
    public void GivenAPersistentTap_ItIsUsableAndStaysAsItWas()
    {
        using var tap = new HostTap("tap");

        Assert.IsNull(TapDevice.Problem(tap.Name));
        Assert.IsNull(TapDevice.Problem(tap.Name), "the probe leaves the device free");
        Assert.IsTrue(Directory.Exists($"/sys/class/net/{tap.Name}"));
    }

    [TestMethod]
    public void GivenATapAnotherProcessHolds_ItIsBusy()
    {
        using var tap = new HostTap("tap");
        using HostTap.Holder holder = tap.Hold();

        Assert.AreEqual("it is busy: another process (another VM?) has it attached", TapDevice.Problem(tap.Name));
    }

    [TestMethod]
    public void GivenARealTunDevice_ItIsRefused()
    {
        using var tun = new HostTap("tun");

        StringAssert.StartsWith(TapDevice.Problem(tun.Name), "it is a tun device");
    }

    [TestMethod]
    public void GivenAUsableTap_TheLauncherAttachesItOnQemuAndOnFirecracker()
    {
        using var tap = new HostTap("tap");
        string folder = NativeFixtures.NewFolder("taprun");
        string image = Path.Combine(folder, "Hello.fc");
        File.WriteAllText(image, "");
        File.WriteAllText(image + ".json", FirecrackerConfig.ToJson("Hello.fc", "", [], 128));
        string qemu = Script(folder, "qemu", "echo \"fake-qemu $*\"\nexit 1\n");
        string firecracker = Script(folder, "firecracker", "for a; do last=$a; done\ncat \"$last\"\nexit 0\n"); // the config file

        CommandResult onQemu = Launch(image, "--vmm", "qemu", "--qemu", qemu, "--accel", "tcg", "--net", "tap", "--tap", tap.Name);
        CommandResult onFirecracker = Launch(image, "--vmm", "firecracker", "--firecracker", firecracker, "--net", "tap", "--tap", tap.Name);

        StringAssert.Contains(onQemu.Output, $"-netdev tap,id=net0,ifname={tap.Name},script=no,downscript=no -device virtio-net-device,netdev=net0,mac=52:54:00:18:5f:8d");
        Assert.AreEqual(0, onFirecracker.ExitCode, onFirecracker.ToString());
        string json = onFirecracker.Output[onFirecracker.Output.IndexOf('{', StringComparison.Ordinal)..];
        using JsonDocument config = JsonDocument.Parse(json[..(json.LastIndexOf('}') + 1)]);
        JsonElement nic = config.RootElement.GetProperty("network-interfaces").EnumerateArray().Single();
        Assert.AreEqual(tap.Name, nic.GetProperty("host_dev_name").GetString());
        Assert.AreEqual("52:54:00:18:5f:8d", nic.GetProperty("guest_mac").GetString());
    }

    [TestMethod]
    public void GivenABusyTap_TheLauncherReturns125WithUKSDK2009()
    {
        using var tap = new HostTap("tap");
        using HostTap.Holder holder = tap.Hold();
        string image = Path.Combine(NativeFixtures.NewFolder("busytap"), "x.qemu");
        File.WriteAllText(image, "");

        CommandResult result = Launch(image, "--qemu", "/nonexistent/qemu", "--net", "tap", "--tap", tap.Name);

        Assert.AreEqual(125, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"error UKSDK2009: The tap device '{tap.Name}' (--tap, UnikraftTapDevice) cannot be used: it is busy");
    }

    private static CommandResult Launch(string image, params string[] args) =>
        Command.Run("dotnet", ["exec", LauncherPath, "--image", image, "--memory", "64M", .. args], timeout: TimeSpan.FromMinutes(1));

    private static string Script(string folder, string name, string body)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>A persistent tun or tap device made with <c>ip tuntap add</c> for one test and deleted after it.</summary>
    private sealed class HostTap : IDisposable
    {
        private readonly string mode;

        public HostTap(string mode)
        {
            this.mode = mode;
            Name = "uk" + mode + Guid.NewGuid().ToString("N")[..8];
            CommandResult added = Command.Run("ip", ["tuntap", "add", "dev", Name, "mode", mode], timeout: TimeSpan.FromSeconds(30));
            if (added.ExitCode != 0)
            {
                Prerequisite.Unavailable($"creating a {mode} device needs CAP_NET_ADMIN and iproute2: {added}");
            }
        }

        public string Name { get; }

        /// <summary>Attaches the device as a VMM would and keeps it attached until disposed.</summary>
        public Holder Hold()
        {
            int fd = Open("/dev/net/tun", 2);
            Assert.IsGreaterThanOrEqualTo(0, fd, "open /dev/net/tun");
            byte[] ifreq = new byte[40];
            Encoding.ASCII.GetBytes(Name, ifreq);
            BitConverter.TryWriteBytes(ifreq.AsSpan(16), (short)0x1002); // IFF_TAP | IFF_NO_PI
            Assert.AreEqual(0, Ioctl(fd, 0x400454ca, ifreq), $"TUNSETIFF {Name}: errno {Marshal.GetLastPInvokeError()}");
            return new Holder(fd);
        }

        public void Dispose() => Command.Run("ip", ["tuntap", "del", "dev", Name, "mode", mode], timeout: TimeSpan.FromSeconds(30));

        public sealed class Holder(int fd) : IDisposable
        {
            public void Dispose() => _ = Close(fd);
        }

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
        private static extern int Ioctl(int fd, nuint request, byte[] ifreq);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        private static extern int Close(int fd);
    }
}
