/* sys_arch_x86_64.c - x86_64-only syscalls: arch_prctl (the FS base musl uses for TLS). */
#include <uk/arch.h>
#include <uk/errno.h>
#include <uk/mm.h>
#include <uk/sched.h>

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

long sys_arch_prctl(long code, long addr)
{
    struct uk_thread *t = uk_thread_current();
    switch (code) {
    case ARCH_SET_FS:
        if ((u64)addr >= UK_USER_TOP)
            return -EPERM;
        t->tls = addr;
        uk_arch_set_tls(addr);
        return 0;
    case ARCH_GET_FS: return uk_user_copy_to((void *)addr, &t->tls, 8) ? 0 : -EFAULT;
    default: return -EINVAL;
    }
}
