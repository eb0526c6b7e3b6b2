// TCP initial sequence numbers as RFC 6528 asks (the kernel's lib/lwip/tcp_isn.c): the guest (tests/apps/Probe, mode
// "tcp-connects") connects to a listener on the host five times in a row over QEMU user networking, and QEMU's
// filter-dump records the guest's frames; the SYNs' sequence numbers must look unrelated. lwIP's own generator gives
// consecutive connections numbers a few ticks apart, which an attacker off the path can guess.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class TcpIsnTests
{
    private const int Connections = 5;

    /// <summary>The guest's SYNs in a pcap file of Ethernet frames: source port and sequence number, in order.</summary>
    private static List<(int Port, uint Seq)> GuestSyns(byte[] pcap, int serverPort)
    {
        var syns = new List<(int, uint)>();
        Assert.AreEqual(0xa1b2c3d4u, BinaryPrimitives.ReadUInt32LittleEndian(pcap), "a little-endian pcap file");
        for (int at = 24; at + 16 <= pcap.Length;)
        {
            int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(at + 8));
            ReadOnlySpan<byte> f = pcap.AsSpan(at + 16, len);
            at += 16 + len;
            if (f.Length < 54 || BinaryPrimitives.ReadUInt16BigEndian(f[12..]) != 0x0800 || f[23] != 6)
            {
                continue; // not IPv4 carrying TCP
            }

            ReadOnlySpan<byte> tcp = f[(14 + (f[14] & 0xf) * 4)..];
            bool fromGuest = f[26..30].SequenceEqual(new byte[] { 10, 0, 2, 15 });
            bool synOnly = (tcp[13] & 0x12) == 0x02;
            if (fromGuest && synOnly && BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]) == serverPort)
            {
                syns.Add((BinaryPrimitives.ReadUInt16BigEndian(tcp), BinaryPrimitives.ReadUInt32BigEndian(tcp[4..])));
            }
        }

        return syns;
    }

    [TestMethod]
    public void GivenConsecutiveConnections_TheirInitialSequenceNumbersAreUnrelated()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        string dir = Directory.CreateTempSubdirectory("uk-isn-").FullName;
        try
        {
            string pcap = Path.Combine(dir, "guest.pcap");
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            Task server = Task.Run(() =>
            {
                for (int i = 0; i < Connections; i++)
                {
                    using TcpClient c = listener.AcceptTcpClient();
                }
            });
            var nic = new NetworkTests.Nic(BootTarget.QemuX64, "microvm", ["--qemu-args", $"-object filter-dump,id=d0,netdev=n0,file={pcap}"],
                "virtio-net-device", "v1");

            CommandResult result = target.Boot(nic.LaunchOptions(), "tcp-connects", "10.0.2.2", port.ToString(), Connections.ToString());

            Assert.AreEqual(0, result.ExitCode, result.ToString());
            StringAssert.Contains(result.Output, "CONNECTS: PASS");
            Assert.IsTrue(server.Wait(TimeSpan.FromSeconds(30)), "the host accepted every connection");
            List<(int Port, uint Seq)> syns = GuestSyns(File.ReadAllBytes(pcap), port);
            int[] ports = result.Output.Split('\n').Where(l => l.StartsWith("CONNECTS: ", StringComparison.Ordinal) && l != "CONNECTS: PASS")
                .Select(l => int.Parse(l["CONNECTS: ".Length..])).ToArray();
            CollectionAssert.AreEqual(ports, syns.Select(s => s.Port).Distinct().ToArray(), $"one SYN per connection, in order\n{result}");
            string seqs = string.Join(' ', syns.Select(s => $"{s.Port}:{s.Seq:x8}"));
            var first = syns.GroupBy(s => s.Port).Select(g => g.First().Seq).ToArray();
            for (int i = 1; i < first.Length; i++)
            {
                uint d = first[i] - first[i - 1];
                Assert.IsTrue(Math.Min(d, 0u - d) >= 1u << 16, $"connections {i - 1} and {i} start {d} apart: {seqs}");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
