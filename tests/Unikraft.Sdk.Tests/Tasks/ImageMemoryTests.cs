// ImageMemory: the smallest guest memory an image boots in, read from the image, and the refusals of smaller ones by
// `dotnet run` (UKSDK1041), the Firecracker config (UKSDK1041) and the launcher (UKSDK2011) before any VM starts.
using System.Buffers.Binary;
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class ImageMemoryTests
{
    private const long MiB = 1L << 20;

    /// <summary>An arm64 Image header (magic "ARM\x64" at 0x38) whose image_size is <paramref name="imageSize"/>.</summary>
    internal static string Arm64ImageFile(string name, ulong imageSize)
    {
        byte[] header = new byte[Arm64Image.HeaderSize];
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), imageSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(Arm64Image.MagicOffset), Arm64Image.Magic);
        string path = Path.Combine(NativeFixtures.NewFolder(name), "Hello.qemu");
        File.WriteAllBytes(path, header);
        return path;
    }

    [TestMethod]
    [DataRow("256M", 256L << 20)]
    [DataRow("1G", 1L << 30)]
    [DataRow("5900K", 5900L << 10)]
    [DataRow("64", 64L << 20)]
    public void GivenAQemuSize_ItIsReadInBytes(string size, long bytes) => Assert.AreEqual(bytes, ImageMemory.BytesOf(size));

    [TestMethod]
    [DataRow("")]
    [DataRow("0M")]
    [DataRow("12X")]
    [DataRow("99999999999999G")]
    public void GivenNoSize_ItIsNull(string size) => Assert.IsNull(ImageMemory.BytesOf(size));

    [TestMethod]
    public void GivenAnArm64Image_ItNeedsTheImageTheDeviceTreeAndTheKernelsMinimum()
    {
        string image = Arm64ImageFile("memory-arm64", 0x1b2000);

        // 1.70 MiB of image + 1 MiB of device tree + a bitmap page + 3 MiB free: 5.70 MiB, so 6 MiB.
        Assert.AreEqual(6L, ImageMemory.MinimumMebibytes(image));
        Assert.AreEqual(6L, ImageMemory.TooSmall(image, "5M"));
        Assert.AreEqual(6L, ImageMemory.TooSmall(image, "6143K"));
        Assert.IsNull(ImageMemory.TooSmall(image, "6M"));
    }

    [TestMethod]
    public void GivenAnX86Elf_ItNeedsRamUpToTheImagesEndAndTheKernelsMinimumBesideTheFirstMib()
    {
        string elf = ElfImageTests.BuildImage("memory-x86", """
                    .bss
                    .skip 8 << 20
            """);
        ElfImage parsed = ElfImage.Load(elf);
        long end = (long)parsed.LoadSegments.Max(s => s.PhysicalAddress + s.MemorySize);
        long start = (long)parsed.LoadSegments.Min(s => s.PhysicalAddress);

        long expected = Math.Max(end, ImageMemory.LowReserved + end - start + ImageMemory.KernelMinimum) + ImageMemory.FrameBitmap;
        Assert.AreEqual(expected, ImageMemory.MinimumBytes(File.ReadAllBytes(elf)));
        Assert.AreEqual((expected + MiB - 1) / MiB, ImageMemory.MinimumMebibytes(elf));
    }

    [TestMethod]
    public void GivenSomethingElse_ThereIsNoMinimum()
    {
        string text = Path.Combine(NativeFixtures.NewFolder("memory-text"), "x.qemu");
        File.WriteAllText(text, "not an image");

        Assert.IsNull(ImageMemory.MinimumMebibytes(text));
        Assert.IsNull(ImageMemory.TooSmall(text, "1M"));
        Assert.IsNull(ImageMemory.TooSmall("/nonexistent/x.qemu", "1M"));
    }

    [TestMethod]
    public void GivenTooLittleUnikraftMemory_DotnetRunFailsWithUKSDK1041AndTheMinimum()
    {
        var task = new ComputeUnikraftRunArguments
        {
            LauncherPath = "/sdk/tools/net10.0/Unikraft.Launcher.dll",
            RuntimeIdentifier = "unikraft-qemu-arm64",
            Backend = "qemu",
            Image = Arm64ImageFile("memory-run", 0x1b2000),
            Architecture = "arm64",
            Memory = "4M",
        };

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1041", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, "at least 6 MiB");
        StringAssert.Contains(engine.Errors.Single().Message, "-p:UnikraftMemory=6M");
    }

    [TestMethod]
    public void GivenTooLittleUnikraftMemory_TheFirecrackerConfigFailsWithUKSDK1041()
    {
        var task = new WriteFirecrackerConfig { Image = Arm64ImageFile("memory-fc", 0x1b2000), Architecture = "arm64", Memory = "5M" };

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1041", engine.Errors.Single().Code);
    }

    [TestMethod]
    public void GivenTooLittleMemory_TheLauncherRefusesWithUKSDK2011BeforeAnyVmm()
    {
        string image = Arm64ImageFile("memory-launcher", 0x1b2000);
        string launcher = Path.Combine(Path.GetDirectoryName(typeof(Unikraft.Launcher.LaunchOptions).Assembly.Location)!, "Unikraft.Launcher.dll");

        CommandResult result = Command.Run("dotnet", ["exec", launcher, "--image", image, "--arch", "arm64", "--memory", "4M",
            "--qemu", "/nonexistent/qemu-system-aarch64"], timeout: TimeSpan.FromMinutes(1));

        Assert.AreEqual(125, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "UKSDK2011", result.ToString());
        StringAssert.Contains(result.Output, "at least 6 MiB", result.ToString());
        StringAssert.Contains(result.Output, "--memory 6M", result.ToString());
    }
}
