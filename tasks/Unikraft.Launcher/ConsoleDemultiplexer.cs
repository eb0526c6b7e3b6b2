// Splits the framed console (uk.console=framed, runtime-packs/kernel/lib/tty/tty.c) into the program's stdout and
// stderr, the kernel's log and the terminal's echo, and counts the stdin credit the kernel returns.
namespace Unikraft.Launcher;

/// <summary>
/// The guest's side of the serial line: plain kernel log until the marker <see cref="Marker"/>, then frames
/// <c>[type][length: 2 bytes, little endian][payload]</c>: <c>O</c> stdout, <c>E</c> stderr, <c>K</c> kernel log,
/// <c>T</c> the terminal's own output (echo), and <c>A</c>, whose length (no payload) is the number of stdin bytes
/// the kernel consumed. Frames may arrive cut anywhere; every payload byte goes out in order, unchanged.
/// </summary>
public sealed class ConsoleDemultiplexer
{
    /// <summary>The kernel's line before its first frame.</summary>
    public static ReadOnlySpan<byte> Marker => "\0UKFRAMED1\0"u8;

    private readonly Stream stdout;
    private readonly Stream stderr;
    private readonly Stream? terminal;
    private readonly Action<int> credit;
    private readonly ConsoleTap log = new();
    private int markerMatched;
    private int headerHave;
    private byte type;
    private byte lengthLow;
    private int left;

    /// <summary>
    /// Writes stdout frames to <paramref name="stdout"/>, stderr and the kernel's log to <paramref name="stderr"/>,
    /// the terminal's echo to <paramref name="terminal"/> (dropped when null) and passes credits to <paramref name="credit"/>.
    /// </summary>
    public ConsoleDemultiplexer(Stream stdout, Stream stderr, Stream? terminal, Action<int> credit)
    {
        this.stdout = stdout;
        this.stderr = stderr;
        this.terminal = terminal;
        this.credit = credit;
    }

    /// <summary>True once the marker has been seen: the kernel reads stdin frames from then on.</summary>
    public bool Framed { get; private set; }

    /// <summary>Raised once, when the marker has been seen.</summary>
    public event Action? FramingStarted;

    /// <summary>The kernel's last <c>[uk] exit: …</c> log line, or null.</summary>
    public string? ExitLine => log.ExitLine;

    /// <summary>The return addresses of the kernel's last backtrace (a panic's), innermost first.</summary>
    public IReadOnlyList<ulong> Backtrace => log.Backtrace;

    /// <summary>Takes the next bytes the VMM put out.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        int i = Framed ? 0 : FeedPlain(data);
        while (i < data.Length)
        {
            if (left == 0)
            {
                byte b = data[i++];
                switch (headerHave++)
                {
                    case 0:
                        type = b;
                        continue;
                    case 1:
                        lengthLow = b;
                        continue;
                }

                headerHave = 0;
                left = lengthLow | b << 8;
                if (type == (byte)'A')
                {
                    credit(left);
                    left = 0;
                }

                continue;
            }

            int n = Math.Min(left, data.Length - i);
            ReadOnlySpan<byte> payload = data.Slice(i, n);
            switch ((char)type)
            {
                case 'O':
                    stdout.Write(payload);
                    break;
                case 'E':
                    stderr.Write(payload);
                    break;
                case 'K':
                    stderr.Write(payload);
                    log.Scan(payload);
                    break;
                case 'T':
                    terminal?.Write(payload);
                    break;
            }

            i += n;
            left -= n;
        }
    }

    // Plain log up to and including the marker; returns where the frames start. The marker's only border is its
    // first byte, so a false start is log and matching restarts at the byte that broke it.
    private int FeedPlain(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> marker = Marker;
        var text = new List<byte>(data.Length);
        for (int i = 0; i < data.Length; i++)
        {
            byte b = data[i];
            if (b == marker[markerMatched])
            {
                if (++markerMatched == marker.Length)
                {
                    Plain(text);
                    Framed = true;
                    FramingStarted?.Invoke();
                    return i + 1;
                }

                continue;
            }

            text.AddRange(marker[..markerMatched]);
            markerMatched = b == marker[0] ? 1 : 0;
            if (markerMatched == 0)
            {
                text.Add(b);
            }
        }

        Plain(text);
        return data.Length;
    }

    private void Plain(List<byte> text)
    {
        ReadOnlySpan<byte> span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(text);
        stderr.Write(span);
        log.Scan(span);
    }
}
