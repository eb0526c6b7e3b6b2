/* time_x86_64.c - clocks and the timer interrupt on x86_64. Time comes from the TSC, scaled by KVM's
 * pvclock when present (exact, and it also gives the wall clock), else by a frequency from CPUID or
 * measured against the PIT. The LAPIC timer (TSC-deadline mode when offered) wakes the scheduler. */
#include <uk/arch.h>
#include <uk/boot.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/time.h>
#include "x86_64.h"

struct pvclock_time {
    volatile u32 version;
    u32 pad0;
    volatile u64 tsc_timestamp, system_time;
    volatile u32 mul;
    volatile s8 shift;
    volatile u8 flags;
    u8 pad[2];
} __attribute__((aligned(64)));

struct pvclock_wall {
    volatile u32 version, sec, nsec;
} __attribute__((aligned(16)));

static struct pvclock_time pvclock;
static struct pvclock_wall pvwall;
static bool have_pvclock, have_deadline, x2apic;
static u64 tsc_hz, tsc_mult; /* ns = ((tsc - tsc_boot) * tsc_mult) >> 32 */
static u64 ns_to_tsc;        /* ticks = (ns * ns_to_tsc) >> 32 */
static u64 tsc_boot, pv_boot_ns, wall_boot_ns;
static u64 lapic_hz;
static volatile u32 *lapic_mmio;

#define MSR_KVM_WALL_CLOCK_NEW 0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01

static u64 mul_shift32(u64 a, u64 b) { return (u64)(((unsigned __int128)a * b) >> 32); }

static u64 pvclock_ns(void)
{
    u32 v;
    u64 ns;
    do {
        v = pvclock.version;
        __asm__ volatile("" ::: "memory");
        u64 delta = uk_rdtsc() - pvclock.tsc_timestamp;
        s8 sh = pvclock.shift;
        delta = sh >= 0 ? delta << sh : delta >> -sh;
        ns = pvclock.system_time + mul_shift32(delta, pvclock.mul);
        __asm__ volatile("" ::: "memory");
    } while ((v & 1) || v != pvclock.version);
    return ns;
}

static bool kvm_clock_available(void)
{
    u32 a, b, c, d;
    uk_cpuid(0x40000000, 0, &a, &b, &c, &d);
    if (b != 0x4b4d564b || c != 0x564b4d56 || d != 0x4d) /* "KVMKVMKVM\0\0\0" */
        return false;
    uk_cpuid(0x40000001, 0, &a, &b, &c, &d);
    return a & (1u << 3); /* KVM_FEATURE_CLOCKSOURCE2 */
}

static void lapic_write(u32 reg, u32 v);
static u32 lapic_read(u32 reg);

#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

/* The LAPIC timer counting down from its maximum (divide by 1, interrupt masked) while a rate is measured;
 * lapic_count_stop returns the ticks it counted. */
static void lapic_count_start(void)
{
    lapic_write(LAPIC_TIMER_DIV, 0xb);
    lapic_write(LAPIC_LVT_TIMER, UK_VEC_TIMER | (1u << 16));
    lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
}

static u64 lapic_count_stop(void)
{
    u32 elapsed = 0xffffffff - lapic_read(LAPIC_TIMER_CUR);
    lapic_write(LAPIC_TIMER_INIT, 0);
    lapic_write(LAPIC_LVT_TIMER, UK_VEC_TIMER);
    return elapsed;
}

/* The TSC's rate, and the LAPIC timer's when lapic is set, from a first 1 ms window of the PIT (calibrate_x86_64.c):
 * a 1 ms window is off by whatever delays the emulator adds at its ends (0.4% seen under TCG). Both counters go on
 * counting: the LAPIC's until the first timer is armed or uk_time_settle (lapic_count_finish), the PIT window until
 * a kernel timer measures it again 10 ms or more after its start (tsc_refine), while the program already runs. */
static bool settling, lapic_counting;
static u64 lapic_t0;

static u64 lapic_counted(void) { return 0xffffffffu - lapic_read(LAPIC_TIMER_CUR); }

