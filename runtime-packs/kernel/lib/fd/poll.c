/* poll.c - waiting for several files at once, over their poll operations only. The first scan asks
 * each file for its events and lets it register the caller on its wait queues (uk_poll_wait); when
 * nothing is ready the caller sleeps until one of those queues is woken, a signal arrives or the timeout
 * passes, then rescans. */
#include <uk/errno.h>
#include <uk/fd.h>
#include <uk/mm.h>
#include <uk/poll.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/time.h>

#define INLINE_ENTRIES 16

/* The sleeping thread's entries, one per wait queue a file registered it on. */
struct poll_table {
    struct uk_poll_table pt;
    struct uk_wait_entry *entries;
    usize used, cap;
    bool full; /* an entry could not be queued: never sleep without a timeout's bound */
};

static void queue_thread(struct uk_poll_table *base, struct uk_waitq *q)
{
    struct poll_table *pt = UK_CONTAINER_OF(base, struct poll_table, pt);
    if (pt->used == pt->cap) {
        usize cap = pt->cap * 2;
        struct uk_wait_entry *more = uk_kzalloc(cap * sizeof(*more));
        if (!more) {
            pt->full = true;
            return;
        }
        /* Entries are linked into queues: move them one by one. */
        for (usize i = 0; i < pt->used; i++) {
            struct uk_wait_entry *old = &pt->entries[i], *e = &more[i];
            *e = (struct uk_wait_entry){.thread = old->thread};
            struct uk_waitq *wq = old->queue;
            uk_waitq_remove(old);
            if (wq)
                uk_waitq_add(wq, e);
        }
        if (pt->cap > INLINE_ENTRIES)
            uk_kfree(pt->entries);
        pt->entries = more;
        pt->cap = cap;
    }
    struct uk_wait_entry *e = &pt->entries[pt->used++];
    *e = (struct uk_wait_entry){.thread = uk_thread_current()};
    uk_waitq_add(q, e);
}

/* One pass over the entries. The first (held[i] NULL) takes a reference on each file, so that a file
 * closed by another thread meanwhile, and the wait queues it registered on, outlive the wait. */
static long scan(struct uk_pollfd *fds, usize n, struct uk_file **held, struct uk_poll_table *pt)
{
    long ready = 0;
    for (usize i = 0; i < n; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;
        struct uk_file *f = held[i] ? held[i] : (held[i] = uk_fd_hold(fds[i].fd));
        if (!f) {
            fds[i].revents = UK_POLLNVAL;
        } else {
            u32 ev = f->ops->poll ? f->ops->poll(f, pt) : (UK_POLLIN | UK_POLLOUT);
            /* POLLERR and POLLHUP are reported whether asked for or not. */
            fds[i].revents = (short)(ev & ((u32)(u16)fds[i].events | UK_POLLERR | UK_POLLHUP));
        }
        if (fds[i].revents)
            ready++;
    }
    return ready;
}

long uk_poll(struct uk_pollfd *fds, usize n, s64 timeout_ns)
{
    struct uk_wait_entry inline_entries[INLINE_ENTRIES];
    struct poll_table table = {.pt.queue = queue_thread, .entries = inline_entries, .cap = INLINE_ENTRIES};
    u64 deadline = timeout_ns > 0 ? uk_time_monotonic_ns() + (u64)timeout_ns : 0;
    struct uk_poll_table *pt = timeout_ns == 0 ? NULL : &table.pt;
    struct uk_file *inline_held[INLINE_ENTRIES] = {0};
    struct uk_file **held = n <= INLINE_ENTRIES ? inline_held : uk_kzalloc(n * sizeof(*held));
    if (!held)
        return -ENOMEM;
    long ready;
    for (;;) {
        ready = scan(fds, n, held, pt);
        pt = NULL; /* registered once; later scans only look */
        if (ready || timeout_ns == 0)
            break;
        if (deadline && uk_time_monotonic_ns() >= deadline)
            break;
        if (uk_signal_pending()) { /* e.g. unblocked by ppoll's mask before the wait began */
            ready = -EINTR;
            break;
        }
        uk_sched_block(deadline ? deadline : table.full ? uk_time_monotonic_ns() + 10000000 : 0);
        if (uk_thread_current()->interrupted && uk_signal_pending()) {
            ready = -EINTR;
            break;
        }
    }
    for (usize i = 0; i < table.used; i++)
        uk_waitq_remove(&table.entries[i]);
    if (table.cap > INLINE_ENTRIES)
        uk_kfree(table.entries);
    for (usize i = 0; i < n; i++)
        if (held[i])
            uk_file_put(held[i]);
    if (held != inline_held)
        uk_kfree(held);
    return ready;
}
