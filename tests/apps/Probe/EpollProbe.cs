// The "epoll" mode: epoll over pipes, eventfds, the console and nested instances, through libc as a C program (or
// .NET's socket engine) calls it: level- and edge-triggered and one-shot readiness, EPOLL_CTL_MOD/DEL, registrations
// that end with the file's last close, blocking waits woken by other threads, timeouts, signals and the sigmask of
// epoll_pwait, and Linux's error codes. Prints each check and EPOLL: PASS; the same program passes natively on Linux.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

static unsafe class EpollProbe
{
    const uint IN = 0x001, OUT = 0x004, ERR = 0x008, HUP = 0x010;
    const uint EXCLUSIVE = 1u << 28, WAKEUP = 1u << 29, ONESHOT = 1u << 30, ET = 1u << 31;
    const int ADD = 1, DEL = 2, MOD = 3;
    const int O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000, F_GETFD = 1, FD_CLOEXEC = 1;
    const int EPERM = 1, ENOENT = 2, EINTR = 4, EBADF = 9, EFAULT = 14, EEXIST = 17, EINVAL = 22, ELOOP = 40;
    const int SIGWINCH = 28, SIG_BLOCK = 0;
    const long SYS_epoll_pwait2 = 441, SYS_epoll_create_x64 = 213;

    // struct epoll_event: packed (12 bytes) on x86_64, 16 bytes with data at offset 8 on arm64.
    static readonly bool Packed = RuntimeInformation.ProcessArchitecture == Architecture.X64;
    static int Stride => Packed ? 12 : 16;

    [DllImport("libc", SetLastError = true)] static extern int epoll_create1(int flags);
    [DllImport("libc", SetLastError = true)] static extern int epoll_create(int size);
    [DllImport("libc", SetLastError = true)] static extern int epoll_ctl(int epfd, int op, int fd, byte* ev);
    [DllImport("libc", SetLastError = true)] static extern int epoll_wait(int epfd, byte* evs, int max, int timeout);
    [DllImport("libc", SetLastError = true)] static extern int epoll_pwait(int epfd, byte* evs, int max, int timeout, ulong* sigmask);
    [DllImport("libc", SetLastError = true)] static extern long syscall(long nr, long a, long b, long c, long d, long e, long f);
    [DllImport("libc", SetLastError = true)] static extern int pipe2(int* fds, int flags);
    [DllImport("libc", SetLastError = true)] static extern int eventfd(uint initval, int flags);
    [DllImport("libc", SetLastError = true)] static extern long read(int fd, void* buf, ulong count);
    [DllImport("libc", SetLastError = true)] static extern long write(int fd, void* buf, ulong count);
    [DllImport("libc", SetLastError = true)] static extern int close(int fd);
    [DllImport("libc", SetLastError = true)] static extern int dup(int fd);
    [DllImport("libc", SetLastError = true)] static extern int open(byte* path, int flags);
    [DllImport("libc", SetLastError = true)] static extern int fcntl(int fd, int cmd, long arg);
    [DllImport("libc", SetLastError = true)] static extern int poll(Libc.PollFd* fds, ulong nfds, int timeout);
    [DllImport("libc", SetLastError = true)] static extern int ppoll(Libc.PollFd* fds, ulong nfds, long* timeout, ulong* sigmask);
    [DllImport("libc")] static extern nint pthread_self();
    [DllImport("libc")] static extern int pthread_kill(nint thread, int sig);
    [DllImport("libc")] static extern int pthread_sigmask(int how, ulong* set, ulong* old);

    static bool ok = true;

    static void Check(string what, bool passed, string detail = "")
    {
        Console.WriteLine($"{what}: {(passed ? "ok" : "FAIL")} {detail}");
        ok &= passed;
    }

    static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>epoll_ctl: 0 or -errno.</summary>
    static int Ctl(int ep, int op, int fd, uint events = IN, ulong data = 0)
    {
        byte* ev = stackalloc byte[16];
        Unsafe.WriteUnaligned(ev, events);
        Unsafe.WriteUnaligned(ev + (Packed ? 4 : 8), data);
        return epoll_ctl(ep, op, fd, ev) == 0 ? 0 : -Errno;
    }

    readonly record struct Ev(uint Events, ulong Data);

