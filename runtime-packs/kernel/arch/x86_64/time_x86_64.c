/* time_x86_64.c - clocks and the timer interrupt on x86_64. Time comes from the TSC, scaled by KVM's
 * pvclock when present (exact, and it also gives the wall clock), else by a frequency from CPUID or
 * measured against the PIT. The LAPIC timer (TSC-deadline mode when offered) wakes the scheduler. */
#include <uk/arch.h>
#include <uk/boot.h>
#include <uk/mm.h>
#include <uk/print.h>
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
static u64 tsc_hz, tsc_mult; /* ns = (delta * tsc_mult) >> 32 */
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

/* The TSC's rate, and the LAPIC timer's when lapic is set, from a first 1 ms window of the PIT (calibrate_x86_64.c).
 * Both counters go on counting until uk_time_settle measures them again over 10 ms or more: a 1 ms window is
 * off by whatever delays the emulator adds at its ends. A timer armed meanwhile ends the LAPIC's count
 * (lapic_counting), and its rate is then measured again at settle. */
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
    u64 tsc, ticks = uk_x86_pit_window_wait(1193, &tsc);
    if (!ticks)
        return 0;
    if (lapic) {
        lapic_hz = lapic_counted() * 1193182 / ticks;
        lapic_counting = true;
    }
    settling = true;
    return tsc * 1193182 / ticks;
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

/* The rate from the 10 ms window (a new one when the first has wrapped), the clock continuing from where the
 * first rate took it. */
void uk_time_settle(void)
{
    if (!settling)
        return;
    settling = false;
    if (uk_x86_pit_window_age() / (tsc_hz / 1000) >= 45)
        uk_x86_pit_window_begin();
    u64 hz = uk_x86_pit_window_tsc_hz(10);
    if (!hz)
        return;
    u64 now_tsc = uk_rdtsc(), now_ns = uk_time_monotonic_ns();
    u64 previous = tsc_hz;
    tsc_hz = hz;
    tsc_mult = (UK_NSEC_PER_SEC << 32) / tsc_hz;
    ns_to_tsc = ((tsc_hz / 1000) << 32) / 1000000;
    tsc_boot = now_tsc - mul_shift32(now_ns, ns_to_tsc);
    u64 lapic_previous = lapic_hz;
    if (lapic_counting) {
        u64 counted = lapic_counted(), cycles = uk_rdtsc() - lapic_t0;
        lapic_counting = false;
        lapic_count_stop();
        lapic_hz = counted < 0xffffffffu ? counted * (tsc_hz / 1000) / (cycles / 1000) : 0;
    }
    if (!have_deadline && (!lapic_hz || lapic_hz == lapic_previous))
        lapic_calibrate(true);
    uk_pr_debug("time: over 10 ms or more, tsc %lu kHz (%lu over 1 ms), timer %lu kHz (%lu over 1 ms)\n", tsc_hz / 1000,
                previous / 1000, lapic_hz / 1000, lapic_previous / 1000);
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
    if (lapic_counting) {
        lapic_counting = false; /* the calibration's count ends here: uk_time_settle measures again */
        lapic_count_stop();
    }
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
