/* siphash_vectors.c - SipHashTests' driver: the kernel's uk_siphash24 (lib/klibc/siphash.c, compiled unchanged for
 * the host) under the key 00 01 .. 0f, over the messages 00 01 .. (n-1) for n = 0..63, one "n hash" line each. */
#include <uk/siphash.h>

int printf(const char *fmt, ...);

int main(void)
{
    u8 key[16], msg[64];
    for (int k = 0; k < 16; k++)
        key[k] = (u8)k;
    for (int k = 0; k < 64; k++)
        msg[k] = (u8)k;
    for (int n = 0; n < 64; n++)
        printf("%d %016llx\n", n, (unsigned long long)uk_siphash24(key, msg, (usize)n));
    return 0;
}