    static Ev[] Decode(byte* buf, int n)
    {
        var evs = new Ev[Math.Max(n, 0)];
        for (int i = 0; i < evs.Length; i++)
            evs[i] = new Ev(Unsafe.ReadUnaligned<uint>(buf + i * Stride), Unsafe.ReadUnaligned<ulong>(buf + i * Stride + (Packed ? 4 : 8)));
        return evs;
    }

    /// <summary>epoll_wait: the events, or -errno in n.</summary>
    static Ev[] Wait(int ep, int timeout, out int n, int max = 16)
    {
        byte* buf = stackalloc byte[16 * 64];
        n = epoll_wait(ep, buf, max, timeout);
        if (n < 0) n = -Errno;
        return Decode(buf, n);
    }

    static string Show(int n, Ev[] evs) => $"n={n} [{string.Join(' ', evs.Select(e => $"{e.Events:x}:{e.Data:x}"))}]";

    static bool One(int n, Ev[] evs, uint events, ulong data) => n == 1 && evs[0].Events == events && evs[0].Data == data;

    static void Write8(int efd, ulong v = 1) => write(efd, &v, 8);

    static (int rd, int wr) Pipe(int flags = O_NONBLOCK)
    {
        int* p = stackalloc int[2];
        pipe2(p, flags);
        return (p[0], p[1]);
    }

    public static int Run()
    {
        Creation();
        LevelTriggered();
        EdgeTriggered();
        OneShot();
        ModifyAndDelete();
        CloseRemoves();
        HangUpAndError();
        ManyReady();
        Blocking();
        Signals();
        Nested();
        Errors();
        Console.WriteLine(ok ? "EPOLL: PASS" : "EPOLL: FAIL");
        return ok ? 0 : 1;
    }

    static void Creation()
    {
        int ep = epoll_create1(0);
        Check("epoll_create1", ep >= 0 && fcntl(ep, F_GETFD, 0) == 0, $"fd={ep}");
        close(ep);
        ep = epoll_create1(O_CLOEXEC);
        Check("epoll_create1(EPOLL_CLOEXEC)", ep >= 0 && fcntl(ep, F_GETFD, 0) == FD_CLOEXEC);
        close(ep);
        int bad = epoll_create1(1);
        Check("epoll_create1(bad flags) = EINVAL", bad == -1 && Errno == EINVAL, $"r={bad}");
        ep = epoll_create(1);
        Check("epoll_create(1)", ep >= 0, $"fd={ep}");
        close(ep);
        if (Packed)
        {
            // musl's epoll_create never passes the size to the kernel (1.2.3 does not even check it): ask the
            // x86_64 syscall itself, which arm64 does not have.
            long raw = syscall(SYS_epoll_create_x64, 0, 0, 0, 0, 0, 0);
            int err = Errno;
            long raw1 = syscall(SYS_epoll_create_x64, 5, 0, 0, 0, 0, 0);
            Check("x86_64 epoll_create syscall: size 0 = EINVAL, 5 works", raw == -1 && err == EINVAL && raw1 >= 0, $"r={raw},{raw1}");
            close((int)raw1);
        }
    }

    static void LevelTriggered()
    {
        int ep = epoll_create1(0);
        var (rd, wr) = Pipe();
        Check("ADD pipe read end", Ctl(ep, ADD, rd, IN, 0x1122334455667788) == 0);
        var evs = Wait(ep, 0, out int n);
        Check("LT: empty pipe not ready", n == 0, Show(n, evs));
        byte b = 42;
        write(wr, &b, 1);
        evs = Wait(ep, 0, out n);
        Check("LT: readable after write, data.u64 as given", One(n, evs, IN, 0x1122334455667788), Show(n, evs));
        evs = Wait(ep, 0, out n);
        Check("LT: still reported while unread", One(n, evs, IN, 0x1122334455667788), Show(n, evs));
        read(rd, &b, 1);
        evs = Wait(ep, 0, out n);
        Check("LT: not reported once read", n == 0, Show(n, evs));
        Check("ADD pipe write end for EPOLLOUT", Ctl(ep, ADD, wr, OUT, 2) == 0);
        evs = Wait(ep, 0, out n);
        Check("LT: empty pipe writable", One(n, evs, OUT, 2), Show(n, evs));
        close(rd);
        close(wr);
        close(ep);
    }

