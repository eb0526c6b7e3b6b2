// The "inotify" mode: inotify instances through libc as a C program calls them (and .NET's FileSystemWatcher, which
// configuration reload on change uses): the flags inotify_init1 takes, one watch descriptor per watched node, the
// mask rules (no event: EINVAL, IN_ONLYDIR on a file: ENOTDIR, IN_MASK_CREATE on a watched node: EEXIST), a missing
// path (ENOENT), descriptors that are no inotify instance (EINVAL, EBADF), an empty queue (EAGAIN, poll not ready),
// and the IN_IGNORED record inotify_rm_watch queues (FIONREAD, too small a buffer: EINVAL). The directory it
// watches is its own and nothing changes in it, so the same program passes natively on Linux. Prints INOTIFY: PASS.
using System.Runtime.InteropServices;
using System.Text;

static unsafe class InotifyProbe
{
    const int IN_NONBLOCK = 0x800, IN_CLOEXEC = 0x80000;
    const uint IN_MODIFY = 0x2, IN_CREATE = 0x100, IN_DELETE = 0x200, IN_IGNORED = 0x8000;
    const uint IN_ONLYDIR = 0x01000000, IN_MASK_CREATE = 0x10000000, IN_MASK_ADD = 0x20000000;
    const int ENOENT = 2, EBADF = 9, EAGAIN = 11, EEXIST = 17, ENOTDIR = 20, EINVAL = 22;
    const ulong FIONREAD = 0x541b;

    [DllImport("libc", SetLastError = true)] static extern int inotify_init1(int flags);
    [DllImport("libc", SetLastError = true)] static extern int inotify_add_watch(int fd, byte* path, uint mask);
    [DllImport("libc", SetLastError = true)] static extern int inotify_rm_watch(int fd, int wd);
    [DllImport("libc", SetLastError = true)] static extern long read(int fd, void* buf, ulong count);
    [DllImport("libc", SetLastError = true)] static extern int close(int fd);
    [DllImport("libc", SetLastError = true)] static extern int eventfd(uint initval, int flags);
    [DllImport("libc", SetLastError = true)] static extern int ioctl(int fd, ulong request, int* arg);
    [DllImport("libc", SetLastError = true)] static extern int poll(Libc.PollFd* fds, ulong nfds, int timeout);

    static bool ok = true;

    static void Check(string what, bool passed, string detail = "")
    {
        ok &= passed;
        Console.WriteLine($"{what}: {(passed ? "ok" : "FAIL")} {detail}");
    }

    static int Errno => Marshal.GetLastPInvokeError();

    static int Watch(int fd, string path, uint mask)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            return inotify_add_watch(fd, p, mask);
        }
    }

    public static int Run()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"inotify-probe-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "file");
        File.WriteAllText(file, "x");

        Check("inotify_init1 with an unknown flag", inotify_init1(1) == -1 && Errno == EINVAL, $"errno {Errno}");
        int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        Check("inotify_init1(IN_NONBLOCK | IN_CLOEXEC)", fd >= 0, $"fd {fd}");

        int wd = Watch(fd, dir, IN_CREATE | IN_DELETE);
        Check("add_watch on a directory", wd >= 1, $"wd {wd}");
        Check("add_watch on the same directory again: the same descriptor", Watch(fd, dir, IN_MODIFY) == wd);
        Check("add_watch with IN_MASK_ADD: the same descriptor", Watch(fd, dir, IN_CREATE | IN_MASK_ADD) == wd);
        Check("IN_MASK_CREATE on a watched node", Watch(fd, dir, IN_CREATE | IN_MASK_CREATE) == -1 && Errno == EEXIST, $"errno {Errno}");
        Check("IN_MASK_ADD with IN_MASK_CREATE", Watch(fd, dir, IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE) == -1 && Errno == EINVAL, $"errno {Errno}");
        int fileWd = Watch(fd, file, IN_MODIFY);
        Check("add_watch on a file: a descriptor of its own", fileWd >= 1 && fileWd != wd, $"wd {fileWd}");
        Check("a mask without events", Watch(fd, dir, 0) == -1 && Errno == EINVAL, $"errno {Errno}");
        Check("IN_ONLYDIR on a file", Watch(fd, file, IN_MODIFY | IN_ONLYDIR) == -1 && Errno == ENOTDIR, $"errno {Errno}");
        Check("a missing path", Watch(fd, Path.Combine(dir, "missing"), IN_MODIFY) == -1 && Errno == ENOENT, $"errno {Errno}");
        int efd = eventfd(0, 0);
        Check("add_watch on an eventfd", Watch(efd, dir, IN_MODIFY) == -1 && Errno == EINVAL, $"errno {Errno}");
        Check("rm_watch on an eventfd", inotify_rm_watch(efd, 1) == -1 && Errno == EINVAL, $"errno {Errno}");
        close(efd);
        Check("add_watch on a closed descriptor", Watch(1000, dir, IN_MODIFY) == -1 && Errno == EBADF, $"errno {Errno}");

        byte* buf = stackalloc byte[4096];
        Check("read with nothing queued (non-blocking)", read(fd, buf, 4096) == -1 && Errno == EAGAIN, $"errno {Errno}");
        var pfd = new Libc.PollFd { fd = fd, events = 1 };
        Check("poll with nothing queued", poll(&pfd, 1, 0) == 0);

        Check("rm_watch", inotify_rm_watch(fd, fileWd) == 0, $"errno {Errno}");
        Check("rm_watch of a removed descriptor", inotify_rm_watch(fd, fileWd) == -1 && Errno == EINVAL, $"errno {Errno}");
        pfd.revents = 0;
        Check("poll after rm_watch: readable", poll(&pfd, 1, 0) == 1 && (pfd.revents & 1) != 0, $"revents {pfd.revents}");
        int queued = 0;
        Check("FIONREAD: one record of 16 bytes", ioctl(fd, FIONREAD, &queued) == 0 && queued == 16, $"{queued}");
        Check("read into 8 bytes", read(fd, buf, 8) == -1 && Errno == EINVAL, $"errno {Errno}");
        long n = read(fd, buf, 4096);
        int* ev = (int*)buf;
        Check("read: the IN_IGNORED record", n == 16 && ev[0] == fileWd && (uint)ev[1] == IN_IGNORED && ev[2] == 0 && ev[3] == 0,
            $"{n} bytes: wd {ev[0]} mask {(uint)ev[1]:x} cookie {ev[2]} len {ev[3]}");
        Check("read after the queue drained", read(fd, buf, 4096) == -1 && Errno == EAGAIN, $"errno {Errno}");
        Check("close", close(fd) == 0);

        using (var watcher = new FileSystemWatcher(dir))
        {
            bool started;
            try
            {
                watcher.EnableRaisingEvents = true;
                started = watcher.EnableRaisingEvents;
            }
            catch (IOException e)
            {
                started = false;
                Console.WriteLine(e.Message);
            }

            Check("FileSystemWatcher starts", started);
        }

        File.Delete(file);
        Directory.Delete(dir);
        Console.WriteLine(ok ? "INOTIFY: PASS" : "INOTIFY: FAIL");
        return ok ? 0 : 1;
    }
}
