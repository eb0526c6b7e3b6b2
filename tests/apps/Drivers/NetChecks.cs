// Mode "net" of the Drivers app: Unikraft.Drivers' NetworkDevice on a NIC the kernel leaves to the program. The boot
// test gives the VM two slirp NICs: en0 (10.0.2.0/24) stays with the TCP/IP stack, en1 (10.0.3.0/24, MAC
// 52:54:00:00:00:01) is raw (net.raw=en1). With raw frames the program plays 10.0.3.15: it asks slirp's gateway
// 10.0.3.2 for its MAC (ARP), pings it (ICMP echo) and answers slirp's own ARP requests; then it floods the gateway
// with ARP requests without reading, so that the kernel's receive queue overflows (bounded, drops counted). Meanwhile
// en0 carries a TCP connection to the test's listener at 10.0.2.2:<port>. Prints NET: PASS or FAIL.
using System.Buffers.Binary;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Unikraft.Drivers;

internal static partial class NetChecks
{
    private static readonly byte[] OurIp = [10, 0, 3, 15], GatewayIp = [10, 0, 3, 2];
    private static readonly byte[] Broadcast = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    private static bool ok = true;

    private static void Check(string what, bool passed, string detail = "")
    {
        Console.WriteLine($"{what}: {(passed ? "ok" : "FAIL")} {detail}".TrimEnd());
        ok &= passed;
    }

    private static void Throws<TException>(string what, Action action, string text)
        where TException : Exception
    {
        try
        {
            action();
            Check(what, false, "no exception");
        }
        catch (Exception e)
        {
            Check(what, e.GetType() == typeof(TException) && e.Message.Contains(text, StringComparison.Ordinal), $"{e.GetType().Name}: {e.Message}");
        }
    }

