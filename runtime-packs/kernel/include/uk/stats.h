/* stats.h - event counters of the kernel, printed at exit with uk.log=debug (where time goes: syscalls,
 * faults, interrupts, idle wake-ups, context switches), and the boot timeline: counter stamps of the
 * boot's stages, from the entry to the program's exit, printed with them. */
#ifndef UK_STATS_H
#define UK_STATS_H
#include <uk/types.h>

struct uk_stats {
    u64 syscalls, page_faults, timer_irqs, device_irqs, idle_wakeups, switches, signals;
};
extern struct uk_stats uk_stats;
void uk_stats_print(void);

/* The boot's stages in the order they happen; each is stamped once, the first time it is reached. */
enum uk_timeline_mark {
    UK_TL_ENTRY,   /* the platform's C entry */
    UK_TL_CPU,     /* CPU set up (descriptor tables, FPU, exception vectors) */
    UK_TL_MEMORY,  /* frame allocator and the direct map's page tables */
    UK_TL_IMAGE,   /* the image mapped with its permissions */
    UK_TL_CLOCK,   /* clocks and the timer (calibrated where the hypervisor gives no rate) */
    UK_TL_FILES,   /* file systems, /dev, /proc, bundled files, fds 0-2 */
    UK_TL_NET,     /* the TCP/IP stack */
    UK_TL_DEVICES, /* devices probed and started */
    UK_TL_USER,    /* the program's first instruction (musl's _start) */
    UK_TL_SYSCALL, /* the program's first syscall */
    UK_TL_OUTPUT,  /* the program's first write to stdout or stderr (Hello: from Main) */
    UK_TL_EXIT,    /* exit_group, or a panic */
    UK_TL_COUNT,
};
void uk_timeline_mark(enum uk_timeline_mark m);
void uk_timeline_print(void);

#endif
