/* pmm.c - physical frame allocator: one bit per 4 KiB frame of RAM (set = in use), next-fit search
 * for runs of free frames, and counters that sysinfo and /proc/meminfo report, per use of the frames. Frames that
 * a cache holds but can give back (the block page cache) are reclaimed when an allocation finds too few free. */
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/plat.h>
#include <uk/print.h>

static u64 *bitmap;
static usize nframes, nfree, ntotal, hint;
static usize ram_pages, used[UK_MEM_USES], peak[UK_MEM_USES];
static const struct uk_pmm_reclaimer *reclaimer;
static bool reclaiming;

void uk_pmm_set_reclaimer(const struct uk_pmm_reclaimer *r) { reclaimer = r; }
usize uk_pmm_reclaimable_pages(void) { return reclaimer ? reclaimer->count() : 0; }

static bool test(usize f) { return bitmap[f / 64] & (1UL << (f % 64)); }
static void set(usize f) { bitmap[f / 64] |= 1UL << (f % 64); }
static void clear(usize f) { bitmap[f / 64] &= ~(1UL << (f % 64)); }

static usize bits_set(u64 w)
{
    w = w - ((w >> 1) & 0x5555555555555555UL);
    w = (w & 0x3333333333333333UL) + ((w >> 2) & 0x3333333333333333UL);
    w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
    return (usize)((w * 0x0101010101010101UL) >> 56);
}

/* Marks the frames of [base, base + size) used or free, whole words of the bitmap at a time where the range covers
 * them: frame by frame, the boot's marking of all RAM free took time in proportion to the RAM (4 GiB: 18 ms under
 * TCG). */
static void mark_range(u64 base, u64 size, bool used)
{
    usize f = UK_ALIGN_DOWN(base, UK_PAGE_SIZE) / UK_PAGE_SIZE;
    usize last = UK_MIN(UK_ALIGN_UP(base + size, UK_PAGE_SIZE) / UK_PAGE_SIZE, nframes);
    while (f < last) {
        if (f % 64 == 0 && last - f >= 64) {
            u64 *w = &bitmap[f / 64];
            usize in_use = bits_set(*w);
            nfree = used ? nfree - (64 - in_use) : nfree + in_use;
            *w = used ? ~0UL : 0;
            f += 64;
            continue;
        }
        if (used && !test(f)) {
            set(f);
            nfree--;
        } else if (!used && test(f)) {
            clear(f);
            nfree++;
        }
        f++;
    }
}

/* Too little RAM left to start a program: say what the VM needs (the span of its RAM, as a VMM's memory size counts it,
 * less what is free, plus UK_PMM_MIN_FREE) instead of failing later without a word. */
static void check_minimum(const struct uk_memregion *ram, int nram)
{
    u64 free = (u64)nfree * UK_PAGE_SIZE, low = ~0UL, high = 0;
    if (free >= UK_PMM_MIN_FREE)
        return;
    for (int i = 0; i < nram; i++) {
        low = UK_MIN(low, ram[i].base);
        high = UK_MAX(high, ram[i].base + ram[i].size);
    }
    u64 need = UK_ALIGN_UP(high - low - free + UK_PMM_MIN_FREE, 1UL << 20);
    uk_printk(
        "[uk] too little memory: the VM has %lu KiB of RAM, the image and the boot data leave %lu KiB free, and the "
        "kernel needs %lu KiB free to start the program; give the VM at least %lu MiB (QEMU -m, Firecracker "
        "mem_size_mib, UnikraftMemory)\n",
        (high - low) >> 10, free >> 10, UK_PMM_MIN_FREE >> 10, need >> 20);
    uk_plat_exit(UK_EXIT_PANIC);
}

void uk_pmm_init(const struct uk_memregion *ram, int nram, const struct uk_memregion *used, int nused)
{
    u64 top = 0;
    for (int i = 0; i < nram; i++)
        top = UK_MAX(top, ram[i].base + ram[i].size);
    nframes = top / UK_PAGE_SIZE;
    usize bytes = UK_ALIGN_UP((nframes + 63) / 64 * 8, UK_PAGE_SIZE);

    /* Place the bitmap in the first RAM region above the reserved ranges that can hold it. */
    u64 where = 0;
    for (int i = 0; i < nram && !where; i++) {
        u64 start = UK_ALIGN_UP(ram[i].base, UK_PAGE_SIZE);
        for (int u = 0; u < nused; u++)
            if (start < used[u].base + used[u].size && start + bytes > used[u].base)
                start = UK_ALIGN_UP(used[u].base + used[u].size, UK_PAGE_SIZE);
        if (start + bytes <= ram[i].base + ram[i].size && start + bytes <= 0x100000000UL)
            where = start;
    }
    if (!where)
        uk_panic("no room for the frame bitmap (%lu bytes)", bytes);
    bitmap = uk_phys_to_virt(where);
    uk_memset(bitmap, 0xff, bytes);
    nfree = 0;
    for (int i = 0; i < nram; i++) {
        u64 b = UK_ALIGN_UP(ram[i].base, UK_PAGE_SIZE);
        u64 e = UK_ALIGN_DOWN(ram[i].base + ram[i].size, UK_PAGE_SIZE);
        if (e > b)
            mark_range(b, e - b, false);
    }
    for (int u = 0; u < nused; u++)
        mark_range(used[u].base, used[u].size, true);
    mark_range(where, bytes, true);
    ntotal = nfree;
    for (int i = 0; i < nram; i++)
        ram_pages += ram[i].size / UK_PAGE_SIZE;
    uk_pr_debug("pmm: %lu MiB free of %lu MiB addressable\n", nfree >> 8, nframes >> 8);
    check_minimum(ram, nram);
}