    static void EdgeTriggered()
    {
        int ep = epoll_create1(0);
        int efd = eventfd(0, O_NONBLOCK);
        Check("ADD eventfd EPOLLIN|EPOLLET", Ctl(ep, ADD, efd, IN | ET, 7) == 0);
        var evs = Wait(ep, 0, out int n);
        Check("ET: zero counter not ready", n == 0, Show(n, evs));
        Write8(efd);
        evs = Wait(ep, 0, out n);
        Check("ET: write is an edge", One(n, evs, IN, 7), Show(n, evs));
        evs = Wait(ep, 0, out n);
        Check("ET: reported once though still readable", n == 0, Show(n, evs));
        Write8(efd);
        evs = Wait(ep, 0, out n);
        Check("ET: every eventfd write is a new edge", One(n, evs, IN, 7), Show(n, evs));
        ulong v;
        read(efd, &v, 8);
        evs = Wait(ep, 0, out n);
        Check("ET: nothing after the read", n == 0 && v == 2, Show(n, evs) + $" counter={v}");

        var (rd, wr) = Pipe();
        Ctl(ep, ADD, rd, IN | ET, 8);
        byte b = 1;
        write(wr, &b, 1);
        evs = Wait(ep, 0, out n);
        var again = Wait(ep, 0, out int n2);
        write(wr, &b, 1);
        var third = Wait(ep, 0, out int n3);
        Check("ET pipe: edge, silence, a new edge per write", One(n, evs, IN, 8) && n2 == 0 && One(n3, third, IN, 8),
              $"{Show(n, evs)} {Show(n2, again)} {Show(n3, third)}");
        close(rd);
        close(wr);
        close(efd);
        close(ep);
    }

    static void OneShot()
    {
        int ep = epoll_create1(0);
        int efd = eventfd(1, O_NONBLOCK);
        Ctl(ep, ADD, efd, IN | ONESHOT, 9);
        var evs = Wait(ep, 0, out int n);
        Check("ONESHOT: reported", One(n, evs, IN, 9), Show(n, evs));
        evs = Wait(ep, 0, out n);
        Check("ONESHOT: disarmed after one report", n == 0, Show(n, evs));
        Write8(efd);
        evs = Wait(ep, 0, out n);
        Check("ONESHOT: a new write does not re-arm", n == 0, Show(n, evs));
        Check("ONESHOT: MOD re-arms", Ctl(ep, MOD, efd, IN | ONESHOT, 10) == 0);
        evs = Wait(ep, 0, out n);
        Check("ONESHOT: reported again after MOD", One(n, evs, IN, 10), Show(n, evs));
        close(efd);
        close(ep);
    }

    static void ModifyAndDelete()
    {
        int ep = epoll_create1(0);
        int efd = eventfd(1, O_NONBLOCK);
        Check("ADD for EPOLLOUT only", Ctl(ep, ADD, efd, OUT, 1) == 0);
        Check("ADD again = EEXIST", Ctl(ep, ADD, efd, IN, 1) == -EEXIST);
        var evs = Wait(ep, 0, out int n);
        Check("only the asked events", One(n, evs, OUT, 1), Show(n, evs));
        Check("MOD to EPOLLIN", Ctl(ep, MOD, efd, IN, 0xfeedface) == 0);
        evs = Wait(ep, 0, out n);
        Check("MOD: new events and data", One(n, evs, IN, 0xfeedface), Show(n, evs));
        Check("DEL", Ctl(ep, DEL, efd, 0) == 0);
        evs = Wait(ep, 0, out n);
        Check("DEL: no more events", n == 0, Show(n, evs));
        Check("DEL again = ENOENT", Ctl(ep, DEL, efd, 0) == -ENOENT);
        Check("MOD unregistered = ENOENT", Ctl(ep, MOD, efd, IN) == -ENOENT);
        byte* none = null;
        Check("DEL ignores the event pointer", Ctl(ep, ADD, efd, IN) == 0 && epoll_ctl(ep, DEL, efd, none) == 0);
        close(efd);
        close(ep);
    }