static u64 tsc_calibrate_pit(bool lapic)
{
    uk_x86_pit_window_begin();
    if (lapic) {
        lapic_count_start();
        lapic_t0 = uk_rdtsc();
    }
    u64 tsc, ticks = uk_x86_pit_window_wait(UK_X86_PIT_HZ / 1000, &tsc);
    if (!ticks)
        return 0;
    if (lapic) {
        lapic_hz = lapic_counted() * UK_X86_PIT_HZ / ticks;
        lapic_counting = true;
    }
    settling = true;
    return tsc * UK_X86_PIT_HZ / ticks;
}

static void tsc_frequency(void)
{
    u32 a, b, c, d, max;
    if (have_pvclock) {
        /* ns = ((delta << shift) * mul) >> 32, so hz = 1e9 * 2^32 / mul / 2^shift */
        u64 hz = (UK_NSEC_PER_SEC << 32) / pvclock.mul;
        tsc_hz = pvclock.shift >= 0 ? hz >> pvclock.shift : hz << -pvclock.shift;
        return;
    }
    uk_cpuid(0, 0, &max, &b, &c, &d);
    if (max >= 0x15) {
        uk_cpuid(0x15, 0, &a, &b, &c, &d);
        if (a && b && c)
            tsc_hz = (u64)c * b / a;
    }
    if (!tsc_hz)
        tsc_hz = tsc_calibrate_pit(!have_deadline);
    if (!tsc_hz) {
        uk_pr_warn("time: could not measure the TSC; assuming 2 GHz\n");
        tsc_hz = 2000000000UL;
    }
}

static void lapic_write(u32 reg, u32 v)
{
    if (x2apic)
        uk_wrmsr(0x800 + (reg >> 4), v);
    else
        lapic_mmio[reg / 4] = v;
}

static u32 lapic_read(u32 reg) { return x2apic ? (u32)uk_rdmsr(0x800 + (reg >> 4)) : lapic_mmio[reg / 4]; }

void uk_arch_lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }

/* Enables the LAPIC and learns its timer's modes; the rate, where needed, comes from lapic_calibrate. */
static void lapic_init(void)
{
    u32 a, b, c, d;
    uk_cpuid(1, 0, &a, &b, &c, &d);
    x2apic = c & (1u << 21);
    have_deadline = c & (1u << 24);
    /* Mask the legacy PICs: every interrupt comes through the LAPIC (or the IOAPIC, later). */
    uk_outb(0x21, 0xff);
    uk_outb(0xa1, 0xff);
    u64 base = uk_rdmsr(UK_MSR_APIC_BASE);
    if (x2apic) {
        uk_wrmsr(UK_MSR_APIC_BASE, base | (1UL << 11) | (1UL << 10));
    } else {
        uk_wrmsr(UK_MSR_APIC_BASE, base | (1UL << 11));
        lapic_mmio = uk_mmio_map(base & ~0xfffUL, UK_PAGE_SIZE);
    }
    lapic_write(LAPIC_SVR, 0x100 | UK_VEC_SPURIOUS);
    if (have_deadline)
        lapic_write(LAPIC_LVT_TIMER, UK_VEC_TIMER | (2u << 17));
}

/* One-shot mode without a rate from the PIT window: measure the LAPIC timer against the TSC over 10 ms. */
static void lapic_calibrate(bool again)
{
    if (have_deadline || (lapic_hz && !again))
        return;
    lapic_count_start();
    u64 t0 = uk_rdtsc();
    while (uk_rdtsc() - t0 < tsc_hz / 100)
        uk_cpu_pause();
    lapic_hz = lapic_count_stop() * 100;
}

