// NetSink: the server side of bench/net.sh (MirageOS's TCP benchmark), three TCP services on one address:
//   sink    (--sink-port, default 8080): accepts any number of connections; each is read to its end (the client's
//           FIN) and its bytes discarded and counted; then the server sends the count as 8 bytes, little-endian,
//           and closes. The client compares the count with what it sent, so a lost byte fails the run.
//   echo    (--echo-port, default 8081): sends back every byte it reads, at once (TCP_NODELAY): the client's 1-byte
//           ping-pong measures round trips.
//   source  (--source-port, default 8083): the other direction: reads an 8-byte little-endian count, sends that
//           many zero bytes, then ends its side and waits for the client's end.
//   control (--control-port, default 8082): a connection to it ends the program (exit 0) after the line
//           "NETSINK: DONE connections=C bytes=B echoed=E sent=S errors=X".
// Once all three listen it prints "NETSINK: LISTENING ..." (the host starts its clients on that line).
//
// Written the way .NET servers are: System.Net.Sockets.Socket with async accept and receive/send on Memory<byte>
// buffers (the calls Kestrel's socket transport makes; a NetworkStream around the socket would add a layer over the
// same calls), one async loop per connection, so every connection rides on .NET's epoll engine and the thread pool
// instead of a thread of its own.
//
// Usage: NetSink [--sink-port P] [--echo-port P] [--control-port P] [--source-port P] [--buffer BYTES]
//                [--linux-init --ip ADDR/PREFIX [--if NAME]]
// --linux-init: the program is /init of a Linux initramfs: it loads the kernel modules in /modules (virtio,
// virtio-mmio, virtio-net and what they need), mounts sysfs, and gives the interface (default eth0) the address
// with SIOCSIFADDR/SIOCSIFNETMASK and brings it and lo up (SIOCSIFFLAGS); the prefix's route comes with the
// address. (Debian's kernel has no ip= autoconfiguration, and its virtio-net is a module anyway.) The unikernel gets
// its address from the kernel command line (net.ip=) before Main runs.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

static class NetSink
{
    static long connections, bytes, echoed, sent, errors;

