// Arm64Image: the Linux arm64 Image header and flat layout made from a real linked AArch64 ELF, and its
// errors; the arm64 boot of such an Image through the launcher is in Launcher/Arm64LauncherTests.
using System.Buffers.Binary;
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class Arm64ImageTests
{
    /// <summary>Fixtures/arm64-kernel.S linked by aarch64-linux-gnu-ld at its default base 0x400000.</summary>
    internal static string BuildKernelElf(string name = "arm64-kernel")
    {
        HostTools.Require("aarch64-linux-gnu-as", "aarch64-linux-gnu-ld");
        string folder = NativeFixtures.NewFolder(name);
        string obj = NativeFixtures.AssembleAArch64(folder, name, File.ReadAllText(NativeFixtures.FixtureSource("arm64-kernel.S")));
        return NativeFixtures.LinkAArch64(Path.Combine(folder, name + ".elf"), ["-e", "_start", obj]);
    }

    [TestMethod]
    [DataRow(0UL, 0x14000000u)]
    [DataRow(0xb8UL, 0x1400002eu)]
    [DataRow(0x4d8UL, 0x14000136u)]
    [DataRow((1UL << 27) - 4, 0x15ffffffu)]
    public void GivenAnEntryOffset_TheBranchEncodesItInWords(ulong offset, uint expected) =>
        Assert.AreEqual(expected, Arm64Image.Branch(offset));

    [TestMethod]
    [DataRow(2UL)]
    [DataRow(1UL << 27)]
    public void GivenAnUnreachableOrUnalignedEntry_TheBranchIsRefused(ulong offset) =>
        Assert.ThrowsExactly<InvalidDataException>(() => Arm64Image.Branch(offset));

    [TestMethod]
    public void GivenALinkedElf_TheHeaderFollowsTheArm64BootProtocol()
    {
        string elfPath = BuildKernelElf();
        byte[] elf = File.ReadAllBytes(elfPath);
        ElfImage parsed = ElfImage.Parse(elf);
        ElfSegment[] loads = parsed.LoadSegments.ToArray();
        ulong baseAddress = loads.Min(s => s.VirtualAddress);
        Assert.AreEqual(0x400000UL, baseAddress);
        Assert.AreNotEqual(baseAddress, parsed.Entry, "the fixture's entry is not its first byte");

        byte[] image = Arm64Image.Convert(elf);
        ReadOnlySpan<byte> header = image.AsSpan(0, 64);

        Assert.AreEqual(0x14000000u | (uint)((parsed.Entry - baseAddress) / 4), BinaryPrimitives.ReadUInt32LittleEndian(header), "code0 = b entry");
        Assert.AreEqual(0u, BinaryPrimitives.ReadUInt32LittleEndian(header[4..]), "code1");
        Assert.AreEqual(0UL, BinaryPrimitives.ReadUInt64LittleEndian(header[8..]), "text_offset");
        ulong memoryEnd = loads.Max(s => s.VirtualAddress + s.MemorySize) - baseAddress;
        Assert.AreEqual((memoryEnd + 4095) / 4096 * 4096, BinaryPrimitives.ReadUInt64LittleEndian(header[16..]), "image_size includes .bss");
        Assert.IsGreaterThan((ulong)image.Length, BinaryPrimitives.ReadUInt64LittleEndian(header[16..]), "the fixture has .bss beyond the file");
        Assert.AreEqual(0xAUL, BinaryPrimitives.ReadUInt64LittleEndian(header[24..]), "flags: LE, 4K pages, anywhere");
        Assert.IsTrue(header[32..56].IndexOfAnyExcept((byte)0) < 0, "res2..res4");
        CollectionAssert.AreEqual("ARM\x64"u8.ToArray(), header[56..60].ToArray(), "magic");
        Assert.AreEqual(0u, BinaryPrimitives.ReadUInt32LittleEndian(header[60..]), "res5");
        Assert.IsTrue(Arm64Image.IsImage(image));
        Assert.IsFalse(Arm64Image.IsImage(elf));
    }

    [TestMethod]
    public void GivenALinkedElf_EachSegmentLandsAtItsOffsetFromTheBase()
    {
        byte[] elf = File.ReadAllBytes(BuildKernelElf());
        ElfSegment[] loads = ElfImage.Parse(elf).LoadSegments.ToArray();
        ulong baseAddress = loads.Min(s => s.VirtualAddress);

        byte[] image = Arm64Image.Convert(elf);

        Assert.AreEqual(loads.Max(s => s.VirtualAddress + s.FileSize) - baseAddress, (ulong)image.Length, "length = end of the file bytes");
        Assert.HasCount(2, loads, "text and data segments");
        foreach (ElfSegment segment in loads)
        {
            int at = (int)(segment.VirtualAddress - baseAddress);
            int skip = Math.Max(0, Arm64Image.HeaderSize - at);
            CollectionAssert.AreEqual(
                elf.AsSpan((int)segment.Offset + skip, (int)segment.FileSize - skip).ToArray(),
                image.AsSpan(at + skip, (int)segment.FileSize - skip).ToArray(),
                $"segment at 0x{segment.VirtualAddress:x}");
        }

        int gapStart = (int)(loads[0].VirtualAddress + loads[0].FileSize - baseAddress);
        int gapEnd = (int)(loads[1].VirtualAddress - baseAddress);
        Assert.IsTrue(image.AsSpan(gapStart, gapEnd - gapStart).IndexOfAnyExcept((byte)0) < 0, "the gap between segments is zero");
        StringAssert.Contains(System.Text.Encoding.ASCII.GetString(image), "DATA-OK!");
    }

    [TestMethod]
    public void GivenAZeroFilledSegmentLast_TheFileEndsWithTheLastInitialisedByte()
    {
        // As unikraft_arm64.ld places the kernel's .bss: a PT_LOAD of its own, after every initialised byte.
        HostTools.Require("aarch64-linux-gnu-as", "aarch64-linux-gnu-ld");
        string folder = NativeFixtures.NewFolder("arm64-bss-last");
        string obj = NativeFixtures.AssembleAArch64(folder, "kernel", File.ReadAllText(NativeFixtures.FixtureSource("arm64-kernel.S")));
        string script = Path.Combine(folder, "bss-last.ld");
        File.WriteAllText(script, """
            PHDRS { text PT_LOAD FILEHDR PHDRS; data PT_LOAD; bss PT_LOAD; }
            SECTIONS
            {
                . = 0x400000 + SIZEOF_HEADERS;
                .text : { *(.text) *(.rodata) } :text
                . = ALIGN(4096);
                .data : { *(.data) } :data
                . = ALIGN(4096);
                .bss : { *(.bss) } :bss
            }
            """);
        byte[] elf = File.ReadAllBytes(NativeFixtures.LinkAArch64(Path.Combine(folder, "kernel.elf"), ["-T", script, "-e", "_start", obj]));
        ElfSegment[] loads = ElfImage.Parse(elf).LoadSegments.ToArray();
        Assert.HasCount(3, loads);
        Assert.AreEqual(0UL, loads[2].FileSize, "the last segment is zero-filled only");

        byte[] image = Arm64Image.Convert(elf);

        Assert.AreEqual(loads[1].VirtualAddress + loads[1].FileSize - 0x400000, (ulong)image.Length, "the file ends with .data");
        Assert.AreEqual((loads[2].VirtualAddress + loads[2].MemorySize - 0x400000 + 4095) / 4096 * 4096,
            BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(16)), "image_size covers the zero-filled segment");
    }

    [TestMethod]
    public void GivenSegmentsLoadedBelowTheirAddresses_TheFileHoldsThemPackedAtTheirLoadAddresses()
    {
        // As unikraft_arm64.ld packs the segments after the kernel's code: AT() right after the predecessor's last byte.
        HostTools.Require("aarch64-linux-gnu-as", "aarch64-linux-gnu-ld");
        string folder = NativeFixtures.NewFolder("arm64-packed");
        string obj = NativeFixtures.AssembleAArch64(folder, "kernel", File.ReadAllText(NativeFixtures.FixtureSource("arm64-kernel.S")));
        string script = Path.Combine(folder, "packed.ld");
        File.WriteAllText(script, """
            PHDRS { text PT_LOAD FILEHDR PHDRS; data PT_LOAD; bss PT_LOAD; }
            SECTIONS
            {
                . = 0x400000 + SIZEOF_HEADERS;
                .text : { *(.text) *(.rodata) } :text
                __text_end = .;
                . = ALIGN(4096);
                .data : AT(ALIGN(__text_end, 16)) { *(.data) } :data
                . = ALIGN(4096);
                .bss : { *(.bss) } :bss
            }
            """);
        byte[] elf = File.ReadAllBytes(NativeFixtures.LinkAArch64(Path.Combine(folder, "kernel.elf"), ["-T", script, "-e", "_start", obj]));
        ElfSegment[] loads = ElfImage.Parse(elf).LoadSegments.ToArray();
        Assert.IsLessThan(loads[1].VirtualAddress, loads[1].PhysicalAddress, "the data segment is packed");

        byte[] image = Arm64Image.Convert(elf);

        Assert.AreEqual(loads[1].PhysicalAddress + loads[1].FileSize - 0x400000, (ulong)image.Length, "no page padding in the file");
        CollectionAssert.AreEqual(elf.AsSpan((int)loads[1].Offset, (int)loads[1].FileSize).ToArray(),
            image.AsSpan((int)(loads[1].PhysicalAddress - 0x400000), (int)loads[1].FileSize).ToArray(), "the data at its load address");
        Assert.AreEqual((loads[2].VirtualAddress + loads[2].MemorySize - 0x400000 + 4095) / 4096 * 4096,
            BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(16)), "image_size still covers every virtual address");
    }

    [TestMethod]
    public void GivenAnX86Elf_ItIsRefusedWithUKSDK1035()
    {
        string x86 = ElfImageTests.BuildImage("arm64-wrong-machine", "");

        var e = Assert.ThrowsExactly<UnikraftException>(() => Arm64Image.Write(x86, x86 + ".img"));

        Assert.AreEqual(nameof(Strings.ImageConversionFailed), e.ResourceName);
        StringAssert.Contains(e.Message, "UKSDK1035");
        StringAssert.Contains(e.Message, "not AArch64");
        Assert.IsFalse(File.Exists(x86 + ".img"));
    }

    [TestMethod]
    public void GivenATextFile_ItIsNotAnElf() =>
        Assert.ThrowsExactly<InvalidDataException>(() => Arm64Image.Convert(new byte[128]));
}
