/* sys_misc.c - identity, limits, system information, clocks, randomness and the like. */
#include <uk/arch.h>
#include <uk/devfs.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/syscall.h>
#include <uk/time.h>

long sys_getpid(void) { return 1; }
long sys_getppid(void) { return 0; }
long sys_getuid(void) { return 0; }
long sys_getpgrp(void) { return 1; }
long sys_setsid(void) { return -EPERM; }
long sys_umask(long m)
{
    (void)m;
    return 022;
}

struct utsname_k {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

long sys_uname(long ubuf)
{
    struct utsname_k u;
    uk_memset(&u, 0, sizeof(u));
    uk_strlcpy(u.sysname, "Linux", 65); /* what the ABI is; programs branch on it */
    uk_strlcpy(u.nodename, "unikraft", 65);
    uk_strlcpy(u.release, "6.1.0-unikraft-sdk", 65);
    uk_strlcpy(u.version, "#1 Unikraft.Sdk kernel core", 65);
    uk_strlcpy(u.machine, uk_arch_platform(), 65);
    return uk_user_copy_to((void *)ubuf, &u, sizeof(u)) ? 0 : -EFAULT;
}

struct rlimit_k {
    u64 cur, max;
};
#define RLIM_INFINITY (~0UL)

static struct rlimit_k limit_of(int res)
{
    switch (res) {
    case 3: /* RLIMIT_STACK */ return (struct rlimit_k){8UL << 20, RLIM_INFINITY};
    case 7: /* RLIMIT_NOFILE */ return (struct rlimit_k){1024, 1024};
    default: return (struct rlimit_k){RLIM_INFINITY, RLIM_INFINITY};
    }
}

long sys_prlimit64(long pid, long res, long newlim, long oldlim)
{
    (void)pid;
    if (res < 0 || res > 15)
        return -EINVAL;
    struct rlimit_k l = limit_of((int)res);
    if (oldlim && !uk_user_copy_to((void *)oldlim, &l, sizeof(l)))
        return -EFAULT;
    (void)newlim; /* limits are fixed */
    return 0;
}

long sys_getrlimit(long res, long lim) { return sys_prlimit64(0, res, 0, lim); }
long sys_setrlimit(void) { return 0; }

struct sysinfo_k {
    s64 uptime;
    u64 loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    u16 procs, pad;
    u64 totalhigh, freehigh;
    u32 mem_unit;
}; /* 112 bytes on 64-bit Linux: nothing after mem_unit */
_Static_assert(sizeof(struct sysinfo_k) == 112, "struct sysinfo layout");

long sys_sysinfo(long ubuf)
{
    struct sysinfo_k si;
    uk_memset(&si, 0, sizeof(si));
    si.uptime = (s64)(uk_time_monotonic_ns() / UK_NSEC_PER_SEC);
    si.totalram = uk_pmm_total_pages() * UK_PAGE_SIZE;
    si.freeram = uk_pmm_free_pages() * UK_PAGE_SIZE;
    si.bufferram = uk_pmm_reclaimable_pages() * UK_PAGE_SIZE;
    si.procs = (u16)uk_thread_count();
    si.mem_unit = 1;
    return uk_user_copy_to((void *)ubuf, &si, sizeof(si)) ? 0 : -EFAULT;
}

/* prctl: names and the few flags runtimes set; everything else is accepted as a no-op only where
 * Linux would not change behaviour we implement. */
long sys_prctl(long option)
{
    switch (option) {
    case 15: /* PR_SET_NAME */
    case 16: /* PR_GET_NAME */
    case 4:  /* PR_SET_DUMPABLE */
    case 3:  /* PR_GET_DUMPABLE */
    case 1:  /* PR_SET_PDEATHSIG */
    case 38: /* PR_SET_NO_NEW_PRIVS */
    case 0x59616d61: /* PR_SET_PTRACER */ return 0;
    default: return -EINVAL;
    }
}

struct timespec_k2 {
    s64 sec, nsec;
};

/* getrusage: CPU time is wall time since boot (the program owns the CPU); no other counters. */
long sys_getrusage(long who, long uru)
{
    (void)who;
    u64 buf[18] = {0};
    u64 ns = uk_time_monotonic_ns();
    buf[0] = ns / UK_NSEC_PER_SEC;
    buf[1] = ns % UK_NSEC_PER_SEC / 1000;
    return uk_user_copy_to((void *)uru, buf, sizeof(buf)) ? 0 : -EFAULT;
}

long sys_clock_gettime(long clock, long uts)
{
    u64 ns;
    switch (clock) {
    case 0: /* REALTIME */
    case 5: /* REALTIME_COARSE */
    case 11: /* TAI */ ns = uk_time_wall_ns(); break;
    case 1: /* MONOTONIC */
    case 4: /* MONOTONIC_RAW */
    case 6: /* MONOTONIC_COARSE */
    case 7: /* BOOTTIME */
    case 2: /* PROCESS_CPUTIME_ID: one process that owns the machine */
    case 3: /* THREAD_CPUTIME_ID */ ns = uk_time_monotonic_ns(); break;
    default: return -EINVAL;
    }
    struct timespec_k2 ts = {(s64)(ns / UK_NSEC_PER_SEC), (s64)(ns % UK_NSEC_PER_SEC)};
    return uk_user_copy_to((void *)uts, &ts, sizeof(ts)) ? 0 : -EFAULT;
}

long sys_clock_getres(long clock, long uts)
{
    if (clock < 0 || clock > 11)
        return -EINVAL;
    struct timespec_k2 ts = {0, 1};
    if (uts && !uk_user_copy_to((void *)uts, &ts, sizeof(ts)))
        return -EFAULT;
    return 0;
}

long sys_gettimeofday(long utv, long utz)
{
    (void)utz;
    u64 ns = uk_time_wall_ns();
    s64 tv[2] = {(s64)(ns / UK_NSEC_PER_SEC), (s64)(ns % UK_NSEC_PER_SEC / 1000)};
    if (utv && !uk_user_copy_to((void *)utv, tv, sizeof(tv)))
        return -EFAULT;
    return 0;
}

long sys_time(long ut)
{
    s64 t = (s64)(uk_time_wall_ns() / UK_NSEC_PER_SEC);
    if (ut && !uk_user_copy_to((void *)ut, &t, sizeof(t)))
        return -EFAULT;
    return t;
}

/* getrandom and /dev/urandom: the kernel's ChaCha20 generator (lib/klibc/random.c). */
long sys_getrandom(long buf, long len, long flags)
{
    (void)flags;
    if (len < 0)
        return -EINVAL;
    return uk_devfs_random_to_user((void *)buf, (usize)len);
}

/* One CPU: every barrier is already global. */
long sys_membarrier(long cmd)
{
    if (cmd == 0)          /* QUERY */
        return 1 | 8 | 16; /* GLOBAL, PRIVATE_EXPEDITED, REGISTER_PRIVATE_EXPEDITED */
    return 0;
}
