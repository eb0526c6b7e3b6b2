// Asks a running Firecracker for a graceful shutdown through its API socket (Firecracker's swagger: PUT /actions).
using System.Net.Sockets;
using System.Text;

namespace Unikraft.Launcher;

/// <summary>
/// Firecracker's API is HTTP/1.1 on a Unix socket (<c>--api-sock PATH</c>, which can run beside <c>--config-file</c>).
/// <c>PUT /actions {"action_type": "SendCtrlAltDel"}</c> (x86_64 only) puts Ctrl-Alt-Del into the guest's i8042,
/// which the kernel turns into SIGTERM for the program; Firecracker answers 204 No Content.
/// </summary>
public static class FirecrackerApi
{
    /// <summary>Sends SendCtrlAltDel; false with <paramref name="error"/> when Firecracker could not be reached or refused.</summary>
    public static bool SendCtrlAltDel(string socketPath, TimeSpan timeout, out string? error)
    {
        const string body = "{\"action_type\": \"SendCtrlAltDel\"}";
        string request = "PUT /actions HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\nContent-Type: application/json\r\n"
            + $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            {
                ReceiveTimeout = (int)timeout.TotalMilliseconds,
                SendTimeout = (int)timeout.TotalMilliseconds,
            };
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            socket.Send(Encoding.UTF8.GetBytes(request));
            byte[] buffer = new byte[1024];
            int read = socket.Receive(buffer);
            string status = Encoding.UTF8.GetString(buffer, 0, read).Split("\r\n")[0];
            bool ok = status.StartsWith("HTTP/1.1 2", StringComparison.Ordinal);
            error = ok ? null : $"Firecracker answered '{status}'";
            return ok;
        }
        catch (SocketException e)
        {
            error = e.Message;
            return false;
        }
    }
}
