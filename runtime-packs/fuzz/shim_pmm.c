/* shim_pmm.c - physical frames for the harnesses that do not test the frame allocator itself: host blocks whose
 * "physical address" is their address minus the direct map's base, so uk_phys_to_virt() finds them again. */
#include <uk/mm.h>
#include "host.h"

u64 uk_pmm_alloc(usize npages)
{
    for (;;) {
        u8 *va = fz_host_alloc(npages * UK_PAGE_SIZE, UK_PAGE_SIZE);
        u64 pa = uk_virt_to_phys(va);
        if (pa) /* 0 means "no memory": never hand out the one block whose address is the direct map's base */
            return pa;
    }
}

u64 uk_pmm_alloc_zeroed(void) { return uk_pmm_alloc(1); }

void uk_pmm_free(u64 pa, usize npages)
{
    (void)npages;
    fz_host_free(uk_phys_to_virt(pa));
}

/* RAM as the ramfs's share of it sees it (half of this): more than any harness writes. */
usize uk_pmm_total_pages(void) { return 1UL << 20; }
