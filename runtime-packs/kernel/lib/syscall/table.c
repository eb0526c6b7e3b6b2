/* table.c - the syscall table: every implemented Linux syscall by number, and the dispatcher.
 * Unknown numbers return -ENOSYS and are logged once each. Calls that only some architectures have
 * (x86_64's open, stat, pipe …) come from UK_ARCH_SYSCALLS in syscall_nr_<arch>.h. */
#include <uk/errno.h>
#include <uk/print.h>
#include <uk/stats.h>
#include <uk/syscall.h>

#define SYSCALLS(X) \
    X(read) X(write) X(close) X(fstat) X(lseek) X(mmap) X(mprotect) X(munmap) X(brk) X(rt_sigaction) \
    X(rt_sigprocmask) X(rt_sigreturn) X(ioctl) X(pread64) X(pwrite64) X(readv) X(writev) \
    X(sched_yield) X(mremap) X(madvise) X(dup) X(nanosleep) X(getpid) X(clone) X(exit) X(kill) \
    X(uname) X(fcntl) X(fsync) X(getcwd) X(umask) X(gettimeofday) X(getrlimit) X(getrusage) \
    X(sysinfo) X(getuid) X(getppid) X(setsid) X(sigaltstack) X(statfs) X(fstatfs) X(sched_getparam) \
    X(sched_getscheduler) X(mlock) X(munlock) X(prctl) X(setrlimit) X(gettid) X(tkill) X(futex) \
    X(sched_setaffinity) X(sched_getaffinity) X(getdents64) X(set_tid_address) X(fadvise64) \
    X(clock_gettime) X(clock_getres) X(clock_nanosleep) X(exit_group) X(tgkill) X(mbind) \
    X(get_mempolicy) X(openat) X(newfstatat) X(readlinkat) X(faccessat) X(ppoll) X(set_robust_list) \
    X(get_robust_list) X(dup3) X(pipe2) X(prlimit64) X(getcpu) X(getrandom) X(memfd_create) \
    X(fchmod) X(truncate) X(ftruncate) X(chdir) X(fchdir) X(mkdirat) X(unlinkat) X(renameat) \
    X(fchmodat) X(utimensat) X(renameat2) X(flock) X(eventfd2) X(membarrier) X(statx) X(rseq)

#define DECLARE(name) long sys_##name();
SYSCALLS(DECLARE)
UK_ARCH_SYSCALLS(DECLARE)

#define ENTRY(name) [UK_NR_##name] = (uk_syscall_fn)sys_##name,
static const uk_syscall_fn table[UK_SYSCALL_MAX] = {
    SYSCALLS(ENTRY)
    UK_ARCH_SYSCALLS(ENTRY)
    /* aliases: one identity, one group */
    [UK_NR_getgid] = (uk_syscall_fn)sys_getuid,
    [UK_NR_geteuid] = (uk_syscall_fn)sys_getuid,
    [UK_NR_getegid] = (uk_syscall_fn)sys_getuid,
    [UK_NR_faccessat2] = (uk_syscall_fn)sys_faccessat,
    [UK_NR_fdatasync] = (uk_syscall_fn)sys_fsync,
};

/* uk.strace: every syscall with its first three arguments and its result, on the console. */
bool uk_syscall_trace;

void uk_syscall(struct uk_trapframe *f)
{
    u64 nr = UK_SYSCALL_NR(f);
    uk_stats.syscalls++;
    uk_syscall_fn fn = nr < UK_SYSCALL_MAX ? table[nr] : NULL;
    if (uk_unlikely(!fn)) {
        static u64 logged[UK_SYSCALL_MAX / 64];
        if (nr < UK_SYSCALL_MAX && !(logged[nr / 64] & (1UL << (nr % 64)))) {
            logged[nr / 64] |= 1UL << (nr % 64);
            uk_pr_warn("syscall %lu is not implemented (-ENOSYS)\n", nr);
        }
        UK_SYSCALL_RET(f) = (u64)-ENOSYS;
        return;
    }
    long r = fn(UK_SYSCALL_ARG0(f), UK_SYSCALL_ARG1(f), UK_SYSCALL_ARG2(f), UK_SYSCALL_ARG3(f),
                UK_SYSCALL_ARG4(f), UK_SYSCALL_ARG5(f));
    if (uk_unlikely(uk_syscall_trace))
        uk_printk("[uk] syscall %lu(%#lx, %#lx, %#lx) = %ld\n", nr, (u64)UK_SYSCALL_ARG0(f),
                  (u64)UK_SYSCALL_ARG1(f), (u64)UK_SYSCALL_ARG2(f), r);
    UK_SYSCALL_RET(f) = (u64)r;
}
