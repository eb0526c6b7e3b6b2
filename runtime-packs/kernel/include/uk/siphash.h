/* siphash.h - SipHash-2-4 (Aumasson and Bernstein), a keyed 64-bit hash: unpredictable without the 128-bit key,
 * for values an attacker must not guess (TCP initial sequence numbers). */
#ifndef UK_SIPHASH_H
#define UK_SIPHASH_H
#include <uk/types.h>

/* The hash of n bytes at msg under the 16-byte key. */
u64 uk_siphash24(const u8 key[16], const void *msg, usize n);

#endif
