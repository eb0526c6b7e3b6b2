/* uaccess.c - the kernel's access to program memory: every buffer a syscall reads or writes is checked
 * against the program's areas and faulted in first, so kernel code never takes a fault on it. This is the copy
 * layer: the only code that opens the CPU's user-access window (SMAP's stac/clac, arm64's PAN) for its copies;
 * anywhere else a kernel access to program memory is a panic that names the protection. */
#include <uk/arch.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>

bool uk_user_access_ok(const void *p, usize len, bool write)
{
    uptr a = (uptr)p;
    if (len == 0)
        return true;
    if (a < 0x10000 || a + len > UK_USER_TOP || a + len < a)
        return false;
    for (uptr va = UK_ALIGN_DOWN(a, UK_PAGE_SIZE); va < a + len; va += UK_PAGE_SIZE) {
        int cur;
        int prot = uk_vm_prot_at(va);
        if (prot < 0 || !(prot & (write ? UK_PROT_WRITE : (UK_PROT_READ | UK_PROT_WRITE))))
            return false;
        if (uk_page_query(va, NULL, &cur))
            continue;
        if (uk_vm_fault(va, write ? UK_PROT_WRITE : UK_PROT_READ) != 0)
            return false;
    }
    return true;
}

bool uk_user_copy_from(void *dst, const void *usrc, usize len)
{
    if (!uk_user_access_ok(usrc, len, false))
        return false;
    uk_user_copy_checked(dst, usrc, len);
    return true;
}

void uk_user_copy_checked(void *dst, const void *src, usize len)
{
    uk_arch_user_access_begin();
    uk_memcpy(dst, src, len);
    uk_arch_user_access_end();
}

void uk_user_fill_checked(void *udst, int c, usize len)
{
    uk_arch_user_access_begin();
    uk_memset(udst, c, len);
    uk_arch_user_access_end();
}

bool uk_user_copy_to(void *udst, const void *src, usize len)
{
    if (!uk_user_access_ok(udst, len, true))
        return false;
    uk_user_copy_checked(udst, src, len);
    return true;
}

long uk_user_strlen(const char *us, usize max)
{
    for (usize n = 0; n < max; n++) {
        if (((uptr)(us + n) & (UK_PAGE_SIZE - 1)) == 0 || n == 0)
            if (!uk_user_access_ok(us + n, 1, false))
                return -EFAULT;
        uk_arch_user_access_begin();
        char c = us[n];
        uk_arch_user_access_end();
        if (!c)
            return (long)n;
    }
    return -ENAMETOOLONG;
}
