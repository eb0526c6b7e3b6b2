// Turns the linked arm64 ELF into a Linux arm64 "Image" (Documentation/arch/arm64/booting.rst), the format
// that QEMU's -kernel and Firecracker boot on arm64.
using System.Buffers.Binary;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// A flat copy of the PT_LOAD segments, each at its load address (p_paddr) from the lowest p_vaddr (the base,
/// 0x400000 in our linker scripts), whose first 64 bytes (where the ELF header is in memory) become the Image header:
/// <c>code0</c> = <c>b entry</c>, <c>code1</c> = 0, <c>text_offset</c> = 0, <c>image_size</c> (memory size incl.
/// bss, rounded up to 4 KiB), <c>flags</c> = 0xA (little-endian, 4 KiB pages, placeable anywhere), the magic
/// "ARM\x64" at 0x38. The kernel reads its program headers through .uk.appinfo, not the overwritten ELF header.
/// A segment whose load address lies below its virtual address (the linker script packs the segments after the
/// kernel's code, without page padding) is moved there by the kernel's entry (unpack_arm64.c), which reads the program
/// headers at offset 64: such a segment must lie after the entry point's, above every packed byte before it.
/// </summary>
public static class Arm64Image
{
    /// <summary>The size of the Image header.</summary>
    public const int HeaderSize = 64;

    /// <summary>The offset of the magic.</summary>
    public const int MagicOffset = 0x38;

    /// <summary>The magic "ARM\x64" as a little-endian u32.</summary>
    public const uint Magic = 0x644d5241;

    /// <summary>flags: bit 0 little-endian (0), bits 1-2 page size 4 KiB (1), bit 3 placeable anywhere (1).</summary>
    public const ulong Flags = 0xA;

    /// <summary>image_size is rounded up to this.</summary>
    public const ulong Alignment = 4096;

    /// <summary>The largest image the writer produces (a flat dump of something bigger is a linker script bug).</summary>
    public const ulong MaximumFileSize = 1UL << 30;

    /// <summary>The A64 encoding of <c>b</c> from the image start to <paramref name="offset"/> bytes further.</summary>
    public static uint Branch(ulong offset)
    {
        if (offset % 4 != 0 || offset >= 1UL << 27)
        {
            throw new InvalidDataException($"the entry point lies 0x{offset:x} bytes from the image start; a branch reaches 4-aligned offsets below 128 MiB.");
        }

        return 0x14000000u | (uint)((offset / 4) & 0x03ffffff);
    }

    /// <summary>Converts the ELF file <paramref name="elfPath"/> into the Image file <paramref name="imagePath"/>.</summary>
    public static void Write(string elfPath, string imagePath)
    {
        byte[] image;
        try
        {
            image = Convert(File.ReadAllBytes(elfPath));
        }
        catch (InvalidDataException e)
        {
            throw new UnikraftException(nameof(Strings.ImageConversionFailed), elfPath, ImageFormats.Arm64Image, e.Message);
        }

        File.WriteAllBytes(imagePath, image);
    }

    /// <summary>Converts ELF bytes into Image bytes; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static byte[] Convert(byte[] elf)
    {
        ElfImage parsed = ElfImage.Parse(elf);
        if (parsed.Machine != ElfImage.MachineAArch64)
        {
            throw new InvalidDataException($"its machine is {parsed.Machine}, not AArch64 ({ElfImage.MachineAArch64}).");
        }

        ElfSegment[] loads = parsed.LoadSegments.Where(s => s.MemorySize > 0).ToArray();
        if (loads.Length == 0)
        {
            throw new InvalidDataException("it has no PT_LOAD segment.");
        }

        ulong baseAddress = loads.Min(s => s.VirtualAddress);
        if (loads.Any(s => s.PhysicalAddress < baseAddress || s.PhysicalAddress > s.VirtualAddress))
        {
            throw new InvalidDataException("a segment's load address lies below the image's base or above its virtual address.");
        }

        // The file ends with the last initialised byte: zero-filled segments (the kernel's .bss, placed last by the
        // linker script) and the zero-filled ends of the others are memory the header's image_size covers.
        ElfSegment[] filled = loads.Where(s => s.FileSize > 0).OrderBy(s => s.PhysicalAddress).ToArray();
        ulong fileEnd = filled.Select(s => s.PhysicalAddress + s.FileSize).DefaultIfEmpty(baseAddress).Max() - baseAddress;
        ulong memoryEnd = loads.Max(s => s.VirtualAddress + s.MemorySize) - baseAddress;
        if (fileEnd < HeaderSize || fileEnd > MaximumFileSize)
        {
            throw new InvalidDataException($"its segments span 0x{fileEnd:x} bytes from 0x{baseAddress:x}; an image needs 64 bytes to 1 GiB.");
        }

        if (parsed.Entry < baseAddress || parsed.Entry >= baseAddress + memoryEnd)
        {
            throw new InvalidDataException($"the entry point 0x{parsed.Entry:x} lies outside the loaded segments.");
        }

        CheckPacking(parsed, filled);
        byte[] image = new byte[fileEnd];
        foreach (ElfSegment segment in filled)
        {
            if (segment.Offset > (ulong)elf.Length || segment.FileSize > (ulong)elf.Length - segment.Offset)
            {
                throw new InvalidDataException($"the segment at 0x{segment.VirtualAddress:x} lies outside the file.");
            }

            elf.AsSpan((int)segment.Offset, (int)segment.FileSize).CopyTo(image.AsSpan((int)(segment.PhysicalAddress - baseAddress)));
        }

        Span<byte> header = image.AsSpan(0, HeaderSize);
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, Branch(parsed.Entry - baseAddress));
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], (memoryEnd + Alignment - 1) / Alignment * Alignment);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header[MagicOffset..], Magic);
        return image;
    }

    // Packed segments (load address below the virtual one) are what the kernel's entry moves up, last first: the file
    // ranges may not overlap, the program headers must be where it reads them (offset 64), and the entry code must
    // run in place, before every packed segment, whose bytes it reads only after its own.
    private static void CheckPacking(ElfImage parsed, ElfSegment[] filled)
    {
        for (int i = 1; i < filled.Length; i++)
        {
            if (filled[i - 1].PhysicalAddress + filled[i - 1].FileSize > filled[i].PhysicalAddress)
            {
                throw new InvalidDataException($"the segments at 0x{filled[i - 1].VirtualAddress:x} and 0x{filled[i].VirtualAddress:x} overlap in the file.");
            }
        }

        ElfSegment[] packed = filled.Where(s => s.PhysicalAddress != s.VirtualAddress).ToArray();
        if (packed.Length == 0)
        {
            return;
        }

        if (parsed.ProgramHeaderOffset != HeaderSize)
        {
            throw new InvalidDataException($"its segments are packed but its program headers lie at 0x{parsed.ProgramHeaderOffset:x}, not right after the ELF header.");
        }

        ElfSegment? entry = filled.FirstOrDefault(s => parsed.Entry >= s.VirtualAddress && parsed.Entry < s.VirtualAddress + s.FileSize);
        if (entry is null || entry.PhysicalAddress != entry.VirtualAddress || packed.Any(s => s.VirtualAddress < entry.VirtualAddress))
        {
            throw new InvalidDataException("its segments are packed, but the entry point is not in an unmoved segment before them.");
        }
    }

    /// <summary>True when <paramref name="data"/> starts with an arm64 Image header (the magic at 0x38).</summary>
    public static bool IsImage(ReadOnlySpan<byte> data) =>
        data.Length >= HeaderSize && BinaryPrimitives.ReadUInt32LittleEndian(data[MagicOffset..]) == Magic;
}
