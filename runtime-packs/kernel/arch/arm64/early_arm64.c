/* early_arm64.c - the page tables that turn the MMU on, built with the MMU still off (so this file
 * only uses PC-relative addresses and aligned accesses). They map: the image's virtual addresses onto
 * wherever the loader put it (2 MiB blocks), the 1 GiB around the entry code one-to-one (to survive
 * the instant the MMU comes on), and the direct map: every GiB below the image as device memory (the
 * UART and GIC sit there on QEMU virt and Firecracker), eight GiB from the image on and the GiB of the
 * device tree as RAM. The real tables (paging_arm64.c) replace them once the memory map is known. */
#include <uk/arch.h>
#include <uk/image.h>
#include <uk/mm.h>
#include "arm64.h"

#define D_TABLE 3UL
#define D_BLOCK 1UL
#define D_AF (1UL << 10)
#define D_SH_INNER (3UL << 8)
#define D_ATTR(i) ((u64)(i) << 2)
#define D_PXN (1UL << 53)
#define D_UXN (1UL << 54)
#define ATTR_DEVICE 0
#define ATTR_NORMAL 1
#define GIB (1UL << 30)
#define MIB2 (1UL << 21)
#define EARLY_RAM_GIB 8

static u64 l0[512] __attribute__((aligned(4096)));
static u64 l1_low[512] __attribute__((aligned(4096)));
static u64 l2_image[512] __attribute__((aligned(4096)));
static u64 l1_direct[512] __attribute__((aligned(4096)));

/* The MMU is off here: no stack protector, whose canary lives at a virtual address. Writes made with the caches
 * off go to memory: clean and invalidate the lines, so that no stale line hides them once the caches are on. */
__attribute__((no_stack_protector)) void uk_arch_early_clean(const void *p, usize len)
{
    u64 ctr = uk_sysreg_read(ctr_el0);
    usize line = 4UL << ((ctr >> 16) & 0xf);
    for (uptr a = (uptr)p & ~(line - 1); a < (uptr)p + len; a += line)
        __asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
    uk_dsb(sy);
}

__attribute__((no_stack_protector)) u64 uk_arch_early_tables(u64 image_pa, u64 fdt_pa)
{
    const u64 normal = D_AF | D_SH_INNER | D_ATTR(ATTR_NORMAL);
    const u64 device = D_AF | D_ATTR(ATTR_DEVICE) | D_PXN | D_UXN;
    uptr va_start = (uptr)UK_IMAGE_VA;                          /* the linked address of __uk_image_start (0x400000) */
    usize size = (uptr)__uk_image_end - (uptr)__uk_image_start; /* both PC-relative: the difference holds */

    l0[0] = (u64)l1_low | D_TABLE;
    l1_low[0] = (u64)l2_image | D_TABLE;
    for (usize off = 0; off < size + MIB2; off += MIB2)
        l2_image[(va_start + off) >> 21] = (image_pa + off) | D_BLOCK | normal | D_UXN;
    u64 gib = image_pa / GIB;
    if (gib != 0) /* one-to-one for the entry code; GiB 0 holds the image's virtual addresses */
        l1_low[gib] = (gib * GIB) | D_BLOCK | normal | D_UXN;

    l0[(UK_DIRECTMAP_BASE >> 39) & 511] = (u64)l1_direct | D_TABLE;
    for (u64 g = 0; g < gib + EARLY_RAM_GIB && g < 512; g++)
        l1_direct[g] = (g * GIB) | D_BLOCK | (g < gib ? device : normal | D_PXN | D_UXN);
    u64 fdt_gib = fdt_pa / GIB; /* Firecracker puts it near the end of RAM, maybe beyond those eight */
    if (fdt_gib < 512 && fdt_gib >= gib)
        l1_direct[fdt_gib] = (fdt_gib * GIB) | D_BLOCK | normal | D_PXN | D_UXN;

    uk_arch_early_clean(l0, sizeof(l0));
    uk_arch_early_clean(l1_low, sizeof(l1_low));
    uk_arch_early_clean(l2_image, sizeof(l2_image));
    uk_arch_early_clean(l1_direct, sizeof(l1_direct));
    return (u64)l0;
}
