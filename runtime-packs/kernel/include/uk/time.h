/* time.h - monotonic and wall clocks, and the one-shot timer that wakes the scheduler. */
#ifndef UK_TIME_H
#define UK_TIME_H
#include <uk/types.h>

#define UK_NSEC_PER_SEC 1000000000UL

void uk_time_init(void);
/* Ends or hands on what uk_time_init left running while the kernel booted (x86 under emulators: the LAPIC
 * timer's rate is taken, the TSC's measured rate is refined later by a kernel timer); called once, before the
 * program starts, and never waits. */
void uk_time_settle(void);
u64 uk_time_monotonic_ns(void);
/* Nanoseconds since the Unix epoch. */
u64 uk_time_wall_ns(void);
void uk_time_set_wall_ns(u64 ns);
/* Arms the timer interrupt for the monotonic deadline (0 disarms). */
void uk_timer_arm(u64 deadline_ns);
/* The timer interrupt fired: the next uk_timer_arm must program it again. */
void uk_timer_expired(void);
/* The raw counter (TSC, CNTVCT_EL0), readable from the entry on, and its rate in Hz (0 until uk_time_init
 * has run). The boot timeline stamps with it. */
u64 uk_time_counter(void);
u64 uk_time_counter_hz(void);

#endif
