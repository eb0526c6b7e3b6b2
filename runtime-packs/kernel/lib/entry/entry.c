/* entry.c - the way back to the program, the one place that owns it: after every syscall, trap and
 * interrupt the architecture's entry code calls uk_return_to_user, which first lets the scheduler switch
 * threads when a slice ended or a wake-up asked for it, then delivers a pending signal by rewriting the
 * frame about to be restored. The scheduler never calls up into signal delivery. */
#include <uk/entry.h>
#include <uk/sched.h>
#include <uk/signal.h>

void uk_return_to_user(struct uk_trapframe *f)
{
    uk_sched_preempt_point();
    uk_signal_deliver(f);
}
