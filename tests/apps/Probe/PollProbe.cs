// The "poll" mode: poll() and select() over pipes, an eventfd, /dev/null and a bad descriptor, through
// musl as a C program would call them: readiness, timeouts, several files at once, a thread blocked in
// poll woken by another thread's write, hang-up when the writer closes. Prints each check and POLL: PASS.
using System.Diagnostics;
using System.Runtime.InteropServices;

static unsafe class PollProbe
{
    const short POLLIN = 1, POLLOUT = 4, POLLHUP = 0x10, POLLNVAL = 0x20;
    const int O_NONBLOCK = 0x800;

    [StructLayout(LayoutKind.Sequential)]
    struct PollFd { public int fd; public short events, revents; }

    [DllImport("libc")] static extern int pipe2(int* fds, int flags);
    [DllImport("libc")] static extern int poll(PollFd* fds, ulong nfds, int timeout);
    [DllImport("libc")] static extern int select(int nfds, ulong* readfds, ulong* writefds, ulong* exceptfds, long* timeout);
    [DllImport("libc")] static extern int eventfd(uint initval, int flags);
    [DllImport("libc")] static extern long read(int fd, void* buf, ulong count);
    [DllImport("libc")] static extern long write(int fd, void* buf, ulong count);
    [DllImport("libc")] static extern int close(int fd);
    [DllImport("libc")] static extern int open(byte* path, int flags);

    static bool ok = true;

    static void Check(string what, bool passed, string detail = "")
    {
        Console.WriteLine($"{what}: {(passed ? "ok" : "FAIL")} {detail}");
        ok &= passed;
    }

    static int Poll1(int fd, short events, int timeout, out short revents)
    {
        var p = new PollFd { fd = fd, events = events };
        int r = poll(&p, 1, timeout);
        revents = p.revents;
        return r;
    }

    public static int Run()
    {
        int* p = stackalloc int[2];
        Check("pipe2", pipe2(p, O_NONBLOCK) == 0);
        int rd = p[0], wr = p[1];

        Check("empty pipe not readable", Poll1(rd, POLLIN, 0, out short re) == 0 && re == 0, $"revents={re}");
        Check("empty pipe writable", Poll1(wr, POLLOUT, 0, out re) == 1 && re == POLLOUT, $"revents={re}");

        var sw = Stopwatch.StartNew();
        int r = Poll1(rd, POLLIN, 60, out re);
        Check("timeout", r == 0 && sw.ElapsedMilliseconds >= 50, $"r={r} after {sw.ElapsedMilliseconds} ms");

        byte b = 42;
        write(wr, &b, 1);
        Check("readable after write", Poll1(rd, POLLIN, 0, out re) == 1 && re == POLLIN, $"revents={re}");
        read(rd, &b, 1);

        // Several files at once: a thread blocks on [pipe, eventfd]; the eventfd's write wakes it.
        int efd = eventfd(0, 0);
        short[] seen = new short[2];
        int ready = -1;
        var waiter = new Thread(() =>
        {
            var fds = stackalloc PollFd[2];
            fds[0] = new PollFd { fd = rd, events = POLLIN };
            fds[1] = new PollFd { fd = efd, events = POLLIN };
            ready = poll(fds, 2, 10_000);
            seen[0] = fds[0].revents;
            seen[1] = fds[1].revents;
        });
        waiter.Start();
        Thread.Sleep(50);
        ulong one = 1;
        write(efd, &one, 8);
        waiter.Join();
        Check("blocked poll woken by eventfd", ready == 1 && seen[0] == 0 && seen[1] == POLLIN,
              $"ready={ready} revents={seen[0]},{seen[1]}");

        // A thread blocked on the pipe alone, woken by a write from this thread.
        ready = -1;
        waiter = new Thread(() => { ready = Poll1(rd, POLLIN, 10_000, out seen[0]); });
        waiter.Start();
        Thread.Sleep(50);
        write(wr, &b, 1);
        waiter.Join();
        Check("blocked poll woken by pipe write", ready == 1 && seen[0] == POLLIN, $"ready={ready} revents={seen[0]}");
        read(rd, &b, 1);

        // select: the pipe becomes readable.
        ulong rset = 1UL << rd, wset = 1UL << wr;
        long* tv = stackalloc long[2] { 0, 0 };
        r = select(Math.Max(rd, wr) + 1, &rset, &wset, null, tv);
        Check("select: writable, not readable", r == 1 && rset == 0 && wset == 1UL << wr, $"r={r} r={rset:x} w={wset:x}");
        write(wr, &b, 1);
        rset = 1UL << rd;
        tv[0] = 1; tv[1] = 0;
        r = select(rd + 1, &rset, null, null, tv);
        Check("select: readable after write", r == 1 && rset == 1UL << rd, $"r={r} r={rset:x}");
        read(rd, &b, 1);

        // /dev/null is always ready; a closed descriptor is POLLNVAL.
        int devnull;
        fixed (byte* path = "/dev/null\0"u8) devnull = open(path, 2);
        Check("/dev/null ready", Poll1(devnull, (short)(POLLIN | POLLOUT), 0, out re) == 1 && re == (POLLIN | POLLOUT), $"revents={re}");
        close(devnull);
        Check("closed fd", Poll1(devnull, POLLIN, 0, out re) == 1 && re == POLLNVAL, $"revents={re}");

        // The writer closes: the read end reports hang-up and reads end of file.
        close(wr);
        Check("hang-up", Poll1(rd, POLLIN, 0, out re) == 1 && re == POLLHUP, $"revents={re}");
        Check("end of file", read(rd, &b, 1) == 0);
        close(rd);
        close(efd);

        Console.WriteLine(ok ? "POLL: PASS" : "POLL: FAIL");
        return ok ? 0 : 1;
    }
}