    static async Task<int> Main(string[] args)
    {
        int sinkPort = 8080, echoPort = 8081, controlPort = 8082, sourcePort = 8083, bufferSize = 64 * 1024;
        bool linuxInit = false;
        string? ip = null;
        string ifName = "eth0";
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--sink-port": sinkPort = Port(args[++i]); break;
                    case "--echo-port": echoPort = Port(args[++i]); break;
                    case "--control-port": controlPort = Port(args[++i]); break;
                    case "--source-port": sourcePort = Port(args[++i]); break;
                    case "--buffer": bufferSize = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--linux-init": linuxInit = true; break;
                    case "--ip": ip = args[++i]; break;
                    case "--if": ifName = args[++i]; break;
                    default: throw new FormatException($"unknown argument '{args[i]}'");
                }
            }

            if (bufferSize < 1 || (linuxInit && ip is null))
            {
                throw new FormatException(linuxInit ? "--linux-init needs --ip ADDR/PREFIX" : "--buffer must be positive");
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException or IndexOutOfRangeException)
        {
            Console.WriteLine($"NETSINK: FAIL usage ({e.Message}): NetSink [--sink-port P] [--echo-port P] " +
                              "[--control-port P] [--source-port P] [--buffer BYTES] [--linux-init --ip ADDR/PREFIX [--if NAME]]");
            return 2;
        }

        try
        {
            if (linuxInit)
            {
                LinuxInit.Configure(ifName, ip!);
            }

            using var sink = Listen(sinkPort);
            using var echo = Listen(echoPort);
            using var control = Listen(controlPort);
            using var source = Listen(sourcePort);
            _ = AcceptLoop(sink, s => Sink(s, bufferSize));
            _ = AcceptLoop(echo, s => Echo(s, bufferSize));
            _ = AcceptLoop(source, s => Source(s, bufferSize));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"NETSINK: LISTENING sink={sinkPort} echo={echoPort} control={controlPort} source={sourcePort} buffer={bufferSize} " +
                $"cpus={Environment.ProcessorCount}"));

            using (await control.AcceptAsync())
            {
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"NETSINK: DONE connections={Interlocked.Read(ref connections)} bytes={Interlocked.Read(ref bytes)} " +
                $"echoed={Interlocked.Read(ref echoed)} sent={Interlocked.Read(ref sent)} errors={Interlocked.Read(ref errors)}"));
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine($"NETSINK: FAIL {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }

    static int Port(string text)
    {
        int port = int.Parse(text, CultureInfo.InvariantCulture);
        return port is > 0 and < 65536 ? port : throw new FormatException($"port {text} is not 1-65535");
    }

    static Socket Listen(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Any, port));
        socket.Listen(512);   // Kestrel's backlog
        return socket;
    }

    static async Task AcceptLoop(Socket listener, Func<Socket, Task> serve)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            client.NoDelay = true;   // as Kestrel sets on every accepted socket
            Interlocked.Increment(ref connections);
            _ = Serve(client, serve);
        }
    }

    static async Task Serve(Socket client, Func<Socket, Task> serve)
    {
        try
        {
            await serve(client);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            Interlocked.Increment(ref errors);
            Console.WriteLine($"NETSINK: connection error {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            client.Dispose();
        }
    }

    static async Task Sink(Socket client, int bufferSize)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(bufferSize, pinned: true);
        long total = 0;
        for (int n; (n = await client.ReceiveAsync(buffer.AsMemory(), SocketFlags.None)) > 0;)
        {
            total += n;
        }

        Interlocked.Add(ref bytes, total);
        var count = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(count, total);
        await client.SendAsync(count.AsMemory(), SocketFlags.None);
        client.Shutdown(SocketShutdown.Both);
    }

    static async Task Source(Socket client, int bufferSize)
    {
        var count = new byte[8];
        for (int got = 0, n; got < count.Length; got += n)
        {
            if ((n = await client.ReceiveAsync(count.AsMemory(got), SocketFlags.None)) == 0)
            {
                throw new IOException("the client ended before sending its count");
            }
        }

        long left = BinaryPrimitives.ReadInt64LittleEndian(count);
        var buffer = GC.AllocateArray<byte>(bufferSize, pinned: true);
        while (left > 0)
        {
            int n = await client.SendAsync(buffer.AsMemory(0, (int)Math.Min(left, bufferSize)), SocketFlags.None);
            left -= n;
            Interlocked.Add(ref sent, n);
        }

        client.Shutdown(SocketShutdown.Send);
        while (await client.ReceiveAsync(count.AsMemory(), SocketFlags.None) > 0)
        {
        }
    }

    static async Task Echo(Socket client, int bufferSize)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(bufferSize, pinned: true);
        for (int n; (n = await client.ReceiveAsync(buffer.AsMemory(), SocketFlags.None)) > 0;)
        {
            for (int sent = 0; sent < n;)
            {
                sent += await client.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None);
            }

            Interlocked.Add(ref echoed, n);
        }

        client.Shutdown(SocketShutdown.Both);
    }
}

/// <summary>What the program does first as /init of the Linux microVM: modules, sysfs, the interface's address.</summary>
static unsafe class LinuxInit
{
    const int AF_INET = 2, SOCK_DGRAM = 2, ENODEV = 19, EEXIST = 17, EBUSY = 16;
    const nuint SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCSIFADDR = 0x8916, SIOCSIFNETMASK = 0x891c;
    const short IFF_UP = 0x1;

    [DllImport("libc", SetLastError = true)] static extern int init_module(byte* image, nuint length, byte* parameters);
    [DllImport("libc", SetLastError = true)] static extern int mount(byte* source, byte* target, byte* type, nuint flags, void* data);
    [DllImport("libc", SetLastError = true)] static extern int socket(int domain, int type, int protocol);
    [DllImport("libc", SetLastError = true)] static extern int ioctl(int fd, nuint request, void* arg);
    [DllImport("libc", SetLastError = true)] static extern int close(int fd);

    // struct ifreq: the name (IFNAMSIZ = 16 bytes), then a union whose members used here are a struct sockaddr_in
    // (family, port, address) and a short of flags.
    [StructLayout(LayoutKind.Explicit, Size = 40)]
    struct IfReq
    {
        [FieldOffset(16)] public ushort Family;
        [FieldOffset(20)] public uint Address;   // network byte order
        [FieldOffset(16)] public short Flags;
    }

