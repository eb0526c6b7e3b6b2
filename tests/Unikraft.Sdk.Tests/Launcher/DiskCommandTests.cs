// The launcher's block devices: --disk parsing, the QEMU devices per machine (order, ids, readonly) and the missing-disk error.
using Unikraft.Launcher;

namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Unit")]
public sealed class DiskCommandTests
{
    private static readonly HostFacts Host = new(KvmUsable: false, QbootPath: null, ControlFile: "/tmp/ctl");

    private static string LauncherPath =>
        Path.Combine(Path.GetDirectoryName(typeof(LaunchOptions).Assembly.Location)!, "Unikraft.Launcher.dll");

    private static LaunchOptions Options(string image, string? machine, string[] arch, params string[] disks) =>
        LaunchOptions.Parse(
        [
            "--image", image, .. arch, .. machine is null ? Array.Empty<string>() : ["--machine", machine],
            .. disks.SelectMany(d => new[] { "--disk", d }),
        ]);

    /// <summary>The arguments from the first -drive on, up to the accelerator.</summary>
    private static string[] DiskPart(LaunchOptions options)
    {
        List<string> args = [.. QemuCommand.Build(options, Host)];
        int first = args.IndexOf("-drive");
        return first < 0 ? [] : args.Skip(first).TakeWhile(a => a != "-accel").ToArray();
    }

    /// <summary>Image, machine, architecture options, and the device of disk {0} (a format string).</summary>
    public static IEnumerable<object?[]> Machines =>
    [
        ["/i/Hello.qemu", null, Array.Empty<string>(), "virtio-blk-device,drive=vd{0}"],
        ["/i/Hello.qemu", "q35", Array.Empty<string>(), "virtio-blk-pci,drive=vd{0}"],
        ["/i/Hello.qemu", null, new[] { "--arch", "arm64" }, "virtio-blk-pci,drive=vd{0}"],
        // A Firecracker image on virt: disks pinned from the lowest virtio-mmio window up, Firecracker's order.
        ["/i/Hello.fc", null, new[] { "--arch", "arm64" }, "virtio-blk-device,drive=vd{0},bus=virtio-mmio-bus.{0}"],
        ["/i/Hello.fc", null, Array.Empty<string>(), "virtio-blk-device,drive=vd{0}"],
    ];

    private static string Device(string format, int index) => string.Format(System.Globalization.CultureInfo.InvariantCulture, format, index);

    [TestMethod]
    [DynamicData(nameof(Machines))]
    public void GivenNoDisks_QemuGetsNoDrive(string image, string? machine, string[] arch, string device)
    {
        _ = device;
        string[] args = [.. QemuCommand.Build(Options(image, machine, arch), Host)];

        Assert.DoesNotContain("-drive", args);
        Assert.IsFalse(args.Any(a => a.Contains("virtio-blk", StringComparison.Ordinal)));
    }

    [TestMethod]
    [DynamicData(nameof(Machines))]
    public void GivenOneDisk_ItIsAttachedWritableAsVd0(string image, string? machine, string[] arch, string device)
    {
        CollectionAssert.AreEqual(
            new[] { "-drive", "file=/d/data.img,if=none,id=vd0,format=raw", "-device", Device(device, 0) },
            DiskPart(Options(image, machine, arch, "/d/data.img")));
    }

    [TestMethod]
    [DynamicData(nameof(Machines))]
    public void GivenTwoDisks_TheyAreAttachedInOrderWithReadOnlyOnTheSecond(string image, string? machine, string[] arch, string device)
    {
        CollectionAssert.AreEqual(
            new[]
            {
                "-drive", "file=/d/b.img,if=none,id=vd0,format=raw", "-device", Device(device, 0),
                "-drive", "file=/d/a.img,if=none,id=vd1,format=raw,readonly=on", "-device", Device(device, 1),
            },
            DiskPart(Options(image, machine, arch, "/d/b.img", "/d/a.img,ro")));
    }

    [TestMethod]
    public void GivenACommaInADiskPath_QemuGetsItDoubled() =>
        Assert.AreEqual("file=/d/a,,b.img,if=none,id=vd0,format=raw", DiskPart(Options("/i/Hello.qemu", null, [], "/d/a,b.img,rw"))[1]);

    [TestMethod]
    public void GivenDiskOptions_TheyParseInOrderAndRelativePathsBecomeAbsolute()
    {
        LaunchOptions options = LaunchOptions.Parse(["--image", "a.qemu", "--disk", "data.img", "--disk", "/abs/ro.img,ro", "--disk", "w.img,rw"]);

        CollectionAssert.AreEqual(
            new[]
            {
                new DiskOption(Path.GetFullPath("data.img"), false),
                new DiskOption("/abs/ro.img", true),
                new DiskOption(Path.GetFullPath("w.img"), false),
            },
            options.Disks.ToArray());
    }

    [TestMethod]
    [DataRow(",ro")]
    [DataRow("")]
    public void GivenADiskWithoutPath_ItIsAUsageError(string value) =>
        StringAssert.Contains(Assert.ThrowsExactly<UsageException>(() => LaunchOptions.Parse(["--image", "a", "--disk", value])).Message, "--disk");

    [TestMethod]
    public void GivenAMissingDisk_TheLauncherReturns125WithUKSDK2005BeforeLookingForQemu()
    {
        string folder = NativeFixtures.NewFolder("nodisk");
        string image = Path.Combine(folder, "x.qemu");
        File.WriteAllText(image, "");
        File.WriteAllText(Path.Combine(folder, "present.img"), "");
        string missing = Path.Combine(folder, "missing.img");

        CommandResult result = Command.Run(
            "dotnet",
            ["exec", LauncherPath, "--image", image, "--qemu", "/nonexistent/qemu", "--disk", Path.Combine(folder, "present.img"), "--disk", missing],
            timeout: TimeSpan.FromMinutes(1));

        Assert.AreEqual(125, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"error UKSDK2005: The disk image '{missing}'");
        Assert.DoesNotContain("UKSDK2001", result.Output);
    }
}
