/* shim_pmm.c - physical frames for the harnesses that do not test the frame allocator itself: host blocks whose
 * "physical address" is their address minus the direct map's base, so uk_phys_to_virt() finds them again. */
#include <uk/mm.h>
#include "host.h"

u64 uk_pmm_alloc(usize npages, enum uk_mem_use use)
{
    (void)use;
    for (;;) {
        u8 *va = fz_host_alloc(npages * UK_PAGE_SIZE, UK_PAGE_SIZE);
        u64 pa = uk_virt_to_phys(va);
        if (pa) /* 0 means "no memory": never hand out the one block whose address is the direct map's base */
            return pa;
    }
}

u64 uk_pmm_alloc_zeroed(enum uk_mem_use use) { return uk_pmm_alloc(1, use); }

void uk_pmm_free(u64 pa, usize npages, enum uk_mem_use use)
{
    (void)npages;
    (void)use;
    fz_host_free(uk_phys_to_virt(pa));
}

/* RAM as the harness's guest has it: by default as the ramfs's share of it sees it (half of this), more than any
 * harness writes; the net harness sets 0, so receive pools keep their smallest size (and their copying path). */
usize fz_total_pages = 1UL << 20;
usize uk_pmm_total_pages(void) { return fz_total_pages; }
