/* sched.h - threads, the run queue, sleeping and waking, futexes. One CPU for now; interrupts are
 * off whenever the kernel runs, so kernel code needs no locks. */
#ifndef UK_SCHED_H
#define UK_SCHED_H
#include <uk/arch.h>
#include <uk/types.h>
#include <uk/wait.h>

enum uk_thread_state { UK_THREAD_RUNNABLE, UK_THREAD_BLOCKED, UK_THREAD_DEAD };

struct uk_thread {
    int tid;
    enum uk_thread_state state;
    u64 ctx_sp;     /* saved kernel stack pointer while switched out */
    u64 kstack_top; /* top of the kernel stack (the user frame sits just below it) */
    u64 tls;        /* user TLS base (FS on x86_64, TPIDR_EL0 on arm64) */
    void *fpstate;  /* saved FPU/vector state */
    u64 clear_child_tid;
    /* blocking */
    u64 wake_at; /* monotonic ns deadline, 0 = none */
    bool timed_out;
    uptr futex_addr;
    u32 futex_bitset;
    struct uk_thread *wq_next; /* futex wait queue */
    /* signals */
    u64 sigmask;
    u64 saved_sigmask;    /* the thread's own mask while a wait runs with the caller's (ppoll, epoll_pwait) */
    bool restore_sigmask; /* saved_sigmask is to be restored on the way back to the program */
    u64 sigpending;
    u64 altstack_sp, altstack_size;
    int altstack_flags;
    bool interrupted; /* woken from a wait by a signal */
    struct uk_siginfo_slot {
        int code, pid;
        u64 addr;
    } siginfo[64];
    struct uk_thread *next, *prev; /* all threads */
};

struct uk_thread *uk_thread_current(void);
/* A thread ready to enter user mode with the given frame. */
struct uk_thread *uk_thread_create(const struct uk_trapframe *frame, u64 tls);
/* Starts the first thread: never returns. */
UK_NORETURN void uk_sched_start(struct uk_thread *first);
void uk_sched_yield(void);
/* Blocks the current thread until woken or until the monotonic deadline (0: none). Returns false
 * when the deadline passed first. */
bool uk_sched_block(u64 deadline_ns);
void uk_sched_wake(struct uk_thread *t);
/* Set by a layer above (lib/blk: the disks' dirty pages): runs in the ending thread when the program ends, by
 * exit_group, its last thread's exit or a fatal signal, before the VM powers off. */
extern void (*uk_sched_exit_hook)(void);
/* Ends the current thread (not the program). */
UK_NORETURN void uk_thread_exit(void);
int uk_thread_count(void);
struct uk_thread *uk_thread_find(int tid);
/* Called from the timer interrupt: wakes sleepers, preempts the running thread when due. */
void uk_sched_tick(void);
/* Switches threads now if the running one's slice ended or a wake-up asked for it (on the way back to
 * the program: lib/entry). */
void uk_sched_preempt_point(void);
/* Kernel timers: fn runs once at the monotonic deadline, from the timer interrupt or the scheduler (never
 * inside another kernel call, as everything kernel runs with interrupts off); it may set the timer again. */
struct uk_ktimer {
    u64 deadline; /* 0: not set */
    void (*fn)(struct uk_ktimer *t);
    struct uk_ktimer *next;
};
/* Sets (or moves) t to the deadline; 0 cancels. */
void uk_ktimer_set(struct uk_ktimer *t, u64 deadline_ns);
/* The frame a thread returns to the program with (top of its kernel stack). */
struct uk_trapframe *uk_thread_user_frame(struct uk_thread *t);

/* futex operations on a user address */
long uk_futex_wait(u32 *uaddr, u32 val, u64 deadline_ns, u32 bitset);
long uk_futex_wake(u32 *uaddr, int n, u32 bitset);
long uk_futex_requeue(u32 *uaddr, int nwake, u32 *uaddr2, int nmove);

#endif
