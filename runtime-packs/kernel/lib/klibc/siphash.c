/* siphash.c - SipHash-2-4 as its paper specifies it ("SipHash: a fast short-input PRF", Aumasson and Bernstein,
 * 2012): four 64-bit words of state set from the key, two rounds per 8-byte little-endian word of the message,
 * the last word carrying the length in its top byte, then four finishing rounds. tests/ checks it against the
 * paper's vectors. */
#include <uk/siphash.h>

static u64 rotl(u64 v, int n) { return (v << n) | (v >> (64 - n)); }

/* A little-endian word of up to 8 bytes. */
static u64 le(const u8 *p, usize n)
{
    u64 v = 0;
    for (usize k = 0; k < n; k++)
        v |= (u64)p[k] << (8 * k);
    return v;
}

struct sip {
    u64 v0, v1, v2, v3;
};

static void rounds(struct sip *s, int n)
{
    while (n--) {
        s->v0 += s->v1;
        s->v1 = rotl(s->v1, 13) ^ s->v0;
        s->v0 = rotl(s->v0, 32);
        s->v2 += s->v3;
        s->v3 = rotl(s->v3, 16) ^ s->v2;
        s->v0 += s->v3;
        s->v3 = rotl(s->v3, 21) ^ s->v0;
        s->v2 += s->v1;
        s->v1 = rotl(s->v1, 17) ^ s->v2;
        s->v2 = rotl(s->v2, 32);
    }
}

static void absorb(struct sip *s, u64 m)
{
    s->v3 ^= m;
    rounds(s, 2);
    s->v0 ^= m;
}

u64 uk_siphash24(const u8 key[16], const void *msg, usize n)
{
    u64 k0 = le(key, 8), k1 = le(key + 8, 8);
    /* "somepseudorandomlygeneratedbytes" */
    struct sip s = {k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
                    k1 ^ 0x7465646279746573ULL};
    const u8 *p = msg;
    usize whole = n & ~(usize)7;
    for (usize at = 0; at < whole; at += 8)
        absorb(&s, le(p + at, 8));
    absorb(&s, le(p + whole, n - whole) | (u64)(n & 0xff) << 56);
    s.v2 ^= 0xff;
    rounds(&s, 4);
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