    public static async Task<int> RunAsync(int port)
    {
        IReadOnlyList<string> names = NetworkDevice.Enumerate();
        Check("enumerate", names.SequenceEqual(["en1"]), string.Join(",", names));
        Throws<InvalidOperationException>("en0 belongs to the stack", () => NetworkDevice.Open("en0"), "net.raw=en0");
        Throws<FileNotFoundException>("a missing NIC", () => NetworkDevice.Open("en7"), "There is no network interface en7");
        Throws<ArgumentException>("a bad name", () => NetworkDevice.Open("eth0"), "no network interface name");

        using (NetworkDevice nic = NetworkDevice.Open("en1"))
        {
            Console.WriteLine($"opened {nic}");
            Check("properties", nic.MacAddress.Equals(PhysicalAddress.Parse("52-54-00-00-00-01")) && nic.Mtu == 1500 && nic.MaxFrameSize == 1518 && nic.IsLinkUp,
                $"mac={nic.MacAddress} mtu={nic.Mtu} link={nic.IsLinkUp}");
            Throws<IOException>("a second open", () => NetworkDevice.Open("en1"), "is open already");
            Throws<ArgumentException>("a frame shorter than a header", () => nic.Send(new byte[10]), "14 to 1518 bytes");
            Throws<ArgumentException>("a frame longer than the MTU", () => nic.Send(new byte[1519]), "14 to 1518 bytes");
            Throws<ArgumentException>("a receive buffer shorter than a header", () => nic.Receive(new byte[8]), "cannot hold an Ethernet header");

            Task<string> en0 = TalkOverEn0(port);
            byte[] mine = nic.MacAddress.GetAddressBytes();

            // ARP: who has 10.0.3.2?
            await nic.SendAsync(Arp(mine, Broadcast, 1, OurIp, GatewayIp, new byte[6]));
            byte[]? reply = await Expect(nic, f => IsArp(f, 2) && f.AsSpan(28, 4).SequenceEqual(GatewayIp), mine);
            byte[] gateway = reply is null ? new byte[6] : reply[22..28];
            Check("ARP reply from 10.0.3.2", reply is not null && reply.AsSpan(0, 6).SequenceEqual(mine) && reply.AsSpan(32, 6).SequenceEqual(mine),
                $"gateway mac {Convert.ToHexString(gateway)}");

            // ICMP echo to 10.0.3.2, with a payload the reply must carry back.
            byte[] payload = Encoding.ASCII.GetBytes("unikraft raw frames 0123456789abcdefghijklmnopqrstuvwxyz");
            await nic.SendAsync(Echo(mine, gateway, OurIp, GatewayIp, 0x5a17, 1, payload));
            byte[]? pong = await Expect(nic, f => IsIp(f, 1) && f[34] == 0 && BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(38)) == 0x5a17, mine);
            Check("ICMP echo reply from 10.0.3.2", pong is not null && pong.AsSpan(42, payload.Length).SequenceEqual(payload)
                && pong.AsSpan(26, 4).SequenceEqual(GatewayIp) && Checksum(pong.AsSpan(14, 20)) == 0,
                pong is null ? "none" : $"{pong.Length} bytes");

            // Cancelling a wait for a frame (slirp may send one meanwhile: then wait again).
            bool cancelled = false;
            for (int i = 0; i < 20 && !cancelled; i++)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    await nic.ReceiveAsync(new byte[nic.MaxFrameSize], cts.Token);
                }
                catch (OperationCanceledException)
                {
                    cancelled = true;
                }
            }

            Check("ReceiveAsync cancelled", cancelled);

            // The bounded queue: 200 ARP requests, none read until the replies are in.
            NetworkDeviceStatistics before = nic.GetStatistics();
            byte[] request = Arp(mine, Broadcast, 1, OurIp, GatewayIp, new byte[6]);
            for (int i = 0; i < 200; i++)
            {
                nic.Send(request);
            }

            await Task.Delay(2000);
            NetworkDeviceStatistics after = nic.GetStatistics();
            int queued = 0;
            var frame = new byte[nic.MaxFrameSize];
            while (nic.TryReceive(frame, out _))
            {
                queued++;
            }

            Check("bounded receive queue", queued <= 128 && queued >= 100 && after.ReceiveDropped > before.ReceiveDropped && after.SentFrames - before.SentFrames == 200,
                $"queued {queued}, dropped {after.ReceiveDropped - before.ReceiveDropped}, sent {after.SentFrames - before.SentFrames}");
            Console.WriteLine($"stats {after}");

            string en0Result = await en0;
            Check("en0 carries TCP beside the raw en1", en0Result == "ok", en0Result);

            Task<int> pending = nic.ReceiveAsync(new byte[nic.MaxFrameSize]).AsTask();
            await Task.Delay(100);
            while (pending.IsCompleted && !pending.IsFaulted)
            {
                pending = nic.ReceiveAsync(new byte[nic.MaxFrameSize]).AsTask(); // a stray frame: wait again
                await Task.Delay(100);
            }

            nic.Dispose();
            try
            {
                await pending;
                Check("Dispose ends a pending ReceiveAsync", false, "completed");
            }
            catch (ObjectDisposedException e)
            {
                Check("Dispose ends a pending ReceiveAsync", true, e.Message);
            }

            Throws<ObjectDisposedException>("a disposed device", () => nic.Send(request), "NetworkDevice");
        }

        KernelChecks();
        Console.WriteLine(ok ? "NET: PASS" : "NET: FAIL");
        return ok ? 0 : 1;
    }

    /// <summary>The kernel's own answers on /dev/net/en1, beneath the managed checks: short and long frames, no frame waiting.</summary>
    private static unsafe void KernelChecks()
    {
        int fd = Open("/dev/net/en1", 2 | 0x800); // O_RDWR | O_NONBLOCK
        Check("the device reopens once closed", fd >= 0);
        byte[] big = new byte[1519];
        fixed (byte* p = big)
        {
            Check("write of 10 bytes: EINVAL", Write(fd, p, 10) == -1 && Marshal.GetLastPInvokeError() == 22);
            Check("write of 1519 bytes: EMSGSIZE", Write(fd, p, 1519) == -1 && Marshal.GetLastPInvokeError() == 90);
        }

        Close(fd);
    }

    /// <summary>A TCP connection over en0 to the test's listener: sends a line and reads its answer.</summary>
    private static async Task<string> TalkOverEn0(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("10.0.2.2", port).WaitAsync(TimeSpan.FromSeconds(20));
            NetworkStream stream = client.GetStream();
            await stream.WriteAsync("raw en1, tcp en0\n"u8.ToArray());
            var buffer = new byte[64];
            int n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            string answer = Encoding.ASCII.GetString(buffer, 0, n).Trim();
            return answer == "ack" ? "ok" : $"answer '{answer}'";
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>Reads frames (10 s at most) until one matches, answering ARP requests for 10.0.3.15 meanwhile.</summary>
    private static async Task<byte[]?> Expect(NetworkDevice nic, Func<byte[], bool> match, byte[] mine)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[nic.MaxFrameSize];
        try
        {
            while (true)
            {
                int n = await nic.ReceiveAsync(buffer, cts.Token);
                byte[] frame = buffer[..n];
                if (match(frame))
                {
                    return frame;
                }

                if (IsArp(frame, 1) && frame.AsSpan(38, 4).SequenceEqual(OurIp))
                {
                    await nic.SendAsync(Arp(mine, frame[22..28], 2, OurIp, frame[28..32], frame[22..28]));
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static bool IsArp(byte[] f, int op) => f.Length >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == op;

    private static bool IsIp(byte[] f, int protocol) => f.Length >= 42 && f[12] == 0x08 && f[13] == 0x00 && f[23] == protocol;

    private static byte[] Ethernet(byte[] src, byte[] dst, ushort type, int payload)
    {
        var f = new byte[14 + payload];
        dst.CopyTo(f, 0);
        src.CopyTo(f, 6);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), type);
        return f;
    }

    private static byte[] Arp(byte[] srcMac, byte[] dstMac, int op, byte[] srcIp, byte[] targetIp, byte[] targetMac)
    {
        byte[] f = Ethernet(srcMac, dstMac, 0x0806, 28);
        byte[] header = [0, 1, 8, 0, 6, 4, 0, (byte)op];
        header.CopyTo(f, 14);
        srcMac.CopyTo(f, 22);
        srcIp.CopyTo(f, 28);
        targetMac.CopyTo(f, 32);
        targetIp.CopyTo(f, 38);
        return f;
    }

    private static byte[] Echo(byte[] srcMac, byte[] dstMac, byte[] srcIp, byte[] dstIp, ushort id, ushort seq, byte[] payload)
    {
        byte[] f = Ethernet(srcMac, dstMac, 0x0800, 20 + 8 + payload.Length);
        Span<byte> ip = f.AsSpan(14, 20);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(28 + payload.Length));
        ip[8] = 64;
        ip[9] = 1;
        srcIp.CopyTo(ip[12..]);
        dstIp.CopyTo(ip[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip));
        Span<byte> icmp = f.AsSpan(34);
        icmp[0] = 8;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[6..], seq);
        payload.CopyTo(icmp[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum(icmp));
        return f;
    }

    /// <summary>The Internet checksum (RFC 1071); 0 over data that carries a correct one.</summary>
    private static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (data.Length % 2 == 1)
        {
            sum += (uint)data[^1] << 8;
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