void uk_time_init(void)
{
    lapic_init();
    have_pvclock = kvm_clock_available();
    if (have_pvclock) {
        uk_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (u64)&pvclock | 1);
        uk_wrmsr(MSR_KVM_WALL_CLOCK_NEW, (u64)&pvwall);
        pv_boot_ns = pvclock_ns();
        wall_boot_ns = (u64)pvwall.sec * UK_NSEC_PER_SEC + pvwall.nsec + pv_boot_ns;
    }
    tsc_frequency();
    tsc_mult = (UK_NSEC_PER_SEC << 32) / tsc_hz;
    ns_to_tsc = ((tsc_hz / 1000) << 32) / 1000000;
    tsc_boot = uk_rdtsc();
    /* The RTC, where there is one, is the reference: some hypervisors' kvmclock wall clock is off by
     * seconds (seen: 17 s on PVM). Keep kvmclock's sub-second precision when the two agree. */
    u64 rtc_ns = uk_plat_rtc_seconds() * UK_NSEC_PER_SEC;
    if (rtc_ns) {
        u64 now = wall_boot_ns + (have_pvclock ? pvclock_ns() - pv_boot_ns : 0);
        if (!have_pvclock || now + 2 * UK_NSEC_PER_SEC < rtc_ns || now > rtc_ns + 2 * UK_NSEC_PER_SEC)
            wall_boot_ns = rtc_ns - (have_pvclock ? pvclock_ns() - pv_boot_ns : 0);
    }
    /* The launcher's clock at launch (uk.walltime=) beats the RTC's whole seconds; kvmclock, when it
     * agrees with it to a second, is more precise still. */
    u64 hint = uk_boot_walltime_ns;
    if (hint) {
        u64 since_boot = have_pvclock ? pvclock_ns() - pv_boot_ns : 0;
        u64 now = wall_boot_ns + since_boot;
        bool pv_agrees = have_pvclock && now + UK_NSEC_PER_SEC > hint && now < hint + UK_NSEC_PER_SEC + since_boot;
        if (!pv_agrees)
            wall_boot_ns = hint;
    }
    lapic_calibrate(false);
    uk_pr_debug("time: tsc %lu kHz (%s), timer %s (%lu kHz)\n", tsc_hz / 1000, have_pvclock ? "kvmclock" : "measured",
                have_deadline ? "tsc-deadline" : "lapic one-shot", (have_deadline ? tsc_hz : lapic_hz) / 1000);
}

/* The LAPIC timer's rate over everything it counted since uk_time_init (1 ms at least, else the first window's
 * rate stays): its count ends here, at settle or when the first timer is armed. */
static void lapic_count_finish(void)
{
    if (!lapic_counting)
        return;
    u64 counted = lapic_counted(), cycles = uk_rdtsc() - lapic_t0;
    lapic_counting = false;
    lapic_count_stop();
    if (counted < 0xffffffffu && cycles >= tsc_hz / 1000)
        lapic_hz = counted * (tsc_hz / 1000) / (cycles / 1000);
}

#define REFINE_MS 10         /* the refined rate's window */
#define REFINE_MAX_AGE_MS 45 /* the PIT wraps after 55 ms: an older window starts again */
static struct uk_ktimer refine_timer;
static int refine_restarts;

/* Runs in the timer interrupt (or at settle when the window is already long enough): the TSC's rate from the
 * window, now 10 ms or more long, the clock going on from where the first rate took it; the LAPIC timer's
 * rate, measured against the TSC, scaled to match. */
