/* shim.h - what the harnesses control in the shim (shim.c) that stands in for the kernel's lower layers on the
 * host: a virtual clock with the kernel timers that hang off it, a reproducible random source, and whether a
 * panic or a stop of the boot is an expected outcome (bad boot input) or a finding (everything else). */
#ifndef FZ_SHIM_H
#define FZ_SHIM_H
#include <uk/types.h>

/* The monotonic clock starts at 1 s and moves only through fz_time_advance, which runs every kernel timer
 * (uk_ktimer) that falls due on the way, in deadline order. */
void fz_time_advance(u64 ns);
/* uk_random_bytes becomes a function of seed alone (the same input, the same "random" ports and sequence numbers). */
void fz_random_seed(u64 seed);
/* Whether uk_panic()/uk_plat_exit() during the current harness call reject the input (true: the kernel refuses
 * bad boot information with a message) or are a crash (false, the default: the network path must never panic). */
extern bool fz_stop_expected;
/* How many times the kernel stopped (panic or exit) with fz_stop_expected set. */
extern u64 fz_stops;
/* Runs fn(arg) for a harness; false when the kernel stopped during it (only possible with fz_stop_expected). */
bool fz_run(void (*fn)(void *), void *arg);

#endif
