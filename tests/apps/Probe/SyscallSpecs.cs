// The syscall fuzzer's table: every syscall the kernel implements (include/uk/syscall.h) with its number on x86_64
// and arm64 and the kind of each argument, and what a kind may hold. Kinds keep the program from hurting itself the
// ways Linux lets it (see SyscallFuzzProbe.cs): only the fuzzer's own descriptors, pointers only into its arena or
// at memory the program cannot use (null, the kernel, non-canonical, wrapping), no valid signal handler, no signal to
// itself, no memory operation outside the arena, no timeout that waits.
using System.Runtime.InteropServices;
using Rng = SyscallFuzzProbe.Rng;

sealed unsafe class SyscallSpec(string name, long number, string kinds)
{
    public string Name => name;
    public long Number => number;

    public long[] Arguments(Rng rng)
    {
        var a = new long[6];
        for (int i = 0; i < kinds.Length; i++)
        {
            a[i] = SyscallFuzzProbe.Value(kinds[i], ref rng, name);
        }

        SyscallFuzzProbe.Confine(name, a);
        return a;
    }

    /// <summary>Keeps the descriptors a call made, and puts the arena back after a memory call.</summary>
    public void After(long result, long[] a) => SyscallFuzzProbe.After(name, result, a);
}

static class SyscallSpecs
{
    public static long Kill => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 62 : 129;

    // name:x86_64:arm64:kinds. Kinds: f own fd (or invalid), F fd that the call may close (own), d directory fd
    // (AT_FDCWD too), p pointer the kernel may read or write (arena or unusable), r pointer that must not be valid
    // (unusable or null), v iovec array, M msghdr, s path, w path the call may change (under /tmp/fz), l length,
    // a address in the arena (or unusable), m length within the arena (or wrapping), i random int, c fcntl command,
    // e fcntl/ioctl argument, q ioctl request, t timespec pointer (zero, short or invalid, never null), u timeval
    // pointer, o timeout in ms (0), g signal for kill (0 or invalid), k pid, n creation flags (non-blocking added),
    // b flock operation (LOCK_NB added), y arch_prctl code (reads only), 6 pselect6's sigmask argument, z zero.
    const string Table =
        "read:0:63:fpl write:1:64:fpl close:3:57:F fstat:5:80:fp lseek:8:62:fii mmap:9:222:amiifi mprotect:10:226:ami " +
        "munmap:11:215:am brk:12:214:r rt_sigaction:13:134:irpi rt_sigprocmask:14:135:irpi ioctl:16:29:fqe " +
        "pread64:17:67:fpli pwrite64:18:68:fpli readv:19:65:fvi writev:20:66:fvi sched_yield:24:124: " +
        "mremap:25:216:ammia madvise:28:233:ami dup:32:23:f nanosleep:35:101:tp getpid:39:172: kill:62:129:kg " +
        "uname:63:160:p fcntl:72:25:fce fsync:74:82:f sync:162:81: getcwd:79:17:pl umask:95:166:i " +
        "gettimeofday:96:169:pp getrlimit:97:163:ip getrusage:98:165:ip sysinfo:99:179:p getuid:102:174: " +
        "getppid:110:173: setsid:112:157: sigaltstack:131:132:rp statfs:137:43:sp fstatfs:138:44:fp " +
        "sched_getparam:143:121:kp sched_getscheduler:145:120:k mlock:149:228:am munlock:150:229:am prctl:157:167:iiiii " +
        "setrlimit:160:164:ir gettid:186:178: tkill:200:130:kg futex:202:98:aiitai sched_setaffinity:203:122:klp " +
        "sched_getaffinity:204:123:klp getdents64:217:61:fpl set_tid_address:218:96:p fadvise64:221:223:fiii " +
        "clock_gettime:228:113:ip clock_getres:229:114:ip clock_nanosleep:230:115:iitp tgkill:234:131:kkg " +
        "mbind:237:235:amipii get_mempolicy:239:236:pplai openat:257:56:dsni newfstatat:262:79:dspi " +
        "readlinkat:267:78:dspl faccessat:269:48:dsii ppoll:271:73:pltpi set_robust_list:273:99:rl " +
        "get_robust_list:274:100:kpp dup3:292:24:ffi pipe2:293:59:pn prlimit64:302:261:kirp getcpu:309:168:ppp " +
        "getrandom:318:278:pli memfd_create:319:279:sn fchmod:91:52:fi truncate:76:45:wl ftruncate:77:46:fl " +
        "chdir:80:49:s fchdir:81:50:f mkdirat:258:34:dwi unlinkat:263:35:dwi renameat:264:38:dwdw " +
        "fchmodat:268:53:dsii utimensat:280:88:dspi renameat2:316:276:dwdwi flock:73:32:fb eventfd2:290:19:in " +
        "membarrier:324:283:iii statx:332:291:dsiip rseq:334:293:plii pselect6:270:72:ippptz syncfs:306:267:f " +
        "epoll_create1:291:20:n epoll_ctl:233:21:fifp epoll_pwait:281:22:fplopi epoll_pwait2:441:441:fpltpi " +
        "inotify_init1:294:26:n inotify_add_watch:254:27:fsi inotify_rm_watch:255:28:fi socket:41:198:inm " +
        "socketpair:53:199:inip bind:49:200:fpl listen:50:201:fi accept:43:202:fpp accept4:288:242:fppn " +
        "connect:42:203:fpl getsockname:51:204:fpp getpeername:52:205:fpp sendto:44:206:fplipl " +
        "recvfrom:45:207:fplipp sendmsg:46:211:fMi recvmsg:47:212:fMi shutdown:48:210:fi " +
        "setsockopt:54:208:fiipl getsockopt:55:209:fiipp " +
        // only on x86_64
        "open:2:-:sni stat:4:-:sp lstat:6:-:sp poll:7:-:plo access:21:-:si pipe:22:-:p dup2:33:-:ff time:201:-:p " +
        "arch_prctl:158:-:yp rename:82:-:ww mkdir:83:-:wi rmdir:84:-:w unlink:87:-:w chmod:90:-:si readlink:89:-:spl " +
        "getpgrp:111:-: eventfd:284:-:in select:23:-:ipppu epoll_create:213:-:i epoll_wait:232:-:fplo inotify_init:253:-:";

    public static SyscallSpec[] ForThisArchitecture()
    {
        bool x64 = RuntimeInformation.ProcessArchitecture == Architecture.X64;
        var specs = new List<SyscallSpec>();
        foreach (string entry in Table.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = entry.Split(':');
            string number = x64 ? f[1] : f[2];
            if (number != "-")
            {
                specs.Add(new SyscallSpec(f[0], long.Parse(number), f[3]));
            }
        }

        // Numbers no syscall has: the table's edge and beyond (ENOSYS).
        specs.Add(new SyscallSpec("none", 511, "iiiiii"));
        specs.Add(new SyscallSpec("none", 4096, "iiiiii"));
        specs.Add(new SyscallSpec("none", -1, "iiiiii"));
        return [.. specs];
    }
}
