// Unikraft.Drivers' BlockDevice without a block device: name resolution, argument and state checks, image files.
using Unikraft.Drivers;

namespace Unikraft.Sdk.Tests.Drivers;

[TestClass]
[TestCategory("Unit")]
public sealed class BlockDeviceArgumentTests
{
    private const string Folder = "drivers-unit";
    private const long ImageSize = 1L << 20;

    [TestMethod]
    public void GivenNoName_OpenThrowsArgumentException()
    {
        Assert.ThrowsExactly<ArgumentNullException>(() => BlockDevice.Open(null!));
        Assert.ThrowsExactly<ArgumentException>(() => BlockDevice.Open(""));
        Assert.ThrowsExactly<ArgumentException>(() => BlockDevice.Open("  "));
        Assert.ThrowsExactly<ArgumentNullException>(() => BlockDevice.Enumerate(null!));
    }

    [TestMethod]
    public void GivenAMissingDisk_OpenNamesThePathAndUnikraftDisk()
    {
        var byName = Assert.ThrowsExactly<FileNotFoundException>(() => BlockDevice.Open("unikraft-no-such-disk"));
        var byPath = Assert.ThrowsExactly<FileNotFoundException>(() => BlockDevice.Open("/no-such-dir/vdq", writable: false));
        var info = Assert.ThrowsExactly<FileNotFoundException>(() => BlockDevice.GetInfo("unikraft-no-such-disk"));

        Assert.AreEqual("/dev/unikraft-no-such-disk", byName.FileName);
        StringAssert.Contains(byName.Message, "/dev/unikraft-no-such-disk");
        StringAssert.Contains(byName.Message, "<UnikraftDisk Include=");
        StringAssert.Contains(byName.Message, "--disk");
        Assert.AreEqual("/no-such-dir/vdq", byPath.FileName);
        StringAssert.Contains(info.Message, "<UnikraftDisk");
    }

    [TestMethod]
    public void GivenMissingDevices_EnumerateLeavesThemOut()
    {
        Assert.IsEmpty(BlockDevice.Enumerate(["unikraft-no-such-disk", "/no-such-dir/vda"]));
    }

