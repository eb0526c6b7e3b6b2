/* signal.c - signal dispositions, pending sets and delivery with Linux semantics: faults and tgkill
 * become pending signals of a thread; every return to user mode delivers the lowest unblocked one,
 * through the program's handler (arch signal frame) or the default action. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/stats.h>

struct uk_sigaction uk_sigactions[UK_NSIG + 1];

static const char *const names[] = {
    [UK_SIGHUP] = "SIGHUP",   [UK_SIGINT] = "SIGINT",   [UK_SIGQUIT] = "SIGQUIT", [UK_SIGILL] = "SIGILL",
    [UK_SIGTRAP] = "SIGTRAP", [UK_SIGABRT] = "SIGABRT", [UK_SIGBUS] = "SIGBUS",   [UK_SIGFPE] = "SIGFPE",
    [UK_SIGKILL] = "SIGKILL", [UK_SIGUSR1] = "SIGUSR1", [UK_SIGSEGV] = "SIGSEGV", [UK_SIGUSR2] = "SIGUSR2",
    [UK_SIGPIPE] = "SIGPIPE", [UK_SIGALRM] = "SIGALRM", [UK_SIGTERM] = "SIGTERM"};

#define BIT(sig) (1UL << ((sig)-1))

const char *uk_signal_name(int sig)
{
    if (sig > 0 && sig < (int)UK_ARRAY_SIZE(names) && names[sig])
        return names[sig];
    return sig >= 34 ? "SIGRT" : "signal";
}

#define SS_ONSTACK 1
#define SS_DISABLE 2

static bool on_altstack(const struct uk_thread *t, u64 sp)
{
    return t->altstack_size && sp > t->altstack_sp && sp <= t->altstack_sp + t->altstack_size;
}

u64 uk_signal_frame_top(const struct uk_thread *t, const struct uk_sigaction *sa, u64 sp, u64 redzone)
{
    if ((sa->flags & UK_SA_ONSTACK) && t->altstack_size && !on_altstack(t, sp))
        return t->altstack_sp + t->altstack_size;
    return sp - redzone;
}

void uk_signal_fill_frame(struct uk_linux_siginfo *info, struct uk_linux_stack *stack, int sig,
                          const struct uk_siginfo *si, u64 sp)
{
    const struct uk_thread *t = uk_thread_current();
    info->signo = sig;
    info->code = si->code;
    if (si->code == UK_SI_TKILL)
        info->kill.pid = si->pid;
    else
        info->addr = si->addr;
    stack->sp = t->altstack_sp;
    stack->size = t->altstack_size;
    stack->flags = t->altstack_size ? (on_altstack(t, sp) ? SS_ONSTACK : 0) : SS_DISABLE;
}

/* Signals whose default action is to be ignored. */
static bool default_ignored(int sig)
{
    return sig == UK_SIGCHLD || sig == UK_SIGCONT || sig == UK_SIGURG || sig == UK_SIGWINCH;
}

static bool has_handler(int sig) { return uk_sigactions[sig].handler > UK_SIG_IGN; }

void uk_signal_kill_program(int sig)
{
    struct uk_thread *t = uk_thread_current();
    uk_printk("[uk] program terminated by %s (signal %d) in thread %d\n", uk_signal_name(sig), sig, t ? t->tid : 0);
    if (uk_vm_commit_refusals)
        uk_printk("[uk] %lu memory request(s) of the program were refused for lack of memory: give the VM more "
                  "(-m, UnikraftMemory)\n",
                  uk_vm_commit_refusals);
    if (uk_sched_exit_hook)
        uk_sched_exit_hook();
    uk_plat_exit(128 + sig);
}

static void set_pending(struct uk_thread *t, int sig, int code, int pid, u64 addr)
{
    t->sigpending |= BIT(sig);
    t->siginfo[sig - 1].code = code;
    t->siginfo[sig - 1].pid = pid;
    t->siginfo[sig - 1].addr = addr;
}

