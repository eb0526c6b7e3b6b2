/* kstack.c - kernel stacks: one 64 KiB slot of virtual addresses per thread above UK_KSTACK_BASE,
 * the upper 32 KiB mapped, the lower 32 KiB left unmapped so that an overflow faults. */
#include <uk/mm.h>
#include <uk/types.h>

#define KSTACK_SLOT (64 * 1024UL)
static uptr kstack_next = UK_KSTACK_BASE;
static uptr kstack_free_list[64];
static int kstack_nfree;

void *uk_kstack_alloc(void)
{
    uptr slot = kstack_nfree ? kstack_free_list[--kstack_nfree] : (kstack_next += KSTACK_SLOT) - KSTACK_SLOT;
    uptr base = slot + KSTACK_SLOT - UK_KSTACK_SIZE;
    for (uptr va = base; va < slot + KSTACK_SLOT; va += UK_PAGE_SIZE) {
        u64 pa = uk_pmm_alloc(1, UK_MEM_KSTACKS);
        if (!pa || uk_page_map(va, pa, UK_PROT_READ | UK_PROT_WRITE)) {
            while (va > base) {
                va -= UK_PAGE_SIZE;
                uk_pmm_free(uk_page_unmap(va), 1, UK_MEM_KSTACKS);
            }
            if (pa)
                uk_pmm_free(pa, 1, UK_MEM_KSTACKS);
            if (kstack_nfree < (int)UK_ARRAY_SIZE(kstack_free_list))
                kstack_free_list[kstack_nfree++] = slot;
            return NULL;
        }
    }
    return (void *)(slot + KSTACK_SLOT);
}

void uk_kstack_free(void *top)
{
    uptr slot = (uptr)top - KSTACK_SLOT;
    for (uptr va = slot + KSTACK_SLOT - UK_KSTACK_SIZE; va < (uptr)top; va += UK_PAGE_SIZE)
        uk_pmm_free(uk_page_unmap(va), 1, UK_MEM_KSTACKS);
    if (kstack_nfree < (int)UK_ARRAY_SIZE(kstack_free_list))
        kstack_free_list[kstack_nfree++] = slot;
}
