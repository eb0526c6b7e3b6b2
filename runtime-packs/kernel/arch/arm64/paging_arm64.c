/* paging_arm64.c - the kernel's 4-level translation tables (4 KiB granule, 48-bit, TTBR0 only): the
 * direct map of RAM (2 MiB blocks), 4 KiB mappings for the image and the program's memory, and device
 * windows. The program's pages are EL0-accessible and never executable at EL1 (PXN); the kernel's
 * are EL1-only and never executable at EL0 (UXN). */
#include <uk/arch.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/plat.h>
#include <uk/print.h>

#define D_VALID (1UL << 0)
#define D_TABLE_OR_PAGE (1UL << 1)
#define D_ATTR(i) ((u64)(i) << 2)
#define D_AP_EL0 (1UL << 6)
#define D_AP_RO (1UL << 7)
#define D_SH_INNER (3UL << 8)
#define D_AF (1UL << 10)
#define D_PXN (1UL << 53)
#define D_UXN (1UL << 54)
#define D_ADDR 0x0000fffffffff000UL
#define ATTR_NORMAL 1
#define ATTR_DEVICE_NGNRE 2

static u64 root_pa;

static u64 *table_virt(u64 entry) { return uk_phys_to_virt(entry & D_ADDR); }

/* The entry for va at level (3 = L0 ... 0 = L3, the page level), creating tables on the way when
 * create is set; NULL when missing or when a block covers va. */
static u64 *walk(uptr va, int level, bool create)
{
    u64 *table = uk_phys_to_virt(root_pa);
    for (int l = 3; l > level; l--) {
        u64 *e = &table[(va >> (12 + 9 * l)) & 511];
        if (!(*e & D_VALID)) {
            if (!create)
                return NULL;
            u64 pa = uk_pmm_alloc_zeroed(UK_MEM_PAGE_TABLES);
            if (!pa)
                return NULL;
            uk_dsb(ishst);
            *e = pa | D_VALID | D_TABLE_OR_PAGE;
        } else if (!(*e & D_TABLE_OR_PAGE)) {
            return NULL; /* block */
        }
        table = table_virt(*e);
    }
    return &table[(va >> (12 + 9 * level)) & 511];
}

static u64 prot_bits(int prot)
{
    u64 f = D_VALID | D_TABLE_OR_PAGE | D_AF | D_SH_INNER;
    f |= D_ATTR(prot & UK_PROT_NOCACHE ? ATTR_DEVICE_NGNRE : ATTR_NORMAL);
    if (!(prot & UK_PROT_WRITE))
        f |= D_AP_RO;
    if (prot & UK_PROT_USER)
        f |= D_AP_EL0 | D_PXN | (prot & UK_PROT_EXEC ? 0 : D_UXN);
    else
        f |= D_UXN | (prot & UK_PROT_EXEC ? 0 : D_PXN);
    return f;
}

static void tlb_flush_page(uptr va)
{
    uk_dsb(ishst);
    __asm__ volatile("tlbi vaae1is, %0" ::"r"(va >> 12) : "memory");
    uk_dsb(ish);
    uk_isb();
}

void uk_paging_init(u64 max_phys)
{
    (void)max_phys;
    root_pa = uk_pmm_alloc_zeroed(UK_MEM_PAGE_TABLES);
    if (!root_pa)
        uk_panic("no memory for page tables");
    const u64 block = D_VALID | D_AF | D_SH_INNER | D_ATTR(ATTR_NORMAL) | D_PXN | D_UXN;
    for (int i = 0; i < uk_bootinfo.nram; i++) {
        u64 start = UK_ALIGN_DOWN(uk_bootinfo.ram[i].base, 1UL << 21);
        u64 end = UK_ALIGN_UP(uk_bootinfo.ram[i].base + uk_bootinfo.ram[i].size, 1UL << 21);
        for (u64 pa = start; pa < end; pa += 1UL << 21) {
            u64 *e = walk(UK_DIRECTMAP_BASE + pa, 1, true);
            if (!e)
                uk_panic("no memory for the direct map");
            *e = pa | block;
        }
    }
}

void uk_paging_activate(void)
{
    uk_dsb(ishst);
    uk_sysreg_write(ttbr0_el1, root_pa);
    uk_isb();
    __asm__ volatile("tlbi vmalle1is" ::: "memory");
    uk_dsb(ish);
    uk_isb();
}

int uk_page_map(uptr va, u64 pa, int prot)
{
    u64 *e = walk(va, 0, true);
    if (!e)
        return -ENOMEM;
    if (*e & D_VALID) { /* break before make */
        *e = 0;
        tlb_flush_page(va);
    }
    uk_dsb(ishst);
    *e = (pa & D_ADDR) | prot_bits(prot);
    uk_dsb(ishst);
    uk_isb();
    return 0;
}

bool uk_page_query(uptr va, u64 *pa, int *prot)
{
    u64 *e = walk(va, 0, false);
    if (!e || !(*e & D_VALID))
        return false;
    if (pa)
        *pa = *e & D_ADDR;
    if (prot) {
        bool user = *e & D_AP_EL0;
        *prot = UK_PROT_READ | ((*e & D_AP_RO) ? 0 : UK_PROT_WRITE) | (user ? UK_PROT_USER : 0) |
                ((*e & (user ? D_UXN : D_PXN)) ? 0 : UK_PROT_EXEC);
    }
    return true;
}

void uk_page_protect(uptr va, int prot)
{
    u64 *e = walk(va, 0, false);
    if (!e || !(*e & D_VALID))
        return;
    u64 pa = *e & D_ADDR;
    *e = 0;
    tlb_flush_page(va);
    *e = pa | prot_bits(prot);
    uk_dsb(ishst);
    uk_isb();
}

u64 uk_page_unmap(uptr va)
{
    u64 *e = walk(va, 0, false);
    if (!e || !(*e & D_VALID))
        return 0;
    u64 pa = *e & D_ADDR;
    *e = 0;
    tlb_flush_page(va);
    return pa;
}

void *uk_mmio_map(u64 pa, usize size)
{
    for (u64 off = UK_ALIGN_DOWN(pa, UK_PAGE_SIZE); off < pa + size; off += UK_PAGE_SIZE) {
        u64 cur;
        if (uk_page_query(UK_DIRECTMAP_BASE + off, &cur, NULL) && cur == off)
            continue;
        if (uk_page_map(UK_DIRECTMAP_BASE + off, off, UK_PROT_READ | UK_PROT_WRITE | UK_PROT_NOCACHE))
            uk_panic("cannot map MMIO at %lx", pa);
    }
    return uk_phys_to_virt(pa);
}