    public static void Configure(string ifName, string cidr)
    {
        string[] parts = cidr.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var address) ||
            address.AddressFamily != AddressFamily.InterNetwork ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int prefix) || prefix > 32)
        {
            throw new FormatException($"--ip {cidr}: expected an IPv4 ADDR/PREFIX");
        }

        LoadModules();
        Mount("sysfs", "/sys");
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        if (fd < 0)
        {
            throw new IOException($"socket: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            // The driver registers the interface as it probes the device: wait for it.
            var until = Stopwatch.StartNew();
            while (Flags(fd, ifName, out _) == ENODEV)
            {
                if (until.Elapsed.TotalSeconds > 10)
                {
                    throw new IOException($"no interface {ifName} 10 s after loading the modules");
                }

                Thread.Sleep(10);
            }

            uint mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
            SetAddress(fd, ifName, SIOCSIFADDR, BitConverter.ToUInt32(address.GetAddressBytes()));
            SetAddress(fd, ifName, SIOCSIFNETMASK, (uint)IPAddress.HostToNetworkOrder((int)mask));
            Up(fd, "lo");
            Up(fd, ifName);
        }
        finally
        {
            close(fd);
        }

        string features = $"/sys/class/net/{ifName}/device/features";
        Console.WriteLine($"NETSINK linux {ifName} {cidr} virtio_features=" +
                          (File.Exists(features) ? File.ReadAllText(features).Trim() : "unknown"));
    }

    static void LoadModules()
    {
        // Without modules.dep: load what loads, then retry the rest (a module needing another's symbols fails until
        // that one is in), until nothing more loads.
        var pending = Directory.GetFiles("/modules", "*.ko").Order(StringComparer.Ordinal).ToList();
        var failures = new Dictionary<string, int>();
        for (bool progress = true; progress && pending.Count > 0;)
        {
            progress = false;
            foreach (string ko in pending.ToList())
            {
                byte[] image = File.ReadAllBytes(ko);
                int error = 0;
                fixed (byte* p = image)
                fixed (byte* none = "\0"u8)
                {
                    if (init_module(p, (nuint)image.Length, none) != 0)
                    {
                        error = Marshal.GetLastPInvokeError();
                    }
                }

                if (error is 0 or EEXIST)
                {
                    pending.Remove(ko);
                    progress = true;
                }
                else
                {
                    failures[ko] = error;
                }
            }
        }

        if (pending.Count > 0)
        {
            throw new IOException("init_module: " + string.Join(", ", pending.Select(ko => $"{ko}: errno {failures[ko]}")));
        }
    }

    static void Mount(string type, string target)
    {
        Directory.CreateDirectory(target);
        fixed (byte* t = System.Text.Encoding.ASCII.GetBytes(type + "\0"))
        fixed (byte* d = System.Text.Encoding.ASCII.GetBytes(target + "\0"))
        {
            if (mount(t, d, t, 0, null) != 0 && Marshal.GetLastPInvokeError() != EBUSY)
            {
                throw new IOException($"mount {type} on {target}: errno {Marshal.GetLastPInvokeError()}");
            }
        }
    }

    static IfReq Request(string ifName)
    {
        var request = default(IfReq);
        var name = System.Text.Encoding.ASCII.GetBytes(ifName);
        if (name.Length > 15)
        {
            throw new FormatException($"interface name {ifName} is longer than 15 bytes");
        }

        name.CopyTo(new Span<byte>(&request, 16));
        return request;
    }

    static int Flags(int fd, string ifName, out short flags)
    {
        var request = Request(ifName);
        int error = ioctl(fd, SIOCGIFFLAGS, &request) == 0 ? 0 : Marshal.GetLastPInvokeError();
        flags = request.Flags;
        return error;
    }

    static void SetAddress(int fd, string ifName, nuint call, uint networkOrder)
    {
        var request = Request(ifName);
        request.Family = AF_INET;
        request.Address = networkOrder;
        if (ioctl(fd, call, &request) != 0)
        {
            throw new IOException($"ioctl 0x{call:x} on {ifName}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    static void Up(int fd, string ifName)
    {
        int error = Flags(fd, ifName, out short flags);
        var request = Request(ifName);
        request.Flags = (short)(flags | IFF_UP);
        if (error != 0 || ioctl(fd, SIOCSIFFLAGS, &request) != 0)
        {
            throw new IOException($"bringing {ifName} up: errno {(error != 0 ? error : Marshal.GetLastPInvokeError())}");
        }
    }
}
