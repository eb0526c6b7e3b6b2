/* signal.h - Linux signal numbers and the kernel's signal interface. */
#ifndef UK_SIGNAL_H
#define UK_SIGNAL_H
#include <uk/arch.h>
#include <uk/types.h>

#define UK_SIGHUP 1
#define UK_SIGINT 2
#define UK_SIGQUIT 3
#define UK_SIGILL 4
#define UK_SIGTRAP 5
#define UK_SIGABRT 6
#define UK_SIGBUS 7
#define UK_SIGFPE 8
#define UK_SIGKILL 9
#define UK_SIGUSR1 10
#define UK_SIGSEGV 11
#define UK_SIGUSR2 12
#define UK_SIGPIPE 13
#define UK_SIGALRM 14
#define UK_SIGTERM 15
#define UK_SIGCHLD 17
#define UK_SIGCONT 18
#define UK_SIGSTOP 19
#define UK_SIGURG 23
#define UK_SIGWINCH 28
#define UK_NSIG 64

#define UK_SIG_DFL 0UL
#define UK_SIG_IGN 1UL

#define UK_SA_SIGINFO 0x4
#define UK_SA_ONSTACK 0x08000000
#define UK_SA_RESTORER 0x04000000
#define UK_SA_NODEFER 0x40000000
#define UK_SA_RESETHAND 0x80000000
#define UK_SI_TKILL (-6)
#define UK_SI_KERNEL 0x80

/* What a pending signal carries into its handler's siginfo. */
struct uk_siginfo {
    int code;
    int pid;
    u64 addr;
};

struct uk_sigaction {
    u64 handler;
    u64 flags;
    u64 restorer;
    u64 mask;
};

/* The parts of a Linux signal frame that are the same on every architecture: siginfo (128 bytes) and
 * the ucontext's stack_t. */
struct uk_linux_siginfo {
    s32 signo, errno_, code, pad;
    union {
        struct {
            s32 pid;
            u32 uid;
        } kill;
        u64 addr;
        u8 bytes[112];
    };
};
_Static_assert(sizeof(struct uk_linux_siginfo) == 128, "siginfo layout");
struct uk_linux_stack {
    u64 sp;
    s32 flags, pad;
    u64 size;
};
struct uk_thread;
/* Where a handler's frame goes below: the top of the thread's alternate stack when the action asks
 * for it and the thread is not on it yet, else sp less the interrupted code's red zone. */
u64 uk_signal_frame_top(const struct uk_thread *t, const struct uk_sigaction *sa, u64 sp, u64 redzone);
/* Fills a frame's siginfo and stack_t for sig interrupting the thread at sp. */
void uk_signal_fill_frame(struct uk_linux_siginfo *info, struct uk_linux_stack *stack, int sig,
                          const struct uk_siginfo *si, u64 sp);

/* Architecture: pushes a Linux signal frame for sig on the thread's user stack (or alternate stack)
 * and points the frame at the handler; false when the frame cannot be written (stack overflow). */
bool uk_arch_signal_setup(struct uk_trapframe *f, int sig, const struct uk_siginfo *si, const struct uk_sigaction *sa,
                          u64 oldmask);

/* A CPU fault of the program: delivers sig to the faulting thread, or ends the program. */
void uk_signal_fault(struct uk_trapframe *f, int sig, int code, uptr addr);
/* Sends sig to a thread (tgkill); the sender's tid goes into si_pid's place as Linux does. */
long uk_signal_send(int tid, int sig);
/* The VMM asks the guest to shut down (ACPI power button, GED, Ctrl-Alt-Del, a GPIO power key): the program
 * gets SIGTERM, as an init system sends it, on its main thread (as the console's ^C sends SIGINT). Called
 * from interrupt handlers; source names the device in the uk.log=info line. */
void uk_signal_shutdown_request(const char *source);
/* On every return to user mode (lib/entry): delivers a pending, unblocked signal. */
void uk_signal_deliver(struct uk_trapframe *f);
/* Whether the current thread has a pending signal it does not block (an interrupted wait then ends
 * with -EINTR). */
bool uk_signal_pending(void);
/* Waits with a mask of the caller's (ppoll, pselect6, epoll_pwait): the current thread blocks mask
 * instead of its own until uk_signal_wait_mask_end, which puts its own back at once, or, after an
 * interrupted wait, once the signal's handler has its frame (whose saved mask is the thread's own), as
 * Linux does. */
void uk_signal_wait_mask_begin(u64 mask);
void uk_signal_wait_mask_end(bool interrupted);
const char *uk_signal_name(int sig);
UK_NORETURN void uk_signal_kill_program(int sig);

extern struct uk_sigaction uk_sigactions[UK_NSIG + 1];

#endif
