// RuntimePackManifest: pack.json as `make -C runtime-packs` writes it for each RID, old and new.
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class RuntimePackManifestTests
{
    [TestMethod]
    public void GivenTheArm64PackJson_ItReadsEveryField()
    {
        RuntimePackManifest manifest = RuntimePackManifest.Parse("""
            {"rid":"unikraft-qemu-arm64","arch":"arm64","backend":"qemu","imageSuffix":".qemu","ldEmulation":"aarch64linux",
             "qemu":"qemu-system-aarch64","defaultMachine":"virt","linker":"aarch64-linux-gnu-ld","imageFormat":"arm64-image"}
            """);

        Assert.AreEqual(new RuntimePackManifest("unikraft-qemu-arm64", "aarch64linux", ".qemu", "qemu-system-aarch64", "virt",
            "aarch64-linux-gnu-ld", ImageFormats.Arm64Image), manifest);
    }

    [TestMethod]
    public void GivenAnX64PackJsonWithoutTheNewFields_LinkerAndImageFormatAreUnset()
    {
        RuntimePackManifest manifest = RuntimePackManifest.Parse("""
            {"rid":"unikraft-qemu-x64","arch":"x86_64","backend":"qemu","imageSuffix":".qemu","ldEmulation":"elf_x86_64","qemu":"qemu-system-x86_64","defaultMachine":"microvm"}
            """);

        Assert.IsNull(manifest.Linker);
        Assert.IsNull(manifest.ImageFormat);
        Assert.AreEqual("elf_x86_64", manifest.LdEmulation);
    }

    [TestMethod]
    public void GivenAnUnknownImageFormat_ItIsRejectedWithTheKnownOnes()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => RuntimePackManifest.Parse("""{"rid":"x","imageFormat":"uimage"}"""));
        StringAssert.Contains(e.Message, "elf or arm64-image");
    }

    [TestMethod]
    [DataRow("ld", "binutils")]
    [DataRow("/usr/bin/ld", "binutils")]
    [DataRow("aarch64-linux-gnu-ld", "binutils-aarch64-linux-gnu")]
    [DataRow("/usr/bin/aarch64-linux-gnu-objcopy", "binutils-aarch64-linux-gnu")]
    [DataRow("x86_64-linux-gnu-ld", "binutils-x86-64-linux-gnu")]
    public void GivenABinutilsTool_TheInstallHintNamesItsDebianPackage(string tool, string package) =>
        Assert.AreEqual(package, UnikraftTarget.BinutilsDebianPackage(tool));

    [TestMethod]
    public void GivenEachRid_ItsDefaultsMatchTheContract()
    {
        foreach (UnikraftTarget target in UnikraftTarget.All)
        {
            bool arm64 = target.Architecture == "arm64";
            Assert.AreEqual(arm64 ? "aarch64-linux-gnu-ld" : "ld", target.Linker, target.RuntimeIdentifier);
            Assert.AreEqual(arm64 ? ImageFormats.Arm64Image : ImageFormats.Elf, target.ImageFormat, target.RuntimeIdentifier);
            Assert.AreEqual(arm64 ? "aarch64linux" : "elf_x86_64", target.LdEmulation, target.RuntimeIdentifier);
        }
    }
}
