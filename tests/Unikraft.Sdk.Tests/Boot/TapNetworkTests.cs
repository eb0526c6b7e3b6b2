// virtio-net on a tap device with real peers: each test makes a network namespace of its own with a tap in it
// (Infrastructure/NetNamespace), boots the Probe attached to the tap from inside the namespace (the launcher's
// --net tap), and talks to it from sockets made in the namespace. Unlike QEMU's user networking, a tap device
// passes the offloads through: the guest negotiates CSUM, GUEST_CSUM and GUEST_TSO4/6 and gets TCP segments of
// up to 64 KiB. Covered: large transfers both ways over IPv4 and IPv6 link-local, the guest as a client (musl's
// resolver against a name server the test runs, HttpClient against its HTTP server), UDP, a thousand
// connections open at once, and a hundred thousand short connections one after another (the server closes first,
// so its side keeps TIME_WAIT and the peer reuses ports) without a stall.
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class TapNetworkTests
{
    private const int Port = 8080;
    private static readonly TimeSpan BootWait = TimeSpan.FromMinutes(2);

    public sealed record Machine(string Rid, string Name, string[] Options)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<object[]> Machines =>
    [
        BootTarget.Row(BootTarget.QemuX64, new Machine(BootTarget.QemuX64, "x86_64 microvm, virtio-mmio", []), "GivenATap_LargeTransfersEchoBothWays"),
        BootTarget.Row(BootTarget.QemuX64, new Machine(BootTarget.QemuX64, "x86_64 q35, virtio-pci", ["--machine", "q35"]), "GivenATap_LargeTransfersEchoBothWays"),
        BootTarget.Row(BootTarget.QemuArm64, new Machine(BootTarget.QemuArm64, "arm64 virt, virtio-pci", []), "GivenATap_LargeTransfersEchoBothWays"),
    ];

    /// <summary>Four IPv4 connections of 4 MiB each and one IPv6 link-local connection of 1 MiB at once, echoed byte for byte.</summary>
    [TestMethod]
    [DynamicData(nameof(Machines))]
    public async Task GivenATap_LargeTransfersEchoBothWays(Machine machine)
    {
        BootTarget target = BootTarget.Of(machine.Rid);
        using var ns = new NetNamespace();
        Task<CommandResult> vm = Boot(ns, target, machine.Options, "tcp-serve", Port.ToString(), "6", "echo");

        (await ns.ConnectAsync(IPAddress.Parse(NetNamespace.GuestAddress), Port, BootWait)).Dispose(); // the guest listens
        IPAddress linkLocal = LinkLocal(target);
        linkLocal.ScopeId = ns.TapIndex;
        var transfers = new List<Task<bool>>();
        for (int i = 0; i < 4; i++)
        {
            transfers.Add(EchoAsync(ns, IPAddress.Parse(NetNamespace.GuestAddress), 4 << 20, i));
        }

        transfers.Add(EchoAsync(ns, linkLocal, 1 << 20, 4));
        bool[] equal = await WhileTheVmRuns(Task.WhenAll(transfers), vm);
        CommandResult result = await vm;

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        CollectionAssert.AreEqual(new[] { true, true, true, true, true }, equal, result.ToString());
        StringAssert.Contains(result.Output, "csum,guest_csum,guest_tso4,guest_tso6", "the tap passes the offloads through");
        StringAssert.Contains(result.Output, "virtio: QEMU TCG: queue handshakes ordered through device reads", "TCG is recognised");
        long total = 4L * (4 << 20) + (1 << 20);
        StringAssert.Contains(result.Output, $"SERVE: done 6 connections, {total} bytes in, {total} bytes out");
    }

    /// <summary>
    /// The program sends 8 MiB, closes and ends at once while the host reads the last 1 MiB slowly through a small
    /// receive window: the ~300 KiB still in the guest's send buffer at exit arrive anyway, followed by the FIN, as
    /// on Linux, where the kernel goes on sending after the process is gone (the VM powers off once its
    /// connections' data is acknowledged).
    /// </summary>
    [TestMethod]
    public async Task GivenATap_WhatTheProgramSentJustBeforeExitingArrives()
    {
        const int size = 8 << 20;
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        using var ns = new NetNamespace();
        Task<CommandResult> vm = Boot(ns, target, [], "tcp-serve", Port.ToString(), "1", "send");

        using Socket s = await ns.ConnectAsync(IPAddress.Parse(NetNamespace.GuestAddress), Port, BootWait,
            socket => socket.ReceiveBufferSize = 64 * 1024);
        await s.SendAsync(Encoding.ASCII.GetBytes($"{size}\n"));
        byte[] got = await WhileTheVmRuns(ReadSlowlyAtTheEndAsync(s, size - (1 << 20)), vm);
        CommandResult result = await vm;

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        Assert.AreEqual(size, got.Length, result.ToString());
        Assert.IsTrue(got.Select((b, i) => b == i % 251).All(x => x), "the bytes arrive as sent");
        StringAssert.Contains(result.Output, $"SERVE: done 1 connections, {size.ToString().Length + 1} bytes in, {size} bytes out");
    }

    public static IEnumerable<object[]> Arches => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    /// <summary>The guest resolves a name through the test's name server (musl's resolver, net.dns=) and GETs 256 KiB over HTTP.</summary>
    [TestMethod]
    [DynamicData(nameof(Arches))]
    public async Task GivenATap_TheGuestResolvesAndFetchesOverHttp(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        using var ns = new NetNamespace();
        using Socket dns = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        dns.Bind(new IPEndPoint(IPAddress.Parse(NetNamespace.HostAddress), 53));
        using Socket web = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        web.Bind(new IPEndPoint(IPAddress.Parse(NetNamespace.HostAddress), 0));
        web.Listen();
        int port = ((IPEndPoint)web.LocalEndPoint!).Port;
        byte[] body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 256 * 1024 / 16).Select(i => $"line {i,10}\n")));
        using var stop = new CancellationTokenSource();
        Task<List<string>> names = AnswerNamesAsync(dns, "web.test", IPAddress.Parse(NetNamespace.HostAddress), stop.Token);
        Task<string> request = ServeOneAsync(web, body);

        CommandResult result = await Boot(ns, target, [], "http-get", $"http://web.test:{port}/hello");
        stop.Cancel();

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"HTTP: web.test is {NetNamespace.HostAddress}");
        StringAssert.Contains(result.Output, $"HTTP: 200 {body.Length} bytes sha256 {Convert.ToHexString(SHA256.HashData(body))}");
        string head = await WhileTheVmRuns(request, Task.FromResult(result));
        StringAssert.StartsWith(head, "GET /hello HTTP/1.1\r\n");
        StringAssert.Contains(head, $"Host: web.test:{port}\r\n");
        CollectionAssert.Contains(await names, "A web.test", "the guest asked the test's name server");
    }

    /// <summary>Datagrams over IPv4 and IPv6 link-local reach a dual-stack UDP socket, which answers each with its sender.</summary>
    [TestMethod]
    public async Task GivenATap_UdpDatagramsComeBackWithTheirSender()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        using var ns = new NetNamespace();
        Task<CommandResult> vm = Boot(ns, target, [], "udp-serve", "7007");
        using Socket v4 = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        v4.Bind(new IPEndPoint(IPAddress.Parse(NetNamespace.HostAddress), 0));
        using Socket v6 = ns.NewSocket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        IPAddress guest6 = LinkLocal(target);
        guest6.ScopeId = ns.TapIndex;

        string first = await UdpRoundTripAsync(v4, new IPEndPoint(IPAddress.Parse(NetNamespace.GuestAddress), 7007), "over IPv4", BootWait);
        string second = await UdpRoundTripAsync(v6, new IPEndPoint(guest6, 7007), "over IPv6", TimeSpan.FromSeconds(20));
        await UdpRoundTripAsync(v4, new IPEndPoint(IPAddress.Parse(NetNamespace.GuestAddress), 7007), "quit", TimeSpan.FromSeconds(20));
        CommandResult result = await vm;

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        Assert.AreEqual($"[::ffff:{NetNamespace.HostAddress}]:{((IPEndPoint)v4.LocalEndPoint!).Port} over IPv4", first);
        StringAssert.StartsWith(second, "[fe80::");
        StringAssert.EndsWith(second, $"]:{((IPEndPoint)v6.LocalEndPoint!).Port} over IPv6");
    }

    /// <summary>A thousand connections are open at the same time, each echoing a line, before any of them ends.</summary>
    [TestMethod]
    public async Task GivenATap_AThousandConnectionsAreOpenAtOnce()
    {
        const int count = 1000;
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        using var ns = new NetNamespace();
        Task<CommandResult> vm = Boot(ns, target, ["--memory", "512M"], "tcp-serve", Port.ToString(), (count + 1).ToString(), "echo");
        IPAddress guest = IPAddress.Parse(NetNamespace.GuestAddress);
        (await ns.ConnectAsync(guest, Port, BootWait)).Dispose();

        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < count; i += 50) // in waves, as a client pool would open them
            {
                sockets.AddRange(await Task.WhenAll(Enumerable.Range(i, 50).Select(_ => ns.ConnectAsync(guest, Port, TimeSpan.FromSeconds(30)))));
            }

            // Every connection echoes a line while all stay open; only then do they end, so the guest holds all at once.
            string[] replies = await WhileTheVmRuns(Task.WhenAll(sockets.Select(async (s, i) =>
            {
                byte[] line = Encoding.ASCII.GetBytes($"connection {i}\n");
                await s.SendAsync(line);
                byte[] back = new byte[line.Length];
                for (int got = 0, n; got < back.Length; got += n)
                {
                    n = await s.ReceiveAsync(back.AsMemory(got));
                    Assert.AreNotEqual(0, n, $"connection {i} ended early");
                }

                return Encoding.ASCII.GetString(back);
            })), vm);
            await WhileTheVmRuns(Task.WhenAll(sockets.Select(async s =>
            {
                s.Shutdown(SocketShutdown.Send);
                Assert.IsEmpty(await ReadToEndAsync(s));
                return true;
            })), vm);
            CollectionAssert.AreEqual(Enumerable.Range(0, count).Select(i => $"connection {i}\n").ToArray(), replies);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }

        CommandResult result = await vm;
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"SERVE: done {count + 1} connections");
        // count at once, or one more when the guest had not yet seen the end of the first connection (the probe that
        // waited for it to listen) as the others arrived.
        StringAssert.Matches(result.Output, new System.Text.RegularExpressions.Regex($"peak ({count}|{count + 1}) at once"));
    }

    /// <summary>
    /// 100,000 connections one after another: each sends a line, the guest answers and closes first (its side keeps
    /// TIME_WAIT, and the peer's ports come round again within it). None may stall: lwIP alone refuses a port pair in
    /// TIME_WAIT for its whole 10 s, and a lost virtqueue notification would stop the NIC for good.
    /// </summary>
    [TestMethod]
    public async Task GivenATap_AHundredThousandShortConnectionsDoNotStall()
    {
        const int count = 100_000;
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        using var ns = new NetNamespace();
        Task<CommandResult> vm = Boot(ns, target, [], TimeSpan.FromMinutes(15), "tcp-serve", Port.ToString(), (count + 1).ToString(), "reply");
        IPAddress guest = IPAddress.Parse(NetNamespace.GuestAddress);
        (await ns.ConnectAsync(guest, Port, BootWait)).Dispose();

        TimeSpan worst = TimeSpan.Zero;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            TimeSpan start = clock.Elapsed;
            using Socket s = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await s.ConnectAsync(new IPEndPoint(guest, Port), timeout.Token);
            byte[] line = Encoding.ASCII.GetBytes($"{i}\n");
            await s.SendAsync(line, timeout.Token);
            byte[] reply = await ReadToEndAsync(s, timeout.Token);
            CollectionAssert.AreEqual(line, reply, $"connection {i}");
            TimeSpan took = clock.Elapsed - start;
            if (took > worst)
            {
                worst = took;
            }
        }

        CommandResult result = await vm;
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"SERVE: done {count + 1} connections");
        Assert.IsLessThan(TimeSpan.FromSeconds(3), worst, $"the slowest of {count} connections ({clock.Elapsed.TotalSeconds:F0} s in all)");
    }

    /// <summary>Boots the Probe attached to the namespace's tap with the guest's static address, from inside the namespace.</summary>
    /// <summary>
    /// The host side's result, or a failure with the VM's output once the VM has ended (its time limit included)
    /// without the host side finishing: when the VM goes, so does the tap, and the host's sockets would wait
    /// forever for a peer that can no longer send a reset.
    /// </summary>
    private static async Task<T> WhileTheVmRuns<T>(Task<T> hostSide, Task<CommandResult> vm)
    {
        if (await Task.WhenAny(hostSide, vm) == vm && await Task.WhenAny(hostSide, Task.Delay(TimeSpan.FromSeconds(20))) != hostSide)
        {
            Assert.Fail($"the VM ended but the host side of the test did not finish:\n{await vm}");
        }

        return await hostSide;
    }

    private static Task<CommandResult> Boot(NetNamespace ns, BootTarget target, string[] options, params string[] programArgs) =>
        Boot(ns, target, options, TimeSpan.FromMinutes(5), programArgs);

    private static Task<CommandResult> Boot(NetNamespace ns, BootTarget target, string[] options, TimeSpan timeout, params string[] programArgs)
    {
        target.RequireHelloBoots();
        string image = target.Image("Probe");
        string[] launch = target.LaunchArguments(image,
            [.. options, "--net", "tap", "--tap", NetNamespace.Tap, "--kernel-args", $"uk.log=info {NetNamespace.GuestKernelArgs}"], programArgs);
        return Task.Run(() => Command.Run("ip", ns.Wrap("dotnet", launch), timeout: timeout));
    }

    /// <summary>The guest's IPv6 link-local address: EUI-64 from the MAC the launcher gives the image.</summary>
    private static IPAddress LinkLocal(BootTarget target)
    {
        byte[] mac = Convert.FromHexString(Unikraft.Sdk.GuestNetwork.GuestMac(target.Image("Probe")).Replace(":", ""));
        byte[] address = new byte[16];
        address[0] = 0xfe;
        address[1] = 0x80;
        address[8] = (byte)(mac[0] ^ 2);
        address[9] = mac[1];
        address[10] = mac[2];
        address[11] = 0xff;
        address[12] = 0xfe;
        address[13] = mac[3];
        address[14] = mac[4];
        address[15] = mac[5];
        return new IPAddress(address);
    }

    /// <summary>Sends <paramref name="size"/> random bytes while reading the echo; true when it came back equal.</summary>
    private static async Task<bool> EchoAsync(NetNamespace ns, IPAddress address, int size, int seed)
    {
        using Socket s = await ns.ConnectAsync(address, Port, TimeSpan.FromSeconds(30));
        byte[] data = new byte[size];
        new Random(seed).NextBytes(data);
        Task send = Task.Run(async () =>
        {
            for (int sent = 0; sent < size;)
            {
                sent += await s.SendAsync(data.AsMemory(sent, Math.Min(64 * 1024, size - sent)));
            }

            s.Shutdown(SocketShutdown.Send);
        });
        byte[] back = await ReadToEndAsync(s);
        await send;
        return back.AsSpan().SequenceEqual(data);
    }

    /// <summary>Reads to the end: the first <paramref name="fast"/> bytes at once, then 4 KiB every 10 ms.</summary>
    private static async Task<byte[]> ReadSlowlyAtTheEndAsync(Socket s, int fast)
    {
        var received = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = await s.ReceiveAsync(buffer.AsMemory(0, received.Length < fast ? buffer.Length : 4096), SocketFlags.None)) > 0)
        {
            received.Write(buffer, 0, n);
            if (received.Length >= fast)
            {
                await Task.Delay(10);
            }
        }

        return received.ToArray();
    }

    private static async Task<byte[]> ReadToEndAsync(Socket s, CancellationToken cancel = default)
    {
        var received = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = await s.ReceiveAsync(buffer, SocketFlags.None, cancel)) > 0)
        {
            received.Write(buffer, 0, n);
        }

        return received.ToArray();
    }

    /// <summary>Sends <paramref name="text"/> until an answer comes (the guest may still be booting).</summary>
    private static async Task<string> UdpRoundTripAsync(Socket s, IPEndPoint to, string text, TimeSpan within)
    {
        DateTime deadline = DateTime.UtcNow + within;
        byte[] buffer = new byte[2048];
        while (true)
        {
            await s.SendToAsync(Encoding.UTF8.GetBytes(text), to);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                int n = await s.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
                return Encoding.UTF8.GetString(buffer, 0, n);
            }
            catch (OperationCanceledException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    /// <summary>Accepts one HTTP request, answers it with <paramref name="body"/>; the request's head.</summary>
    private static async Task<string> ServeOneAsync(Socket listener, byte[] body)
    {
        using Socket client = await listener.AcceptAsync();
        var head = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int n = await client.ReceiveAsync(buffer, SocketFlags.None);
            if (n == 0)
            {
                break;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        await client.SendAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
        for (int sent = 0; sent < body.Length;)
        {
            sent += await client.SendAsync(body.AsMemory(sent));
        }

        client.Shutdown(SocketShutdown.Send);
        return head.ToString();
    }

    /// <summary>
    /// A name server for one name: A queries for <paramref name="name"/> get <paramref name="address"/>, AAAA queries an empty
    /// answer, other names NXDOMAIN. Returns the questions it saw ("A web.test", "AAAA web.test").
    /// </summary>
    private static async Task<List<string>> AnswerNamesAsync(Socket socket, string name, IPAddress address, CancellationToken stop)
    {
        var seen = new List<string>();
        byte[] buffer = new byte[512];
        try
        {
            while (true)
            {
                SocketReceiveFromResult got = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop);
                if (got.ReceivedBytes < 17)
                {
                    continue;
                }

                int at = 12;
                var labels = new List<string>();
                while (at < got.ReceivedBytes && buffer[at] != 0)
                {
                    labels.Add(Encoding.ASCII.GetString(buffer, at + 1, buffer[at]));
                    at += buffer[at] + 1;
                }

                int questionEnd = at + 5;
                int type = buffer[at + 1] << 8 | buffer[at + 2];
                string asked = string.Join('.', labels);
                seen.Add($"{(type == 1 ? "A" : type == 28 ? "AAAA" : type.ToString())} {asked}");
                bool known = string.Equals(asked, name, StringComparison.OrdinalIgnoreCase);
                var reply = new List<byte>(buffer[..questionEnd]);
                reply[2] = 0x81; // response, recursion desired
                reply[3] = (byte)(known ? 0x80 : 0x83); // recursion available; NOERROR or NXDOMAIN
                reply[6] = 0;
                reply[7] = (byte)(known && type == 1 ? 1 : 0);
                reply[8] = reply[9] = reply[10] = reply[11] = 0;
                if (known && type == 1)
                {
                    reply.AddRange([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, .. address.GetAddressBytes()]);
                }

                await socket.SendToAsync(reply.ToArray(), got.RemoteEndPoint);
            }
        }
        catch (OperationCanceledException)
        {
            return seen;
        }
    }
}
