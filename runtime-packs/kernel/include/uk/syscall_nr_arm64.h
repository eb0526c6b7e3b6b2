/* syscall_nr_arm64.h - Linux arm64 syscall numbers (the generic table, include/uapi/asm-generic/unistd.h).
 * arm64 has none of the legacy path/fd calls (open, stat, pipe, dup2 …): musl uses the *at forms. */
#ifndef UK_SYSCALL_NR_ARM64_H
#define UK_SYSCALL_NR_ARM64_H
#define UK_NR_getcwd 17
#define UK_NR_eventfd2 19
#define UK_NR_epoll_create1 20
#define UK_NR_epoll_ctl 21
#define UK_NR_epoll_pwait 22
#define UK_NR_dup 23
#define UK_NR_dup3 24
#define UK_NR_fcntl 25
#define UK_NR_ioctl 29
#define UK_NR_flock 32
#define UK_NR_mkdirat 34
#define UK_NR_unlinkat 35
#define UK_NR_renameat 38
#define UK_NR_statfs 43
#define UK_NR_fstatfs 44
#define UK_NR_truncate 45
#define UK_NR_ftruncate 46
#define UK_NR_faccessat 48
#define UK_NR_chdir 49
#define UK_NR_fchdir 50
#define UK_NR_fchmod 52
#define UK_NR_fchmodat 53
#define UK_NR_openat 56
#define UK_NR_close 57
#define UK_NR_pipe2 59
#define UK_NR_getdents64 61
#define UK_NR_lseek 62
#define UK_NR_read 63
#define UK_NR_write 64
#define UK_NR_readv 65
#define UK_NR_writev 66
#define UK_NR_pread64 67
#define UK_NR_pwrite64 68
#define UK_NR_pselect6 72
#define UK_NR_ppoll 73
#define UK_NR_readlinkat 78
#define UK_NR_newfstatat 79
#define UK_NR_fstat 80
#define UK_NR_fsync 82
#define UK_NR_fdatasync 83
#define UK_NR_utimensat 88
#define UK_NR_exit 93
#define UK_NR_exit_group 94
#define UK_NR_set_tid_address 96
#define UK_NR_futex 98
#define UK_NR_set_robust_list 99
#define UK_NR_get_robust_list 100
#define UK_NR_nanosleep 101
#define UK_NR_clock_gettime 113
#define UK_NR_clock_getres 114
#define UK_NR_clock_nanosleep 115
#define UK_NR_sched_getscheduler 120
#define UK_NR_sched_getparam 121
#define UK_NR_sched_setaffinity 122
#define UK_NR_sched_getaffinity 123
#define UK_NR_sched_yield 124
#define UK_NR_kill 129
#define UK_NR_tkill 130
#define UK_NR_tgkill 131
#define UK_NR_sigaltstack 132
#define UK_NR_rt_sigaction 134
#define UK_NR_rt_sigprocmask 135
#define UK_NR_rt_sigreturn 139
#define UK_NR_setsid 157
#define UK_NR_uname 160
#define UK_NR_getrlimit 163
#define UK_NR_setrlimit 164
#define UK_NR_getrusage 165
#define UK_NR_umask 166
#define UK_NR_prctl 167
#define UK_NR_getcpu 168
#define UK_NR_gettimeofday 169
#define UK_NR_getpid 172
#define UK_NR_getppid 173
#define UK_NR_getuid 174
#define UK_NR_geteuid 175
#define UK_NR_getgid 176
#define UK_NR_getegid 177
#define UK_NR_gettid 178
#define UK_NR_sysinfo 179
#define UK_NR_brk 214
#define UK_NR_munmap 215
#define UK_NR_mremap 216
#define UK_NR_clone 220
#define UK_NR_execve 221
#define UK_NR_mmap 222
#define UK_NR_fadvise64 223
#define UK_NR_mprotect 226
#define UK_NR_mlock 228
#define UK_NR_munlock 229
#define UK_NR_madvise 233
#define UK_NR_mbind 235
#define UK_NR_get_mempolicy 236
#define UK_NR_prlimit64 261
#define UK_NR_renameat2 276
#define UK_NR_getrandom 278
#define UK_NR_memfd_create 279
#define UK_NR_membarrier 283
#define UK_NR_statx 291
#define UK_NR_rseq 293
#define UK_NR_faccessat2 439
#define UK_NR_epoll_pwait2 441

/* clone(flags, stack, parent_tid, tls, child_tid): tls before child_tid, unlike x86_64. */
#define UK_CLONE_TLS_BEFORE_CTID 1
/* No architecture-only syscalls. */
#define UK_ARCH_SYSCALLS(X)
#define UK_SYSCALL_MAX 512
/* struct epoll_event has its natural layout (16 bytes) */
#define UK_EPOLL_EVENT_PACKED
#endif
