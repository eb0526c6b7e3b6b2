/* cache_arm64.c - the CPU's caches from CLIDR_EL1 (which levels exist and of what kind) and CCSIDR_EL1
 * selected through CSSELR_EL1 (line size, associativity and sets of each), as Linux's cacheinfo reads them. */
#include <uk/arch.h>

static u64 ccsidr(u32 level, bool instruction)
{
    u64 v, sel = ((u64)(level - 1) << 1) | (instruction ? 1 : 0);
    __asm__ volatile("msr csselr_el1, %1\n isb\n mrs %0, ccsidr_el1" : "=r"(v) : "r"(sel));
    return v;
}

static struct uk_cpu_cache describe(u32 level, char type)
{
    u64 v = ccsidr(level, type == 'I');
    /* CCSIDR_EL1 without FEAT_CCIDX: LineSize [2:0] = log2(bytes) - 4, Associativity [12:3] - 1, NumSets [27:13] - 1. */
    u32 line = 1u << ((v & 7) + 4), ways = ((v >> 3) & 0x3ff) + 1, sets = ((v >> 13) & 0x7fff) + 1;
    return (struct uk_cpu_cache){(u8)level, type, line * ways * sets, line, ways, sets};
}

int uk_arch_cpu_caches(struct uk_cpu_cache *caches, int max)
{
    u64 clidr;
    __asm__ volatile("mrs %0, clidr_el1" : "=r"(clidr));
    int n = 0;
    for (u32 level = 1; level <= 7 && n < max; level++) {
        u32 ctype = (clidr >> (3 * (level - 1))) & 7; /* 1 I, 2 D, 3 separate I and D, 4 unified */
        if (!ctype || ctype > 4)
            break;
        if (ctype == 2 || ctype == 3)
            caches[n++] = describe(level, 'D');
        if ((ctype == 1 || ctype == 3) && n < max)
            caches[n++] = describe(level, 'I');
        if (ctype == 4)
            caches[n++] = describe(level, 'U');
    }
    return n;
}
