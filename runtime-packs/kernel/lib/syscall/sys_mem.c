/* sys_mem.c - memory syscalls: mmap family, brk, madvise, mlock, and memory policy queries. */
#include <uk/errno.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/syscall.h>

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE 1
#define MADV_DONTNEED 4
#define MADV_FREE 8

static int to_prot(long p)
{
    return (p & PROT_READ ? UK_PROT_READ : 0) | (p & PROT_WRITE ? UK_PROT_WRITE : 0) |
           (p & PROT_EXEC ? UK_PROT_EXEC : 0);
}

long sys_mmap(long addr, long len, long prot, long flags, long fd, long off)
{
    (void)off;
    if (!(flags & MAP_ANONYMOUS) || fd != -1) {
        uk_pr_warn("mmap of a file (fd %ld) is not supported\n", fd);
        return -ENODEV;
    }
    if (len == 0)
        return -EINVAL; /* a "negative" length is a huge one: ENOMEM, as Linux */
    if (flags & MAP_FIXED_NOREPLACE) {
        long r = uk_vm_mmap(addr, len, to_prot(prot), UK_VM_ANON, false);
        if (r >= 0 && r != addr) {
            uk_vm_munmap(r, len);
            return -EEXIST;
        }
        return r;
    }
    return uk_vm_mmap(addr, len, to_prot(prot), UK_VM_ANON, flags & MAP_FIXED);
}

long sys_munmap(long addr, long len) { return uk_vm_munmap(addr, len); }
long sys_mprotect(long addr, long len, long prot) { return uk_vm_mprotect(addr, len, to_prot(prot)); }

long sys_mremap(long old, long oldlen, long newlen, long flags)
{
    return uk_vm_mremap(old, oldlen, newlen, flags & MREMAP_MAYMOVE);
}

long sys_madvise(long addr, long len, long advice)
{
    if (addr & (UK_PAGE_SIZE - 1))
        return -EINVAL;
    if (advice == MADV_DONTNEED || advice == MADV_FREE)
        return uk_vm_discard(addr, len);
    return 0; /* hints we do not need */
}

long sys_brk(long addr) { return (long)uk_brk_set(addr); }

/* Everything is resident; locking only checks the range. */
long sys_mlock(long addr, long len) { return uk_user_access_ok((void *)addr, len, false) ? 0 : -ENOMEM; }
long sys_munlock(long addr, long len)
{
    (void)addr, (void)len;
    return 0;
}

/* One memory node. */
long sys_get_mempolicy(long mode, long nodemask, long maxnode, long addr, long flags)
{
    (void)maxnode, (void)addr, (void)flags;
    if (mode && !uk_user_copy_to((void *)mode, &(int){0}, sizeof(int)))
        return -EFAULT;
    if (nodemask && maxnode >= 1 && !uk_user_copy_to((void *)nodemask, &(u64){1}, sizeof(u64)))
        return -EFAULT;
    return 0;
}

long sys_mbind(void) { return 0; }
