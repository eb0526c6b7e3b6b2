/* time_arm64.c - clocks from the generic timer: the virtual counter (CNTVCT_EL0 at CNTFRQ_EL0 Hz) is the
 * monotonic clock, the virtual timer (CNTV_CVAL_EL0, a level-sensitive PPI) the one-shot deadline
 * timer. The wall clock starts from the platform's RTC, refined by the launcher's uk.walltime=. */
#include <uk/arch.h>
#include <uk/boot.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/time.h>
#include "arm64.h"

static u64 freq, boot_count, wall_boot_ns;
static u64 count_to_ns, ns_to_count; /* 32.32 fixed point */
static u64 armed;                    /* the deadline the timer holds (0: none) */

static u64 mul_shift32(u64 a, u64 b) { return (u64)(((unsigned __int128)a * b) >> 32); }

static u64 counter(void)
{
    uk_isb();
    return uk_sysreg_read(cntvct_el0);
}

void uk_time_init(void)
{
    freq = uk_sysreg_read(cntfrq_el0);
    if (!freq)
        uk_panic("the generic timer reports a frequency of 0 (CNTFRQ_EL0)");
    count_to_ns = (UK_NSEC_PER_SEC << 32) / freq;
    ns_to_count = (freq << 32) / UK_NSEC_PER_SEC;
    boot_count = counter();
    wall_boot_ns = uk_plat_rtc_seconds() * UK_NSEC_PER_SEC;
    if (uk_boot_walltime_ns)
        wall_boot_ns = uk_boot_walltime_ns;
    uk_sysreg_write(cntv_ctl_el0, 0);
    uk_arch_gic_init();
    uk_pr_debug("time: generic timer at %lu kHz\n", freq / 1000);
}

/* The generic timer states its rate: nothing to refine. */
void uk_time_settle(void) {}

u64 uk_time_counter(void) { return counter(); }

u64 uk_time_counter_hz(void) { return freq; }

u64 uk_time_monotonic_ns(void) { return mul_shift32(counter() - boot_count, count_to_ns); }

u64 uk_time_wall_ns(void) { return wall_boot_ns + uk_time_monotonic_ns(); }

void uk_time_set_wall_ns(u64 ns) { wall_boot_ns = ns - uk_time_monotonic_ns(); }

/* The timer fired: its output stays asserted until the next deadline, so switch it off. */
void uk_timer_expired(void)
{
    armed = 0;
    uk_sysreg_write(cntv_ctl_el0, 0);
    uk_isb();
}

void uk_timer_arm(u64 deadline_ns)
{
    if (deadline_ns == armed)
        return;
    armed = deadline_ns;
    if (!deadline_ns) {
        uk_sysreg_write(cntv_ctl_el0, 0);
        uk_isb();
        return;
    }
    uk_sysreg_write(cntv_cval_el0, boot_count + mul_shift32(deadline_ns, ns_to_count) + 1);
    uk_sysreg_write(cntv_ctl_el0, 1); /* enabled, not masked */
    uk_isb();
}