    static void CloseRemoves()
    {
        int ep = epoll_create1(0);
        int efd = eventfd(1, O_NONBLOCK);
        int copy = dup(efd);
        Ctl(ep, ADD, efd, IN, 0xd0);
        close(efd);
        var evs = Wait(ep, 0, out int n);
        Check("close with a dup open: still registered", One(n, evs, IN, 0xd0), Show(n, evs));
        Check("... and the closed fd is EBADF for epoll_ctl", Ctl(ep, DEL, efd, 0) == -EBADF);
        close(copy);
        evs = Wait(ep, 0, out n);
        Check("last close removes the registration", n == 0, Show(n, evs));
        int again = eventfd(1, O_NONBLOCK);
        Check("a new file at the same fd can be added", Ctl(ep, ADD, again, IN, 0xd1) == 0, $"fd={again} (was {efd})");
        evs = Wait(ep, 0, out n);
        Check("... and reports its own data", One(n, evs, IN, 0xd1), Show(n, evs));
        close(again);
        // Closing the epoll file with registrations in it, and a watched file closed before it.
        int ep2 = epoll_create1(0);
        var (rd, wr) = Pipe();
        Ctl(ep2, ADD, rd, IN);
        Ctl(ep2, ADD, wr, OUT);
        close(ep2);
        byte b = 3;
        Check("files outlive a closed epoll and work", write(wr, &b, 1) == 1 && read(rd, &b, 1) == 1);
        close(rd);
        close(wr);
        close(ep);
    }

    static void HangUpAndError()
    {
        int ep = epoll_create1(0);
        var (rd, wr) = Pipe();
        Ctl(ep, ADD, rd, IN, 1);
        close(wr);
        var evs = Wait(ep, 0, out int n);
        Check("writer closed: EPOLLHUP on the read end", One(n, evs, HUP, 1), Show(n, evs));
        close(rd);
        (rd, wr) = Pipe();
        Ctl(ep, ADD, wr, 0, 2); // no events asked: ERR and HUP are reported anyway
        evs = Wait(ep, 0, out n);
        Check("nothing asked: nothing reported", n == 0, Show(n, evs));
        close(rd);
        evs = Wait(ep, 0, out n);
        Check("reader closed: EPOLLERR though not asked", One(n, evs, ERR, 2), Show(n, evs));
        Ctl(ep, MOD, wr, OUT, 3);
        evs = Wait(ep, 0, out n);
        Check("reader closed: EPOLLOUT|EPOLLERR", One(n, evs, OUT | ERR, 3), Show(n, evs));
        close(wr);
        close(ep);
    }

    static void ManyReady()
    {
        int ep = epoll_create1(0);
        var fds = new int[10];
        for (int i = 0; i < fds.Length; i++)
        {
            fds[i] = eventfd(1, O_NONBLOCK);
            Ctl(ep, ADD, fds[i], IN, (ulong)i);
        }
        var seen = new HashSet<ulong>();
        var counts = new List<int>();
        for (int round = 0; round < 3; round++)
        {
            var evs = Wait(ep, 0, out int n, max: 4);
            counts.Add(n);
            foreach (var e in evs) seen.Add(e.Data);
        }
        Check("LT with maxevents 4: 4 per wait, every file within 3 waits", counts.All(c => c == 4) && seen.Count == 10,
              $"counts={string.Join(',', counts)} distinct={seen.Count}");
        foreach (int fd in fds) close(fd);
        var left = Wait(ep, 0, out int m);
        Check("all closed: nothing left", m == 0, Show(m, left));
        close(ep);
    }

