/* eventfd.c - eventfd: a 64-bit counter as a file, for in-process signalling (runtimes wake their
 * event loops with it). read takes the counter (or 1 with EFD_SEMAPHORE) and blocks at zero; write adds
 * and blocks where the sum would overflow. Each change wakes the file's wait queue. */
#include <uk/errno.h>
#include <uk/eventfd.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/poll.h>
#include <uk/sched.h>
#include <uk/signal.h>

struct eventfd {
    u64 count;
    bool semaphore;
};

static bool interrupted(void) { return uk_thread_current()->interrupted && uk_signal_pending(); }

static long efd_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    (void)pos;
    struct eventfd *e = f->priv;
    if (len < 8)
        return -EINVAL;
    while (!e->count) {
        if (f->flags & UK_O_NONBLOCK)
            return -EAGAIN;
        uk_waitq_wait(&f->wq, 0);
        if (!e->count && interrupted())
            return -EINTR;
    }
    u64 v = e->semaphore ? 1 : e->count;
    if (!uk_user_copy_to(ubuf, &v, 8))
        return -EFAULT;
    e->count -= v;
    uk_file_notify(f, UK_POLLOUT);
    return 8;
}

static long efd_write(struct uk_file *f, const void *ubuf, usize len, u64 *pos)
{
    (void)pos;
    struct eventfd *e = f->priv;
    u64 v;
    if (len < 8)
        return -EINVAL;
    if (!uk_user_copy_from(&v, ubuf, 8))
        return -EFAULT;
    if (v == ~0UL)
        return -EINVAL;
    while (e->count + v < e->count || e->count + v == ~0UL) { /* would overflow: wait for a reader */
        if (f->flags & UK_O_NONBLOCK)
            return -EAGAIN;
        uk_waitq_wait(&f->wq, 0);
        if (interrupted())
            return -EINTR;
    }
    e->count += v;
    uk_file_notify(f, UK_POLLIN);
    return 8;
}

static u32 efd_poll(struct uk_file *f, struct uk_poll_table *pt)
{
    struct eventfd *e = f->priv;
    uk_poll_wait(pt, &f->wq);
    return (e->count ? UK_POLLIN : 0) | (e->count < ~0UL - 1 ? UK_POLLOUT : 0);
}

static void efd_release(struct uk_file *f) { uk_kfree(f->priv); }

static const struct uk_file_ops eventfd_ops = {
    .read = efd_read, .write = efd_write, .poll = efd_poll, .release = efd_release, .type = UK_S_IFCHR};

long uk_eventfd_create(u64 initval, int flags, struct uk_file **out)
{
    struct eventfd *e = uk_kzalloc(sizeof(*e));
    struct uk_file *f = e ? uk_file_new(&eventfd_ops, UK_O_RDWR | (flags & UK_O_NONBLOCK), e) : NULL;
    if (!f) {
        uk_kfree(e);
        return -ENOMEM;
    }
    e->count = initval;
    e->semaphore = flags & UK_EFD_SEMAPHORE;
    *out = f;
    return 0;
}
