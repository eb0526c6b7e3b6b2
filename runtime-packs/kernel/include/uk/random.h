/* random.h - cryptographically strong random bytes for the kernel and for getrandom. */
#ifndef UK_RANDOM_H
#define UK_RANDOM_H
#include <uk/types.h>

void uk_random_bytes(void *dst, usize n);

#endif
