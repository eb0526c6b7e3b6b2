// Writes a cpio "newc" archive: the format the kernel core unpacks into its filesystem at boot.
using System.Text;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// A minimal writer of SVR4 "newc" cpio archives (magic 070701, hexadecimal header fields, names and
/// data padded to 4 bytes, closed by a TRAILER!!! entry): regular files and the directories above them.
/// </summary>
public static class CpioArchive
{
    private const int FileMode = 0x8000 | 0x1A4; // S_IFREG | 0644
    private const int DirectoryMode = 0x4000 | 0x1ED; // S_IFDIR | 0755

    /// <summary>Writes <paramref name="files"/> (archive path → contents) to <paramref name="output"/>.</summary>
    public static void Write(Stream output, IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        var directories = new SortedSet<string>(StringComparer.Ordinal);
        var entries = files.OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        foreach ((string path, _) in entries)
        {
            for (int slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
            {
                directories.Add(path[..slash]);
            }
        }

        int inode = 1;
        foreach (string directory in directories)
        {
            WriteEntry(output, inode++, directory, DirectoryMode, []);
        }

        foreach ((string path, byte[] contents) in entries)
        {
            WriteEntry(output, inode++, path, FileMode, contents);
        }

        WriteEntry(output, 0, "TRAILER!!!", 0, []);
    }

    private static void WriteEntry(Stream output, int inode, string name, int mode, byte[] contents)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        var header = new StringBuilder("070701");
        foreach (long field in new long[] { inode, mode, 0, 0, 1, 0, contents.Length, 0, 0, 0, 0, nameBytes.Length, 0 })
        {
            header.Append(field.ToString("X8", System.Globalization.CultureInfo.InvariantCulture));
        }

        output.Write(Encoding.ASCII.GetBytes(header.ToString()));
        output.Write(nameBytes);
        Pad(output);
        output.Write(contents);
        Pad(output);
    }

    private static void Pad(Stream output)
    {
        while (output.Position % 4 != 0)
        {
            output.WriteByte(0);
        }
    }
}