    static void Blocking()
    {
        int ep = epoll_create1(0);
        int efd = eventfd(0, O_NONBLOCK);
        var (rd, wr) = Pipe();
        Ctl(ep, ADD, efd, IN, 0xe);
        Ctl(ep, ADD, rd, IN, 0xf);

        int n = 0;
        Ev[] got = [];
        var sw = Stopwatch.StartNew();
        var waiter = new Thread(() => got = Wait(ep, 20_000, out n));
        waiter.Start();
        Thread.Sleep(100);
        Write8(efd);
        waiter.Join();
        Check("blocked epoll_wait woken by an eventfd write", One(n, got, IN, 0xe), $"{Show(n, got)} after {sw.ElapsedMilliseconds} ms");
        ulong v;
        read(efd, &v, 8);

        waiter = new Thread(() => got = Wait(ep, -1, out n));
        waiter.Start();
        Thread.Sleep(100);
        byte b = 1;
        write(wr, &b, 1);
        waiter.Join();
        Check("blocked epoll_wait(-1) woken by a pipe write", One(n, got, IN, 0xf), Show(n, got));
        read(rd, &b, 1);

        sw.Restart();
        var evs = Wait(ep, 150, out n);
        long ms = sw.ElapsedMilliseconds;
        Check("timeout", n == 0 && ms >= 140, $"{Show(n, evs)} after {ms} ms");

        byte* buf = stackalloc byte[64];
        long* ts = stackalloc long[2] { 0, 150_000_000 };
        sw.Restart();
        long r = syscall(SYS_epoll_pwait2, ep, (long)buf, 4, (long)ts, 0, 8);
        ms = sw.ElapsedMilliseconds;
        Check("epoll_pwait2: timespec timeout", r == 0 && ms >= 140, $"r={r} after {ms} ms");
        ts[1] = 1_000_000_000;
        r = syscall(SYS_epoll_pwait2, ep, (long)buf, 4, (long)ts, 0, 8);
        Check("epoll_pwait2: bad timespec = EINVAL", r == -1 && Errno == EINVAL, $"r={r}");
        Write8(efd);
        r = syscall(SYS_epoll_pwait2, ep, (long)buf, 4, 0, 0, 8);
        Check("epoll_pwait2: no timeout, ready", r == 1 && Decode(buf, 1)[0] == new Ev(IN, 0xe), $"r={r}");
        read(efd, &v, 8);

        // Collections while a thread waits: the wait is not disturbed (no EINTR), and still wakes.
        waiter = new Thread(() => got = Wait(ep, 20_000, out n));
        waiter.Start();
        Thread.Sleep(50);
        for (int i = 0; i < 3; i++)
        {
            _ = new byte[2_000_000];
            GC.Collect();
            Thread.Sleep(20);
        }
        Write8(efd);
        waiter.Join();
        Check("garbage collections during a wait: no EINTR, woken by the write", One(n, got, IN, 0xe), Show(n, got));
        close(efd);
        close(rd);
        close(wr);
        close(ep);
    }

    /// <summary>SIGWINCH (ignored by default) gets a handler through PosixSignalRegistration.</summary>
    static void Signals()
    {
        if (!OperatingSystem.IsLinux())
        {
            Check("signals: Linux only", false);
            return;
        }
        int handled = 0;
        using var registration = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, ctx => { ctx.Cancel = true; Interlocked.Increment(ref handled); });
        int ep = epoll_create1(0);
        ulong winch = 1UL << (SIGWINCH - 1);

        // A handled signal ends a wait with EINTR.
        nint target = 0;
        int n = 0;
        long ms = 0;
        var waiter = new Thread(() =>
        {
            target = pthread_self();
            var sw = Stopwatch.StartNew();
            Wait(ep, 20_000, out n);
            ms = sw.ElapsedMilliseconds;
        });
        waiter.Start();
        Thread.Sleep(150);
        pthread_kill(target, SIGWINCH);
        waiter.Join();
        Check("epoll_wait interrupted by a handled signal: EINTR", n == -EINTR && ms < 10_000, $"n={n} after {ms} ms");

        // epoll_pwait unblocks what the thread blocks, for the wait only: EINTR, then the thread's mask again.
        ulong after = 0;
        waiter = new Thread(() =>
        {
            ulong* set = stackalloc ulong[16];
            set[0] = winch;
            pthread_sigmask(SIG_BLOCK, set, null);
            target = pthread_self();
            ulong* waitMask = stackalloc ulong[16];
            byte* buf = stackalloc byte[64];
            n = epoll_pwait(ep, buf, 4, 20_000, waitMask);
            if (n < 0) n = -Errno;
            ulong* cur = stackalloc ulong[16];
            pthread_sigmask(SIG_BLOCK, null, cur);
            after = cur[0];
        });
        waiter.Start();
        Thread.Sleep(150);
        pthread_kill(target, SIGWINCH);
        waiter.Join();
        Check("epoll_pwait with an empty mask: a signal the thread blocks interrupts", n == -EINTR, $"n={n}");
        Check("... and the thread's own mask is back afterwards", (after & winch) != 0, $"mask={after:x}");

