// The "net" mode's scatter/gather checks: readv/writev and read on sockets through libc, as Linux defines them. A
// datagram socket sends one datagram made of all of writev's buffers and receives one datagram over readv's (the rest
// of a longer one is dropped), read() with a short buffer drops the rest too and an empty read consumes nothing; a
// stream socket moves the bytes in order.
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

static unsafe partial class NetProbe
{
    [StructLayout(LayoutKind.Sequential)]
    struct Iovec
    {
        public byte* Base;
        public nuint Len;
    }

    [DllImport("libc", SetLastError = true)] static extern nint readv(int fd, Iovec* iov, int cnt);
    [DllImport("libc", SetLastError = true)] static extern nint writev(int fd, Iovec* iov, int cnt);
    [DllImport("libc", SetLastError = true)] static extern nint read(int fd, byte* buf, nuint len);

    static int Fd(Socket s) => (int)s.Handle;

    /// <summary>writev of the given pieces on s: the byte count, or -errno.</summary>
    static long WriteV(Socket s, params string[] pieces)
    {
        byte[][] bytes = pieces.Select(p => Encoding.ASCII.GetBytes(p)).ToArray();
        var handles = bytes.Select(b => GCHandle.Alloc(b, GCHandleType.Pinned)).ToArray();
        try
        {
            Iovec* iov = stackalloc Iovec[bytes.Length];
            for (int i = 0; i < bytes.Length; i++)
            {
                iov[i] = new Iovec { Base = (byte*)handles[i].AddrOfPinnedObject(), Len = (nuint)bytes[i].Length };
            }

            nint r = writev(Fd(s), iov, bytes.Length);
            return r < 0 ? -Marshal.GetLastPInvokeError() : r;
        }
        finally
        {
            foreach (var h in handles)
            {
                h.Free();
            }
        }
    }

    /// <summary>readv on s into buffers of the given sizes: the byte count (or -errno) and what each buffer got.</summary>
    static (long n, string[] got) ReadV(Socket s, params int[] sizes)
    {
        byte[] all = new byte[sizes.Sum()];
        fixed (byte* p = all)
        {
            Iovec* iov = stackalloc Iovec[sizes.Length];
            int at = 0;
            for (int i = 0; i < sizes.Length; i++)
            {
                iov[i] = new Iovec { Base = p + at, Len = (nuint)sizes[i] };
                at += sizes[i];
            }

            nint r = readv(Fd(s), iov, sizes.Length);
            if (r < 0)
            {
                return (-Marshal.GetLastPInvokeError(), []);
            }

            var got = new string[sizes.Length];
            long left = r;
            at = 0;
            for (int i = 0; i < sizes.Length; i++)
            {
                int k = (int)Math.Min(left, sizes[i]);
                got[i] = Encoding.ASCII.GetString(all, at, k);
                left -= k;
                at += sizes[i];
            }

            return (r, got);
        }
    }

    static (long n, string got) Read(Socket s, int size)
    {
        byte[] buf = new byte[Math.Max(size, 1)];
        fixed (byte* p = buf)
        {
            nint r = read(Fd(s), p, (nuint)size);
            return r < 0 ? (-Marshal.GetLastPInvokeError(), "") : (r, Encoding.ASCII.GetString(buf, 0, (int)r));
        }
    }

    static string ReceiveText(Socket s)
    {
        var buf = new byte[256];
        int n = s.Receive(buf);
        return Encoding.ASCII.GetString(buf, 0, n);
    }

    /// <summary>Two UDP sockets on 127.0.0.1, b connected to a (writev and read need a peer).</summary>
    static (Socket a, Socket b) UdpPair()
    {
        var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        a.ReceiveTimeout = 5000;
        var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        b.Connect(a.LocalEndPoint!);
        a.Connect(b.LocalEndPoint!);
        return (a, b);
    }

    static void VectorChecks()
    {
        Try("udp writev sends one datagram", () =>
        {
            var (a, b) = UdpPair();
            using (a)
            using (b)
            {
                long sent = WriteV(b, "ab", "cde", "f");
                b.Send("next"u8);
                string first = ReceiveText(a), second = ReceiveText(a);
                Check("udp writev sends one datagram", sent == 6 && first == "abcdef" && second == "next",
                    $"sent={sent} first={first} second={second}");
            }
        });

        Try("udp readv takes one datagram, truncated", () =>
        {
            var (a, b) = UdpPair();
            using (a)
            using (b)
            {
                b.Send("0123456789"u8);
                b.Send("second"u8);
                Thread.Sleep(50);
                var (n, got) = ReadV(a, 3, 4);
                string next = ReceiveText(a);
                Check("udp readv takes one datagram, truncated", n == 7 && got[0] == "012" && got[1] == "3456" && next == "second",
                    $"n={n} got={string.Join('|', got)} next={next}");
            }
        });

        Try("udp read with a short buffer drops the rest", () =>
        {
            var (a, b) = UdpPair();
            using (a)
            using (b)
            {
                b.Send("hello world"u8);
                b.Send("x"u8);
                Thread.Sleep(50);
                var (n, got) = Read(a, 5);
                string next = ReceiveText(a);
                Check("udp read with a short buffer drops the rest", n == 5 && got == "hello" && next == "x", $"n={n} got={got} next={next}");
            }
        });

        Try("udp read of no bytes consumes nothing", () =>
        {
            var (a, b) = UdpPair();
            using (a)
            using (b)
            {
                b.Send("keep"u8);
                Thread.Sleep(50);
                var (n, _) = Read(a, 0);
                string next = ReceiveText(a);
                Check("udp read of no bytes consumes nothing", n == 0 && next == "keep", $"n={n} next={next}");
            }
        });

        Try("tcp writev and readv", () =>
        {
            using var l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            l.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            l.Listen(1);
            using var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            c.Connect(l.LocalEndPoint!);
            using Socket s = l.Accept();
            string big = new string('z', 30_000);
            long sent = WriteV(c, "hello", " ", "world", big);
            c.Shutdown(SocketShutdown.Send);
            var text = new StringBuilder();
            long first = -1;
            for (;;)
            {
                var (n, got) = ReadV(s, 4, 8, 4096);
                first = first < 0 ? n : first;
                if (n <= 0)
                {
                    break;
                }

                text.Append(string.Concat(got));
            }

            Check("tcp writev and readv", sent == 30_011 && first >= 4 && text.ToString() == "hello world" + big,
                $"sent={sent} first={first} received={text.Length}");
        });
    }
}
