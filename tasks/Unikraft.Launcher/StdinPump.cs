// Carries the launcher's stdin to the framed console as 'I' frames and its end as a 'D' frame, never more than the
// kernel's window ahead of what the program consumed.
namespace Unikraft.Launcher;

/// <summary>
/// The host's side of the framed console's input. The kernel holds <see cref="Window"/> bytes of stdin and returns
/// credit ('A' frames, <see cref="Credit"/>) as the program reads them, so nothing is ever dropped: the pump reads the
/// launcher's stdin only while fewer than <see cref="Window"/> bytes are unconsumed. Input is sent once the kernel has
/// switched to frames (<see cref="Start"/>); before that the serial line is plain.
/// </summary>
public sealed class StdinPump
{
    /// <summary>Bytes the pump may send ahead of the program's reads (the kernel's buffer is twice that).</summary>
    public const int Window = 32768;

    private const int MaxFrame = 4096;

    private readonly Stream input;
    private readonly Stream vmm;
    private readonly object gate = new();
    private int outstanding;
    private bool started;
    private bool stopped;

    /// <summary>Reads <paramref name="input"/> and writes frames to <paramref name="vmm"/> (the VMM's stdin).</summary>
    public StdinPump(Stream input, Stream vmm)
    {
        this.input = input;
        this.vmm = vmm;
    }

    /// <summary>The kernel consumed <paramref name="bytes"/> more bytes.</summary>
    public void Credit(int bytes)
    {
        lock (gate)
        {
            outstanding -= bytes;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>The kernel reads frames now.</summary>
    public void Start()
    {
        lock (gate)
        {
            started = true;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>The VMM is gone: the pump stops at its next step.</summary>
    public void Stop()
    {
        lock (gate)
        {
            stopped = true;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Runs the pump on a background thread (it may block reading a terminal until the launcher exits).</summary>
    public void RunInBackground() => new Thread(Run) { IsBackground = true, Name = "stdin pump" }.Start();

    /// <summary>Copies until the end of the input (then sends 'D') or until the VMM is gone.</summary>
    public void Run()
    {
        byte[] frame = new byte[3 + MaxFrame];
        try
        {
            while (true)
            {
                int room;
                lock (gate)
                {
                    while (!stopped && (!started || outstanding >= Window))
                    {
                        Monitor.Wait(gate);
                    }

                    if (stopped)
                    {
                        return;
                    }

                    room = Math.Min(MaxFrame, Window - outstanding);
                }

                int n = input.Read(frame, 3, room);
                lock (gate)
                {
                    outstanding += n;
                }

                frame[0] = (byte)(n == 0 ? 'D' : 'I');
                frame[1] = (byte)n;
                frame[2] = (byte)(n >> 8);
                vmm.Write(frame, 0, 3 + n);
                vmm.Flush();
                if (n == 0)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The VMM exited (its stdin is closed) or the launcher's stdin failed: nothing more to carry.
        }
    }
}