        // epoll_pwait blocks what its mask names: the wait runs to its timeout, the signal arrives afterwards.
        int before = Volatile.Read(ref handled);
        waiter = new Thread(() =>
        {
            target = pthread_self();
            ulong* waitMask = stackalloc ulong[16];
            waitMask[0] = winch;
            byte* buf = stackalloc byte[64];
            var sw = Stopwatch.StartNew();
            n = epoll_pwait(ep, buf, 4, 600, waitMask);
            if (n < 0) n = -Errno;
            ms = sw.ElapsedMilliseconds;
        });
        waiter.Start();
        Thread.Sleep(150);
        pthread_kill(target, SIGWINCH);
        waiter.Join();
        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref handled) == before && deadline.ElapsedMilliseconds < 5000) Thread.Sleep(10);
        Check("epoll_pwait with the signal in its mask: runs to the timeout", n == 0 && ms >= 550, $"n={n} after {ms} ms");
        Check("... and the signal is handled once the wait ends", Volatile.Read(ref handled) > before, $"handled={handled}");

        // ppoll applies its mask the same way.
        after = 0;
        waiter = new Thread(() =>
        {
            ulong* set = stackalloc ulong[16];
            set[0] = winch;
            pthread_sigmask(SIG_BLOCK, set, null);
            target = pthread_self();
            ulong* waitMask = stackalloc ulong[16];
            var p = new Libc.PollFd { fd = ep, events = 1 };
            long* ts = stackalloc long[2] { 20, 0 };
            n = ppoll(&p, 1, ts, waitMask);
            if (n < 0) n = -Errno;
            ulong* cur = stackalloc ulong[16];
            pthread_sigmask(SIG_BLOCK, null, cur);
            after = cur[0];
        });
        waiter.Start();
        Thread.Sleep(150);
        pthread_kill(target, SIGWINCH);
        waiter.Join();
        Check("ppoll with an empty mask: a signal the thread blocks interrupts, then its mask is back", n == -EINTR && (after & winch) != 0,
              $"n={n} mask={after:x}");

        byte* b = stackalloc byte[64];
        ulong* m = stackalloc ulong[1];
        long r = syscall(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 281 : 22, ep, (long)b, 4, 0, (long)m, 4);
        Check("epoll_pwait: sigsetsize other than 8 = EINVAL", r == -1 && Errno == EINVAL, $"r={r}");
        close(ep);
    }

    static void Nested()
    {
        int outer = epoll_create1(0), inner = epoll_create1(0);
        int efd = eventfd(0, O_NONBLOCK);
        Ctl(inner, ADD, efd, IN, 0x1);
        Check("ADD an epoll to another", Ctl(outer, ADD, inner, IN, 0x2) == 0);
        var evs = Wait(outer, 0, out int n);
        Check("nested: nothing ready", n == 0, Show(n, evs));
        Write8(efd);
        evs = Wait(outer, 0, out n);
        Check("nested: the inner instance is readable", One(n, evs, IN, 0x2), Show(n, evs));
        var p = new Libc.PollFd { fd = inner, events = 1 };
        int pr = poll(&p, 1, 0);
        Check("poll() on an epoll fd", pr == 1 && p.revents == 1, $"r={pr} revents={p.revents}");
        evs = Wait(inner, 0, out n);
        Check("inner reports the eventfd", One(n, evs, IN, 0x1), Show(n, evs));

        int got = 0;
        Ev[] gotEvs = [];
        ulong v;
        read(efd, &v, 8);
        var waiter = new Thread(() => gotEvs = Wait(outer, 20_000, out got));
        waiter.Start();
        Thread.Sleep(100);
        Write8(efd);
        waiter.Join();
        Check("nested: a blocked outer wait is woken through the inner one", One(got, gotEvs, IN, 0x2), Show(got, gotEvs));

        Check("ADD an epoll to itself = EINVAL", Ctl(inner, ADD, inner) == -EINVAL);
        Check("a cycle = ELOOP", Ctl(inner, ADD, outer) == -ELOOP);
        int third = epoll_create1(0);
        Check("two-step cycle = ELOOP", Ctl(third, ADD, outer) == 0 && Ctl(inner, ADD, third) == -ELOOP);
        close(third);
        Check("closing the inner one removes it from the outer", close(inner) == 0 && Wait(outer, 0, out n).Length == 0 && n == 0, $"n={n}");
        close(efd);
        close(outer);
    }

    static void Errors()
    {
        int ep = epoll_create1(0);
        int efd = eventfd(0, 0);
        var (rd, wr) = Pipe();
        byte* buf = stackalloc byte[64];
        Check("EPOLLWAKEUP accepted", Ctl(ep, ADD, efd, IN | WAKEUP) == 0);
        Ctl(ep, DEL, efd);
        Check("EPOLLEXCLUSIVE accepted with ADD", Ctl(ep, ADD, efd, IN | EXCLUSIVE) == 0);
        Check("EPOLLEXCLUSIVE with MOD = EINVAL", Ctl(ep, MOD, efd, IN | EXCLUSIVE) == -EINVAL);
        Check("MOD of an exclusive registration = EINVAL", Ctl(ep, MOD, efd, IN) == -EINVAL);
        Check("EPOLLEXCLUSIVE|EPOLLONESHOT = EINVAL", Ctl(ep, ADD, rd, IN | EXCLUSIVE | ONESHOT) == -EINVAL);
        int other = epoll_create1(0);
        Check("EPOLLEXCLUSIVE on an epoll fd = EINVAL", Ctl(ep, ADD, other, IN | EXCLUSIVE) == -EINVAL);
        close(other);
        Check("bad epoll fd = EBADF", Ctl(987, ADD, efd) == -EBADF);
        Check("bad target fd = EBADF", Ctl(ep, ADD, 988) == -EBADF);
        Check("epoll fd that is a pipe = EINVAL", Ctl(rd, ADD, efd) == -EINVAL);
        Check("unknown op = EINVAL", Ctl(ep, 99, rd) == -EINVAL);
        Check("bad event pointer = EFAULT", epoll_ctl(ep, ADD, rd, (byte*)8) == -1 && Errno == EFAULT);

        string path = $"/tmp/epoll-probe-{Environment.ProcessId}.txt";
        File.WriteAllText(path, "x");
        int file, dir, devnull;
        fixed (byte* p = System.Text.Encoding.UTF8.GetBytes(path + "\0")) file = open(p, 0);
        fixed (byte* p = "/tmp\0"u8) dir = open(p, 0);
        fixed (byte* p = "/dev/null\0"u8) devnull = open(p, 2);
        Check("regular file = EPERM", Ctl(ep, ADD, file) == -EPERM, $"fd={file}");
        Check("directory = EPERM", Ctl(ep, ADD, dir) == -EPERM, $"fd={dir}");
        Check("/dev/null = EPERM", Ctl(ep, ADD, devnull) == -EPERM, $"fd={devnull}");
        close(file);
        close(dir);
        close(devnull);
        File.Delete(path);

        // The console (or whatever stdout is: a pipe natively): writable; a regular file is refused.
        int c = Ctl(ep, ADD, 1, OUT, 0xc0);
        var evs = Wait(ep, 0, out int n);
        Check("stdout: writable (or EPERM when it is a regular file)", c == -EPERM || evs.Any(e => e == new Ev(OUT, 0xc0)), $"ctl={c} {Show(n, evs)}");

        Check("epoll_wait maxevents 0 = EINVAL", epoll_wait(ep, buf, 0, 0) == -1 && Errno == EINVAL);
        Check("epoll_wait maxevents -1 = EINVAL", epoll_wait(ep, buf, -1, 0) == -1 && Errno == EINVAL);
        Check("epoll_wait on a pipe = EINVAL", epoll_wait(rd, buf, 4, 0) == -1 && Errno == EINVAL);
        Check("epoll_wait on a bad fd = EBADF", epoll_wait(989, buf, 4, 0) == -1 && Errno == EBADF);
        Write8(efd); // something is ready: Linux checks the buffer only when it stores an event
        Check("epoll_wait into a bad buffer = EFAULT", epoll_wait(ep, (byte*)8, 4, 0) == -1 && Errno == EFAULT);
        long r = read(ep, buf, 8);
        Check("read of an epoll fd = EINVAL", r == -1 && Errno == EINVAL, $"r={r}");
        close(efd);
        close(rd);
        close(wr);
        close(ep);
    }
}
