/* sys_thread.c - threads and waiting: clone (threads only), exit, futex, sleeping, affinity. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/socket.h>
#include <uk/syscall.h>
#include <uk/time.h>

#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_THREAD 0x10000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000

struct uk_trapframe *uk_syscall_frame(void)
{
    return (struct uk_trapframe *)(uk_thread_current()->kstack_top - sizeof(struct uk_trapframe));
}

struct timespec_k {
    s64 sec, nsec;
};

static long read_timespec(long uts, u64 *ns)
{
    struct timespec_k ts;
    if (!uk_user_copy_from(&ts, (void *)uts, sizeof(ts)))
        return -EFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (s64)UK_NSEC_PER_SEC)
        return -EINVAL;
    *ns = (u64)ts.sec * UK_NSEC_PER_SEC + ts.nsec;
    return 0;
}

/* As Linux's threads-max (RAM over eight kernel stacks, at least 20): a clone beyond it is EAGAIN while memory is
 * left for the threads that run, instead of the last threads failing to fault in their stacks. */
static int threads_max(void)
{
    usize n = uk_pmm_total_pages() * UK_PAGE_SIZE / (8 * UK_KSTACK_SIZE);
    return n < 20 ? 20 : n > 0x3fffffff ? 0x3fffffff : (int)n;
}

#ifdef UK_CLONE_TLS_BEFORE_CTID
long sys_clone(long flags, long newsp, long ptid, long tls, long ctid)
#else
long sys_clone(long flags, long newsp, long ptid, long ctid, long tls)
#endif
{
    const long need = CLONE_VM | CLONE_THREAD | CLONE_SIGHAND;
    if ((flags & need) != need) {
        uk_pr_warn("clone without CLONE_VM|CLONE_THREAD (a new process) is not supported\n");
        return -ENOSYS;
    }
    if (uk_thread_count() >= threads_max())
        return -EAGAIN;
    struct uk_trapframe child = *uk_syscall_frame();
    UK_SYSCALL_RET(&child) = 0;
    if (newsp)
        UK_FRAME_SP(&child) = newsp;
    UK_FRAME_FULL_RESTORE(&child);
    struct uk_thread *t = uk_thread_create(&child, flags & CLONE_SETTLS ? (u64)tls : uk_thread_current()->tls);
    if (!t)
        return -EAGAIN;
    if (newsp)
        uk_vm_thread_stack((uptr)newsp);
    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_child_tid = ctid;
    if ((flags & CLONE_PARENT_SETTID) && !uk_user_copy_to((void *)ptid, &t->tid, sizeof(int)))
        return -EFAULT;
    if (flags & CLONE_CHILD_SETTID)
        uk_user_copy_to((void *)ctid, &t->tid, sizeof(int));
    return t->tid;
}

long sys_fork(void) { return -ENOSYS; }

long sys_set_tid_address(long tidptr)
{
    uk_thread_current()->clear_child_tid = tidptr;
    return uk_thread_current()->tid;
}

long sys_exit(long code)
{
    (void)code;
    struct uk_thread *self = uk_thread_current();
    if (self->clear_child_tid && uk_user_copy_to((void *)self->clear_child_tid, &(u32){0}, 4))
        uk_futex_wake((u32 *)self->clear_child_tid, 1, ~0u);
    uk_thread_exit();
}

long sys_exit_group(long code)
{
    uk_net_exit_drain();
    if (uk_sched_exit_hook)
        uk_sched_exit_hook();
    uk_plat_exit((int)(code & 0xff));
}

long sys_gettid(void) { return uk_thread_current()->tid; }

long sys_sched_yield(void)
{
    uk_sched_yield();
    return 0;
}

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE 128
#define FUTEX_CLOCK_REALTIME 256

static long futex_wake_op(u32 *uaddr, int n, u32 *uaddr2, int n2, u32 encoded)
{
    int op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
    u32 oparg = (encoded >> 12) & 0xfff, cmparg = encoded & 0xfff;
    if (encoded & (8u << 28))
        oparg = 1u << (oparg & 31);
    u32 old, nv;
    if (!uk_user_access_ok(uaddr2, 4, true))
        return -EFAULT;
    uk_user_copy_checked(&old, uaddr2, 4);
    switch (op) {
    case 0: nv = oparg; break;
    case 1: nv = old + oparg; break;
    case 2: nv = old | oparg; break;
    case 3: nv = old & ~oparg; break;
    case 4: nv = old ^ oparg; break;
    default: return -ENOSYS;
    }
    uk_user_copy_checked(uaddr2, &nv, 4);
    long woken = uk_futex_wake(uaddr, n, ~0u);
    bool hit;
    switch (cmp) {
    case 0: hit = old == cmparg; break;
    case 1: hit = old != cmparg; break;
    case 2: hit = (s32)old < (s32)cmparg; break;
    case 3: hit = (s32)old <= (s32)cmparg; break;
    case 4: hit = (s32)old > (s32)cmparg; break;
    case 5: hit = (s32)old >= (s32)cmparg; break;
    default: return -ENOSYS;
    }
    if (hit)
        woken += uk_futex_wake(uaddr2, n2, ~0u);
    return woken;
}

