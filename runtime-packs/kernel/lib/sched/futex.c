/* futex.c - futex wait queues keyed by user address (one address space, so no key translation). */
#include <uk/errno.h>
#include <uk/mm.h>
#include <uk/sched.h>

static struct uk_thread *waiters; /* singly linked through wq_next */

static void unlink_waiter(struct uk_thread *t)
{
    for (struct uk_thread **p = &waiters; *p; p = &(*p)->wq_next) {
        if (*p == t) {
            *p = t->wq_next;
            t->wq_next = NULL;
            t->futex_addr = 0;
            return;
        }
    }
}

long uk_futex_wait(u32 *uaddr, u32 val, u64 deadline_ns, u32 bitset)
{
    if (((uptr)uaddr & 3) || !bitset)
        return -EINVAL;
    u32 cur;
    if (!uk_user_copy_from(&cur, uaddr, 4))
        return -EFAULT;
    if (cur != val)
        return -EAGAIN;
    struct uk_thread *self = uk_thread_current();
    self->futex_addr = (uptr)uaddr;
    self->futex_bitset = bitset;
    self->wq_next = NULL;
    struct uk_thread **p = &waiters;
    while (*p)
        p = &(*p)->wq_next;
    *p = self;
    uk_sched_block(deadline_ns);
    if (self->futex_addr) { /* still queued: timed out or interrupted */
        unlink_waiter(self);
        return self->timed_out ? -ETIMEDOUT : -EINTR;
    }
    return 0;
}

long uk_futex_wake(u32 *uaddr, int n, u32 bitset)
{
    int woken = 0;
    if (!bitset)
        return -EINVAL;
    for (struct uk_thread **p = &waiters; *p && woken < n;) {
        struct uk_thread *t = *p;
        if (t->futex_addr == (uptr)uaddr && (t->futex_bitset & bitset)) {
            *p = t->wq_next;
            t->wq_next = NULL;
            t->futex_addr = 0;
            uk_sched_wake(t);
            woken++;
        } else {
            p = &t->wq_next;
        }
    }
    return woken;
}

long uk_futex_requeue(u32 *uaddr, int nwake, u32 *uaddr2, int nmove)
{
    long woken = uk_futex_wake(uaddr, nwake, ~0u);
    int moved = 0;
    for (struct uk_thread *t = waiters; t && moved < nmove; t = t->wq_next) {
        if (t->futex_addr == (uptr)uaddr) {
            t->futex_addr = (uptr)uaddr2;
            moved++;
        }
    }
    return woken + moved;
}
