// Finds the kernel's last "[uk] exit: …" line and its last panic backtrace in its console log, and passes a plain
// console through.
using System.Text;

namespace Unikraft.Launcher;

/// <summary>
/// Firecracker has no exit device: the kernel prints <c>[uk] exit: code N</c> (or <c>[uk] exit: kernel panic</c>)
/// in its log before it powers off. The launcher feeds the kernel's log (plain console text, or the framed console's
/// log frames, see <see cref="ConsoleDemultiplexer"/>) through this scanner, which remembers the last such line.
/// </summary>
public sealed class ConsoleTap
{
    /// <summary>What starts the kernel's exit line.</summary>
    public const string ExitLinePrefix = "[uk] exit: ";

    // A console line longer than this cannot be an exit line: only its start is kept.
    private const int MaxLineLength = 256;

    /// <summary>What starts the kernel's backtrace; each frame follows on a line <c>    #N 0x…</c>.</summary>
    public const string BacktracePrefix = "backtrace (kernel addresses";

    private readonly StringBuilder line = new();
    private readonly List<ulong> backtrace = [];
    private string? exitLine;
    private bool inBacktrace;

    /// <summary>The return addresses of the last kernel backtrace in the log (a panic's), innermost first.</summary>
    public IReadOnlyList<ulong> Backtrace => backtrace;

    /// <summary>The last exit line seen so far, including the line not yet ended.</summary>
    public string? ExitLine => ExitLineOf(line.ToString()) ?? exitLine;

    /// <summary>Scans more of the log.</summary>
    public void Scan(ReadOnlySpan<byte> log)
    {
        foreach (byte b in log)
        {
            if (b == '\n')
            {
                string text = line.ToString();
                exitLine = ExitLineOf(text) ?? exitLine;
                ScanBacktrace(text);
                line.Clear();
            }
            else if (line.Length < MaxLineLength)
            {
                line.Append((char)b);
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> until the end of the stream, flushing
    /// after each read; returns the last exit line (without the prefix's surroundings such as CR), or null.
    /// </summary>
    public static string? Copy(Stream source, Stream destination)
    {
        var tap = new ConsoleTap();
        byte[] buffer = new byte[4096];
        int read;
        while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            destination.Write(buffer, 0, read);
            destination.Flush();
            tap.Scan(buffer.AsSpan(0, read));
        }

        return tap.ExitLine;
    }

    private void ScanBacktrace(string text)
    {
        if (text.Contains(BacktracePrefix, StringComparison.Ordinal))
        {
            backtrace.Clear();
            inBacktrace = true;
            return;
        }

        if (inBacktrace)
        {
            ulong? address = FrameAddress(text);
            inBacktrace = address.HasValue;
            if (address.HasValue)
            {
                backtrace.Add(address.Value);
            }
        }
    }

    /// <summary>The address of a backtrace line <c>    #3 0x54e1a2</c>, or null when the line is not one.</summary>
    public static ulong? FrameAddress(string text)
    {
        string[] words = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 2 && words[0].StartsWith('#') && words[1].StartsWith("0x", StringComparison.Ordinal) &&
               ulong.TryParse(words[1].AsSpan(2), System.Globalization.NumberStyles.HexNumber, null, out ulong address)
            ? address
            : null;
    }

    /// <summary>The exit line in <paramref name="line"/> (<c>[uk] exit: code 3</c>), or null when it holds none.</summary>
    public static string? ExitLineOf(string line)
    {
        int at = line.IndexOf(ExitLinePrefix, StringComparison.Ordinal);
        return at < 0 ? null : line[at..].TrimEnd('\r', ' ', '\t');
    }
}
