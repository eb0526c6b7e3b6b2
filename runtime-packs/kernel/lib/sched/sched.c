/* sched.c - threads and a round-robin run queue on one CPU. Threads switch when they block, yield or
 * exit, and when their time slice (10 ms; uk.slice_us=) ends (the timer interrupt preempts code that never
 * enters the kernel, e.g. a managed busy loop; the GC's SIGRTMIN then reaches it). The idle loop halts
 * the CPU until the next deadline or interrupt, so an idle unikernel costs the host nothing.
 * Preemption needs the full vector state saved at switches: off where only FXSAVE can run (PVM). */
#include <uk/arch.h>
#include <uk/entry.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/stats.h>
#include <uk/time.h>

/* The time slice (uk.slice_us= on the command line). */
u64 uk_sched_slice_ns = 10 * 1000 * 1000UL;

bool uk_sched_preempt = true;
static struct uk_thread *all; /* circular list */
static struct uk_thread *current;
static struct uk_thread *zombie; /* exited; freed once off its stack */
static int next_tid = 1, nthreads;
static bool need_resched;
static u64 slice_end;

struct uk_thread *uk_thread_current(void) { return current; }
int uk_thread_count(void) { return nthreads; }

struct uk_thread *uk_thread_find(int tid)
{
    struct uk_thread *t = all;
    if (!t)
        return NULL;
    do {
        if (t->tid == tid && t->state != UK_THREAD_DEAD)
            return t;
        t = t->next;
    } while (t != all);
    return NULL;
}

struct uk_thread *uk_thread_create(const struct uk_trapframe *frame, u64 tls)
{
    struct uk_thread *t = uk_kzalloc(sizeof(*t));
    if (!t)
        return NULL;
    void *kstack = uk_kstack_alloc();
    usize fpsize = uk_arch_fpstate_size();
    u64 fp_pa = uk_pmm_alloc(UK_ALIGN_UP(fpsize, UK_PAGE_SIZE) / UK_PAGE_SIZE, UK_MEM_THREADS);
    if (!kstack || !fp_pa) {
        if (kstack)
            uk_kstack_free(kstack);
        if (fp_pa)
            uk_pmm_free(fp_pa, UK_ALIGN_UP(fpsize, UK_PAGE_SIZE) / UK_PAGE_SIZE, UK_MEM_THREADS);
        uk_kfree(t);
        return NULL;
    }
    t->kstack_top = (u64)kstack;
    t->fpstate = uk_phys_to_virt(fp_pa);
    uk_arch_fpstate_init(t->fpstate);
    t->tls = tls;
    t->tid = next_tid++;
    t->state = UK_THREAD_RUNNABLE;
    if (current)
        t->sigmask = current->sigmask;
    uk_arch_thread_prepare(t, frame);
    if (!all) {
        all = t->next = t->prev = t;
    } else {
        t->next = all;
        t->prev = all->prev;
        all->prev->next = t;
        all->prev = t;
    }
    nthreads++;
    return t;
}

static void thread_free(struct uk_thread *t)
{
    t->prev->next = t->next;
    t->next->prev = t->prev;
    if (all == t)
        all = t->next;
    uk_kstack_free((void *)t->kstack_top);
    usize fpsize = uk_arch_fpstate_size();
    uk_pmm_free(uk_virt_to_phys(t->fpstate), UK_ALIGN_UP(fpsize, UK_PAGE_SIZE) / UK_PAGE_SIZE, UK_MEM_THREADS);
    uk_kfree(t);
}

static void finish_switch(void)
{
    if (zombie && zombie != current) {
        thread_free(zombie);
        zombie = NULL;
    }
}

void uk_sched_thread_started(void) { finish_switch(); }

static struct uk_ktimer *ktimers;
static u64 armed; /* the deadline the timer interrupt is armed for, 0: none */

static void arm(u64 deadline_ns)
{
    armed = deadline_ns;
    uk_timer_arm(deadline_ns);
}

void uk_ktimer_set(struct uk_ktimer *t, u64 deadline_ns)
{
    struct uk_ktimer **p = &ktimers;
    while (*p && *p != t)
        p = &(*p)->next;
    if (*p)
        *p = t->next;
    t->deadline = deadline_ns;
    if (deadline_ns) {
        t->next = ktimers;
        ktimers = t;
        if (!armed || deadline_ns < armed)
            arm(deadline_ns);
    }
}

/* Runs the kernel timers that are due; the earliest deadline left, 0 when none. *ran_any tells whether
 * one ran. */
