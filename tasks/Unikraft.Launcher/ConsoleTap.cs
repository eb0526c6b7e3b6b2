// Passes a VMM's console output through to the terminal and keeps the kernel's last "[uk] exit: …" line.
using System.Text;

namespace Unikraft.Launcher;

/// <summary>
/// Firecracker has no exit device: the kernel prints <c>[uk] exit: code N</c> (or <c>[uk] exit: kernel panic</c>)
/// on the console before it powers off. The launcher reads the VMM's stdout through this tap, which copies every
/// byte on at once (interactive output stays interactive) and remembers the last such line.
/// </summary>
public static class ConsoleTap
{
    /// <summary>What starts the kernel's exit line.</summary>
    public const string ExitLinePrefix = "[uk] exit: ";

    // A console line longer than this cannot be an exit line: only its start is kept.
    private const int MaxLineLength = 256;

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> until the end of the stream, flushing
    /// after each read; returns the last exit line (without the prefix's surroundings such as CR), or null.
    /// </summary>
    public static string? Copy(Stream source, Stream destination)
    {
        var line = new StringBuilder();
        string? exitLine = null;
        byte[] buffer = new byte[4096];
        int read;
        while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            destination.Write(buffer, 0, read);
            destination.Flush();
            for (int i = 0; i < read; i++)
            {
                char c = (char)buffer[i];
                if (c == '\n')
                {
                    exitLine = ExitLineOf(line.ToString()) ?? exitLine;
                    line.Clear();
                }
                else if (line.Length < MaxLineLength)
                {
                    line.Append(c);
                }
            }
        }

        return ExitLineOf(line.ToString()) ?? exitLine;
    }

    /// <summary>The exit line in <paramref name="line"/> (<c>[uk] exit: code 3</c>), or null when it holds none.</summary>
    public static string? ExitLineOf(string line)
    {
        int at = line.IndexOf(ExitLinePrefix, StringComparison.Ordinal);
        return at < 0 ? null : line[at..].TrimEnd('\r', ' ', '\t');
    }
}
