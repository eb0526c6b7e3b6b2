// Asks a running QEMU for a graceful shutdown through its QMP socket (QEMU's docs/interop/qmp-spec.rst).
using System.Net.Sockets;
using System.Text;

namespace Unikraft.Launcher;

/// <summary>
/// A minimal QMP client: connect to the Unix socket QEMU opened (<c>-qmp unix:PATH,server=on,wait=off</c>), read the
/// greeting, leave capabilities negotiation (<c>qmp_capabilities</c>) and run one command, waiting for its
/// <c>return</c> (events that arrive in between are skipped).
/// </summary>
public static class QmpClient
{
    /// <summary>
    /// Sends <c>system_powerdown</c>: the guest's ACPI power button (q35, microvm with ACPI), or the power key
    /// (arm64 virt), which the kernel turns into SIGTERM for the program. False when QEMU could not be reached or
    /// refused (the reason in <paramref name="error"/>).
    /// </summary>
    public static bool SystemPowerdown(string socketPath, TimeSpan timeout, out string? error) =>
        Execute(socketPath, "{\"execute\":\"system_powerdown\"}", timeout, out error);

    /// <summary>
    /// Runs one command, given as its JSON object (<c>{"execute":"send-key","arguments":{…}}</c>); false with
    /// <paramref name="error"/> when QEMU could not be reached or answered with an error.
    /// </summary>
    public static bool Execute(string socketPath, string commandJson, TimeSpan timeout, out string? error)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            {
                ReceiveTimeout = (int)timeout.TotalMilliseconds,
                SendTimeout = (int)timeout.TotalMilliseconds,
            };
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            if (reader.ReadLine() is not { } greeting || !greeting.Contains("\"QMP\"", StringComparison.Ordinal))
            {
                error = "QEMU's QMP socket sent no greeting";
                return false;
            }

            foreach (string json in new[] { "{\"execute\":\"qmp_capabilities\"}", commandJson })
            {
                writer.WriteLine(json);
                if (!AwaitReturn(reader, out error))
                {
                    return false;
                }
            }

            error = null;
            return true;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            error = e.Message;
            return false;
        }
    }

    // Reads lines until the command's answer: {"return": …} or {"error": …}; events ({"event": …}) are skipped.
    private static bool AwaitReturn(StreamReader reader, out string? error)
    {
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith("{\"return\"", StringComparison.Ordinal))
            {
                error = null;
                return true;
            }

            if (line.StartsWith("{\"error\"", StringComparison.Ordinal))
            {
                error = line;
                return false;
            }
        }

        error = "QEMU closed its QMP socket";
        return false;
    }
}
