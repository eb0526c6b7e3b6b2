// virtio-blk through unchanged .NET code (tests/apps/Probe, modes "disk" and "disks") on real QEMU with
// real image files, on every transport: virtio-mmio versions 1 (legacy, QEMU's default) and 2 on x86_64
// (microvm) and arm64 (virt, the Firecracker image's transport), virtio-pci modern and legacy on x86_64
// (q35, MSI-X) and arm64 (virt's PCIe host, INTx); one read-write and one read-only disk, four disks in
// the VMM's order, no disk at all. What the guest wrote is checked in the host's image file.
namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class BlockDeviceTests
{
    private const long DiskSize = 64L << 20;

    /// <summary>A transport: the RID whose image boots, launcher options, and the kernel's name for the first disk's place.</summary>
    public sealed record Transport(string Rid, string Name, string[] Options, string FirstDisk)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<object[]> Transports =>
    [
        Row(new(BootTarget.QemuX64, "virtio-mmio v1, x86_64", [], "v1: block device /dev/vda")),
        Row(new(BootTarget.QemuX64, "virtio-mmio v2, x86_64", ["--qemu-args", "-global virtio-mmio.force-legacy=false"], "v2: block device /dev/vda")),
        Row(new(BootTarget.FcArm64, "virtio-mmio v1, arm64", [], "v1: block device /dev/vda")),
        Row(new(BootTarget.FcArm64, "virtio-mmio v2, arm64", ["--qemu-args", "-global virtio-mmio.force-legacy=false"], "v2: block device /dev/vda")),
        Row(new(BootTarget.QemuX64, "virtio-pci modern, x86_64 q35", ["--machine", "q35"], "pci 00:01.0 modern msi-x 64: block device /dev/vda")),
        Row(new(BootTarget.QemuX64, "virtio-pci legacy, x86_64 q35", ["--machine", "q35", "--qemu-args", LegacyPci],
            "pci 00:01.0 legacy msi-x 64: block device /dev/vda")),
        Row(new(BootTarget.QemuArm64, "virtio-pci modern, arm64 virt", [], "pci 00:01.0 modern intx 36: block device /dev/vda")),
        Row(new(BootTarget.QemuArm64, "virtio-pci legacy, arm64 virt", ["--qemu-args", LegacyPci], "pci 00:01.0 legacy intx 36: block device /dev/vda")),
    ];

    private const string LegacyPci = "-global virtio-blk-pci.disable-modern=on -global virtio-blk-pci.disable-legacy=off";

    private static object[] Row(Transport transport) =>
        BootTarget.Row(transport.Rid, transport, $"GivenTwoDisks_DotNetReadsAndWritesThem ({transport.Name})");

    [TestMethod]
    [DynamicData(nameof(Transports))]
    public void GivenTwoDisks_DotNetReadsAndWritesThem(Transport transport)
    {
        BootTarget target = BootTarget.Of(transport.Rid);
        target.RequireHelloBoots();
        string folder = TestRun.Folder($"disks-{transport.Rid}-{transport.Name.Replace(' ', '-').Replace(",", "")}");
        string rw = NewImage(folder, "rw.img", DiskSize, fill: 0);
        string ro = NewImage(folder, "ro.img", 32L << 20, fill: (byte)'B');

        CommandResult result = target.Boot(["--disk", rw, "--disk", ro + ",ro", "--kernel-args", "uk.log=info", .. transport.Options], "disk");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "DISK: PASS");
        StringAssert.Contains(result.Output, $"{transport.FirstDisk}, 131072 sectors");
        StringAssert.Contains(result.Output, "/dev/vdb, 65536 sectors (32 MiB), block 512/512, read-only");
        Assert.DoesNotContain("polled", result.Output, "every disk has its interrupt");
        using var image = File.OpenRead(rw);
        Assert.AreEqual("UNIKRAFT-VDA-OK", ReadAscii(image, 4096, 15));
        CollectionAssert.AreEqual(Pattern(64 * 1024, 1), Read(image, 1 << 20, 64 * 1024), "the aligned pattern");
        CollectionAssert.AreEqual(Pattern(3000, 2), Read(image, (2 << 20) + 1000, 3000), "the unaligned pattern");
        CollectionAssert.AreEqual(new byte[1000], Read(image, 2 << 20, 1000), "bytes before the unaligned write");
        CollectionAssert.AreEqual(Pattern(512, 3), Read(image, DiskSize - 512, 512), "the last sector");
        Assert.AreEqual((byte)'B', File.ReadAllBytes(ro)[0], "the read-only image is untouched");
    }

    /// <summary>
    /// Six disks on arm64 virt's PCIe host share its four INTx lines (slot 5 with slot 1): I/O on vda still
    /// completes by interrupt, and every disk is there in slot order.
    /// </summary>
    [TestMethod]
    [TestCategory("Arm64Boot")]
    public void GivenSixPciDisksOnArm64_SharedInterruptLinesWork()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuArm64);
        target.RequireHelloBoots();
        string folder = TestRun.Folder("six-pci-disks-arm64");
        var options = new List<string> { "--disk", NewImage(folder, "rw.img", DiskSize, 0), "--disk", NewImage(folder, "ro.img", 32L << 20, (byte)'B') + ",ro" };
        for (int i = 2; i < 6; i++)
        {
            options.AddRange(["--disk", NewImage(folder, $"d{i}.img", (i + 1L) << 20, 0)]);
        }

        CommandResult result = target.Boot([.. options, "--kernel-args", "uk.log=info"], "disk");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "DISK: PASS");
        StringAssert.Contains(result.Output, "pci 00:01.0 modern intx 36: block device /dev/vda");
        StringAssert.Contains(result.Output, "pci 00:05.0 modern intx 36: block device /dev/vde");
        StringAssert.Contains(result.Output, "pci 00:06.0 modern intx 37: block device /dev/vdf, 12288 sectors");
    }

    /// <summary>Firecracker images too: on QEMU they keep Firecracker's order (lowest virtio-mmio window first).</summary>
    public static IEnumerable<object[]> AllRids => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64, BootTarget.FcX64, BootTarget.FcArm64);

    [TestMethod]
    [DynamicData(nameof(AllRids))]
    public void GivenFourDisks_TheyAreVdaToVddInTheVmmsOrder(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        string folder = TestRun.Folder($"four-disks-{rid}");
        long[] sizes = [8L << 20, 4L << 20, 16L << 20, 2L << 20];
        var options = new List<string>();
        for (int i = 0; i < sizes.Length; i++)
        {
            options.AddRange(["--disk", NewImage(folder, $"d{i}.img", sizes[i], 0) + (i == 1 ? ",ro" : "")]);
        }

        CommandResult result = target.Boot(options, "disks");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        string[] lines = result.Output.Replace("\r", "").Split('\n').Where(l => l.StartsWith("disk /dev/", StringComparison.Ordinal)).ToArray();
        CollectionAssert.AreEqual(
            new[] { $"disk /dev/vda {sizes[0]} rw", $"disk /dev/vdb {sizes[1]} ro", $"disk /dev/vdc {sizes[2]} rw", $"disk /dev/vdd {sizes[3]} rw" },
            lines, result.ToString());
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenNoDisk_OpeningVdaIsAClearFileNotFoundException(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();

        CommandResult result = target.Boot("disk");

        Assert.AreEqual(134, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "FileNotFoundException");
        StringAssert.Contains(result.Output, "/dev/vda");
    }

    public static IEnumerable<object[]> Rids => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    private static string NewImage(string folder, string name, long size, byte fill)
    {
        string path = Path.Combine(folder, name);
        using var stream = File.Create(path);
        stream.SetLength(size);
        if (fill != 0)
        {
            stream.Write(Enumerable.Repeat(fill, 512).ToArray());
        }

        return path;
    }

    private static byte[] Pattern(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + seed)).ToArray();

    private static byte[] Read(FileStream image, long offset, int length)
    {
        var buffer = new byte[length];
        image.Seek(offset, SeekOrigin.Begin);
        image.ReadExactly(buffer);
        return buffer;
    }

    private static string ReadAscii(FileStream image, long offset, int length) => System.Text.Encoding.ASCII.GetString(Read(image, offset, length));
}
