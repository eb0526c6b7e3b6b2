/* layout.c - where the program's memory goes, chosen once per boot: the base from which mmap looks for room
 * (thread stacks and the GC's heap come from there), the start of the brk heap and the top of the main stack.
 * With layout randomisation on (the default; uk.aslr=off for debugging), each is moved from its fixed place by a
 * random number of pages drawn from the kernel's random bytes, as Linux's ASLR does; the image itself stays where
 * it was linked (runtime-packs/kernel/README.md, "Layout randomisation"). */
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/random.h>

/* Bits of page offset per region. mmap: 32 (a base in [16 TiB, 32 TiB), far below the stack; Linux's x86_64
 * default is 28, its maximum 32). Main stack: 22 (a top in the 16 GiB below UK_USER_STACK_TOP, as Linux's
 * x86_64 STACK_RND_MASK). brk: 18 (a start in the 1 GiB after the image, as Linux's arm64 arch_randomize_brk;
 * x86_64 takes 32 MiB). Randomness costs no memory beyond a page table or two where a region straddles a boundary. */
#define MMAP_RND_BITS 32
#define STACK_RND_BITS 22
#define BRK_RND_BITS 18
/* The regions never meet: the highest mmap base lies some 64 TiB below the lowest stack top, and the brk heap (at most 1 GiB
 * after a start at most 1 GiB after the image) ends far below the lowest mmap base. */
_Static_assert(UK_USER_MMAP_BASE + (UK_PAGE_SIZE << MMAP_RND_BITS) + (1UL << 45) <
                   UK_USER_STACK_TOP - (UK_PAGE_SIZE << STACK_RND_BITS),
               "the mmap range reaches the main stack");
_Static_assert((UK_PAGE_SIZE << BRK_RND_BITS) <= (1UL << 30), "the brk range");

struct uk_vm_layout uk_vm_layout = {
    .mmap_base = UK_USER_MMAP_BASE,
    .stack_top = UK_USER_STACK_TOP,
};

static uptr random_pages(int bits)
{
    u64 r;
    uk_random_bytes(&r, sizeof(r));
    return (uptr)(r & ((1UL << bits) - 1)) * UK_PAGE_SIZE;
}

void uk_vm_layout_init(bool randomize, uptr image_start, uptr image_end)
{
    uptr brk = UK_ALIGN_UP(image_end, UK_PAGE_SIZE) + UK_PAGE_SIZE; /* one unmapped page after the image */
    uk_vm_layout.randomized = randomize;
    if (randomize) {
        uk_vm_layout.mmap_base = UK_USER_MMAP_BASE + random_pages(MMAP_RND_BITS);
        uk_vm_layout.stack_top = UK_USER_STACK_TOP - random_pages(STACK_RND_BITS);
        brk += random_pages(BRK_RND_BITS);
    }
    uk_vm_layout.brk_start = brk;
    UK_ASSERT(brk < UK_USER_MMAP_BASE / 2);
    uk_pr_debug("layout: image %#lx-%#lx, brk %#lx, mmap base %#lx, stack top %#lx (aslr %s)\n", image_start, image_end,
                brk, uk_vm_layout.mmap_base, uk_vm_layout.stack_top, randomize ? "on" : "off");
}
