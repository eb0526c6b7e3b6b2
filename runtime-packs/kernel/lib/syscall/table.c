/* table.c - the syscall table: every implemented Linux syscall by number (UK_SYSCALLS and, for calls
 * only some architectures have, UK_ARCH_SYSCALLS in syscall.h), and the dispatcher. Unknown numbers
 * return -ENOSYS and are logged once each. */
#include <uk/errno.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/stats.h>
#include <uk/syscall.h>

/* Two tables instead of 512 pointers (1.6 KB instead of 4 KB): the handlers in list order, and per number a byte, the
 * handler's place in that list plus one (0: not implemented). */
#define ORDINAL(name) UK_SYS_##name,
enum { UK_SYSCALLS(ORDINAL) UK_ARCH_SYSCALLS(ORDINAL) UK_SYS_COUNT };
_Static_assert(UK_SYS_COUNT < 256, "a byte per number holds every handler's place");

#define HANDLER(name) (uk_syscall_fn) sys_##name,
static const uk_syscall_fn handlers[UK_SYS_COUNT] = {UK_SYSCALLS(HANDLER) UK_ARCH_SYSCALLS(HANDLER)};

#define PLACE(name) [UK_NR_##name] = UK_SYS_##name + 1,
static const u8 places[UK_SYSCALL_MAX] = {
    UK_SYSCALLS(PLACE) UK_ARCH_SYSCALLS(PLACE)
        /* aliases: one identity, one group */
        [UK_NR_getgid] = UK_SYS_getuid + 1,
    [UK_NR_geteuid] = UK_SYS_getuid + 1,
    [UK_NR_getegid] = UK_SYS_getuid + 1,
    [UK_NR_faccessat2] = UK_SYS_faccessat + 1,
    [UK_NR_fdatasync] = UK_SYS_fsync + 1,
};

/* uk.strace: every syscall with the calling thread, its first three arguments and its result, on the console. */
bool uk_syscall_trace;

void uk_syscall(struct uk_trapframe *f)
{
    u64 nr = UK_SYSCALL_NR(f);
    if (uk_unlikely(!uk_stats.syscalls++))
        uk_timeline_mark(UK_TL_SYSCALL);
    uk_syscall_fn fn = nr < UK_SYSCALL_MAX && places[nr] ? handlers[places[nr] - 1] : NULL;
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
