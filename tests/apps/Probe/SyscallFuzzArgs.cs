// The syscall fuzzer's argument values by kind (see SyscallSpecs.cs), and what it does after a call: keep the
// descriptors the call made, unmap what it mapped outside the arena, and map the arena back after a memory call.
// Structures the kernel reads pointers from (iovecs, msghdr, pselect6's sigmask pair) and the timeouts are built
// in a second mapping, `konst`, that holds nothing else: the kernel never gets a pointer the program depends on.
using System.Runtime.InteropServices;

static unsafe partial class SyscallFuzzProbe
{
    const int O_NONBLOCK = 0x800, O_ASYNC = 0x2000, LOCK_NB = 4, MAP_FIXED_NOREPLACE = 0x100000, MREMAP_FIXED = 2;
    const int KonstSize = 64 * 1024, Times = 0, Paths = 4096, Built = 32 * 1024;
    static byte* konst;
    static readonly List<long> paths = [], changeable = [];
    static readonly string[] PathNames = ["/", "/tmp", "/proc", "/proc/self/maps", "/proc/self/status", "/dev/null", "/dev/zero",
        "/sys", "/etc", "/appsettings.json", "", ".", "..", "/nonexistent/x", "/tmp/fz/a/../../fz"];
    static readonly string[] ChangeableNames = ["/tmp/fz", "/tmp/fz/a", "/tmp/fz/b", "/tmp/fz/b/c", "/tmp/fz/../fz/d", "/tmp/fz/a/"];
    // fcntl commands that would send the program signals (F_SETOWN, F_SETSIG, F_SETOWN_EX, F_SETLEASE, F_NOTIFY), and
    // ioctls that switch a descriptor to blocking or signal-driven I/O.
    static readonly long[] SignallingFcntl = [8, 10, 15, 1024, 1026];
    static readonly long[] UnsafeIoctl = [0x5421, 0x5452, 0x8901, 0x8902, 0x5410, 0x540E];

    [DllImport("libc", SetLastError = true)] static extern int fcntl(int fd, int cmd, long arg);