static void tsc_refine(struct uk_ktimer *t)
{
    if (uk_x86_pit_window_age() / (tsc_hz / 1000) >= REFINE_MAX_AGE_MS) {
        if (++refine_restarts > 3) {
            uk_pr_debug("time: the TSC's rate stays the 1 ms window's (the refining timer kept coming late)\n");
            return;
        }
        uk_x86_pit_window_begin();
        uk_ktimer_set(t, uk_time_monotonic_ns() + (REFINE_MS + 1) * 1000000UL);
        return;
    }
    u64 tsc, ticks = uk_x86_pit_window_now(&tsc);
    if (!ticks)
        return; /* the PIT stopped counting: keep the first rate */
    u64 want = UK_X86_PIT_HZ * REFINE_MS / 1000;
    if (ticks < want) {
        u64 left_ns = (want - ticks) * UK_NSEC_PER_SEC / UK_X86_PIT_HZ + 200000;
        uk_ktimer_set(t, uk_time_monotonic_ns() + left_ns);
        return;
    }
    u64 hz = tsc * UK_X86_PIT_HZ / ticks, previous = tsc_hz, lapic_previous = lapic_hz;
    /* Kernel code runs with interrupts off: no clock read sees half of this change. */
    u64 now_tsc = uk_rdtsc(), now_ns = uk_time_monotonic_ns();
    tsc_hz = hz;
    tsc_mult = (UK_NSEC_PER_SEC << 32) / tsc_hz;
    ns_to_tsc = ((tsc_hz / 1000) << 32) / 1000000;
    tsc_boot = now_tsc - mul_shift32(now_ns, ns_to_tsc) - 2; /* rounding never takes the clock back */
    if (!have_deadline && lapic_hz)
        lapic_hz = lapic_hz * (hz / 1000) / (previous / 1000);
    uk_pr_debug("time: over %lu ms, tsc %lu kHz (%lu over 1 ms), timer %lu kHz (%lu before)\n",
                ticks * 1000 / UK_X86_PIT_HZ, tsc_hz / 1000, previous / 1000, lapic_hz / 1000, lapic_previous / 1000);
}

/* Before the program starts: the LAPIC's count ends, and the TSC's refined rate is left to a kernel timer that
 * fires once the PIT window is 10 ms long (at once when it already is). Nothing waits for the window. */
void uk_time_settle(void)
{
    if (!settling)
        return;
    settling = false;
    lapic_count_finish();
    if (!have_deadline && !lapic_hz)
        lapic_calibrate(true);
    refine_timer.fn = tsc_refine;
    u64 age_ms = uk_x86_pit_window_age() / (tsc_hz / 1000);
    if (age_ms >= REFINE_MS)
        tsc_refine(&refine_timer);
    else
        uk_ktimer_set(&refine_timer, uk_time_monotonic_ns() + (REFINE_MS - age_ms) * 1000000UL + 500000);
}

u64 uk_time_counter(void) { return uk_rdtsc(); }

u64 uk_time_counter_hz(void) { return tsc_hz; }

u64 uk_time_monotonic_ns(void)
{
    if (have_pvclock)
        return pvclock_ns() - pv_boot_ns;
    return mul_shift32(uk_rdtsc() - tsc_boot, tsc_mult);
}

u64 uk_time_wall_ns(void) { return wall_boot_ns + uk_time_monotonic_ns(); }

void uk_time_set_wall_ns(u64 ns) { wall_boot_ns = ns - uk_time_monotonic_ns(); }

/* The deadline the timer holds (0: none): arming it again for the same instant costs nothing. */
static u64 armed;

void uk_timer_expired(void) { armed = 0; }

void uk_timer_arm(u64 deadline_ns)
{
    if (deadline_ns == armed)
        return;
    armed = deadline_ns;
    if (have_deadline) {
        if (!deadline_ns) {
            uk_wrmsr(UK_MSR_TSC_DEADLINE, 0);
            return;
        }
        u64 now = uk_time_monotonic_ns();
        u64 delta = deadline_ns > now ? deadline_ns - now : 0;
        uk_wrmsr(UK_MSR_TSC_DEADLINE, uk_rdtsc() + mul_shift32(delta, ns_to_tsc) + 1);
        return;
    }
    lapic_count_finish(); /* the calibration's count ends with the first timer */
    if (!deadline_ns) {
        lapic_write(LAPIC_TIMER_INIT, 0);
        return;
    }
    u64 now = uk_time_monotonic_ns();
    u64 delta = deadline_ns > now ? deadline_ns - now : 1000;
    if (delta > 10 * UK_NSEC_PER_SEC)
        delta = 10 * UK_NSEC_PER_SEC; /* the tick re-arms when it fires early */
    u64 count = delta * (lapic_hz / 1000) / 1000000 + 1;
    lapic_write(LAPIC_TIMER_INIT, count > 0xffffffffUL ? 0xffffffffu : (u32)count);
}
