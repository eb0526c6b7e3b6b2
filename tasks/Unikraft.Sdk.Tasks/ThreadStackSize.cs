// Writes the default stack size of the program's threads into the linked ELF's PT_GNU_STACK header, where musl
// reads it at start-up (AT_PHDR) and uses it for every thread created without a size of its own. ld's
// "-z stack-size" does the same, but not when the linker script lists the program headers itself, as ours do.
using System.Buffers.Binary;

namespace Unikraft.Sdk.Tasks;

/// <summary>Patches p_memsz of PT_GNU_STACK in a linked ELF64 image.</summary>
public static class ThreadStackSize
{
    /// <summary>p_type of the header that describes the stack.</summary>
    public const uint TypeGnuStack = 0x6474e551;

    // Elf64_Phdr: p_type (0), p_flags (4), p_offset (8), p_vaddr (16), p_paddr (24), p_filesz (32), p_memsz (40).
    private const int MemorySizeOffset = 40;

    /// <summary>
    /// Sets the stack size of <paramref name="elfPath"/> to <paramref name="size"/> bytes (0: none, musl's default).
    /// The program headers lie in the first loaded segment, so the bytes the program reads at run time change too.
    /// UKSDK1034 when the file is not an ELF64 image, UKSDK1036 when it has no PT_GNU_STACK.
    /// </summary>
    public static void Patch(string elfPath, long size)
    {
        using var file = new FileStream(elfPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        byte[] data = new byte[file.Length];
        file.ReadExactly(data);
        ElfImage image;
        try
        {
            image = ElfImage.Parse(data);
        }
        catch (InvalidDataException e)
        {
            throw new UnikraftException(nameof(Strings.NotAnElfImage), elfPath, e.Message);
        }

        int index = image.Segments.ToList().FindIndex(s => s.Type == TypeGnuStack);
        if (index < 0)
        {
            throw new UnikraftException(nameof(Strings.StackHeaderMissing), elfPath, size);
        }

        long at = (long)image.ProgramHeaderOffset + (index * image.ProgramHeaderEntrySize) + MemorySizeOffset;
        Span<byte> value = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(value, (ulong)size);
        file.Position = at;
        file.Write(value);
    }
}
