// The host terminal in raw mode while the guest's line discipline is the terminal's (uk.tty=0): no echo, no line
// editing, no signals from ^C (the guest gets the byte and sends SIGINT itself), output processing left on.
using System.Runtime.InteropServices;

namespace Unikraft.Launcher;

/// <summary>isatty(3) and the raw mode of a terminal stdin, restored on dispose.</summary>
public sealed class TerminalMode : IDisposable
{
    // struct termios on Linux (x86_64 and arm64 alike): c_iflag, c_oflag, c_cflag, c_lflag (4 bytes each),
    // c_line, c_cc[32], then the speeds; 64 bytes cover it.
    private const int TermiosSize = 64;
    private const int IFlag = 0;
    private const int LFlag = 12;
    private const int CcVTime = 17 + 5;
    private const int CcVMin = 17 + 6;
    private const uint InputRaw = 0x1 | 0x2 | 0x8 | 0x20 | 0x40 | 0x80 | 0x100 | 0x400; // IGNBRK BRKINT PARMRK ISTRIP INLCR IGNCR ICRNL IXON
    private const uint LocalRaw = 0x1 | 0x2 | 0x8 | 0x40 | 0x8000; // ISIG ICANON ECHO ECHONL IEXTEN

    private readonly int fd;
    private readonly byte[] saved;

    private TerminalMode(int fd, byte[] saved)
    {
        this.fd = fd;
        this.saved = saved;
    }

    /// <summary>True when <paramref name="fd"/> is a terminal (Linux; false elsewhere).</summary>
    public static bool IsTerminal(int fd) => OperatingSystem.IsLinux() && IsATty(fd) == 1;

    /// <summary>Puts terminal <paramref name="fd"/> in raw mode; null when it is not a terminal or refuses.</summary>
    public static TerminalMode? MakeRaw(int fd)
    {
        if (!IsTerminal(fd))
        {
            return null;
        }

        byte[] saved = new byte[TermiosSize];
        if (TcGetAttr(fd, saved) != 0)
        {
            return null;
        }

        byte[] raw = (byte[])saved.Clone();
        Clear(raw, IFlag, InputRaw);
        Clear(raw, LFlag, LocalRaw);
        raw[CcVMin] = 1;
        raw[CcVTime] = 0;
        return TcSetAttr(fd, 0, raw) == 0 ? new TerminalMode(fd, saved) : null;
    }

    /// <summary>Restores the terminal as it was.</summary>
    public void Dispose() => TcSetAttr(fd, 0, saved);

    private static void Clear(byte[] termios, int offset, uint bits) =>
        BitConverter.TryWriteBytes(termios.AsSpan(offset, 4), BitConverter.ToUInt32(termios, offset) & ~bits);

    [DllImport("libc", EntryPoint = "isatty")]
    private static extern int IsATty(int fd);

    [DllImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static extern int TcGetAttr(int fd, byte[] termios);

    [DllImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static extern int TcSetAttr(int fd, int optionalActions, byte[] termios);
}
