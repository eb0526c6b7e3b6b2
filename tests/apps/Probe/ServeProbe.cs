// The "tcp-serve" and "udp-serve" modes: servers for peers on the far side of a NIC (a tap device in a test's
// network namespace), written as .NET services are — async accept and receive loops on the thread pool.
//   tcp-serve PORT COUNT [echo|sink|reply|send]  a dual-stack listener on [::]:PORT; serves COUNT connections, any
//                                      number at once. echo: returns every byte until the peer's FIN, then closes;
//                                      sink: reads until FIN, then answers "<bytes>\n" and closes; reply: reads one
//                                      line, sends it back and closes first (as an HTTP/1.0 server: the guest's
//                                      side keeps TIME_WAIT); send: reads a line "<n>", sends n bytes (byte i is
//                                      i % 251) and closes, so the program can end with them still in flight. Prints
//                                      "SERVE: listening on …" and, after the last, "SERVE: done N connections,
//                                      B bytes in, O bytes out, peak P at once".
//   http-get URL                       resolves URL's host (musl's resolver: /etc/resolv.conf), GETs URL with
//                                      HttpClient; prints "HTTP: <host> is <addresses>" and "HTTP: <status> <n>
//                                      bytes sha256 <hex>".
//   udp-serve PORT                     a dual-stack UDP socket on [::]:PORT; answers each datagram with
//                                      "<sender> <text>" until one says "quit"; prints "UDP: done N datagrams".
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

static class ServeProbe
{
    public static async Task<int> TcpAsync(string[] args)
    {
        int port = int.Parse(args[0]);
        int count = int.Parse(args[1]);
        string mode = args.Length > 2 ? args[2] : "echo";
        bool echo = mode == "echo";
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp); // AF_INET6, dual mode
        listener.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        listener.Listen(1024);
        Console.WriteLine($"SERVE: listening on {listener.LocalEndPoint} ({mode})");
        long bytesIn = 0, bytesOut = 0;
        int open = 0, peak = 0, failed = 0;
        var running = new List<Task>();
        for (int i = 0; i < count; i++)
        {
            Socket client = await listener.AcceptAsync();
            int now = Interlocked.Increment(ref open);
            InterlockedMax(ref peak, now);
            running.Add(Task.Run(async () =>
            {
                try
                {
                    (long input, long output) = mode switch
                    {
                        "reply" => await ReplyAsync(client),
                        "send" => await SendAsync(client),
                        _ => await ServeAsync(client, echo),
                    };
                    Interlocked.Add(ref bytesIn, input);
                    Interlocked.Add(ref bytesOut, output);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failed);
                    Console.WriteLine($"SERVE: connection failed: {e.GetType().Name}: {e.Message}");
                }
                finally
                {
                    Interlocked.Decrement(ref open);
                    client.Dispose();
                }
            }));
            running.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(running);
        Console.WriteLine($"SERVE: done {count} connections, {bytesIn} bytes in, {bytesOut} bytes out, peak {peak} at once");
        return failed == 0 ? 0 : 1;
    }

    static async Task<(long In, long Out)> ServeAsync(Socket client, bool echo)
    {
        byte[] buffer = new byte[64 * 1024];
        long input = 0, output = 0;
        int n;
        while ((n = await client.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            input += n;
            if (echo)
            {
                for (int sent = 0; sent < n;)
                {
                    sent += await client.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None);
                }

                output += n;
            }
        }

        if (!echo)
        {
            byte[] answer = Encoding.ASCII.GetBytes($"{input}\n");
            await client.SendAsync(answer, SocketFlags.None);
            output += answer.Length;
        }

        client.Shutdown(SocketShutdown.Send);
        return (input, output);
    }

    /// <summary>One line in, the same line out, then the server closes first.</summary>
    static async Task<(long In, long Out)> ReplyAsync(Socket client)
    {
        byte[] line = await ReadLineAsync(client);
        for (int sent = 0; sent < line.Length;)
        {
            sent += await client.SendAsync(line.AsMemory(sent), SocketFlags.None);
        }

        return (line.Length, line.Length);
    }

    /// <summary>What the peer sends up to its first newline (at most 4 KiB, or less if it ends first).</summary>
    static async Task<byte[]> ReadLineAsync(Socket client)
    {
        byte[] buffer = new byte[4096];
        int have = 0, n;
        while (Array.IndexOf(buffer, (byte)'\n', 0, have) < 0 && have < buffer.Length
               && (n = await client.ReceiveAsync(buffer.AsMemory(have), SocketFlags.None)) > 0)
        {
            have += n;
        }

        return buffer[..have];
    }

    /// <summary>A line with a count in, that many pattern bytes out, then the server closes.</summary>
    static async Task<(long In, long Out)> SendAsync(Socket client)
    {
        byte[] line = await ReadLineAsync(client);
        long n = long.Parse(Encoding.ASCII.GetString(line).Trim());
        byte[] chunk = new byte[251 * 256];
        for (int i = 0; i < chunk.Length; i++)
        {
            chunk[i] = (byte)(i % 251);
        }

        for (long sent = 0; sent < n;)
        {
            sent += await client.SendAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, n - sent)), SocketFlags.None);
        }

        return (line.Length, n);
    }

    public static async Task<int> UdpAsync(string[] args)
    {
        int port = int.Parse(args[0]);
        int count = 0;
        using var socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        Console.WriteLine($"UDP: listening on {socket.LocalEndPoint}");
        byte[] buffer = new byte[65536];
        while (true)
        {
            SocketReceiveFromResult r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.IPv6Any, 0));
            string text = Encoding.UTF8.GetString(buffer, 0, r.ReceivedBytes);
            count++;
            await socket.SendToAsync(Encoding.UTF8.GetBytes($"{r.RemoteEndPoint} {text}"), SocketFlags.None, r.RemoteEndPoint);
            if (text == "quit")
            {
                break;
            }
        }

        Console.WriteLine($"UDP: done {count} datagrams");
        return 0;
    }

    public static async Task<int> HttpGetAsync(string[] args)
    {
        var uri = new Uri(args[0]);
        IPAddress[] addresses = await Dns.GetHostAddressesAsync(uri.Host);
        Console.WriteLine($"HTTP: {uri.Host} is {string.Join(' ', addresses.Select(a => a.ToString()))}");
        using var client = new HttpClient();
        using HttpResponseMessage response = await client.GetAsync(uri);
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        Console.WriteLine($"HTTP: {(int)response.StatusCode} {body.Length} bytes sha256 {Convert.ToHexString(SHA256.HashData(body))}");
        return response.IsSuccessStatusCode ? 0 : 1;
    }

    static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
