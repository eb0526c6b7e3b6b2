/* sys_signal.c - signal syscalls: dispositions, masks, alternate stacks, and sending. */
#include <uk/errno.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/syscall.h>

long sys_rt_sigaction(long sig, long uact, long uold, long size)
{
    if (sig < 1 || sig > UK_NSIG || size != 8)
        return -EINVAL;
    if (uold && !uk_user_copy_to((void *)uold, &uk_sigactions[sig], sizeof(struct uk_sigaction)))
        return -EFAULT;
    if (uact) {
        if (sig == UK_SIGKILL || sig == UK_SIGSTOP)
            return -EINVAL;
        struct uk_sigaction a;
        if (!uk_user_copy_from(&a, (void *)uact, sizeof(a)))
            return -EFAULT;
        uk_sigactions[sig] = a;
    }
    return 0;
}

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define UNBLOCKABLE ((1UL << (UK_SIGKILL - 1)) | (1UL << (UK_SIGSTOP - 1)))

long sys_rt_sigprocmask(long how, long uset, long uold, long size)
{
    struct uk_thread *t = uk_thread_current();
    if (size != 8)
        return -EINVAL;
    if (uold && !uk_user_copy_to((void *)uold, &t->sigmask, 8))
        return -EFAULT;
    if (!uset)
        return 0;
    u64 set;
    if (!uk_user_copy_from(&set, (void *)uset, 8))
        return -EFAULT;
    switch (how) {
    case SIG_BLOCK: t->sigmask |= set; break;
    case SIG_UNBLOCK: t->sigmask &= ~set; break;
    case SIG_SETMASK: t->sigmask = set; break;
    default: return -EINVAL;
    }
    t->sigmask &= ~UNBLOCKABLE;
    return 0;
}

struct stack_k {
    u64 sp;
    s32 flags, pad;
    u64 size;
};

long sys_sigaltstack(long uss, long uold)
{
    struct uk_thread *t = uk_thread_current();
    if (uold) {
        struct stack_k o = {t->altstack_sp, t->altstack_sp ? 0 : 2 /* SS_DISABLE */, 0, t->altstack_size};
        if (!uk_user_copy_to((void *)uold, &o, sizeof(o)))
            return -EFAULT;
    }
    if (uss) {
        struct stack_k s;
        if (!uk_user_copy_from(&s, (void *)uss, sizeof(s)))
            return -EFAULT;
        if (s.flags & 2) {
            t->altstack_sp = t->altstack_size = 0;
        } else {
            if (s.size < 2048)
                return -ENOMEM;
            t->altstack_sp = s.sp;
            t->altstack_size = s.size;
        }
    }
    return 0;
}

long sys_tgkill(long tgid, long tid, long sig)
{
    if (tgid != 1)
        return -ESRCH;
    return uk_signal_send((int)tid, (int)sig);
}

long sys_tkill(long tid, long sig) { return uk_signal_send((int)tid, (int)sig); }

long sys_kill(long pid, long sig)
{
    if (pid != 1 && pid != 0 && pid != -1)
        return -ESRCH;
    return uk_signal_send(uk_thread_current()->tid, (int)sig);
}
