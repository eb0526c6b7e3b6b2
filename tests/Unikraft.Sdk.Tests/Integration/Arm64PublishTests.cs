// `dotnet publish -r unikraft-qemu-arm64` on an x86_64 host: NativeAOT cross-compiles for linux-arm64, the SDK
// links with the arm64 pack's cross ld (crtbeginT.o/crtend.o), writes the arm64 Image and publishes the linked
// ELF next to it. The pack is FakeRuntimePack.ForArm64 (no kernel), so the ELF is an ordinary static Linux
// arm64 program: qemu-aarch64 (user mode) runs it, which checks the cross-compiled program without the kernel.
using System.Buffers.Binary;
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Integration;

[TestClass]
[TestCategory("Boot")]
public sealed class Arm64PublishTests
{
    private const string Rid = "unikraft-qemu-arm64";

    private static string UserModeQemu()
    {
        string? qemu = Unikraft.Sdk.ExecutableSearch.Find("qemu-aarch64-static") ?? Unikraft.Sdk.ExecutableSearch.Find("qemu-aarch64");
        if (qemu is null)
        {
            Prerequisite.Missing("Needs qemu-aarch64(-static) (apt-get install qemu-user-static) to run the arm64 program.");
        }

        return qemu;
    }

    private static string ProbeImage() =>
        TestImages.Publish(Repository.PathOf("tests", "apps", "Probe"), Rid,
            new Dictionary<string, string> { ["UnikraftRuntimePackDir"] = FakeRuntimePack.ForArm64(Rid) });

    [TestMethod]
    public void GivenTheArm64Rid_PublishWritesAnArm64ImageAndItsElf()
    {
        string image = ProbeImage();
        string elf = image + LinkUnikernel.ElfSuffix;

        StringAssert.EndsWith(image, ".qemu");
        Assert.IsTrue(File.Exists(elf), $"{elf} is published next to the image");
        byte[] imageBytes = File.ReadAllBytes(image);
        Assert.IsTrue(Arm64Image.IsImage(imageBytes), "the image has the arm64 Image magic");
        ElfImage parsed = ElfImage.Load(elf);
        Assert.AreEqual(ElfImage.MachineAArch64, parsed.Machine);
        Assert.AreEqual(0x400000UL, parsed.LoadSegments.Min(s => s.VirtualAddress));
        Assert.AreEqual(Arm64Image.Branch(parsed.Entry - 0x400000), BinaryPrimitives.ReadUInt32LittleEndian(imageBytes));

        // .uk.appinfo carries the program headers' place (the Image overwrote the ELF header in memory).
        ElfSection appInfo = parsed.FindSection(AppInfo.SectionName)!;
        ReadOnlySpan<byte> info = File.ReadAllBytes(elf).AsSpan((int)appInfo.Offset, AppInfo.MinimumSize);
        Assert.AreEqual((ushort)56, BinaryPrimitives.ReadUInt16LittleEndian(info[AppInfo.ProgramHeaderEntrySizeOffset..]));
        Assert.AreEqual((ushort)parsed.Segments.Count, BinaryPrimitives.ReadUInt16LittleEndian(info[AppInfo.ProgramHeaderCountOffset..]));
        Assert.AreEqual(0x400040UL, BinaryPrimitives.ReadUInt64LittleEndian(info[AppInfo.ProgramHeaderAddressOffset..]));
        // The Image holds the same .uk.appinfo bytes at the section's address.
        CollectionAssert.AreEqual(info.ToArray(),
            imageBytes.AsSpan((int)(appInfo.Address - 0x400000), AppInfo.MinimumSize).ToArray());
    }

    [TestMethod]
    [DataRow("hello", "Hello from a .NET unikernel!")]
    [DataRow("threads", "THREADS: PASS")]
    [DataRow("exceptions", "EXCEPTIONS: PASS")]
    public void GivenTheCrossCompiledProgram_ItRunsAsALinuxArm64Program(string mode, string expected)
    {
        string qemu = UserModeQemu();
        string elf = ProbeImage() + LinkUnikernel.ElfSuffix;

        CommandResult result = Command.Run(qemu, [elf, mode], timeout: TimeSpan.FromMinutes(2));

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, expected);
    }

    [TestMethod]
    public void GivenThePacksOpenSsl_TlsWorksInTheCrossCompiledProgram()
    {
        if (!File.Exists(Path.Combine(Repository.Artifacts, "openssl", "arm64", "openssl.json")))
        {
            Prerequisite.Missing("no arm64 OpenSSL (runtime-packs/openssl/build-openssl.sh artifacts/openssl/arm64 arm64)");
        }

        string qemu = UserModeQemu();
        CommandResult result = Command.Run(qemu, [ProbeImage() + LinkUnikernel.ElfSuffix, "tls"], timeout: TimeSpan.FromMinutes(2));

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "TLS: PASS");
    }

    [TestMethod]
    public void GivenAMissingCrossLinker_PublishFailsWithUKSDK1010NamingThePackage()
    {
        TestProject project = TestProject.Console("NoCrossLinker", "return 0;");

        CommandResult result = project.Dotnet("publish", "-r", Rid, $"-p:UnikraftRuntimePackDir={FakeRuntimePack.ForArm64(Rid)}",
            "-p:UnikraftLinker=aarch64-linux-gnu-ld-not-installed");

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "error UKSDK1010");
        StringAssert.Contains(result.Output, "sudo apt-get install binutils-aarch64-linux-gnu");
    }
}
