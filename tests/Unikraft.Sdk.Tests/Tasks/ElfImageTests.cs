// ElfImage: reads the section table of real ld-built images and rejects files that are not ELF64 little-endian.
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class ElfImageTests
{
    /// <summary>Links a tiny x86_64 executable holding <paramref name="sections"/> (assembly text).</summary>
    internal static string BuildImage(string name, string sections)
    {
        string folder = NativeFixtures.NewFolder(name);
        string obj = NativeFixtures.AssembleText(folder, name, $"""
                    .text
                    .globl _start
            _start: hlt
            {sections}
            """);
        return NativeFixtures.Link(Path.Combine(folder, name + ".elf"), ["-e", "_start", obj]);
    }

    [TestMethod]
    public void GivenAnLdBuiltImage_ItFindsTheSectionsWithTheirFileOffsets()
    {
        string image = BuildImage("elf-read", """
                    .section .uk.appinfo, "a"
                    .ascii "UKAPPINF"
                    .fill 2296, 1, 0
                    .bss
                    .skip 4096
            """);

        ElfImage elf = ElfImage.Load(image);
        ElfSection appInfo = elf.FindSection(".uk.appinfo")!;
        ElfSection bss = elf.FindSection(".bss")!;

        Assert.AreEqual((ushort)62, elf.Machine);
        Assert.AreEqual(string.Empty, elf.Sections[0].Name);
        Assert.AreEqual(2304UL, appInfo.Size);
        Assert.AreEqual(2UL, appInfo.Flags & 2, "SHF_ALLOC");
        CollectionAssert.AreEqual("UKAPPINF"u8.ToArray(), File.ReadAllBytes(image).AsSpan((int)appInfo.Offset, 8).ToArray());
        Assert.AreEqual(ElfSection.TypeNoBits, bss.Type);
        Assert.IsNull(elf.FindSection(".does.not.exist"));
    }

    [TestMethod]
    public void GivenATextFile_ItRejectsTheMissingMagic()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ElfImage.Parse("#!/bin/sh\necho hi\n"u8.ToArray().Concat(new byte[64]).ToArray()));
        StringAssert.Contains(e.Message, "ELF magic");
    }

    [TestMethod]
    public void GivenAnElf32Header_ItRejectsTheClass()
    {
        byte[] header = new byte[64];
        "\u007fELF"u8.CopyTo(header);
        header[4] = 1;
        header[5] = 1;
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ElfImage.Parse(header));
        StringAssert.Contains(e.Message, "ELF64 little-endian");
    }

    [TestMethod]
    public void GivenATruncatedImage_ItRejectsTheSectionTableOutsideTheFile()
    {
        string image = BuildImage("elf-truncated", "");
        byte[] bytes = File.ReadAllBytes(image);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ElfImage.Parse(bytes.AsSpan(0, bytes.Length - 100)));
        StringAssert.Contains(e.Message, "outside the file");
    }
}
