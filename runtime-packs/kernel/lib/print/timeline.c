/* timeline.c - the boot timeline: each stage of the boot (enum uk_timeline_mark) stamped once with the raw
 * counter, and the syscall count at that moment; printed at exit with uk.log=debug as milliseconds since the
 * platform's entry, so that the time from launch to Main can be split into the VMM's part (the launcher's
 * measurement less the entry-to-exit span), the kernel's and the program's. */
#include <uk/print.h>
#include <uk/stats.h>
#include <uk/time.h>

static u64 stamps[UK_TL_COUNT];
static u64 syscalls_at[UK_TL_COUNT];

static const char *const names[UK_TL_COUNT] = {
    [UK_TL_ENTRY] = "entry",  [UK_TL_CPU] = "cpu",         [UK_TL_MEMORY] = "memory", [UK_TL_IMAGE] = "image",
    [UK_TL_CLOCK] = "clock",  [UK_TL_FILES] = "files",     [UK_TL_NET] = "tcp/ip",    [UK_TL_DEVICES] = "devices",
    [UK_TL_USER] = "program", [UK_TL_SYSCALL] = "syscall", [UK_TL_OUTPUT] = "output", [UK_TL_EXIT] = "exit",
};

void uk_timeline_mark(enum uk_timeline_mark m)
{
    if (m >= UK_TL_COUNT || stamps[m])
        return;
    stamps[m] = uk_time_counter();
    syscalls_at[m] = uk_stats.syscalls;
}

/* "[uk] debug: timeline (ms since entry): entry 0.000 cpu 0.041 … output 35.210 (141 syscalls) exit 36.002 (142
 * syscalls); counter at entry 7430829 at 2095589 kHz". */
void uk_timeline_print(void)
{
    u64 hz = uk_time_counter_hz();
    if (uk_loglevel < UK_LOG_DEBUG || !hz || !stamps[UK_TL_ENTRY])
        return;
    char line[512];
    int n = uk_snprintf(line, sizeof(line), "timeline (ms since entry):");
    for (int m = 0; m < UK_TL_COUNT && n < (int)sizeof(line); m++) {
        if (!stamps[m])
            continue;
        u64 us = (stamps[m] - stamps[UK_TL_ENTRY]) * 1000000 / hz;
        n += uk_snprintf(line + n, sizeof(line) - n, " %s %lu.%03lu", names[m], us / 1000, us % 1000);
        if (m >= UK_TL_OUTPUT && n < (int)sizeof(line))
            n += uk_snprintf(line + n, sizeof(line) - n, " (%lu syscalls)", syscalls_at[m]);
    }
    /* The raw counter at the entry: under QEMU's TCG both the TSC and the generic timer count from the VM's start,
     * so this is the time the VMM and its firmware took to reach the entry (bench/boot_measure.py). */
    if (n < (int)sizeof(line))
        uk_snprintf(line + n, sizeof(line) - n, "; counter at entry %lu at %lu kHz", stamps[UK_TL_ENTRY], hz / 1000);
    uk_pr_debug("%s\n", line);
}