static void count(enum uk_mem_use use, usize npages)
{
    used[use] += npages;
    peak[use] = UK_MAX(peak[use], used[use]);
}

static u64 alloc(usize npages);

u64 uk_pmm_alloc(usize npages, enum uk_mem_use use)
{
    u64 pa = alloc(npages);
    /* Too few free frames (or no free run long enough): ask the cache for some, once. Not while the cache
     * itself allocates (it evicts its own pages then). */
    if (!pa && npages && reclaimer && !reclaiming) {
        reclaiming = true;
        reclaimer->reclaim(npages + 64);
        reclaiming = false;
        pa = alloc(npages);
    }
    if (pa)
        count(use, npages);
    return pa;
}

static u64 alloc(usize npages)
{
    if (npages == 0 || npages > nfree)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        usize f = pass ? 0 : hint;
        usize end = pass ? hint + npages : nframes;
        while (f + npages <= UK_MIN(end, nframes)) {
            if (bitmap[f / 64] == ~0UL && f % 64 == 0) {
                f += 64;
                continue;
            }
            usize run = 0;
            while (run < npages && !test(f + run))
                run++;
            if (run == npages) {
                for (usize i = 0; i < npages; i++)
                    set(f + i);
                nfree -= npages;
                hint = f + npages;
                return (u64)f * UK_PAGE_SIZE;
            }
            f += run + 1;
        }
    }
    return 0;
}

u64 uk_pmm_alloc_zeroed(enum uk_mem_use use)
{
    u64 pa = uk_pmm_alloc(1, use);
    if (pa)
        uk_memset(uk_phys_to_virt(pa), 0, UK_PAGE_SIZE);
    return pa;
}

void uk_pmm_free(u64 pa, usize npages, enum uk_mem_use use)
{
    used[use] -= npages;
    usize f = pa / UK_PAGE_SIZE;
    for (usize i = 0; i < npages; i++) {
        UK_ASSERT(test(f + i));
        clear(f + i);
    }
    nfree += npages;
}

usize uk_pmm_free_pages(void) { return nfree; }
usize uk_pmm_total_pages(void) { return ntotal; }

/* "[uk] debug: memory at <when> (KiB, peak in parentheses): RAM 8064, firmware and image 3120, page tables 64 (64),
 * …, free 1220". Firmware and image: what the platform kept out of the allocator (x86's first MiB, the image with
 * its .bss) and the frame bitmap. */
void uk_pmm_report(const char *when)
{
    static const char *const names[UK_MEM_USES] = {
        [UK_MEM_PAGE_TABLES] = "page tables",
        [UK_MEM_HEAP] = "kernel heap",
        [UK_MEM_KSTACKS] = "kernel stacks",
        [UK_MEM_THREADS] = "vector state",
        [UK_MEM_FILES] = "files",
        [UK_MEM_DEVICES] = "devices",
        [UK_MEM_PROGRAM] = "program",
        [UK_MEM_BLOCK_CACHE] = "block cache",
    };
    if (uk_loglevel < UK_LOG_DEBUG)
        return;
    char line[400];
    int n = uk_snprintf(line, sizeof(line), "memory at %s (KiB, peak in parentheses): RAM %lu, firmware and image %lu",
                        when, ram_pages * 4, (ram_pages - ntotal) * 4);
    for (int u = 0; u < UK_MEM_USES && n < (int)sizeof(line); u++)
        n += uk_snprintf(line + n, sizeof(line) - n, ", %s %lu (%lu)", names[u], used[u] * 4, peak[u] * 4);
    if (n < (int)sizeof(line))
        uk_snprintf(line + n, sizeof(line) - n, ", free %lu", nfree * 4);
    uk_pr_debug("%s\n", line);
}
