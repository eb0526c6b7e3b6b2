// The smallest guest memory an image can boot in (UnikraftMemory, the launcher's --memory): read from the image.
using System.Buffers.Binary;

namespace Unikraft.Sdk;

/// <summary>
/// What a VM needs below and beside the program's own memory: the image where the loader puts it, the boot data, and
/// the RAM the kernel needs free to start the program (<see cref="KernelMinimum"/>, the kernel's UK_PMM_MIN_FREE in
/// mm.h, which checks the same bound at boot). x86_64 (an ELF booted through PVH): the first MiB stays reserved, each
/// segment lies at its physical address, so RAM must reach the image's end and hold the free minimum besides. arm64 (a
/// Linux Image): the loader puts it at the start of RAM and the device tree (1 MiB on QEMU virt) beside it.
/// </summary>
internal static class ImageMemory
{
    /// <summary>The RAM the kernel needs free at boot, beyond the image and the boot data, to start a .NET program.</summary>
    public const long KernelMinimum = 3L << 20;

    /// <summary>What x86_64's kernel keeps out of the allocator below the image: the first MiB.</summary>
    public const long LowReserved = 1L << 20;

    /// <summary>What arm64's boot data take beside the image: the device tree, 1 MiB on QEMU virt.</summary>
    public const long DeviceTree = 1L << 20;

    /// <summary>The frame allocator's bitmap, one page in a small VM.</summary>
    public const long FrameBitmap = 4096;

    private const long MiB = 1L << 20;

    /// <summary>A memory size as QEMU reads it (<c>256M</c>, <c>1G</c>, <c>5900K</c>; no suffix = MiB) in bytes, or null.</summary>
    public static long? BytesOf(string size)
    {
        if (string.IsNullOrEmpty(size) || size[0] is < '1' or > '9')
        {
            return null;
        }

        char unit = char.IsAsciiDigit(size[^1]) ? 'M' : char.ToUpperInvariant(size[^1]);
        string digits = char.IsAsciiDigit(size[^1]) ? size : size[..^1];
        int shift = unit switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => -1 };
        if (shift < 0 || !digits.All(char.IsAsciiDigit) || !long.TryParse(digits, out long value) || value > long.MaxValue >> shift)
        {
            return null;
        }

        return value << shift;
    }

    /// <summary>The smallest guest memory, in whole MiB, that boots the image file at <paramref name="imagePath"/>; null when
    /// the file is neither an ELF image nor an arm64 Image (the launcher then leaves the check to the kernel).</summary>
    public static long? MinimumMebibytes(string imagePath)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(imagePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return MinimumBytes(data) is { } bytes ? (bytes + MiB - 1) / MiB : null;
    }

    /// <summary>The smallest guest memory in bytes for the image <paramref name="image"/>, or null when it is not one.</summary>
    public static long? MinimumBytes(byte[] image)
    {
        // An arm64 Image: the magic "ARM\x64" at 0x38 (Arm64Image), image_size at 16.
        if (image.Length >= 64 && BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(0x38)) == 0x644d5241)
        {
            long size = (long)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(16));
            return size is > 0 and < 1L << 40 ? size + DeviceTree + FrameBitmap + KernelMinimum : null;
        }

        // An ELF64 little-endian file: its PT_LOAD program headers (the launcher links this file without ElfImage).
        if (image.Length < 64 || !image.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) || image[4] != 2 || image[5] != 1)
        {
            return null;
        }

        long table = (long)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(32));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(54)), count = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(56));
        if (entrySize < 56 || table < 0 || table + (long)entrySize * count > image.Length)
        {
            return null;
        }

        long start = long.MaxValue, end = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> header = image.AsSpan((int)table + i * entrySize, 56);
            ulong address = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]), size = BinaryPrimitives.ReadUInt64LittleEndian(header[40..]);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) == 1 && size > 0 && address < 1UL << 48 && size < 1UL << 48)
            {
                start = Math.Min(start, (long)address);
                end = Math.Max(end, (long)(address + size));
            }
        }

        return end == 0 ? null : Math.Max(end, LowReserved + (end - start) + KernelMinimum) + FrameBitmap;
    }

    /// <summary>The problem with booting <paramref name="imagePath"/> in <paramref name="memory"/>: the minimum in MiB when
    /// the memory is smaller, else null (also when either cannot be read).</summary>
    public static long? TooSmall(string imagePath, string memory) =>
        BytesOf(memory) is { } bytes && MinimumMebibytes(imagePath) is { } minimum && bytes < minimum * MiB ? minimum : null;
}
