// The "net" mode: System.Net.Sockets over the loopback interface, through the same calls a .NET service
// makes (no network device needed): TCP echo over 127.0.0.1 and ::1 with blocking sockets and threads,
// a dual-stack listener taking an IPv4 client, a large transfer with shutdown, refused connections, UDP
// datagrams with their sender, socket options and error codes as on Linux. Prints each check and
// NET: PASS. The "net-async" mode does the same with async APIs (epoll underneath).
using System.Net;
using System.Net.Sockets;
using System.Text;

static partial class NetProbe
{
    static bool ok = true;

    static void Check(string what, bool passed, string detail = "")
    {
        Console.WriteLine($"{what}: {(passed ? "ok" : "FAIL")} {detail}");
        ok &= passed;
    }

    static void Try(string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            Check(what, false, e.GetType().Name + ": " + e.Message + (e.InnerException is { } inner ? " <- " + inner.GetType().Name + ": " + inner.Message : ""));
        }
    }

    /// <summary>An echo server on <paramref name="listener"/> for one connection: echoes until the client shuts down.</summary>
    static Thread EchoOnce(Socket listener)
    {
        var t = new Thread(() =>
        {
            using Socket c = listener.Accept();
            var buf = new byte[8192];
            int n;
            while ((n = c.Receive(buf)) > 0)
            {
                c.Send(buf.AsSpan(0, n));
            }

            c.Shutdown(SocketShutdown.Send);
        });
        t.Start();
        return t;
    }

    static byte[] Echo(EndPoint server, AddressFamily family, byte[] data)
    {
        using var s = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        s.Connect(server);
        var sender = new Thread(() =>
        {
            s.Send(data);
            s.Shutdown(SocketShutdown.Send);
        });
        sender.Start();
        var back = new MemoryStream();
        var buf = new byte[16384];
        int n;
        while ((n = s.Receive(buf)) > 0)
        {
            back.Write(buf, 0, n);
        }

        sender.Join();
        return back.ToArray();
    }

    /// <summary>The "net-async" mode: what Kestrel-style code does — async accept, 100 concurrent echo connections, UDP.</summary>
    public static async Task<int> RunAsync()
    {
        try
        {
            using var listener = new TcpListener(IPAddress.IPv6Any, 0);
            listener.Server.DualMode = true;
            listener.Start(512);
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var cts = new CancellationTokenSource();
            Task server = Task.Run(async () =>
            {
                var handlers = new List<Task>();
                for (int i = 0; i < 100; i++)
                {
                    TcpClient c = await listener.AcceptTcpClientAsync(cts.Token);
                    c.NoDelay = true;
                    handlers.Add(Task.Run(async () =>
                    {
                        using (c)
                        {
                            NetworkStream stream = c.GetStream();
                            var buf = new byte[4096];
                            int n;
                            while ((n = await stream.ReadAsync(buf)) > 0)
                            {
                                await stream.WriteAsync(buf.AsMemory(0, n));
                            }
                        }
                    }));
                }

                await Task.WhenAll(handlers);
            });
            var watch = System.Diagnostics.Stopwatch.StartNew();
            bool[] results = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
            {
                using var client = new TcpClient(i % 2 == 0 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6);
                await client.ConnectAsync(i % 2 == 0 ? IPAddress.Loopback : IPAddress.IPv6Loopback, port);
                NetworkStream stream = client.GetStream();
                byte[] message = Encoding.ASCII.GetBytes($"message {i} " + new string('x', i * 37));
                await stream.WriteAsync(message);
                client.Client.Shutdown(SocketShutdown.Send);
                var back = new MemoryStream();
                await stream.CopyToAsync(back);
                return back.ToArray().AsSpan().SequenceEqual(message);
            }));
            await server;
            Check("100 concurrent async echo connections", results.All(r => r), $"{results.Count(r => r)} ok in {watch.ElapsedMilliseconds} ms");

            using var a = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            using var b = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            Task<UdpReceiveResult> receive = a.ReceiveAsync();
            await b.SendAsync("ping"u8.ToArray(), (IPEndPoint)a.Client.LocalEndPoint!);
            UdpReceiveResult got = await receive.WaitAsync(TimeSpan.FromSeconds(10));
            Check("udp async", Encoding.ASCII.GetString(got.Buffer) == "ping" && got.RemoteEndPoint.Equals(b.Client.LocalEndPoint),
                got.RemoteEndPoint.ToString());

            using var timeout = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var refused = await Task.Run(async () =>
            {
                try
                {
                    await timeout.ConnectAsync(IPAddress.Loopback, 1);
                    return SocketError.Success;
                }
                catch (SocketException e)
                {
                    return e.SocketErrorCode;
                }
            });
            Check("async connect refused", refused == SocketError.ConnectionRefused, refused.ToString());
        }
        catch (Exception e)
        {
            Check("async sockets", false, e.ToString());
        }

        Console.WriteLine(ok ? "NET-ASYNC: PASS" : "NET-ASYNC: FAIL");
        return ok ? 0 : 1;
    }

    public static int Run()
    {
        Try("tcp echo over 127.0.0.1", () =>
        {
            using var l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            l.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            l.Listen(16);
            var ep = (IPEndPoint)l.LocalEndPoint!;
            Thread server = EchoOnce(l);
            byte[] back = Echo(ep, AddressFamily.InterNetwork, "hello, unikernel"u8.ToArray());
            server.Join();
            Check("tcp echo over 127.0.0.1", Encoding.ASCII.GetString(back) == "hello, unikernel", $"port={ep.Port}");
        });

        Try("tcp 4 MiB over ::1", () =>
        {
            using var l = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            l.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            l.Listen(16);
            Thread server = EchoOnce(l);
            byte[] data = new byte[4 << 20];
            new Random(42).NextBytes(data);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            byte[] back = Echo(l.LocalEndPoint!, AddressFamily.InterNetworkV6, data);
            server.Join();
            Check("tcp 4 MiB over ::1", back.AsSpan().SequenceEqual(data), $"{back.Length} bytes in {watch.ElapsedMilliseconds} ms");
        });

        Try("dual-stack listener takes an IPv4 client", () =>
        {
            using var l = new Socket(SocketType.Stream, ProtocolType.Tcp); // AF_INET6, DualMode
            l.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
            l.Listen(16);
            int port = ((IPEndPoint)l.LocalEndPoint!).Port;
            using var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            c.Connect(new IPEndPoint(IPAddress.Loopback, port));
            using Socket a = l.Accept();
            var remote = (IPEndPoint)a.RemoteEndPoint!;
            Check("dual-stack listener takes an IPv4 client", l.DualMode && remote.Address.IsIPv4MappedToIPv6 &&
                remote.Address.MapToIPv4().Equals(IPAddress.Loopback) && remote.Port == ((IPEndPoint)c.LocalEndPoint!).Port,
                remote.ToString());
        });

        Try("refused", () =>
        {
            using var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                c.Connect(new IPEndPoint(IPAddress.Loopback, 1));
                Check("refused", false, "connected");
            }
            catch (SocketException e)
            {
                Check("refused", e.SocketErrorCode == SocketError.ConnectionRefused, e.SocketErrorCode.ToString());
            }
        });

        Try("address in use", () =>
        {
            using var a = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            a.Listen(1);
            using var b = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                b.Bind(a.LocalEndPoint!);
                b.Listen(1);
                Check("address in use", false, "bound twice");
            }
            catch (SocketException e)
            {
                Check("address in use", e.SocketErrorCode == SocketError.AddressAlreadyInUse, e.SocketErrorCode.ToString());
            }
        });

        Try("peer reset and EOF", () =>
        {
            using var l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            l.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            l.Listen(4);
            using var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            c.Connect(l.LocalEndPoint!);
            Socket a = l.Accept();
            a.Shutdown(SocketShutdown.Send);
            int eof = c.Receive(new byte[10]);
            a.LingerState = new LingerOption(true, 0);
            a.Close();
            Thread.Sleep(50);
            SocketError after = SocketError.Success;
            try
            {
                c.Send(new byte[10]);
                c.Receive(new byte[10]);
            }
            catch (SocketException e)
            {
                after = e.SocketErrorCode;
            }

            // A reset after the peer's FIN (CLOSE_WAIT) is EPIPE on Linux, which .NET reports as Shutdown.
            Check("peer reset and EOF", eof == 0 && after == SocketError.Shutdown, $"eof={eof} after={after}");
        });

        Try("receive timeout", () =>
        {
            using var l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            l.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            l.Listen(4);
            using var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 200 };
            c.Connect(l.LocalEndPoint!);
            using Socket a = l.Accept();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            SocketError error = SocketError.Success;
            try
            {
                c.Receive(new byte[10]);
            }
            catch (SocketException e)
            {
                error = e.SocketErrorCode;
            }

            Check("receive timeout", error == SocketError.TimedOut && watch.ElapsedMilliseconds is >= 150 and < 2000,
                $"{error} after {watch.ElapsedMilliseconds} ms");
        });

        Try("udp datagrams with their sender", () =>
        {
            using var a = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            a.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            using var b = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            b.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            b.SendTo("one"u8, a.LocalEndPoint!);
            b.SendTo("two!"u8, a.LocalEndPoint!);
            var buf = new byte[100];
            EndPoint from = new IPEndPoint(IPAddress.IPv6Any, 0);
            int n1 = a.ReceiveFrom(buf, ref from);
            string first = Encoding.ASCII.GetString(buf, 0, n1);
            int n2 = a.ReceiveFrom(buf, ref from);
            string second = Encoding.ASCII.GetString(buf, 0, n2);
            Check("udp datagrams with their sender", first == "one" && second == "two!" && from.Equals(b.LocalEndPoint), $"from={from}");
        });

        Try("udp connect picks the source address", () =>
        {
            using var u = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            u.Connect(new IPEndPoint(IPAddress.Loopback, 9));
            var local = (IPEndPoint)u.LocalEndPoint!;
            Check("udp connect picks the source address", local.Address.Equals(IPAddress.Loopback) && local.Port != 0, local.ToString());
        });

        Try("options", () =>
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.NoDelay = true;
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            s.ReceiveBufferSize = 65536;
            Check("options", s.NoDelay && (int)s.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0 &&
                s.ReceiveBufferSize == 131072 && s.SocketType == SocketType.Stream,
                $"rcvbuf={s.ReceiveBufferSize}");
        });

        VectorChecks();
        Console.WriteLine(ok ? "NET: PASS" : "NET: FAIL");
        return ok ? 0 : 1;
    }
}
