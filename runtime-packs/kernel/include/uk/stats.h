/* stats.h - event counters of the kernel, printed at exit with uk.log=debug (where time goes: syscalls,
 * faults, interrupts, idle wake-ups, context switches). */
#ifndef UK_STATS_H
#define UK_STATS_H
#include <uk/types.h>

struct uk_stats {
    u64 syscalls, page_faults, timer_irqs, device_irqs, idle_wakeups, switches, signals;
};
extern struct uk_stats uk_stats;
void uk_stats_print(void);

#endif
