// A network namespace of a test's own with a tap device in it, for boot tests with a real peer: the VM is
// attached to the tap (its QEMU runs inside the namespace) and is the only other host on that network, and
// the test's sockets, made inside the namespace, talk to it — nothing reaches any other network. Made with
// iproute2 (`ip netns`, `ip tuntap`) and deleted at Dispose. Creating one needs CAP_NET_ADMIN: without it the
// test is inconclusive (as TapDeviceTests); without iproute2 (which build.sh --test installs) it is Missing.
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Unikraft.Sdk.Tests.Infrastructure;

internal sealed class NetNamespace : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private static int counter;

    /// <summary>The host side's address on the tap, and its network's prefix length.</summary>
    public const string HostAddress = "10.79.0.1";

    /// <summary>The address tests give the guest (kernel option <c>net.ip=10.79.0.2/24</c>).</summary>
    public const string GuestAddress = "10.79.0.2";

    /// <summary>The kernel options for <see cref="GuestAddress"/> with the host as gateway and name server.</summary>
    public const string GuestKernelArgs = $"net.ip={GuestAddress}/24 net.gw={HostAddress} net.dns={HostAddress}";

    public const string Tap = "tap0";

    public NetNamespace()
    {
        if (!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip"))
        {
            Prerequisite.Missing("iproute2's ip is not installed (build.sh --test installs it)");
        }

        Name = $"uktest{Environment.ProcessId}n{Interlocked.Increment(ref counter)}";
        CommandResult added = Ip("netns", "add", Name);
        if (added.ExitCode != 0)
        {
            Prerequisite.Unavailable($"making a network namespace needs CAP_NET_ADMIN: {added}");
        }

        try
        {
            // No duplicate address detection on the tap: its link-local address is usable as soon as a VM attaches.
            Check(Ip("-n", Name, "link", "set", "lo", "up"));
            Check(Ip("-n", Name, "tuntap", "add", "dev", Tap, "mode", "tap"));
            Check(Command.Run("ip", ["netns", "exec", Name, "sysctl", "-q", "-w", $"net.ipv6.conf.{Tap}.accept_dad=0"], timeout: TimeSpan.FromSeconds(30)));
            Check(Ip("-n", Name, "addr", "add", $"{HostAddress}/24", "dev", Tap));
            Check(Ip("-n", Name, "link", "set", Tap, "up"));
            TapIndex = int.Parse(IndexOf(Tap));
        }
        catch
        {
            Dispose();
            throw;
        }

        worker = new Thread(Work) { IsBackground = true, Name = Name };
        worker.Start();
    }

    public string Name { get; }

    /// <summary>The tap's interface index inside the namespace (the scope of IPv6 link-local addresses on it).</summary>
    public int TapIndex { get; }

    private readonly Thread worker;
    private readonly System.Collections.Concurrent.BlockingCollection<(SocketType Type, AddressFamily Family, ProtocolType Protocol, TaskCompletionSource<Socket> Made)> work = new();

    /// <summary>The arguments that run <paramref name="fileName"/> with <paramref name="arguments"/> inside the namespace.</summary>
    public string[] Wrap(string fileName, IEnumerable<string> arguments) => ["netns", "exec", Name, fileName, .. arguments];

    /// <summary>A socket made inside the namespace (its network calls then stay there, on any thread).</summary>
    public Socket NewSocket(AddressFamily family, SocketType type, ProtocolType protocol)
    {
        var made = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Add((type, family, protocol, made));
        return made.Task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// A TCP connection from the namespace to <paramref name="address"/>:<paramref name="port"/>, retried until the
    /// peer listens or <paramref name="timeout"/> passes; <paramref name="configure"/> sets options before connecting.
    /// </summary>
    public async Task<Socket> ConnectAsync(IPAddress address, int port, TimeSpan timeout, Action<Socket>? configure = null)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Socket socket = NewSocket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            configure?.Invoke(socket);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port));
                return socket;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                socket.Dispose();
                await Task.Delay(200);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        work.CompleteAdding();
        Ip("netns", "del", Name);
    }

    /// <summary>The thread that makes the namespace's sockets: it entered the namespace (setns is per thread).</summary>
    private void Work()
    {
        string? failure = null;
        using (var handle = File.OpenHandle($"/run/netns/{Name}"))
        {
            if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
            {
                failure = $"setns into {Name}: errno {Marshal.GetLastPInvokeError()}";
            }
        }

        foreach (var request in work.GetConsumingEnumerable())
        {
            try
            {
                request.Made.SetResult(failure is null
                    ? new Socket(request.Family, request.Type, request.Protocol)
                    : throw new InvalidOperationException(failure));
            }
            catch (Exception e)
            {
                request.Made.SetException(e);
            }
        }
    }

    private string IndexOf(string device)
    {
        CommandResult shown = Ip("-n", Name, "-o", "link", "show", device);
        Check(shown);
        return shown.Output.Split(':', 2)[0].Trim();
    }

    private static CommandResult Ip(params string[] arguments) => Command.Run("ip", arguments, timeout: TimeSpan.FromSeconds(30));

    private static void Check(CommandResult result)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"network namespace set-up failed: {result}");
        }
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
}
