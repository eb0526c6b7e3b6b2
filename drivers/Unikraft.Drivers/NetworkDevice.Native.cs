// NetworkDevice: the libc calls behind it (open, read, write, poll, ioctl, eventfd) and the kernel's structures.
using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Unikraft.Drivers;

public sealed partial class NetworkDevice
{
    private static unsafe partial class Native
    {
        public const int ENOENT = 2, EINTR = 4, EBUSY = 16, EAGAIN = 11, ENETDOWN = 100;
        public const short POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;

        private const int O_RDWR = 2, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
        private const nuint SIOCGIFFLAGS = 0x8913, SIOCGIFMTU = 0x8921, SIOCGIFHWADDR = 0x8927;

        /// <summary>The kernel's counters of a raw interface (its own request: _IOR('N', 1, 8 u64)).</summary>
        private const nuint UK_NETRAW_GSTATS = 0x80404e01;

        private const short IFF_RUNNING = 0x40;

        /// <summary>struct ifreq: 16 bytes of name, then a 24-byte union.</summary>
        private const int IfReqSize = 40;

        public static int Open(string path, out int errno)
        {
            int fd = OpenFile(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
            return fd;
        }

        public static byte[] HardwareAddress(int fd, string name)
        {
            byte* req = stackalloc byte[IfReqSize];
            InterfaceRequest(fd, name, SIOCGIFHWADDR, req);
            return new ReadOnlySpan<byte>(req + 18, 6).ToArray(); // sockaddr: family (2 bytes), then the address
        }

        public static int Mtu(int fd, string name)
        {
            byte* req = stackalloc byte[IfReqSize];
            InterfaceRequest(fd, name, SIOCGIFMTU, req);
            return *(int*)(req + 16);
        }

        public static bool IsRunning(int fd, string name)
        {
            byte* req = stackalloc byte[IfReqSize];
            InterfaceRequest(fd, name, SIOCGIFFLAGS, req);
            return (*(short*)(req + 16) & IFF_RUNNING) != 0;
        }

        public static NetworkDeviceStatistics Statistics(int fd, string path)
        {
            ulong* c = stackalloc ulong[8];
            if (Ioctl(fd, UK_NETRAW_GSTATS, c) < 0)
            {
                throw Error(path, "its counters");
            }

            return new NetworkDeviceStatistics(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
        }

        /// <summary>poll of one descriptor: true when it is ready for <paramref name="events"/> (or has an error).</summary>
        public static bool PollOne(int fd, short events, int timeoutMs)
        {
            PollFd p = new() { Fd = fd, Events = events };
            if (Poll(&p, 1, timeoutMs) <= 0)
            {
                return false; // timed out, or EINTR: the caller looks again
            }

            return (p.Revents & POLLNVAL) == 0 ? true : throw new ObjectDisposedException(nameof(NetworkDevice));
        }

        /// <summary>poll of the device for <paramref name="events"/> and of <paramref name="wake"/>, which is drained: the device's events.</summary>
        public static short PollTwo(int fd, short events, int wake)
        {
            PollFd* p = stackalloc PollFd[2];
            p[0] = new PollFd { Fd = events != 0 ? fd : -1, Events = events };
            p[1] = new PollFd { Fd = wake, Events = POLLIN };
            if (Poll(p, 2, -1) < 0)
            {
                return 0; // EINTR: the caller looks again
            }

            if ((p[1].Revents & POLLIN) != 0)
            {
                ulong count;
                _ = Read(wake, &count, 8);
            }

            return p[0].Revents;
        }

        public static int EventFd()
        {
            int fd = CreateEventFd(0, O_CLOEXEC | O_NONBLOCK);
            return fd >= 0 ? fd : throw Error("an eventfd", "it");
        }

        public static void Signal(int eventFd)
        {
            ulong one = 1;
            _ = Write(eventFd, &one, 8);
        }

        public static void Close(int fd) => _ = CloseFile(fd);

        private static void InterfaceRequest(int fd, string name, nuint request, byte* req)
        {
            new Span<byte>(req, IfReqSize).Clear();
            System.Text.Encoding.ASCII.GetBytes(name, new Span<byte>(req, 15));
            if (Ioctl(fd, request, req) < 0)
            {
                throw Error($"/dev/net/{name}", "its interface settings");
            }
        }

        private static IOException Error(string path, string what)
        {
            int errno = Marshal.GetLastPInvokeError();
            return new IOException($"Cannot read {what} from {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int OpenFile(string path, int flags);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        private static partial int CloseFile(int fd);

        [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
        public static partial nint Read(int fd, void* buffer, nuint count);

        [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
        public static partial nint Write(int fd, void* buffer, nuint count);

        [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
        private static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

        [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
        private static partial int Ioctl(int fd, nuint request, void* argument);

        [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
        private static partial int CreateEventFd(uint initial, int flags);
    }
}
