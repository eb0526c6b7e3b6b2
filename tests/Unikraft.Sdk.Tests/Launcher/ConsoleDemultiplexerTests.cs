// ConsoleDemultiplexer and StdinPump: the framed console's two directions, fed without a VMM, in pieces of every size.
using System.Text;
using Unikraft.Launcher;

namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Unit")]
public sealed class ConsoleDemultiplexerTests
{
    private static byte[] Frame(char type, byte[] payload) => [(byte)type, (byte)payload.Length, (byte)(payload.Length >> 8), .. payload];

    private static byte[] Frame(char type, string text) => Frame(type, Encoding.UTF8.GetBytes(text));

    private static byte[] Credit(int bytes) => [(byte)'A', (byte)bytes, (byte)(bytes >> 8)];

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(5)]
    [DataRow(11)]
    [DataRow(4096)]
    public void GivenTheConsoleInPiecesOfAnySize_EveryStreamGetsItsBytesInOrder(int piece)
    {
        byte[] binary = Enumerable.Range(0, 1024).Select(i => (byte)i).ToArray();
        byte[] console =
        [
            .. "boot\r\n\0UK"u8, .. ConsoleDemultiplexer.Marker, .. Frame('O', binary), .. Frame('E', "err 1\n"),
            .. Frame('K', "[uk] note\n"), .. Credit(300), .. Frame('T', "echo"), .. Frame('O', "\n\r\n"), .. Credit(2),
            .. Frame('K', "[uk] exit: code 9\n"), .. Frame('E', ""), .. Frame('O', [0, 0x0d, 0x0a]),
        ];
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        using var terminal = new MemoryStream();
        int credit = 0, started = 0;
        var demux = new ConsoleDemultiplexer(stdout, stderr, terminal, n => credit += n);
        demux.FramingStarted += () => started++;

        for (int at = 0; at < console.Length; at += piece)
        {
            demux.Feed(console.AsSpan(at, Math.Min(piece, console.Length - at)));
        }

        CollectionAssert.AreEqual(binary.Concat("\n\r\n"u8.ToArray()).Concat(new byte[] { 0, 0x0d, 0x0a }).ToArray(), stdout.ToArray());
        Assert.AreEqual("boot\r\n\0UKerr 1\n[uk] note\n[uk] exit: code 9\n", Encoding.UTF8.GetString(stderr.ToArray()));
        Assert.AreEqual("echo", Encoding.UTF8.GetString(terminal.ToArray()));
        Assert.AreEqual(302, credit);
        Assert.AreEqual(1, started);
        Assert.AreEqual("[uk] exit: code 9", demux.ExitLine);
    }

    [TestMethod]
    public void GivenAConsoleThatNeverFrames_ItAllGoesToStderrAndTheExitLineIsFound()
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var demux = new ConsoleDemultiplexer(stdout, stderr, null, _ => { });

        demux.Feed("Hello\r\n[uk] exit: code 5\r\n"u8);

        Assert.IsFalse(demux.Framed);
        Assert.AreEqual(0, stdout.Length);
        Assert.AreEqual("Hello\r\n[uk] exit: code 5\r\n", Encoding.UTF8.GetString(stderr.ToArray()));
        Assert.AreEqual("[uk] exit: code 5", demux.ExitLine);
    }

    [TestMethod]
    public void GivenStdin_ThePumpSendsNothingBeforeFramingAndNoMoreThanTheWindowAheadThenTheEnd()
    {
        byte[] input = new byte[StdinPump.Window * 3 + 123];
        new Random(3).NextBytes(input);
        using var vmm = new Sink();
        var pump = new StdinPump(new MemoryStream(input), vmm);
        var thread = new Thread(pump.Run);
        thread.Start();

        Thread.Sleep(200);
        Assert.AreEqual(0, vmm.Snapshot().Length, "nothing before the kernel frames its console");
        pump.Start();
        var received = new List<byte>();
        bool ended = false;
        int parsed = 0;
        for (int spins = 0; !ended && spins < 1000; spins++)
        {
            Thread.Sleep(10);
            byte[] sent = vmm.Snapshot();

            int unconsumed = received.Count;
            while (parsed + 3 <= sent.Length)
            {
                int length = sent[parsed + 1] | sent[parsed + 2] << 8;
                if (parsed + 3 + length > sent.Length)
                {
                    break;
                }

                if (sent[parsed] == 'D')
                {
                    ended = true;
                }
                else
                {
                    Assert.AreEqual((byte)'I', sent[parsed]);
                    received.AddRange(sent.AsSpan(parsed + 3, length).ToArray());
                }

                parsed += 3 + length;
            }

            Assert.IsTrue(received.Count - unconsumed <= StdinPump.Window, "more than the window ahead of the credit");
            pump.Credit(received.Count - unconsumed);
        }

        thread.Join(TimeSpan.FromSeconds(5));
        Assert.IsTrue(ended, "the end of stdin was sent");
        CollectionAssert.AreEqual(input, received.ToArray());
    }

    [TestMethod]
    public void GivenTheLaunchersHandles_TheKernelOptionsNameTheTerminals()
    {
        Assert.AreEqual("uk.console=framed uk.tty=", VmmProcess.ConsoleOptions(false, false, false));
        Assert.AreEqual("uk.console=framed uk.tty=012", VmmProcess.ConsoleOptions(true, true, true));
        Assert.AreEqual("uk.console=framed uk.tty=2", VmmProcess.ConsoleOptions(false, false, true));
    }

    /// <summary>A stream that one thread writes and another reads a snapshot of.</summary>
    private sealed class Sink : Stream
    {
        private readonly List<byte> data = [];

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public byte[] Snapshot()
        {
            lock (data)
            {
                return [.. data];
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (data)
            {
                data.AddRange(buffer.AsSpan(offset, count).ToArray());
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
