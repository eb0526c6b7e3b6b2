// Unikraft.Drivers' BlockDevice natively against Linux loop devices, whose semantics the kernel's /dev/vd* share.
using Unikraft.Drivers;

namespace Unikraft.Sdk.Tests.Drivers;

[TestClass]
[TestCategory("Unit")]
public sealed class LoopDeviceTests
{
    private const string Folder = "drivers-loop";
    private const int Sector = 512;

    [TestMethod]
    public void GivenLoopDevices_EnumerateAndGetInfoReportWhatLinuxReports()
    {
        using LoopDevice rw = LoopDevice.Attach(DiskImages.Create(Folder, "info-rw.img", 8L << 20));
        using LoopDevice ro = LoopDevice.Attach(DiskImages.Create(Folder, "info-ro.img", 4L << 20), readOnly: true);

        IReadOnlyList<BlockDeviceInfo> disks = BlockDevice.Enumerate([rw.Path, "/dev/unikraft-no-such-disk", ro.Name]);

        Assert.HasCount(2, disks);
        var expected = new[] { (disks[0], rw, 8L << 20, false), (disks[1], ro, 4L << 20, true) };
        foreach ((BlockDeviceInfo info, LoopDevice loop, long size, bool readOnly) in expected)
        {
            var linux = loop.Blockdev();
            Assert.AreEqual((size, Sector, readOnly), (linux.Bytes, linux.Sector, linux.ReadOnly), $"blockdev on {loop}");
            Assert.AreEqual(new BlockDeviceInfo(loop.Name, loop.Path, linux.Bytes, linux.Sector, linux.Physical, linux.ReadOnly), info);
            Assert.AreEqual(size / Sector, info.SectorCount);
            Assert.AreEqual(info, BlockDevice.GetInfo(loop.Path));
        }
    }

    [TestMethod]
    public async Task GivenALoopDevice_SectorsRoundTripAndReachTheImageAfterAFlush()
    {
        const long Size = 4L << 20;
        byte[] before = DiskImages.Pattern(64 * Sector, 1);
        string image = DiskImages.Create(Folder, "round-trip.img", Size, (16 * Sector, before));
        using LoopDevice loop = LoopDevice.Attach(image);
        await using BlockDevice device = BlockDevice.Open(loop.Path);
        long last = device.SectorCount - 1;

        // What the host wrote into the image, read through the device.
        var read = new byte[before.Length];
        device.Read(16, read);
        var readAsync = new byte[before.Length];
        await device.ReadAsync(16, readAsync);

        // What the device writes, in the image once flushed.
        byte[] written = DiskImages.Pattern(8 * Sector, 2);
        byte[] writtenAsync = DiskImages.Pattern(Sector, 3);
        device.Write(1000, written);
        await device.WriteAsync(last, writtenAsync);
        device.Flush();
        byte[] afterFlush = DiskImages.Read(image, 1000 * Sector, written.Length);
        byte[] lastAfterFlush = DiskImages.Read(image, last * Sector, Sector);
        byte[] writtenLater = DiskImages.Pattern(2 * Sector, 4);
        await device.WriteAsync(0, writtenLater);
        await device.FlushAsync();
        var back = new byte[written.Length];
        await device.ReadAsync(1000, back);

        CollectionAssert.AreEqual(before, read, "Read");
        CollectionAssert.AreEqual(before, readAsync, "ReadAsync");
        CollectionAssert.AreEqual(written, afterFlush, "Write, then Flush");
        CollectionAssert.AreEqual(writtenAsync, lastAfterFlush, "WriteAsync to the last sector, then Flush");
        CollectionAssert.AreEqual(writtenLater, DiskImages.Read(image, 0, writtenLater.Length), "WriteAsync, then FlushAsync");
        CollectionAssert.AreEqual(written, back, "read back through the device");
        CollectionAssert.AreEqual(new byte[Sector], DiskImages.Read(image, 999 * Sector, Sector), "the sector before the write");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => device.Write(last, new byte[2 * Sector]));
    }

    [TestMethod]
    public async Task GivenALoopDevice_ManyReadAsyncAreInFlightTogether()
    {
        const int Regions = 16, RegionBytes = 128 * Sector;
        var fill = Enumerable.Range(0, Regions).Select(i => ((long)i * 2 * RegionBytes, DiskImages.Pattern(RegionBytes, 20 + i))).ToArray();
        using LoopDevice loop = LoopDevice.Attach(DiskImages.Create(Folder, "concurrent.img", 8L << 20, fill));
        await using BlockDevice device = BlockDevice.Open(loop.Path, writable: false);

        // Every read is started before the first is awaited; each is a pread of its own on the thread pool.
        var buffers = fill.Select(_ => new byte[RegionBytes]).ToArray();
        Task[] reads = fill.Select((f, i) => device.ReadAsync(f.Item1 / Sector, buffers[i]).AsTask()).ToArray();
        await Task.WhenAll(reads);

        for (int i = 0; i < Regions; i++)
        {
            CollectionAssert.AreEqual(fill[i].Item2, buffers[i], $"region {i}");
        }
    }

    [TestMethod]
    public async Task GivenAReadOnlyLoopDevice_ItOpensAndRefusesWritesBeforeAnyIo()
    {
        byte[] content = Enumerable.Repeat((byte)'B', Sector).ToArray();
        string image = DiskImages.Create(Folder, "read-only.img", 4L << 20, (0, content));
        using LoopDevice loop = LoopDevice.Attach(image, readOnly: true);

        // As on Linux (and in the kernel), a read-only disk opens for writing; BlockDevice says so and refuses writes itself.
        await using BlockDevice device = BlockDevice.Open(loop.Path);
        var first = new byte[Sector];
        device.Read(0, first);
        var sync = Assert.ThrowsExactly<UnauthorizedAccessException>(() => device.Write(0, new byte[Sector]));
        var async = Assert.ThrowsExactly<UnauthorizedAccessException>(() => _ = device.WriteAsync(0, new byte[Sector]));
        device.Flush();
        await device.FlushAsync();

        Assert.IsTrue(device.IsReadOnly);
        Assert.IsTrue(device.Info.IsReadOnly);
        CollectionAssert.AreEqual(content, first);
        StringAssert.Contains(sync.Message, $"{loop.Path} is a read-only disk");
        StringAssert.Contains(async.Message, "read-only disk");
        CollectionAssert.AreEqual(content, DiskImages.Read(image, 0, Sector), "the image is untouched");
    }

    [TestMethod]
    public void GivenAWritableLoopDeviceOpenedReadOnly_WritesAreRefused()
    {
        string image = DiskImages.Create(Folder, "opened-read-only.img", 4L << 20);
        using LoopDevice loop = LoopDevice.Attach(image);
        using BlockDevice device = BlockDevice.Open(loop.Path, writable: false);

        var e = Assert.ThrowsExactly<UnauthorizedAccessException>(() => device.Write(0, DiskImages.Pattern(Sector, 9)));
        device.Flush();

        Assert.IsTrue(device.IsReadOnly);
        Assert.IsFalse(device.Info.IsReadOnly);
        StringAssert.Contains(e.Message, "opened read-only");
        CollectionAssert.AreEqual(new byte[Sector], DiskImages.Read(image, 0, Sector));
    }
}
