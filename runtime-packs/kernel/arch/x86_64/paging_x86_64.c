/* paging_x86_64.c - the kernel's 4-level page tables: the direct map of RAM (2 MiB pages), 4 KiB
 * mappings for the image and the program's memory, and MMIO windows. */
#include <uk/arch.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/plat.h>
#include <uk/print.h>

#define PTE_P (1UL << 0)
#define PTE_W (1UL << 1)
#define PTE_U (1UL << 2)
#define PTE_PWT (1UL << 3)
#define PTE_PCD (1UL << 4)
#define PTE_PS (1UL << 7)
#define PTE_G (1UL << 8)
#define PTE_NX (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL

static u64 pml4_pa;

static u64 *table_virt(u64 entry) { return uk_phys_to_virt(entry & PTE_ADDR); }

/* Returns the entry for va at the given level (3 = PML4 ... 0 = PT), creating tables on the way
 * when create is set; NULL when missing or when a large page covers va. */
static u64 *walk(uptr va, int level, bool create)
{
    u64 *table = uk_phys_to_virt(pml4_pa);
    for (int l = 3; l > level; l--) {
        u64 *e = &table[(va >> (12 + 9 * l)) & 511];
        if (!(*e & PTE_P)) {
            if (!create)
                return NULL;
            u64 pa = uk_pmm_alloc_zeroed(UK_MEM_PAGE_TABLES);
            if (!pa)
                return NULL;
            /* Leaves carry the real permissions; upper levels allow everything. */
            *e = pa | PTE_P | PTE_W | (va < UK_USER_TOP ? PTE_U : 0);
        } else if (*e & PTE_PS) {
            return NULL;
        }
        table = table_virt(*e);
    }
    return &table[(va >> (12 + 9 * level)) & 511];
}

static u64 prot_bits(int prot)
{
    u64 f = PTE_P;
    if (prot & UK_PROT_WRITE)
        f |= PTE_W;
    if (prot & UK_PROT_USER)
        f |= PTE_U;
    else
        f |= PTE_G;
    if (!(prot & UK_PROT_EXEC))
        f |= PTE_NX;
    if (prot & UK_PROT_NOCACHE)
        f |= PTE_PCD | PTE_PWT;
    return f;
}

void uk_paging_init(u64 max_phys)
{
    (void)max_phys;
    pml4_pa = uk_pmm_alloc_zeroed(UK_MEM_PAGE_TABLES);
    if (!pml4_pa)
        uk_panic("no memory for page tables");
    for (int i = 0; i < uk_bootinfo.nram; i++) {
        u64 start = UK_ALIGN_DOWN(uk_bootinfo.ram[i].base, 1UL << 21);
        u64 end = UK_ALIGN_UP(uk_bootinfo.ram[i].base + uk_bootinfo.ram[i].size, 1UL << 21);
        for (u64 pa = start; pa < end; pa += 1UL << 21) {
            u64 *e = walk(UK_DIRECTMAP_BASE + pa, 1, true);
            if (!e)
                uk_panic("no memory for the direct map");
            *e = pa | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX;
        }
    }
}

void uk_paging_activate(void) { uk_write_cr3(pml4_pa); }

int uk_page_map(uptr va, u64 pa, int prot)
{
    u64 *e = walk(va, 0, true);
    if (!e)
        return -ENOMEM;
    bool was = *e & PTE_P;
    *e = (pa & PTE_ADDR) | prot_bits(prot);
    if (was)
        uk_invlpg(va);
    return 0;
}

bool uk_page_query(uptr va, u64 *pa, int *prot)
{
    u64 *e = walk(va, 0, false);
    if (!e || !(*e & PTE_P))
        return false;
    if (pa)
        *pa = *e & PTE_ADDR;
    if (prot)
        *prot = UK_PROT_READ | ((*e & PTE_W) ? UK_PROT_WRITE : 0) | ((*e & PTE_U) ? UK_PROT_USER : 0) |
                ((*e & PTE_NX) ? 0 : UK_PROT_EXEC);
    return true;
}

void uk_page_protect(uptr va, int prot)
{
    u64 *e = walk(va, 0, false);
    if (!e || !(*e & PTE_P))
        return;
    *e = (*e & PTE_ADDR) | prot_bits(prot);
    uk_invlpg(va);
}

u64 uk_page_unmap(uptr va)
{
    u64 *e = walk(va, 0, false);
    if (!e || !(*e & PTE_P))
        return 0;
    u64 pa = *e & PTE_ADDR;
    *e = 0;
    uk_invlpg(va);
    return pa;
}

void *uk_mmio_map(u64 pa, usize size)
{
    for (u64 off = UK_ALIGN_DOWN(pa, UK_PAGE_SIZE); off < pa + size; off += UK_PAGE_SIZE)
        if (uk_page_map(UK_DIRECTMAP_BASE + off, off, UK_PROT_READ | UK_PROT_WRITE | UK_PROT_NOCACHE))
            uk_panic("cannot map MMIO at %lx", pa);
    return uk_phys_to_virt(pa);
}

const void *uk_phys_map_ro(u64 pa, usize size)
{
    for (u64 off = UK_ALIGN_DOWN(pa, UK_PAGE_SIZE); off < pa + size; off += UK_PAGE_SIZE) {
        uptr va = UK_DIRECTMAP_BASE + off;
        u64 *large = walk(va, 1, false), *e = walk(va, 0, false);
        if ((large && (*large & PTE_P) && (*large & PTE_PS)) || (e && (*e & PTE_P)))
            continue; /* RAM in the direct map, or mapped before */
        if (uk_page_map(va, off, UK_PROT_READ))
            return NULL;
    }
    return uk_phys_to_virt(pa);
}
