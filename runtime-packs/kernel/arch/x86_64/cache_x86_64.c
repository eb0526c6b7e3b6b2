/* cache_x86_64.c - the CPU's caches from CPUID, as Linux's cacheinfo reads them: the deterministic cache
 * parameters of leaf 4 (Intel) or 0x8000001d (AMD with TOPOEXT), one subleaf per cache, else AMD's legacy
 * L1/L2/L3 descriptions in leaves 0x80000005 and 0x80000006. */
#include <uk/arch.h>

static int deterministic(u32 leaf, struct uk_cpu_cache *caches, int max)
{
    int n = 0;
    for (u32 sub = 0; sub < 16 && n < max; sub++) {
        u32 a, b, c, d;
        uk_cpuid(leaf, sub, &a, &b, &c, &d);
        u32 type = a & 0x1f; /* 0: no more caches; 1 data, 2 instruction, 3 unified */
        if (!type)
            break;
        if (type > 3)
            continue;
        u32 line = (b & 0xfff) + 1, parts = ((b >> 12) & 0x3ff) + 1, ways = (b >> 22) + 1, sets = c + 1;
        caches[n++] = (struct uk_cpu_cache){.level = (u8)((a >> 5) & 7),
                                            .type = "DIU"[type - 1],
                                            .size = line * parts * ways * sets,
                                            .line = line,
                                            .ways = ways,
                                            .sets = sets};
    }
    return n;
}

/* AMD's associativity field of leaf 0x80000006 (0xf: fully associative, reported as 0 ways by Linux). */
static u32 amd_ways(u32 field)
{
    static const u8 ways[16] = {0, 1, 2, 3, 4, 6, 8, 0, 16, 0, 32, 48, 64, 96, 128, 0};
    return ways[field & 0xf];
}

static int legacy_amd(struct uk_cpu_cache *caches, int max)
{
    u32 a, b, c, d, n = 0;
    uk_cpuid(0x80000005, 0, &a, &b, &c, &d);
    struct uk_cpu_cache all[4] = {
        {1, 'D', (c >> 24) << 10, c & 0xff, (c >> 16) & 0xff, 0},
        {1, 'I', (d >> 24) << 10, d & 0xff, (d >> 16) & 0xff, 0},
    };
    uk_cpuid(0x80000006, 0, &a, &b, &c, &d);
    all[2] = (struct uk_cpu_cache){2, 'U', (c >> 16) << 10, c & 0xff, amd_ways(c >> 12), 0};
    all[3] = (struct uk_cpu_cache){3, 'U', (d >> 18) * (512u << 10), d & 0xff, amd_ways(d >> 12), 0};
    for (int i = 0; i < 4 && (int)n < max; i++) {
        if (!all[i].size || !all[i].line)
            continue;
        all[i].sets = all[i].ways ? all[i].size / (all[i].line * all[i].ways) : 1;
        caches[n++] = all[i];
    }
    return (int)n;
}

int uk_arch_cpu_caches(struct uk_cpu_cache *caches, int max)
{
    u32 a, b, c, d, ext;
    uk_cpuid(0, 0, &a, &b, &c, &d);
    int n = a >= 4 ? deterministic(4, caches, max) : 0;
    if (n)
        return n;
    uk_cpuid(0x80000000, 0, &ext, &b, &c, &d);
    uk_cpuid(0x80000001, 0, &a, &b, &c, &d);
    if (ext >= 0x8000001d && (c & (1u << 22)) && (n = deterministic(0x8000001d, caches, max)))
        return n;
    return ext >= 0x80000006 ? legacy_amd(caches, max) : 0;
}
