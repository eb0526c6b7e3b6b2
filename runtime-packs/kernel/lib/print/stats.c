/* stats.c - the kernel's event counters and their report. */
#include <uk/print.h>
#include <uk/stats.h>
#include <uk/time.h>

struct uk_stats uk_stats;

void uk_stats_print(void)
{
    u64 ms = uk_time_monotonic_ns() / 1000000;
    uk_pr_debug("stats after %lu ms: %lu syscalls, %lu page faults, %lu timer and %lu device interrupts, "
                "%lu idle wake-ups, %lu switches, %lu signals\n",
                ms, uk_stats.syscalls, uk_stats.page_faults, uk_stats.timer_irqs, uk_stats.device_irqs,
                uk_stats.idle_wakeups, uk_stats.switches, uk_stats.signals);
    uk_timeline_mark(UK_TL_EXIT);
    uk_timeline_print();
}
