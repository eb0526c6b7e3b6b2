// Minimal reader of little-endian ELF64 files: the entry point, the program headers, the section headers
// and their names, nothing more.
using System.Buffers.Binary;
using System.Text;

namespace Unikraft.Sdk.Tasks;

/// <summary>One entry of the section header table.</summary>
/// <param name="Name">The section name from the section-name string table.</param>
/// <param name="Type">sh_type, e.g. 1 (PROGBITS) or 8 (NOBITS).</param>
/// <param name="Flags">sh_flags (2 = SHF_ALLOC).</param>
/// <param name="Address">sh_addr, the virtual address when allocated.</param>
/// <param name="Offset">sh_offset, the position of the contents in the file.</param>
/// <param name="Size">sh_size in bytes.</param>
public sealed record ElfSection(string Name, uint Type, ulong Flags, ulong Address, ulong Offset, ulong Size)
{
    /// <summary>SHT_NOBITS: the section occupies memory but no file bytes (e.g. .bss).</summary>
    public const uint TypeNoBits = 8;
}

/// <summary>One entry of the program header table.</summary>
/// <param name="Type">p_type (1 = PT_LOAD).</param>
/// <param name="Flags">p_flags (1 = X, 2 = W, 4 = R).</param>
/// <param name="Offset">p_offset, where the segment's bytes start in the file.</param>
/// <param name="VirtualAddress">p_vaddr.</param>
/// <param name="PhysicalAddress">p_paddr, the load address (where an arm64 Image holds the segment's bytes).</param>
/// <param name="FileSize">p_filesz, the bytes taken from the file.</param>
/// <param name="MemorySize">p_memsz, the bytes in memory (the rest up to it is zero, e.g. .bss).</param>
public sealed record ElfSegment(uint Type, uint Flags, ulong Offset, ulong VirtualAddress, ulong PhysicalAddress, ulong FileSize, ulong MemorySize)
{
    /// <summary>PT_LOAD: a segment that the loader copies into memory.</summary>
    public const uint TypeLoad = 1;
}

/// <summary>The header, program header table and section table of an ELF64 little-endian file.</summary>
public sealed class ElfImage
{
    /// <summary>e_machine of AArch64.</summary>
    public const ushort MachineAArch64 = 183;

    /// <summary>e_machine of x86-64.</summary>
    public const ushort MachineX86_64 = 62;

    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const ushort SectionIndexExtended = 0xffff;

    private ElfImage(ushort machine, IReadOnlyList<ElfSection> sections)
    {
        Machine = machine;
        Sections = sections;
    }

    /// <summary>e_machine: 62 for x86-64, 183 for AArch64.</summary>
    public ushort Machine { get; }

    /// <summary>e_entry, the entry point's virtual address.</summary>
    public ulong Entry { get; private init; }

    /// <summary>e_phoff, where the program header table is in the file (0: none).</summary>
    public ulong ProgramHeaderOffset { get; private init; }

    /// <summary>e_phentsize, the size of one program header.</summary>
    public ushort ProgramHeaderEntrySize { get; private init; }

    /// <summary>The program headers in table order.</summary>
    public IReadOnlyList<ElfSegment> Segments { get; private init; } = [];

    /// <summary>The PT_LOAD segments in table order.</summary>
    public IEnumerable<ElfSegment> LoadSegments => Segments.Where(s => s.Type == ElfSegment.TypeLoad);

    /// <summary>
    /// The virtual address of the program header table: p_vaddr + (e_phoff - p_offset) of the PT_LOAD whose
    /// file bytes hold e_phoff, or null when no loaded segment holds it.
    /// </summary>
    public ulong? ProgramHeaderAddress =>
        ProgramHeaderOffset == 0 ? null
        : LoadSegments.FirstOrDefault(s => ProgramHeaderOffset >= s.Offset && ProgramHeaderOffset < s.Offset + s.FileSize) is { } load
            ? load.VirtualAddress + (ProgramHeaderOffset - load.Offset)
            : null;

    /// <summary>The sections in table order (index 0 is the null section).</summary>
    public IReadOnlyList<ElfSection> Sections { get; }

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static ElfImage Load(string path) => Parse(File.ReadAllBytes(path));

    /// <summary>Parses <paramref name="data"/>; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static ElfImage Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
        {
            throw new InvalidDataException("it does not start with the ELF magic.");
        }

