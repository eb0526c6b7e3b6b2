/* signal.c - signal dispositions, masks and the default actions. Delivery to program handlers
 * (Linux signal frames) is not implemented yet: a fault or signal that would run a handler ends the
 * program with a report instead, so nothing continues in a wrong state. */
#include <uk/errno.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/signal.h>

struct uk_sigaction uk_sigactions[UK_NSIG + 1];

static const char *const names[] = {
    [UK_SIGHUP] = "SIGHUP", [UK_SIGINT] = "SIGINT", [UK_SIGQUIT] = "SIGQUIT", [UK_SIGILL] = "SIGILL",
    [UK_SIGTRAP] = "SIGTRAP", [UK_SIGABRT] = "SIGABRT", [UK_SIGBUS] = "SIGBUS", [UK_SIGFPE] = "SIGFPE",
    [UK_SIGKILL] = "SIGKILL", [UK_SIGUSR1] = "SIGUSR1", [UK_SIGSEGV] = "SIGSEGV",
    [UK_SIGUSR2] = "SIGUSR2", [UK_SIGPIPE] = "SIGPIPE", [UK_SIGALRM] = "SIGALRM", [UK_SIGTERM] = "SIGTERM"};

const char *uk_signal_name(int sig)
{
    if (sig > 0 && sig < (int)UK_ARRAY_SIZE(names) && names[sig])
        return names[sig];
    return sig >= 34 ? "SIGRT" : "signal";
}

/* Signals whose default action is to be ignored. */
static bool default_ignored(int sig)
{
    return sig == UK_SIGCHLD || sig == UK_SIGCONT || sig == UK_SIGURG || sig == UK_SIGWINCH;
}

void uk_signal_kill_program(int sig)
{
    struct uk_thread *t = uk_thread_current();
    uk_printk("[uk] program terminated by %s (signal %d) in thread %d\n", uk_signal_name(sig), sig,
              t ? t->tid : 0);
    uk_plat_exit(128 + sig);
}

void uk_signal_fault(struct uk_trapframe *f, int sig, int code, uptr addr)
{
    if (code < 0) {
        uk_printk("[uk] out of memory: the program touched %#lx and no physical memory is left; "
                  "give the VM more memory (UnikraftMemory / -m)\n",
                  addr);
        uk_plat_exit(128 + UK_SIGKILL);
    }
    uk_printk("[uk] fault in the program: %s (code %d) at address %#lx, pc %#lx\n", uk_signal_name(sig), code,
              addr, (u64)UK_FRAME_PC(f));
    void uk_arch_dump_frame(const struct uk_trapframe *f);
    uk_arch_dump_frame(f);
    if (uk_sigactions[sig].handler > UK_SIG_IGN)
        uk_printk("[uk] (the program has a handler for it, but signal delivery is not supported yet)\n");
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
    if (h == UK_SIG_IGN || (h == UK_SIG_DFL && default_ignored(sig)))
        return 0;
    t->sigpending |= 1UL << (sig - 1);
    return 0;
}

void uk_signal_deliver(struct uk_trapframe *f)
{
    (void)f;
    struct uk_thread *t = uk_thread_current();
    u64 ready = t->sigpending & ~t->sigmask;
    if (!ready)
        return;
    int sig = __builtin_ctzl(ready) + 1;
    t->sigpending &= ~(1UL << (sig - 1));
    if (uk_sigactions[sig].handler == UK_SIG_DFL || sig == UK_SIGKILL)
        uk_signal_kill_program(sig);
    /* A handler is installed: without delivery, leave it pending-but-dropped and log once. */
    static u64 warned;
    if (!(warned & (1UL << (sig - 1)))) {
        warned |= 1UL << (sig - 1);
        uk_pr_warn("signal %d to a handler is not delivered yet\n", sig);
    }
}