    [TestMethod]
    public void GivenThisHost_EnumerateListsOnlyWholeVirtioDisksInLinuxOrder()
    {
        IReadOnlyList<BlockDeviceInfo> disks = BlockDevice.Enumerate();

        string[] names = disks.Select(d => d.Name).ToArray();
        bool WholeDisk(string n) => n.Length > 2 && n.StartsWith("vd", StringComparison.Ordinal) && n[2..].All(char.IsAsciiLetterLower);
        Assert.IsTrue(names.All(WholeDisk), string.Join(' ', names));
        CollectionAssert.AreEqual(names.OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal).ToArray(), names);
        Assert.IsTrue(disks.All(d => d.Path == "/dev/" + d.Name && d.Capacity > 0));
    }

    [TestMethod]
    public void GivenACharacterDevice_OpenSaysItIsNoBlockDevice()
    {
        var e = Assert.ThrowsExactly<IOException>(() => BlockDevice.Open("/dev/null", writable: false));

        StringAssert.Contains(e.Message, "/dev/null is not a block device");
    }

    [TestMethod]
    public void GivenAnImageFile_ItIsADiskOf512ByteSectors()
    {
        string image = DiskImages.Create(Folder, "geometry.img", ImageSize);

        BlockDeviceInfo info = BlockDevice.GetInfo(image);
        using BlockDevice device = BlockDevice.Open(image);

        Assert.AreEqual(new BlockDeviceInfo("geometry.img", image, ImageSize, 512, 512, false), info);
        Assert.AreEqual(2048, info.SectorCount);
        Assert.AreEqual(info, device.Info);
        Assert.AreEqual(
            (512, 2048L, ImageSize, 512, false), (device.SectorSize, device.SectorCount, device.Capacity, device.PhysicalBlockSize, device.IsReadOnly));
        Assert.AreEqual($"{image} (2048 sectors of 512 bytes)", device.ToString());
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(100)]
    [DataRow(513)]
    [DataRow(1000)]
    public void GivenAPartialSector_EveryTransferThrowsArgumentExceptionNamingTheSectorSize(int length)
    {
        using BlockDevice device = BlockDevice.Open(DiskImages.Create(Folder, $"partial-{length}.img", ImageSize));
        var buffer = new byte[length];

        ArgumentException[] errors =
        [
            Assert.ThrowsExactly<ArgumentException>(() => device.Read(0, buffer)),
            Assert.ThrowsExactly<ArgumentException>(() => device.Write(0, buffer)),
            // Thrown by the call itself, not by the task it returns.
            Assert.ThrowsExactly<ArgumentException>(() => _ = device.ReadAsync(0, buffer)),
            Assert.ThrowsExactly<ArgumentException>(() => _ = device.WriteAsync(0, buffer)),
        ];

        foreach (ArgumentException e in errors)
        {
            Assert.AreEqual("buffer", e.ParamName);
            StringAssert.Contains(e.Message, $"{length} bytes");
            StringAssert.Contains(e.Message, "512-byte sectors");
        }
    }

    [TestMethod]
    [DataRow(-1L, 1)]
    [DataRow(2048L, 1)]
    [DataRow(2047L, 2)]
    [DataRow(2040L, 16)]
    [DataRow(2049L, 0)]
    [DataRow(long.MaxValue, 1)]
    public void GivenSectorsPastTheEnd_EveryTransferThrowsArgumentOutOfRangeException(long sector, int sectors)
    {
        using BlockDevice device = BlockDevice.Open(DiskImages.Create(Folder, $"range-{sector}-{sectors}.img", ImageSize));
        var buffer = new byte[sectors * 512];

        ArgumentOutOfRangeException[] errors =
        [
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => device.Read(sector, buffer)),
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => device.Write(sector, buffer)),
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _ = device.ReadAsync(sector, buffer)),
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _ = device.WriteAsync(sector, buffer)),
        ];

        foreach (ArgumentOutOfRangeException e in errors)
        {
            Assert.AreEqual("sector", e.ParamName);
            Assert.AreEqual(sector, e.ActualValue);
            StringAssert.Contains(e.Message, "which has sectors 0 to 2047 of 512 bytes");
        }
    }

    [TestMethod]
    public async Task GivenTheLastSectorsAndEmptyBuffers_TransfersSucceed()
    {
        string image = DiskImages.Create(Folder, "edges.img", ImageSize);
        await using BlockDevice device = BlockDevice.Open(image);

        device.Write(2047, DiskImages.Pattern(512, 5));
        await device.WriteAsync(2048, Memory<byte>.Empty);
        device.Read(2048, Span<byte>.Empty);
        var last = new byte[1024];
        await device.ReadAsync(2046, last);
        device.Flush();

        CollectionAssert.AreEqual(new byte[512].Concat(DiskImages.Pattern(512, 5)).ToArray(), last);
        CollectionAssert.AreEqual(DiskImages.Pattern(512, 5), DiskImages.Read(image, ImageSize - 512, 512));
    }

    [TestMethod]
    public void GivenADeviceOpenedReadOnly_WritesAreRefusedBeforeAnyIo()
    {
        string image = DiskImages.Create(Folder, "opened-ro.img", ImageSize);
        using BlockDevice device = BlockDevice.Open(image, writable: false);

        var sync = Assert.ThrowsExactly<UnauthorizedAccessException>(() => device.Write(0, DiskImages.Pattern(512, 1)));
        var async = Assert.ThrowsExactly<UnauthorizedAccessException>(() => _ = device.WriteAsync(0, DiskImages.Pattern(512, 1)));
        device.Flush();

        Assert.IsTrue(device.IsReadOnly);
        Assert.IsFalse(device.Info.IsReadOnly, "the disk itself is writable");
        StringAssert.Contains(sync.Message, "opened read-only");
        StringAssert.Contains(sync.Message, "writable: true");
        Assert.AreEqual(sync.Message, async.Message);
        CollectionAssert.AreEqual(new byte[512], DiskImages.Read(image, 0, 512));
    }

    [TestMethod]
    public async Task GivenACanceledToken_AsyncCallsReturnCanceledTasks()
    {
        using BlockDevice device = BlockDevice.Open(DiskImages.Create(Folder, "canceled.img", ImageSize));
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => device.ReadAsync(0, new byte[512], canceled.Token).AsTask());
        await Assert.ThrowsAsync<OperationCanceledException>(() => device.WriteAsync(0, new byte[512], canceled.Token).AsTask());
        await Assert.ThrowsAsync<OperationCanceledException>(() => device.FlushAsync(canceled.Token).AsTask());
    }

    [TestMethod]
    public async Task GivenADisposedDevice_EveryCallThrowsObjectDisposedException()
    {
        BlockDevice device = BlockDevice.Open(DiskImages.Create(Folder, "disposed.img", ImageSize));
        device.Dispose();
        await device.DisposeAsync();

        Assert.ThrowsExactly<ObjectDisposedException>(() => device.Read(0, new byte[512]));
        Assert.ThrowsExactly<ObjectDisposedException>(() => device.Write(0, new byte[512]));
        Assert.ThrowsExactly<ObjectDisposedException>(() => _ = device.ReadAsync(0, new byte[512]));
        Assert.ThrowsExactly<ObjectDisposedException>(() => _ = device.WriteAsync(0, new byte[512]));
        Assert.ThrowsExactly<ObjectDisposedException>(device.Flush);
        Assert.ThrowsExactly<ObjectDisposedException>(() => _ = device.FlushAsync());
    }
}
