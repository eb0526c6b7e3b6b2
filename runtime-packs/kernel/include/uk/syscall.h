/* syscall.h - the Linux syscall ABI as the kernel implements it: each syscall is a sys_<name>()
 * returning a value or -errno, listed once below and placed in lib/syscall/table.c by its Linux number. */
#ifndef UK_SYSCALL_H
#define UK_SYSCALL_H
#include <uk/arch.h>
#include <uk/types.h>

#if defined(__x86_64__)
#include <uk/syscall_nr_x86_64.h>
#else
#include <uk/syscall_nr_arm64.h>
#endif

typedef long (*uk_syscall_fn)(long, long, long, long, long, long);

/* Every syscall the kernel implements on all architectures, by its Linux name; each is a
 * long sys_<name>(...) returning a result or -errno, registered in lib/syscall/table.c. */
/* clang-format off */
#define UK_SYSCALLS(X)                                                                                                 \
    X(read) X(write) X(close) X(fstat) X(lseek) X(mmap) X(mprotect) X(munmap) X(brk) X(rt_sigaction)                   \
    X(rt_sigprocmask) X(rt_sigreturn) X(ioctl) X(pread64) X(pwrite64) X(readv) X(writev) X(sched_yield)                \
    X(mremap) X(madvise) X(dup) X(nanosleep) X(getpid) X(clone) X(exit) X(kill) X(uname) X(fcntl) X(fsync) X(sync)     \
    X(getcwd) X(umask) X(gettimeofday) X(getrlimit) X(getrusage) X(sysinfo) X(getuid) X(getppid) X(setsid)             \
    X(sigaltstack) X(statfs) X(fstatfs) X(sched_getparam) X(sched_getscheduler) X(mlock) X(munlock) X(prctl)           \
    X(setrlimit) X(gettid) X(tkill) X(futex) X(sched_setaffinity) X(sched_getaffinity) X(getdents64)                   \
    X(set_tid_address) X(fadvise64) X(clock_gettime) X(clock_getres) X(clock_nanosleep) X(exit_group)                  \
    X(tgkill) X(mbind) X(get_mempolicy) X(openat) X(newfstatat) X(readlinkat) X(faccessat) X(ppoll)                    \
    X(set_robust_list) X(get_robust_list) X(dup3) X(pipe2) X(prlimit64) X(getcpu) X(getrandom) X(memfd_create)         \
    X(fchmod) X(truncate) X(ftruncate) X(chdir) X(fchdir) X(mkdirat) X(unlinkat) X(renameat) X(fchmodat)               \
    X(utimensat) X(renameat2) X(flock) X(eventfd2) X(membarrier) X(statx) X(rseq) X(pselect6) X(syncfs)             \
    X(epoll_create1) X(epoll_ctl) X(epoll_pwait) X(epoll_pwait2) X(inotify_init1) X(inotify_add_watch)                 \
    X(inotify_rm_watch)                                                                                                \
    X(socket) X(socketpair) X(bind) X(listen) X(accept) X(accept4) X(connect) X(getsockname) X(getpeername)            \
    X(sendto) X(recvfrom) X(sendmsg) X(recvmsg) X(shutdown) X(setsockopt) X(getsockopt)
/* clang-format on */

#define UK_SYSCALL_DECLARE(name) long sys_##name();
UK_SYSCALLS(UK_SYSCALL_DECLARE)
UK_ARCH_SYSCALLS(UK_SYSCALL_DECLARE)

#endif