        if (data[4] != 2 || data[5] != 1)
        {
            throw new InvalidDataException($"class {data[4]} / data encoding {data[5]} is not ELF64 little-endian.");
        }

        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
        ulong entry = BinaryPrimitives.ReadUInt64LittleEndian(data[24..]);
        ulong programOffset = BinaryPrimitives.ReadUInt64LittleEndian(data[32..]);
        ushort programEntrySize = BinaryPrimitives.ReadUInt16LittleEndian(data[54..]);
        ushort programCount = BinaryPrimitives.ReadUInt16LittleEndian(data[56..]);
        IReadOnlyList<ElfSegment> segments = ParseSegments(data, programOffset, programEntrySize, programCount);
        ElfImage Result(IReadOnlyList<ElfSection> sections) => new(machine, sections)
        {
            Entry = entry,
            ProgramHeaderOffset = programOffset,
            ProgramHeaderEntrySize = programEntrySize,
            Segments = segments,
        };

        ulong tableOffset = BinaryPrimitives.ReadUInt64LittleEndian(data[40..]);
        ushort entrySize = BinaryPrimitives.ReadUInt16LittleEndian(data[58..]);
        uint count = BinaryPrimitives.ReadUInt16LittleEndian(data[60..]);
        uint namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(data[62..]);
        if (tableOffset == 0)
        {
            return Result([]);
        }

        if (entrySize != SectionHeaderSize)
        {
            throw new InvalidDataException($"the section header size is {entrySize}, not {SectionHeaderSize}.");
        }

        // With 0xff00 sections or more, the real count and name index live in section 0.
        ReadOnlySpan<byte> first = Slice(data, tableOffset, SectionHeaderSize, "section header 0");
        if (count == 0)
        {
            count = checked((uint)BinaryPrimitives.ReadUInt64LittleEndian(first[32..]));
        }

        if (namesIndex == SectionIndexExtended)
        {
            namesIndex = BinaryPrimitives.ReadUInt32LittleEndian(first[40..]);
        }

        ReadOnlySpan<byte> table = Slice(data, tableOffset, (ulong)count * SectionHeaderSize, "the section header table");
        if (namesIndex >= count)
        {
            throw new InvalidDataException($"the section name table index {namesIndex} is out of range.");
        }

        ReadOnlySpan<byte> namesHeader = table.Slice((int)namesIndex * SectionHeaderSize, SectionHeaderSize);
        ReadOnlySpan<byte> names = Slice(
            data,
            BinaryPrimitives.ReadUInt64LittleEndian(namesHeader[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(namesHeader[32..]),
            "the section name table");

        var sections = new List<ElfSection>((int)count);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> header = table.Slice(i * SectionHeaderSize, SectionHeaderSize);
            sections.Add(new ElfSection(
                ReadName(names, BinaryPrimitives.ReadUInt32LittleEndian(header)),
                BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[24..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[32..])));
        }

        return Result(sections);
    }

    private static IReadOnlyList<ElfSegment> ParseSegments(ReadOnlySpan<byte> data, ulong offset, ushort entrySize, ushort count)
    {
        if (offset == 0 || count == 0)
        {
            return [];
        }

        if (entrySize != ProgramHeaderSize)
        {
            throw new InvalidDataException($"the program header size is {entrySize}, not {ProgramHeaderSize}.");
        }

        ReadOnlySpan<byte> table = Slice(data, offset, (ulong)count * ProgramHeaderSize, "the program header table");
        var segments = new List<ElfSegment>(count);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> header = table.Slice(i * ProgramHeaderSize, ProgramHeaderSize);
            segments.Add(new ElfSegment(
                BinaryPrimitives.ReadUInt32LittleEndian(header),
                BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[24..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[32..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[40..])));
        }

        return segments;
    }

    /// <summary>The first section called <paramref name="name"/>, or null.</summary>
    public ElfSection? FindSection(string name) => Sections.FirstOrDefault(s => s.Name == name);

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> data, ulong offset, ulong length, string what)
    {
        if (offset > (ulong)data.Length || length > (ulong)data.Length - offset)
        {
            throw new InvalidDataException($"{what} lies outside the file.");
        }

        return data.Slice((int)offset, (int)length);
    }

    private static string ReadName(ReadOnlySpan<byte> names, uint offset)
    {
        if (offset >= names.Length)
        {
            throw new InvalidDataException($"a section name offset ({offset}) lies outside the name table.");
        }

        ReadOnlySpan<byte> rest = names[(int)offset..];
        int end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }
}
