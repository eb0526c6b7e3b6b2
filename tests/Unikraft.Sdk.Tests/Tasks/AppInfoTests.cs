// AppInfo.Patch: writes name and command line into .uk.appinfo of real images, and refuses unusable sections.
using System.Buffers.Binary;
using System.Text;
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class AppInfoTests
{
    private const string BlankSection = """
                .section .uk.appinfo, "a"
                .fill 2304, 1, 0
        """;

    private static byte[] Section(string image)
    {
        ElfSection section = ElfImage.Load(image).FindSection(AppInfo.SectionName)!;
        return File.ReadAllBytes(image).AsSpan((int)section.Offset, (int)section.Size).ToArray();
    }

    private static string Field(byte[] section, int offset, int size)
    {
        ReadOnlySpan<byte> field = section.AsSpan(offset, size);
        return Encoding.UTF8.GetString(field[..field.IndexOf((byte)0)]);
    }

    private static UnikraftException Fails(string sections, string name = "Hello", string commandLine = "")
    {
        string image = ElfImageTests.BuildImage("appinfo-bad", sections);
        return Assert.ThrowsExactly<UnikraftException>(() => AppInfo.Patch(image, name, commandLine));
    }

    [TestMethod]
    public void GivenABlankSection_ItWritesMagicVersionNameAndCommandLine()
    {
        string image = ElfImageTests.BuildImage("appinfo-blank", BlankSection);
        long length = new FileInfo(image).Length;

        AppInfo.Patch(image, "Hello", "env.GREETING=hi uk.log=info -- \"a b\"");

        byte[] section = Section(image);
        CollectionAssert.AreEqual("UKAPPINF"u8.ToArray(), section[..8]);
        Assert.AreEqual(1u, BinaryPrimitives.ReadUInt32LittleEndian(section.AsSpan(8)));
        Assert.AreEqual("Hello", Field(section, AppInfo.NameOffset, AppInfo.NameSize));
        Assert.AreEqual("env.GREETING=hi uk.log=info -- \"a b\"", Field(section, AppInfo.CommandLineOffset, AppInfo.CommandLineSize));
        Assert.AreEqual(length, new FileInfo(image).Length, "The patch must not change the file size.");
        Assert.IsNotNull(ElfImage.Load(image).FindSection(".text"), "The image must stay a valid ELF file.");
    }

    [TestMethod]
    public void GivenAPatchedImage_PatchingAgainReplacesTheOldValues()
    {
        string image = ElfImageTests.BuildImage("appinfo-twice", BlankSection);
        AppInfo.Patch(image, "LongerProgramName", "a very long default command line");

        AppInfo.Patch(image, "Short", "");

        byte[] section = Section(image);
        Assert.AreEqual("Short", Field(section, AppInfo.NameOffset, AppInfo.NameSize));
        Assert.AreEqual("", Field(section, AppInfo.CommandLineOffset, AppInfo.CommandLineSize));
        Assert.IsTrue(section.AsSpan(AppInfo.NameOffset + 5, AppInfo.NameSize - 5).IndexOfAnyExcept((byte)0) < 0);
    }

    [TestMethod]
    public void GivenALinkedImage_ItRecordsWhereTheProgramHeadersAreInMemory()
    {
        string image = ElfImageTests.BuildImage("appinfo-phdr", BlankSection);

        AppInfo.Patch(image, "Hello", "");

        byte[] section = Section(image);
        byte[] file = File.ReadAllBytes(image);
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(32));
        Assert.AreEqual(BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(54)), BinaryPrimitives.ReadUInt16LittleEndian(section.AsSpan(AppInfo.ProgramHeaderEntrySizeOffset)));
        Assert.AreEqual(BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(56)), BinaryPrimitives.ReadUInt16LittleEndian(section.AsSpan(AppInfo.ProgramHeaderCountOffset)));
        Assert.AreEqual(0u, BinaryPrimitives.ReadUInt32LittleEndian(section.AsSpan(84)), "reserved");
        ulong address = BinaryPrimitives.ReadUInt64LittleEndian(section.AsSpan(AppInfo.ProgramHeaderAddressOffset));
        // The address maps back to e_phoff through the PT_LOAD that holds it.
        ElfSegment load = ElfImage.Load(image).LoadSegments.Single(s => address >= s.VirtualAddress && address < s.VirtualAddress + s.FileSize);
        Assert.AreEqual(phoff, address - load.VirtualAddress + load.Offset);
        Assert.IsTrue(section.AsSpan(96, 160).IndexOfAnyExcept((byte)0) < 0, "the rest of the reserved area stays 0");
    }

    [TestMethod]
    public void GivenAKernelFilledHeader_ItKeepsReservedBytesAfterTheProgramHeaderFields()
    {
        string image = ElfImageTests.BuildImage("appinfo-filled", """
                    .section .uk.appinfo, "a"
                    .ascii "UKAPPINF"
                    .long 1, 0
                    .fill 64, 1, 0
                    .fill 176, 1, 0x5a
                    .fill 2048, 1, 0
            """);

        AppInfo.Patch(image, "Hello", "x");

        Assert.IsTrue(Section(image).AsSpan(96, 160).ToArray().All(b => b == 0x5a));
    }

    [TestMethod]
    public void GivenNoAppInfoSection_ItFailsWithUKSDK1030()
    {
        Assert.AreEqual(nameof(Strings.AppInfoSectionMissing), Fails("").ResourceName);
    }

    [TestMethod]
    public void GivenANoBitsSection_ItFailsWithUKSDK1031()
    {
        UnikraftException e = Fails("""
                    .section .uk.appinfo, "aw", @nobits
                    .skip 2304
            """);
        Assert.AreEqual(nameof(Strings.AppInfoSectionInvalid), e.ResourceName);
        StringAssert.Contains(e.Message, "SHT_NOBITS");
    }

    [TestMethod]
    public void GivenASectionTooSmall_ItFailsWithUKSDK1031()
    {
        UnikraftException e = Fails("""
                    .section .uk.appinfo, "a"
                    .fill 256, 1, 0
            """);
        StringAssert.StartsWith(e.Message, "UKSDK1031");
        StringAssert.Contains(e.Message, "256 bytes");
    }

    [TestMethod]
    public void GivenAForeignMagic_ItFailsWithUKSDK1031()
    {
        UnikraftException e = Fails("""
                    .section .uk.appinfo, "a"
                    .ascii "NOTMAGIC"
                    .fill 2296, 1, 0
            """);
        StringAssert.Contains(e.Message, "magic");
    }

    [TestMethod]
    public void GivenANewerLayoutVersion_ItFailsWithUKSDK1031()
    {
        UnikraftException e = Fails("""
                    .section .uk.appinfo, "a"
                    .ascii "UKAPPINF"
                    .long 2, 0
                    .fill 2288, 1, 0
            """);
        StringAssert.Contains(e.Message, "version is 2");
    }

    [TestMethod]
    public void GivenANameOf64Bytes_ItFailsWithUKSDK1032()
    {
        UnikraftException e = Fails(BlankSection, name: new string('n', 64));
        Assert.AreEqual(nameof(Strings.AppNameTooLong), e.ResourceName);
        StringAssert.StartsWith(e.Message, "UKSDK1032");
    }

    [TestMethod]
    public void GivenACommandLineOf2048Bytes_ItFailsWithUKSDK1033()
    {
        UnikraftException e = Fails(BlankSection, commandLine: new string('c', 2048));
        StringAssert.StartsWith(e.Message, "UKSDK1033");
    }

    [TestMethod]
    public void GivenLimitLengthValues_ItWritesThem()
    {
        string image = ElfImageTests.BuildImage("appinfo-limits", BlankSection);
        AppInfo.Patch(image, new string('n', 63), new string('c', 2047));
        Assert.AreEqual(new string('c', 2047), Field(Section(image), AppInfo.CommandLineOffset, AppInfo.CommandLineSize + 0));
    }

    [TestMethod]
    public void GivenAFileThatIsNotElf_ItFailsWithUKSDK1034()
    {
        string file = Path.Combine(NativeFixtures.NewFolder("not-elf"), "image");
        File.WriteAllText(file, "plain text, not an image");
        UnikraftException e = Assert.ThrowsExactly<UnikraftException>(() => AppInfo.Patch(file, "Hello", ""));
        StringAssert.StartsWith(e.Message, "UKSDK1034");
    }
}