long sys_futex(long uaddr, long op, long val, long timeout, long uaddr2, long val3)
{
    int cmd = op & ~(FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME);
    u64 deadline = 0, ns;
    long r;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        if (timeout) {
            if ((r = read_timespec(timeout, &ns)))
                return r;
            if (cmd == FUTEX_WAIT) /* relative */
                deadline = uk_time_monotonic_ns() + ns;
            else if (op & FUTEX_CLOCK_REALTIME) /* absolute, wall clock */
                deadline = uk_time_monotonic_ns() + (ns > uk_time_wall_ns() ? ns - uk_time_wall_ns() : 0);
            else
                deadline = ns;
            if (!deadline)
                deadline = 1;
        }
        return uk_futex_wait((u32 *)uaddr, (u32)val, deadline, cmd == FUTEX_WAIT ? ~0u : (u32)val3);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: return uk_futex_wake((u32 *)uaddr, (int)val, cmd == FUTEX_WAKE ? ~0u : (u32)val3);
    case FUTEX_CMP_REQUEUE:
        u32 cur;
        if (!uk_user_copy_from(&cur, (void *)uaddr, 4))
            return -EFAULT;
        if (cur != (u32)val3)
            return -EAGAIN;
        /* fall through */
    case FUTEX_REQUEUE: return uk_futex_requeue((u32 *)uaddr, (int)val, (u32 *)uaddr2, (int)timeout);
    case FUTEX_WAKE_OP: return futex_wake_op((u32 *)uaddr, (int)val, (u32 *)uaddr2, (int)timeout, (u32)val3);
    default: return -ENOSYS;
    }
}

static long sleep_until(u64 deadline, long rem)
{
    while (uk_time_monotonic_ns() < deadline) {
        uk_sched_block(deadline);
        if (uk_thread_current()->interrupted && uk_signal_pending()) {
            u64 now = uk_time_monotonic_ns(), left = deadline > now ? deadline - now : 0;
            if (rem)
                uk_user_copy_to((void *)rem,
                                &(struct timespec_k){(s64)(left / UK_NSEC_PER_SEC), (s64)(left % UK_NSEC_PER_SEC)},
                                sizeof(struct timespec_k));
            return -EINTR;
        }
    }
    if (rem)
        uk_user_copy_to((void *)rem, &(struct timespec_k){0, 0}, sizeof(struct timespec_k));
    return 0;
}

long sys_nanosleep(long req, long rem)
{
    u64 ns;
    long r = read_timespec(req, &ns);
    return r ? r : sleep_until(uk_time_monotonic_ns() + ns, rem);
}

#define CLOCK_REALTIME 0
#define TIMER_ABSTIME 1

long sys_clock_nanosleep(long clock, long flags, long req, long rem)
{
    u64 ns;
    long r = read_timespec(req, &ns);
    if (r)
        return r;
    if (!(flags & TIMER_ABSTIME))
        return sleep_until(uk_time_monotonic_ns() + ns, rem);
    if (clock == CLOCK_REALTIME) {
        u64 wall = uk_time_wall_ns();
        return sleep_until(uk_time_monotonic_ns() + (ns > wall ? ns - wall : 0), 0);
    }
    return sleep_until(ns, 0);
}

/* One CPU. */
long sys_sched_getaffinity(long pid, long size, long mask)
{
    (void)pid;
    if (size < 8)
        return -EINVAL;
    if (!uk_user_access_ok((void *)mask, size, true))
        return -EFAULT;
    uk_user_fill_checked((void *)mask, 0, size);
    uk_user_copy_checked((void *)mask, &(u8){1}, 1);
    return 8;
}

long sys_sched_setaffinity(void) { return 0; }
long sys_set_robust_list(void) { return 0; }
long sys_get_robust_list(void) { return -ENOSYS; }
long sys_rseq(void) { return -ENOSYS; }
long sys_sched_getparam(long pid, long param)
{
    (void)pid;
    return uk_user_copy_to((void *)param, &(int){0}, sizeof(int)) ? 0 : -EFAULT;
}
long sys_sched_getscheduler(void) { return 0; /* SCHED_OTHER */ }

/* One CPU, one NUMA node. */
long sys_getcpu(long ucpu, long unode)
{
    if (ucpu && !uk_user_copy_to((void *)ucpu, &(u32){0}, 4))
        return -EFAULT;
    if (unode && !uk_user_copy_to((void *)unode, &(u32){0}, 4))
        return -EFAULT;
    return 0;
}