static u64 run_ktimers(u64 now, bool *ran_any)
{
    u64 next = 0;
    for (bool ran = true; ran;) {
        ran = false;
        next = 0;
        for (struct uk_ktimer *t = ktimers; t; t = t->next) {
            if (t->deadline <= now) {
                uk_ktimer_set(t, 0);
                t->fn(t); /* may change the list: start over */
                ran = *ran_any = true;
                break;
            }
            if (!next || t->deadline < next)
                next = t->deadline;
        }
    }
    return next;
}

static u64 wake_expired(void)
{
    bool ran = false;
    u64 now = uk_time_monotonic_ns(), next = run_ktimers(now, &ran);
    struct uk_thread *t = all;
    do {
        if (t->state == UK_THREAD_BLOCKED && t->wake_at) {
            if (t->wake_at <= now) {
                t->state = UK_THREAD_RUNNABLE;
                t->wake_at = 0;
                t->timed_out = true;
            } else if (!next || t->wake_at < next) {
                next = t->wake_at;
            }
        }
        t = t->next;
    } while (t != all);
    return next;
}

static struct uk_thread *pick_next(void)
{
    struct uk_thread *t = current->next;
    for (int i = 0; i < nthreads + 1; i++, t = t->next)
        if (t->state == UK_THREAD_RUNNABLE)
            return t;
    return NULL;
}

static void schedule(void)
{
    need_resched = false;
    for (;;) {
        u64 next_deadline = wake_expired();
        struct uk_thread *next = pick_next();
        if (next) {
            u64 arm_at = next_deadline;
            if (uk_sched_preempt && next->next != next) {
                /* A new slice when another thread takes the CPU or the last one ran out; a thread that
                 * yields to itself keeps its slice (and the armed timer). */
                u64 now = uk_time_monotonic_ns();
                if (next != current || !slice_end || now >= slice_end)
                    slice_end = now + uk_sched_slice_ns;
                if (!arm_at || slice_end < arm_at)
                    arm_at = slice_end;
            }
            arm(arm_at);
            if (next != current) {
                struct uk_thread *prev = current;
                current = next;
                uk_stats.switches++;
                uk_arch_switch_to(prev, next);
                finish_switch();
            }
            return;
        }
        arm(next_deadline);
        uk_arch_wait_for_interrupt();
        uk_stats.idle_wakeups++;
    }
}

void uk_sched_start(struct uk_thread *first)
{
    current = first;
    uk_arch_thread_activate(first);
    uk_arch_enter_user(uk_thread_user_frame(first));
}

void uk_sched_yield(void) { schedule(); }

bool uk_sched_block(u64 deadline_ns)
{
    current->state = UK_THREAD_BLOCKED;
    current->wake_at = deadline_ns;
    current->timed_out = false;
    current->interrupted = false;
    schedule();
    return !current->timed_out;
}

void uk_sched_wake(struct uk_thread *t)
{
    if (t->state == UK_THREAD_BLOCKED) {
        t->state = UK_THREAD_RUNNABLE;
        t->wake_at = 0;
        need_resched = true;
    }
}

void (*uk_sched_exit_hook)(void);

void uk_thread_exit(void)
{
    if (nthreads == 1 && uk_sched_exit_hook)
        uk_sched_exit_hook();
    current->state = UK_THREAD_DEAD;
    nthreads--;
    if (nthreads == 0)
        uk_plat_exit(0);
    if (zombie)
        thread_free(zombie);
    zombie = current;
    schedule();
    uk_panic("a dead thread was scheduled");
}

void uk_sched_tick(void)
{
    u64 now = uk_time_monotonic_ns();
    armed = 0; /* the interrupt that brought us here used the armed deadline up */
    bool ran = false;
    u64 next = run_ktimers(now, &ran);
    if (uk_sched_preempt && slice_end) {
        if (now >= slice_end)
            need_resched = true;
        else if (!next || slice_end < next)
            next = slice_end;
    }
    struct uk_thread *t = all;
    do {
        if (t->state == UK_THREAD_BLOCKED && t->wake_at) {
            if (t->wake_at <= now)
                need_resched = true;
            else if (!next || t->wake_at < next)
                next = t->wake_at;
        }
        t = t->next;
    } while (t != all);
    /* A kernel timer's wake-ups reschedule through need_resched; else the timer is armed again here. */
    if (ran)
        need_resched = true;
    if (!need_resched && next)
        arm(next);
}

void uk_sched_preempt_point(void)
{
    if (need_resched)
        schedule();
}

struct uk_trapframe *uk_thread_user_frame(struct uk_thread *t)
{
    return (struct uk_trapframe *)(t->kstack_top - sizeof(struct uk_trapframe));
}
