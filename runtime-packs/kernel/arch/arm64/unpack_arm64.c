/* unpack_arm64.c - the first work of the Image entry: the Image file holds the segments after the kernel's code
 * packed, each at its load address (p_paddr: right after its predecessor's last byte, unikraft_arm64.ld), not at
 * the page of its virtual address, so the file carries no page padding. Move each up to its virtual address's
 * place in the loaded Image and clear what stays behind. The MMU is off: PC-relative addresses and aligned
 * accesses only, no stack protector (its canary lives at a virtual address), no kernel data touched. */
#include <uk/arch.h>
#include <uk/image.h>
#include <uk/mm.h>
#include "arm64.h"

struct phdr {
    u32 type, flags;
    u64 offset, vaddr, paddr, filesz, memsz, align;
};
#define PT_LOAD 1

typedef u64 __attribute__((may_alias)) word;

/* Copies n bytes from s up to d (d > s), from the end down, so an overlap keeps the source's bytes. */
__attribute__((no_stack_protector)) static void move_up(char *d, const char *s, usize n)
{
    if (((uptr)d | (uptr)s) & 7) {
        while (n) {
            n--;
            d[n] = s[n];
        }
        return;
    }
    while (n & 7) {
        n--;
        d[n] = s[n];
    }
    for (; n; n -= 8)
        *(word *)(d + n - 8) = *(const word *)(s + n - 8);
}

__attribute__((no_stack_protector)) static void clear(char *p, char *end)
{
    for (; p < end && ((uptr)p & 7); p++)
        *p = 0;
    for (; p + 8 <= end; p += 8)
        *(word *)p = 0;
    for (; p < end; p++)
        *p = 0;
}

__attribute__((no_stack_protector)) void uk_arch_early_unpack(void)
{
    char *image = __uk_image_start; /* PC-relative: where the loader put the Image */
    const struct phdr *first = (const struct phdr *)(image + sizeof(struct elf64_ehdr));
    const struct phdr *end = (const struct phdr *)__uk_phdrs_end;
    bool moved = false;

    /* Last first: each moves up, above the packed bytes of the segments before it. */
    for (const struct phdr *p = end; p-- > first;) {
        if (p->type != PT_LOAD || !p->filesz || p->paddr == p->vaddr)
            continue;
        move_up(image + (p->vaddr - UK_IMAGE_VA), image + (p->paddr - UK_IMAGE_VA), p->filesz);
        moved = true;
    }
    if (!moved)
        return;
    /* Behind each segment's last byte, up to its page's end, lie stale packed bytes: zero, as a loader leaves it. */
    for (const struct phdr *p = first; p < end; p++)
        if (p->type == PT_LOAD && p->filesz) {
            u64 start = p->vaddr - UK_IMAGE_VA, last = start + p->filesz, page_end = UK_ALIGN_UP(last, UK_PAGE_SIZE);
            clear(image + last, image + page_end);
            if (p->paddr != p->vaddr)
                uk_arch_early_clean(image + start, page_end - start);
            else
                uk_arch_early_clean(image + last, page_end - last);
        }
}
