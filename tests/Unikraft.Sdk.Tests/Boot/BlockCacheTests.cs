// The block devices' page cache and O_DIRECT (kernel lib/blk) through unchanged .NET code (tests/apps/Probe,
// DiskCacheProbe.cs) on real QEMU with real image files, x86_64 and arm64 (whose O_DIRECT has another value):
// direct and buffered I/O see each other's bytes, Linux's alignment rules, what the program wrote without
// fsync reaches the image when it exits or crashes, and the cache gives its memory back to the program.
namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class BlockCacheTests
{
    public static IEnumerable<object[]> Rids => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenADisk_DirectAndBufferedIoSeeTheSameBytes(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        string image = NewImage(rid, "direct", 32L << 20);

        CommandResult result = target.Boot(["--disk", image], "disk-direct");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "DISKCACHE: PASS");
        StringAssert.Contains(result.Output, "O_DIRECT refuses a misaligned buffer: ok");
        CollectionAssert.AreEqual(Pattern(65536, 9), Read(image, 8L << 20, 65536), "the buffered write, written back at exit");
        CollectionAssert.AreEqual(Pattern(65536, 10), Read(image, 12L << 20, 65536), "the direct write");
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenAProgramThatFailsFastAfterWriting_TheBytesReachTheDisk(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        string image = NewImage(rid, "crash", 32L << 20);

        CommandResult result = target.Boot(["--disk", image], "disk-crash");

        Assert.AreEqual(134, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "DISKCACHE: written, failing fast");
        CollectionAssert.AreEqual(Pattern(65536, 11), Read(image, 16L << 20, 65536), "written without fsync before the crash");
    }

    /// <summary>
    /// A 64 MiB disk read through the cache in a 128 MiB guest fills most of the free memory with cached pages;
    /// the program then allocates 60 % of what is available and gets it.
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenTheCacheFillsMemory_TheProgramStillGetsIt(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        string image = NewImage(rid, "cache", 64L << 20);
        using (var stream = new FileStream(image, FileMode.Open, FileAccess.Write))
        {
            byte[] chunk = Pattern(1 << 20, 5);
            for (int i = 0; i < 64; i++)
            {
                chunk[0] = (byte)i;
                stream.Write(chunk);
            }
        }

        CommandResult result = target.Boot(["--disk", image, "--memory", "128M"], "disk-cache");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "DISKCACHE: PASS");
    }

    private static string NewImage(string rid, string name, long size)
    {
        string path = Path.Combine(TestRun.Folder($"blk-cache-{rid}"), name + ".img");
        using var stream = File.Create(path);
        stream.SetLength(size);
        return path;
    }

    /// <summary>DiskCacheProbe.Pattern.</summary>
    private static byte[] Pattern(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 13 + seed)).ToArray();

    private static byte[] Read(string image, long offset, int length)
    {
        using var stream = File.OpenRead(image);
        var buffer = new byte[length];
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(buffer);
        return buffer;
    }
}
