// The network device modes: TCP through a virtio-net interface to and from the host (QEMU user networking),
// with blocking System.Net.Sockets calls.
//   tcp-echo-server [PORT]          a dual-stack listener on [::]:PORT (default 8080): accepts one client, echoes
//                                   its lines until EOF, prints "ECHO: done <lines> lines <bytes> bytes".
//   tcp-client HOST PORT [LINE]     connects to HOST:PORT (10.0.2.2 is the host's 127.0.0.1 under slirp), sends
//                                   LINE, prints the line it gets back as "CLIENT: got <...>" and "CLIENT: PASS".
//   tcp-connects HOST PORT N        connects to HOST:PORT N times one after another, each from a new port, and
//                                   closes each; prints "CONNECTS: <local port>" per connection and "CONNECTS: PASS".
//   net-config                      prints /etc/resolv.conf and /etc/hosts as "NETCONFIG: <file>: <line>".
using System.Net;
using System.Net.Sockets;
using System.Text;

static class TcpProbe
{
    public static int EchoServer(string[] args)
    {
        int port = args.Length > 0 ? int.Parse(args[0]) : 8080;
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp); // AF_INET6, dual mode
        listener.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        listener.Listen(4);
        Console.WriteLine($"ECHO: listening on {listener.LocalEndPoint}");
        using Socket client = listener.Accept();
        Console.WriteLine($"ECHO: client {client.RemoteEndPoint}");
        using var stream = new NetworkStream(client);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        int lines = 0;
        long bytes = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            writer.WriteLine(line);
            lines++;
            bytes += line.Length + 1;
        }

        client.Shutdown(SocketShutdown.Send);
        Console.WriteLine($"ECHO: done {lines} lines {bytes} bytes");
        return 0;
    }

    public static int Client(string[] args)
    {
        string host = args[0];
        int port = int.Parse(args[1]);
        string message = args.Length > 2 ? args[2] : "hello from the unikernel";
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(IPAddress.Parse(host), port);
        Console.WriteLine($"CLIENT: connected {socket.LocalEndPoint} -> {socket.RemoteEndPoint}");
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        stream.Write(Encoding.UTF8.GetBytes(message + "\n"));
        string? reply = reader.ReadLine();
        Console.WriteLine($"CLIENT: got <{reply}>");
        socket.Shutdown(SocketShutdown.Both);
        bool ok = reply is not null && reply.Contains(message, StringComparison.Ordinal);
        Console.WriteLine(ok ? "CLIENT: PASS" : "CLIENT: FAIL");
        return ok ? 0 : 1;
    }

    public static int Connects(string[] args)
    {
        var server = new IPEndPoint(IPAddress.Parse(args[0]), int.Parse(args[1]));
        for (int i = 0; i < int.Parse(args[2]); i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(server);
            Console.WriteLine($"CONNECTS: {((IPEndPoint)socket.LocalEndPoint!).Port}");
        }

        Console.WriteLine("CONNECTS: PASS");
        return 0;
    }

    public static int Config()
    {
        foreach (string file in new[] { "/etc/resolv.conf", "/etc/hosts" })
        {
            string text = File.Exists(file) ? File.ReadAllText(file) : "(none)\n";
            foreach (string l in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Console.WriteLine($"NETCONFIG: {Path.GetFileName(file)}: {l}");
            }
        }

        return 0;
    }
}