    static void MakeKonst()
    {
        konst = (byte*)mmap(0, KonstSize, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        byte* at = konst + Paths;
        foreach (string[] names in new[] { PathNames, ChangeableNames })
        {
            foreach (string n in names)
            {
                (names == PathNames ? paths : changeable).Add((long)at);
                at += System.Text.Encoding.ASCII.GetBytes(n, new Span<byte>(at, 256)) + 1;
            }
        }

        long longPath = (long)at;
        new Span<byte>(at, 5000).Fill((byte)'a');
        at[5000] = 0;
        paths.Add(longPath);
        changeable.Add(longPath);
    }

    /// <summary>Addresses the program cannot use: the kernel's, null, low, non-canonical, the top, the arena's guard page and its edge.</summary>
    static long Unusable(ref Rng rng)
    {
        long end = (long)arena + ArenaSize - Page;
        return rng.Below(3) == 0 && kernel.Length > 0
            ? kernel[rng.Below(kernel.Length)] + rng.Below(64)
            : rng.Pick(0L, 0x1000L, 0x0000_8000_0000_0000L, unchecked((long)0xffff_8000_0000_0000UL), -1L, -4096L, end, end - 3, end + 100,
                       0x7fff_ffff_ffffL, (long)(rng.Next() | 0x8000_0000_0000_0000UL));
    }

    static long InArena(ref Rng rng) => rng.Below(4) switch
    {
        0 => (long)arena,
        1 => (long)arena + 1 + rng.Below(64),   // misaligned
        _ => (long)arena + rng.Below((int)(ArenaSize - Page)),
    };

    static long Fd(ref Rng rng) => fds.Count > 0 && rng.Below(5) != 0 ? fds[rng.Below(fds.Count)] : rng.Pick(-1, 1 << 20, int.MaxValue, int.MinValue, 4095);

    static long Length(ref Rng rng) => rng.Below(12) switch
    {
        0 => 0,
        1 => 1,
        2 => 8 << rng.Below(10),
        3 => 4096,
        4 => ArenaSize,
        5 => int.MaxValue,
        6 => 1L << 32,
        7 => 1L << 62,
        8 => -1,
        9 => (long)rng.Next(),
        _ => rng.Below(65536),
    };

    static long Int(ref Rng rng) => rng.Below(8) switch
    {
        0 => 0,
        1 => 1,
        2 => -1,
        3 => rng.Below(64),
        4 => 1L << rng.Below(32),
        5 => int.MaxValue,
        6 => (long)rng.Next(),
        _ => (int)rng.Next(),
    };

    internal static long Value(char kind, ref Rng rng, string name)
    {
        switch (kind)
        {
            case 'f':
            case 'F':
                return Fd(ref rng);
            case 'd':
                return rng.Below(3) == 0 ? -100 : Fd(ref rng);   // AT_FDCWD
            case 'p':
                return rng.Below(3) == 0 ? Unusable(ref rng) : InArena(ref rng);
            case 'r':
                return rng.Below(4) == 0 ? 0 : Unusable(ref rng);
            case 'a':
                return rng.Below(4) == 0 ? Unusable(ref rng) : (long)arena + Page * rng.Below((int)(ArenaSize / Page) - 1) + (rng.Below(8) == 0 ? 1 : 0);
            case 'm':
                return rng.Below(5) == 0 ? rng.Pick(-1L, long.MinValue, -4096L) : rng.Below(3) == 0 ? Page : rng.Below((int)ArenaSize);
            case 's':
                return rng.Below(5) == 0 ? (rng.Below(2) == 0 ? Unusable(ref rng) : InArena(ref rng)) : paths[rng.Below(paths.Count)];
            case 'w':
                return rng.Below(6) == 0 ? Unusable(ref rng) : changeable[rng.Below(changeable.Count)];
            case 'l':
                return Length(ref rng);
            case 'k':
                return rng.Pick(0, 1, Environment.ProcessId, -1, 99_999, int.MaxValue, int.MinValue);
            case 'g':
                return rng.Pick(0, 0, 65, 1000, -1, int.MinValue);
            case 'o':
            case 'z':
                return 0;
            case 'n':
                return (rng.Below(3) == 0 ? Int(ref rng) : rng.Below(8) << 19) | O_NONBLOCK;
            case 'b':
                return Int(ref rng) | LOCK_NB;
            case 'y':
                return rng.Pick(0x1003, 0x1004, 0x3001, 0, 0x1005, 0xffff);
            case 'c':
                long cmd = rng.Below(2) == 0 ? rng.Pick(0, 1, 2, 3, 4, 5, 6, 7, 9, 36, 37, 1030, 1031, 1032, 1033, 1034) : Int(ref rng);
                return Array.IndexOf(SignallingFcntl, cmd) >= 0 || cmd == 38 ? 3 : cmd;   // F_OFD_SETLKW could wait on ourselves
            case 'q':
                long req = rng.Below(2) == 0
                    ? rng.Pick(0x541B, 0x5401, 0x5413, unchecked((long)0x80081272), 0x1268, 0x125e, 0x5451, 0x5450, 0x8912, 0x8913, 0x8915)
                    : Int(ref rng);
                return Array.IndexOf(UnsafeIoctl, req) >= 0 ? 0x541B : req;
            case 'e':
                return rng.Below(2) == 0 ? Int(ref rng) : Value('p', ref rng, name);
            case 't':
            case 'u':
                long bad = Unusable(ref rng);   // never null: that would wait for ever
                return rng.Below(5) == 0 && bad != 0 ? bad : (long)(konst + Times + 16 * rng.Below(6));
            case 'v':
                return rng.Below(5) == 0 ? Unusable(ref rng) : Iovecs(ref rng, Built);
            case 'M':
                return rng.Below(5) == 0 ? Unusable(ref rng) : Msghdr(ref rng);
            case '6':
                long* pair = (long*)(konst + Built + 2048);
                pair[0] = rng.Below(3) == 0 ? 0 : Value('p', ref rng, name);
                pair[1] = rng.Pick(8, 0, 16, -1);
                return rng.Below(5) == 0 ? Unusable(ref rng) : (long)pair;
            default:
                return Int(ref rng);
        }
    }

    static long Iovecs(ref Rng rng, int offset)
    {
        long* v = (long*)(konst + offset);
        for (int i = 0; i < 16; i++)
        {
            v[2 * i] = Value('p', ref rng, "iovec");
            v[2 * i + 1] = rng.Below(4) == 0 ? Length(ref rng) : rng.Below(8192);
        }

        return (long)v;
    }

    static long Msghdr(ref Rng rng)
    {
        long* m = (long*)(konst + Built + 1024);
        m[0] = rng.Below(3) == 0 ? 0 : Value('p', ref rng, "msg_name");
        m[1] = rng.Pick(0, 16, 28, 128, -1);
        m[2] = rng.Below(5) == 0 ? Unusable(ref rng) : Iovecs(ref rng, Built + 512);
        m[3] = rng.Below(4) == 0 ? Length(ref rng) : rng.Below(17);
        m[4] = rng.Below(3) == 0 ? 0 : Value('p', ref rng, "msg_control");
        m[5] = rng.Below(3) == 0 ? 0 : Length(ref rng);
        m[6] = Int(ref rng);
        return (long)m;
    }

    /// <summary>The timeouts reset before each call (ppoll writes back what is left): zero, 1 µs, and invalid ones.</summary>
    static void ResetTimes()
    {
        long* t = (long*)(konst + Times);
        long[] values = [0, 0, 0, 1000, 0, -1, -1, 0, 0, 1_000_000_000, 0, 1];
        for (int i = 0; i < values.Length; i++)
        {
            t[i] = values[i];
        }
    }

    /// <summary>Fixes up arguments that depend on each other, so that a call cannot reach outside the arena.</summary>
    internal static void Confine(string name, long[] a)
    {
        bool InArenaAt(long p) => p >= (long)arena && p < (long)arena + ArenaSize;
        long Room(long p) => (long)arena + ArenaSize - Page - p;
        switch (name)
        {
            case "mmap":
                if (!InArenaAt(a[0]))
                    a[3] &= ~(long)(MAP_FIXED | MAP_FIXED_NOREPLACE);
                else if (a[1] > 0 && a[1] > Room(a[0]))
                    a[1] = Math.Max(Room(a[0]), 0);
                break;
            case "mremap":
                if (!InArenaAt(a[4]))
                    a[3] &= ~(long)MREMAP_FIXED;
                else if (a[2] > 0 && a[2] > Room(a[4]))
                    a[2] = Math.Max(Room(a[4]), 0);
                goto case "munmap";
            case "munmap":
            case "mprotect":
            case "madvise":
            case "mlock":
            case "munlock":
            case "mbind":
                if (InArenaAt(a[0]) && a[1] > 0 && a[1] > Room(a[0]))
                    a[1] = Math.Max(Room(a[0]), 0);
                break;
            case "fcntl" when a[1] == 4:   // F_SETFL: stays non-blocking, never signal-driven
                a[2] = (a[2] | O_NONBLOCK) & ~(long)O_ASYNC;
                break;
        }
    }

    internal static void After(string name, long result, long[] a)
    {
        bool outside = result != -1 && (result < (long)arena || result >= (long)arena + ArenaSize);
        switch (name)
        {
            case "open" or "openat" or "dup" or "dup3" or "socket" or "accept" or "accept4" or "eventfd" or "eventfd2"
                or "epoll_create" or "epoll_create1" or "inotify_init" or "inotify_init1" or "memfd_create" when result >= 0:
            case "fcntl" when result >= 0 && (a[1] == 0 || a[1] == 1030):
                Keep((int)result);
                break;
            case "pipe" or "pipe2" or "socketpair" when result == 0:
                int* pair = (int*)(name == "socketpair" ? a[3] : a[0]);
                Keep(pair[0]);
                Keep(pair[1]);
                break;
            case "close" when result == 0:
                fds.Remove((int)a[0]);
                break;
            case "mmap" or "munmap" or "mremap" or "mprotect" or "madvise" or "mlock" or "munlock" or "mbind":
                // What a call mapped outside the arena goes at once; the arena is mapped back as it was.
                if (name == "mmap" && outside)
                    munmap((nint)result, (nuint)a[1]);
                if (name == "mremap" && outside)
                    munmap((nint)result, (nuint)a[2]);
                RestoreArena();
                break;
        }
    }

    static void Keep(int fd)
    {
        if (fd <= 2 || fds.Contains(fd))
            return;
        // Calls without a flags argument (pipe, eventfd, accept, dup …) make blocking descriptors: not for the fuzzer.
        fcntl(fd, 4, fcntl(fd, 3, 0) | O_NONBLOCK);
        fds.Add(fd);
        if (fds.Count > 256)
        {
            foreach (int old in fds.Take(64).ToList())
            {
                close(old);
                fds.Remove(old);
            }
        }
    }
}
