/* brk.c - the program's brk heap: one growing area after the image, at most 1 GiB. */
#include <uk/mm.h>

static uptr brk_start, brk_cur;
#define BRK_MAX (1UL << 30)

void uk_brk_init(uptr start) { brk_start = brk_cur = UK_ALIGN_UP(start, UK_PAGE_SIZE); }

uptr uk_brk_set(uptr addr)
{
    if (addr < brk_start || addr > brk_start + BRK_MAX)
        return brk_cur;
    uptr want = UK_ALIGN_UP(addr, UK_PAGE_SIZE);
    uptr have = UK_ALIGN_UP(brk_cur, UK_PAGE_SIZE);
    if (want > have && (!uk_vm_commit_ok(have, want, UK_PROT_WRITE) ||
                        uk_vm_add(have, want - have, UK_PROT_READ | UK_PROT_WRITE, UK_VM_ANON)))
        return brk_cur;
    if (want < have)
        uk_vm_munmap(want, have - want);
    brk_cur = addr;
    return brk_cur;
}
