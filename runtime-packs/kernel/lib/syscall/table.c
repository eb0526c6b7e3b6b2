/* table.c - the syscall table: every implemented Linux syscall by number (UK_SYSCALLS and, for calls
 * only some architectures have, UK_ARCH_SYSCALLS in syscall.h), and the dispatcher. Unknown numbers
 * return -ENOSYS and are logged once each. */
#include <uk/errno.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/stats.h>
#include <uk/syscall.h>

#define ENTRY(name) [UK_NR_##name] = (uk_syscall_fn)sys_##name,
static const uk_syscall_fn table[UK_SYSCALL_MAX] = {
    UK_SYSCALLS(ENTRY) UK_ARCH_SYSCALLS(ENTRY)
        /* aliases: one identity, one group */
        [UK_NR_getgid] = (uk_syscall_fn)sys_getuid,
    [UK_NR_geteuid] = (uk_syscall_fn)sys_getuid,
    [UK_NR_getegid] = (uk_syscall_fn)sys_getuid,
    [UK_NR_faccessat2] = (uk_syscall_fn)sys_faccessat,
    [UK_NR_fdatasync] = (uk_syscall_fn)sys_fsync,
};

/* uk.strace: every syscall with the calling thread, its first three arguments and its result, on the console. */
bool uk_syscall_trace;

void uk_syscall(struct uk_trapframe *f)
{
    u64 nr = UK_SYSCALL_NR(f);
    if (uk_unlikely(!uk_stats.syscalls++))
        uk_timeline_mark(UK_TL_SYSCALL);
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
    if (uk_unlikely(uk_syscall_trace) && nr == UK_NR_futex &&
        ((UK_SYSCALL_ARG1(f) & 0x7f) == 0 || (UK_SYSCALL_ARG1(f) & 0x7f) == 9))
        uk_printk("[uk] %d: syscall %lu(%#lx, %#lx, %#lx) ...\n", uk_thread_current()->tid, nr, (u64)UK_SYSCALL_ARG0(f),
                  (u64)UK_SYSCALL_ARG1(f), (u64)UK_SYSCALL_ARG2(f));
    long r = fn(UK_SYSCALL_ARG0(f), UK_SYSCALL_ARG1(f), UK_SYSCALL_ARG2(f), UK_SYSCALL_ARG3(f), UK_SYSCALL_ARG4(f),
                UK_SYSCALL_ARG5(f));
    if (uk_unlikely(uk_syscall_trace))
        uk_printk("[uk] %d: syscall %lu(%#lx, %#lx, %#lx) = %ld\n", uk_thread_current()->tid, nr,
                  (u64)UK_SYSCALL_ARG0(f), (u64)UK_SYSCALL_ARG1(f), (u64)UK_SYSCALL_ARG2(f), r);
    UK_SYSCALL_RET(f) = (u64)r;
}
