// Unikraft.Drivers inside a real unikernel: tests/apps/Drivers published for unikraft-qemu-x64 and booted with two disks.
using Unikraft.Sdk.Tests.Boot;

namespace Unikraft.Sdk.Tests.Drivers;

[TestClass]
[TestCategory("Boot")]
public sealed class DriversBootTests
{
    private const long RwSize = 16L << 20, RoSize = 8L << 20;

    /// <summary>The app's image, published once for both tests.</summary>
    private static readonly Lazy<string> Image = new(() => PublishDriversApp(BootTarget.QemuX64));

    [TestMethod]
    public void GivenTwoDisks_BlockDeviceEnumeratesReadsWritesAndFlushesThem()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        target.RequireHelloBoots();
        string image = Image.Value;
        byte[] bees = Enumerable.Repeat((byte)'B', 512).ToArray();
        string rw = DiskImages.Create("drivers-boot", "rw.img", RwSize);
        string ro = DiskImages.Create("drivers-boot", "ro.img", RoSize, (0, bees));

        CommandResult result = target.Launch(image, ["--disk", rw, "--disk", ro + ",ro"], []);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "DRIVERS: PASS", result.ToString());
        string[] disks = result.Output.Replace("\r", "").Split('\n').Where(l => l.StartsWith("disk ", StringComparison.Ordinal)).ToArray();
        CollectionAssert.AreEqual(
            new[] { $"disk vda /dev/vda {RwSize} {RwSize / 512} 512 512 rw", $"disk vdb /dev/vdb {RoSize} {RoSize / 512} 512 512 ro" },
            disks, result.ToString());
        StringAssert.Contains(result.Output, "read-only disk refuses Write: ok UnauthorizedAccessException: /dev/vdb is a read-only disk");
        StringAssert.Contains(result.Output, "a missing disk names <UnikraftDisk>: ok FileNotFoundException: There is no block device /dev/vdz.");

        // What the guest wrote, in the host's image file.
        byte[] marker = new byte[512];
        "UNIKRAFT-DRIVERS-OK"u8.CopyTo(marker);
        CollectionAssert.AreEqual(marker, DiskImages.Read(rw, 512, 512), "the marker in sector 1");
        CollectionAssert.AreEqual(DiskImages.Pattern(128 * 512, 1), DiskImages.Read(rw, 8 * 512, 128 * 512), "Write at sector 8");
        for (int i = 0; i < 8; i++)
        {
            byte[] region = DiskImages.Read(rw, (1024 + 64 * i) * 512L, 32 * 512);
            CollectionAssert.AreEqual(DiskImages.Pattern(32 * 512, 10 + i), region, $"WriteAsync region {i}");
        }

        CollectionAssert.AreEqual(DiskImages.Pattern(512, 3), DiskImages.Read(rw, RwSize - 512, 512), "the last sector");
        CollectionAssert.AreEqual(new byte[512], DiskImages.Read(rw, 7 * 512, 512), "sector 7, never written");
        CollectionAssert.AreEqual(bees, DiskImages.Read(ro, 0, 512), "the read-only image is untouched");
    }

    [TestMethod]
    public void GivenNoDisk_EnumerateIsEmptyAndOpenPointsAtUnikraftDisk()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        target.RequireHelloBoots();

        CommandResult result = target.Launch(Image.Value, [], ["none"]);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "no disk enumerated: ok");
        StringAssert.Contains(result.Output, "opening vda without a disk names <UnikraftDisk>: ok FileNotFoundException: There is no block device /dev/vda.");
        StringAssert.Contains(result.Output, "DRIVERS: PASS");
    }

    /// <summary>
    /// Publishes tests/apps/Drivers for <paramref name="rid"/> with the staged runtime pack. The app gets the library
    /// by a ProjectReference (../../../drivers/Unikraft.Drivers), so the test project holds copies of both at their
    /// repository paths; it builds through the freshly packed SDK like every test app (Infrastructure/TestProject.cs).
    /// </summary>
    private static string PublishDriversApp(string rid)
    {
        var files = new Dictionary<string, string>();
        AddCopies(files, "tests", "apps", "Drivers");
        AddCopies(files, "drivers", "Unikraft.Drivers");
        TestProject project = TestProject.Create("Drivers", files);
        string output = Path.Combine(project.Directory, "publish");
        string pack = TestImages.DefaultRuntimePack(rid) ?? throw new AssertFailedException($"no staged {rid} runtime pack");

        CommandResult result = project.Dotnet(
            "publish", Path.Combine("tests", "apps", "Drivers", "Drivers.csproj"), "-r", rid, "-c", "Release", "-o", output, "-nologo",
            $"-p:UnikraftRuntimePackDir={pack}");

        Assert.AreEqual(0, result.ExitCode, $"Publishing tests/apps/Drivers for {rid} failed:\n{result}");
        string image = Path.Combine(output, "Drivers.qemu");
        Assert.IsTrue(File.Exists(image), $"no {image}:\n{result}");
        return image;
    }

    /// <summary>The files of a repository folder (bin/ and obj/ left out), under the same relative paths.</summary>
    private static void AddCopies(Dictionary<string, string> files, params string[] folder)
    {
        string source = Repository.PathOf(folder);
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            string top = relative.Split(Path.DirectorySeparatorChar)[0];
            if (top is not ("bin" or "obj"))
            {
                files[Path.Combine([.. folder, relative])] = File.ReadAllText(file);
            }
        }
    }
}
