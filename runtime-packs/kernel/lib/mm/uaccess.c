/* uaccess.c - the kernel's access to program memory: every buffer a syscall reads or writes is checked
 * against the program's areas and faulted in first, so kernel code never takes a fault on it. */
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
    uk_memcpy(dst, usrc, len);
    return true;
}

void uk_user_copy_checked(void *dst, const void *src, usize len) { uk_memcpy(dst, src, len); }

bool uk_user_copy_to(void *udst, const void *src, usize len)
{
    if (!uk_user_access_ok(udst, len, true))
        return false;
    uk_memcpy(udst, src, len);
    return true;
}

long uk_user_strlen(const char *us, usize max)
{
    for (usize n = 0; n < max; n++) {
        if (((uptr)(us + n) & (UK_PAGE_SIZE - 1)) == 0 || n == 0)
            if (!uk_user_access_ok(us + n, 1, false))
                return -EFAULT;
        if (!us[n])
            return (long)n;
    }
    return -ENAMETOOLONG;
}