void uk_signal_fault(struct uk_trapframe *f, int sig, int code, uptr addr)
{
    struct uk_thread *t = uk_thread_current();
    if (code < 0) {
        uk_printk("[uk] out of memory: the program touched %#lx and no physical memory is left; "
                  "give the VM more memory (UnikraftMemory / -m)\n",
                  addr);
        uk_plat_exit(128 + UK_SIGKILL);
    }
    /* A synchronous fault runs its handler, unless it is blocked or has none (Linux then kills). */
    if (has_handler(sig) && !(t->sigmask & BIT(sig))) {
        set_pending(t, sig, code, 0, addr);
        return;
    }
    uk_printk("[uk] fault in the program: %s (code %d) at address %#lx, pc %#lx\n", uk_signal_name(sig), code, addr,
              (u64)UK_FRAME_PC(f));
    uk_arch_dump_frame(f);
    uk_signal_kill_program(sig);
}

long uk_signal_send(int tid, int sig)
{
    if (sig < 0 || sig > UK_NSIG)
        return -EINVAL;
    struct uk_thread *t = uk_thread_find(tid);
    if (!t)
        return -ESRCH;
    if (sig == 0)
        return 0;
    u64 h = uk_sigactions[sig].handler;
    if (sig != UK_SIGKILL && (h == UK_SIG_IGN || (h == UK_SIG_DFL && default_ignored(sig))))
        return 0;
    set_pending(t, sig, UK_SI_TKILL, 1, 0);
    /* An unblocked signal interrupts a wait (futex, sleep, pipe read): the syscall returns -EINTR. */
    if (t->state == UK_THREAD_BLOCKED && !(t->sigmask & BIT(sig))) {
        t->interrupted = true;
        uk_sched_wake(t);
    }
    return 0;
}

void uk_signal_shutdown_request(const char *source)
{
    uk_pr_info("shutdown requested (%s): SIGTERM to the program\n", source);
    uk_signal_send(1, UK_SIGTERM);
}

bool uk_signal_pending(void)
{
    struct uk_thread *t = uk_thread_current();
    return t->sigpending & ~t->sigmask;
}

void uk_signal_wait_mask_begin(u64 mask)
{
    struct uk_thread *t = uk_thread_current();
    t->saved_sigmask = t->sigmask;
    t->sigmask = mask & ~(BIT(UK_SIGKILL) | BIT(UK_SIGSTOP));
}

void uk_signal_wait_mask_end(bool interrupted)
{
    struct uk_thread *t = uk_thread_current();
    if (interrupted)
        t->restore_sigmask = true; /* uk_signal_deliver restores it */
    else
        t->sigmask = t->saved_sigmask;
}

void uk_signal_deliver(struct uk_trapframe *f)
{
    struct uk_thread *t = uk_thread_current();
    for (;;) {
        u64 ready = (t->sigpending & ~t->sigmask) | (t->sigpending & BIT(UK_SIGKILL));
        if (!ready) {
            if (t->restore_sigmask) { /* no handler ran after all */
                t->sigmask = t->saved_sigmask;
                t->restore_sigmask = false;
            }
            return;
        }
        int sig = __builtin_ctzl(ready) + 1;
        t->sigpending &= ~BIT(sig);
        struct uk_sigaction *sa = &uk_sigactions[sig];
        if (sig == UK_SIGKILL || sa->handler == UK_SIG_DFL) {
            if (default_ignored(sig))
                continue;
            uk_signal_kill_program(sig);
        }
        if (sa->handler == UK_SIG_IGN)
            continue;
        struct uk_siginfo si = {t->siginfo[sig - 1].code, t->siginfo[sig - 1].pid, t->siginfo[sig - 1].addr};
        u64 oldmask = t->restore_sigmask ? t->saved_sigmask : t->sigmask;
        t->restore_sigmask = false;
        if (!uk_arch_signal_setup(f, sig, &si, sa, oldmask)) {
            uk_printk("[uk] stack overflow in thread %d: no room for the %s handler's frame below %#lx\n", t->tid,
                      uk_signal_name(sig), (u64)UK_FRAME_SP(f));
            uk_signal_kill_program(UK_SIGSEGV);
        }
        uk_stats.signals++;
        t->sigmask |= sa->mask | ((sa->flags & UK_SA_NODEFER) ? 0 : BIT(sig));
        t->sigmask &= ~(BIT(UK_SIGKILL) | BIT(UK_SIGSTOP));
        if (sa->flags & UK_SA_RESETHAND)
            sa->handler = UK_SIG_DFL;
        return; /* one frame per return; the next pending signal goes at the next return */
    }
}
