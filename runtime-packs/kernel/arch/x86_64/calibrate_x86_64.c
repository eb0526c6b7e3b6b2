/* calibrate_x86_64.c - the PIT as the reference clock where no hypervisor states the TSC's rate (QEMU's TCG:
 * no kvmclock, no CPUID leaf 0x15). Channel 0 counts down from 0xffff at 1.193182 MHz in mode 0 (no
 * interrupt) while the TSC runs; a window of N ticks gives the TSC's rate to about one tick in N. time_x86_64.c
 * takes a first rate from a 1 ms window at uk_time_init and refines it from the same window once it is 10 ms
 * or more long, from a kernel timer while the program already runs (as Linux refines its early TSC rate
 * later): neither the boot nor the program waits for the long window. The counter wraps after 55 ms, so a
 * window older than that is started again. */
#include <uk/arch.h>
#include "x86_64.h"

static u64 start_count, start_tsc;

static u64 pit_read(void)
{
    uk_outb(0x43, 0x00); /* latch channel 0 */
    u8 lo = uk_inb(0x40), hi = uk_inb(0x40);
    return (u64)hi << 8 | lo;
}

void uk_x86_pit_window_begin(void)
{
    uk_outb(0x43, 0x30); /* channel 0, lobyte/hibyte, mode 0 */
    uk_outb(0x40, 0xff);
    uk_outb(0x40, 0xff);
    start_count = pit_read();
    start_tsc = uk_rdtsc();
}

/* Waits until the window is at least ticks long (at most 50 ms of the PIT) and returns its length in PIT
 * ticks, with the TSC cycles of the same span in *tsc; 0 when the PIT does not count. */
u64 uk_x86_pit_window_wait(u64 ticks, u64 *tsc)
{
    for (u64 spins = 0; spins < 5000000; spins++) {
        u64 now = pit_read();
        if (now <= start_count && start_count - now >= ticks) {
            *tsc = uk_rdtsc() - start_tsc;
            return start_count - now;
        }
    }
    return 0;
}

/* The window's length so far in PIT ticks, with the TSC cycles of the same span in *tsc, without waiting;
 * 0 when the PIT does not count (or has wrapped, which the caller avoids by the window's age). */
u64 uk_x86_pit_window_now(u64 *tsc)
{
    u64 now = pit_read();
    *tsc = uk_rdtsc() - start_tsc;
    return now <= start_count ? start_count - now : 0;
}

/* How long the window has run, in TSC cycles. */
u64 uk_x86_pit_window_age(void) { return uk_rdtsc() - start_tsc; }
