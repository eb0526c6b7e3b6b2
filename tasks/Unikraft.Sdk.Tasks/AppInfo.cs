// Writes the program name and default command line into the image's .uk.appinfo section.
using System.Buffers.Binary;
using System.Text;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// The layout of the build-time application info of docs/runtime-pack.md: magic "UKAPPINF", u32 version 1,
/// u32 reserved, char[64] program name at 16, the program headers' u16 entry size at 80, u16 count at 82,
/// u32 reserved at 84 and u64 virtual address at 88 (the arm64 Image overwrites the in-memory ELF header, so
/// the kernel finds its segments here), reserved up to 256, char[2048] default command line at 256.
/// </summary>
public static class AppInfo
{
    /// <summary>The name of the section that the kernel core reserves.</summary>
    public const string SectionName = ".uk.appinfo";

    /// <summary>The version of the layout this SDK writes.</summary>
    public const uint Version = 1;

    /// <summary>The offset and size of the program name field (NUL-terminated).</summary>
    public const int NameOffset = 16, NameSize = 64;

    /// <summary>The offsets of the program header fields: u16 e_phentsize, u16 e_phnum, u64 address in memory.</summary>
    public const int ProgramHeaderEntrySizeOffset = 80, ProgramHeaderCountOffset = 82, ProgramHeaderAddressOffset = 88;

    /// <summary>The size of the program header fields at 80; the rest of the area up to 256 is reserved.</summary>
    public const int ProgramHeaderFieldsSize = 16;

    /// <summary>The offset and size of the default command line field (NUL-terminated).</summary>
    public const int CommandLineOffset = 256, CommandLineSize = 2048;

    /// <summary>The smallest section that holds every field.</summary>
    public const int MinimumSize = CommandLineOffset + CommandLineSize;

    /// <summary>The eight magic bytes at offset 0.</summary>
    public static ReadOnlySpan<byte> Magic => "UKAPPINF"u8;

    /// <summary>
    /// Patches the image at <paramref name="imagePath"/> in place. Errors: UKSDK1034 (not ELF64),
    /// UKSDK1030 (no section), UKSDK1031 (section unusable), UKSDK1032/1033 (value too long).
    /// </summary>
    public static void Patch(string imagePath, string programName, string commandLine)
    {
        byte[] name = Encode(programName, NameSize, nameof(Strings.AppNameTooLong), programName);
        byte[] line = Encode(commandLine, CommandLineSize, nameof(Strings.CommandLineTooLong), null);

        using var file = new FileStream(imagePath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        byte[] data = new byte[file.Length];
        file.ReadExactly(data);
        ElfImage image = ParseImage(imagePath, data);
        ElfSection section = FindSection(imagePath, image, data);

        Span<byte> contents = data.AsSpan((int)section.Offset, MinimumSize);
        CheckHeader(imagePath, contents);
        Magic.CopyTo(contents);
        BinaryPrimitives.WriteUInt32LittleEndian(contents[8..], Version);
        Fill(contents.Slice(NameOffset, NameSize), name);
        // The program header fields (16 bytes); phnum 0 tells the kernel to read its ELF header instead.
        contents.Slice(ProgramHeaderEntrySizeOffset, ProgramHeaderFieldsSize).Clear();
        if (image.ProgramHeaderAddress is { } address && image.Segments.Count > 0)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(contents[ProgramHeaderEntrySizeOffset..], image.ProgramHeaderEntrySize);
            BinaryPrimitives.WriteUInt16LittleEndian(contents[ProgramHeaderCountOffset..], (ushort)image.Segments.Count);
            BinaryPrimitives.WriteUInt64LittleEndian(contents[ProgramHeaderAddressOffset..], address);
        }

        Fill(contents.Slice(CommandLineOffset, CommandLineSize), line);

        file.Position = (long)section.Offset;
        file.Write(contents);
    }

    private static ElfImage ParseImage(string imagePath, byte[] data)
    {
        try
        {
            return ElfImage.Parse(data);
        }
        catch (InvalidDataException e)
        {
            throw new UnikraftException(nameof(Strings.NotAnElfImage), imagePath, e.Message);
        }
    }

    private static ElfSection FindSection(string imagePath, ElfImage image, byte[] data)
    {
        ElfSection section = image.FindSection(SectionName)
            ?? throw new UnikraftException(nameof(Strings.AppInfoSectionMissing), imagePath, SectionName);
        string? problem = section.Type == ElfSection.TypeNoBits ? "it has no contents in the file (SHT_NOBITS)."
            : section.Size < MinimumSize ? $"it is {section.Size} bytes long; the layout needs {MinimumSize}."
            : section.Offset + MinimumSize > (ulong)data.Length ? "its contents lie outside the file."
            : null;
        return problem is null
            ? section
            : throw new UnikraftException(nameof(Strings.AppInfoSectionInvalid), imagePath, SectionName, problem);
    }

    // A blank section is accepted (the SDK writes the header); a filled one must have our magic and version.
    private static void CheckHeader(string imagePath, ReadOnlySpan<byte> contents)
    {
        ReadOnlySpan<byte> magic = contents[..8];
        if (!magic.SequenceEqual(Magic) && magic.ContainsAnyExcept((byte)0))
        {
            throw new UnikraftException(nameof(Strings.AppInfoSectionInvalid), imagePath, SectionName,
                "it does not start with the magic \"UKAPPINF\".");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(contents[8..]);
        if (magic.SequenceEqual(Magic) && version != Version)
        {
            throw new UnikraftException(nameof(Strings.AppInfoSectionInvalid), imagePath, SectionName,
                $"its layout version is {version}; this SDK writes version {Version}.");
        }
    }

    private static byte[] Encode(string value, int fieldSize, string tooLongResource, string? shownValue)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length >= fieldSize)
        {
            throw shownValue is null
                ? new UnikraftException(tooLongResource, bytes.Length, fieldSize - 1)
                : new UnikraftException(tooLongResource, shownValue, bytes.Length, fieldSize - 1);
        }

        return bytes;
    }

    private static void Fill(Span<byte> field, byte[] value)
    {
        field.Clear();
        value.CopyTo(field);
    }
}
