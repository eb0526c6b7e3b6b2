/* eventfd.c - eventfd: a 64-bit counter as a file, for in-process signalling (runtimes wake their
 * event loops with it). read takes the counter (or 1 with EFD_SEMAPHORE) and blocks at zero; write adds. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/sched.h>
#include <uk/syscall.h>
#include <uk/vfs.h>

#define EFD_SEMAPHORE 1
#define EFD_NONBLOCK 04000
#define EFD_CLOEXEC 02000000

struct eventfd {
    u64 count;
    bool semaphore;
    struct uk_waitq readers, writers;
};

static long efd_read(struct uk_file *f, void *ubuf, usize len)
{
    struct eventfd *e = f->data;
    if (len < 8)
        return -EINVAL;
    while (!e->count) {
        if (f->flags & EFD_NONBLOCK)
            return -EAGAIN;
        uk_waitq_wait(&e->readers, 0);
        if (!e->count && uk_thread_current()->interrupted)
            return -EINTR;
    }
    u64 v = e->semaphore ? 1 : e->count;
    if (!uk_user_copy_to(ubuf, &v, 8))
        return -EFAULT;
    e->count -= v;
    uk_waitq_wake_all(&e->writers);
    uk_poll_notify();
    return 8;
}

static long efd_write(struct uk_file *f, const void *ubuf, usize len)
{
    struct eventfd *e = f->data;
    u64 v;
    if (len < 8)
        return -EINVAL;
    if (!uk_user_copy_from(&v, ubuf, 8))
        return -EFAULT;
    if (v == ~0UL)
        return -EINVAL;
    while (e->count + v < e->count || e->count + v == ~0UL) { /* would overflow: wait for a reader */
        if (f->flags & EFD_NONBLOCK)
            return -EAGAIN;
        uk_waitq_wait(&e->writers, 0);
        if (uk_thread_current()->interrupted)
            return -EINTR;
    }
    e->count += v;
    uk_waitq_wake_all(&e->readers);
    uk_poll_notify();
    return 8;
}

static void efd_close(struct uk_file *f) { uk_kfree(f->data); }

const struct uk_file_ops uk_eventfd_ops = {efd_read, efd_write, efd_close, UK_S_IFCHR};

short uk_eventfd_events(struct uk_file *f)
{
    struct eventfd *e = f->data;
    return (short)((e->count ? 0x1 : 0) | (e->count < ~0UL - 1 ? 0x4 : 0));
}

long sys_eventfd2(long initval, long flags)
{
    if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC))
        return -EINVAL;
    struct eventfd *e = uk_kzalloc(sizeof(*e));
    struct uk_file *f = uk_kzalloc(sizeof(*f));
    if (!e || !f) {
        uk_kfree(e), uk_kfree(f);
        return -ENOMEM;
    }
    e->count = (u32)initval;
    e->semaphore = flags & EFD_SEMAPHORE;
    *f = (struct uk_file){.ops = &uk_eventfd_ops, .flags = (int)(flags & EFD_NONBLOCK) | 2, .data = e};
    long fd = uk_fd_install(f);
    if (fd < 0) {
        uk_kfree(e), uk_kfree(f);
    }
    return fd;
}

long sys_eventfd(long initval) { return sys_eventfd2(initval, 0); }
