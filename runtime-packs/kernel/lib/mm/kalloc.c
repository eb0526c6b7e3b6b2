/* kalloc.c - the kernel heap: power-of-two size classes (32 B - 2 KiB) carved from frames, larger
 * blocks as contiguous frames. A header before each block records its class. */
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>

#define MIN_SHIFT 5
#define MAX_SHIFT 11
#define NCLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define HDR 16

struct free_block {
    struct free_block *next;
};
static struct free_block *free_lists[NCLASSES];

static int class_of(usize total)
{
    for (int c = 0; c < NCLASSES; c++)
        if (total <= (1UL << (MIN_SHIFT + c)))
            return c;
    return -1;
}

void *uk_kmalloc(usize size)
{
    usize total = size + HDR;
    int c = class_of(total);
    u64 *hdr;
    if (c < 0) {
        usize pages = UK_ALIGN_UP(total, UK_PAGE_SIZE) / UK_PAGE_SIZE;
        u64 pa = uk_pmm_alloc(pages, UK_MEM_HEAP);
        if (!pa)
            return NULL;
        hdr = uk_phys_to_virt(pa);
        hdr[0] = 0x100 | pages << 16;
    } else {
        if (!free_lists[c]) {
            u64 pa = uk_pmm_alloc(1, UK_MEM_HEAP);
            if (!pa)
                return NULL;
            usize bs = 1UL << (MIN_SHIFT + c);
            u8 *page = uk_phys_to_virt(pa);
            for (usize off = 0; off + bs <= UK_PAGE_SIZE; off += bs) {
                struct free_block *b = (void *)(page + off);
                b->next = free_lists[c];
                free_lists[c] = b;
            }
        }
        hdr = (u64 *)free_lists[c];
        free_lists[c] = free_lists[c]->next;
        hdr[0] = c;
    }
    return (u8 *)hdr + HDR;
}

void *uk_kzalloc(usize size)
{
    void *p = uk_kmalloc(size);
    if (p)
        uk_memset(p, 0, size);
    return p;
}

void uk_kfree(void *p)
{
    if (!p)
        return;
    u64 *hdr = (u64 *)((u8 *)p - HDR);
    if (hdr[0] & 0x100) {
        uk_pmm_free(uk_virt_to_phys(hdr), hdr[0] >> 16, UK_MEM_HEAP);
        return;
    }
    int c = (int)hdr[0];
    UK_ASSERT(c >= 0 && c < NCLASSES);
    struct free_block *b = (void *)hdr;
    b->next = free_lists[c];
    free_lists[c] = b;
}
