/* epoll.c - epoll instances with Linux semantics. A registration (item) belongs to one instance and to
 * the watched file: the file's list (file->epitems) finds it by (file, fd) and drops it when the file's
 * last reference goes. Registering polls the file once with a table that queues a callback entry on
 * each of its wait queues; a wake-up whose events concern the item puts it on the instance's ready list
 * and wakes the instance's waiters and pollers. A wait reports only ready-list items, each polled again:
 * level-triggered ones go back to the list's end, edge-triggered ones wait for the next wake-up, one-shot
 * ones are disarmed until EPOLL_CTL_MOD. EPOLL_CTL_* and its checks are in epoll_ctl.c. */
#include <uk/epoll.h>
#include <uk/errno.h>
#include <uk/mm.h>
#include <uk/poll.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/time.h>
#include "epoll_items.h"

static void rd_add(struct epoll *ep, struct uk_epitem *it, bool at_head)
{
    it->ready = true;
    ep->nready++;
    if (at_head) {
        it->rd_prev = NULL;
        it->rd_next = ep->rd_head;
        *(ep->rd_head ? &ep->rd_head->rd_prev : &ep->rd_tail) = it;
        ep->rd_head = it;
    } else {
        it->rd_next = NULL;
        it->rd_prev = ep->rd_tail;
        *(ep->rd_tail ? &ep->rd_tail->rd_next : &ep->rd_head) = it;
        ep->rd_tail = it;
    }
}

static void rd_del(struct epoll *ep, struct uk_epitem *it)
{
    if (!it->ready)
        return;
    *(it->rd_prev ? &it->rd_prev->rd_next : &ep->rd_head) = it->rd_next;
    *(it->rd_next ? &it->rd_next->rd_prev : &ep->rd_tail) = it->rd_prev;
    it->ready = false;
    ep->nready--;
}

/* The item has (or may have) events: onto the ready list, and tell whoever waits on the instance. */
void uk_epoll_make_ready(struct epoll *ep, struct uk_epitem *it)
{
    if (!it->ready)
        rd_add(ep, it, false);
    uk_waitq_wake_all(&ep->waiters);
    uk_file_notify(ep->file, UK_POLLIN);
}

/* A watched file's wait queue was woken with events (0: unspecified). */
static void wake(struct uk_wait_entry *e, u32 events)
{
    struct uk_epitem *it = e->priv;
    if (!(it->events & ~PRIVATE_BITS)) /* one-shot, reported and not re-armed yet */
        return;
    if (events && !(events & it->events))
        return;
    uk_epoll_make_ready(it->ep, it);
}

/* The table an item is registered with: its file's poll operation queues one hook per wait queue. */
struct hook_table {
    struct uk_poll_table pt;
    struct uk_epitem *it;
    bool failed;
};

static void queue_hook(struct uk_poll_table *pt, struct uk_waitq *q)
{
    struct hook_table *t = UK_CONTAINER_OF(pt, struct hook_table, pt);
    struct uk_epitem *it = t->it;
    struct hook *h = it->hooks ? uk_kzalloc(sizeof(*h)) : &it->hook;
    if (!h) {
        t->failed = true;
        return;
    }
    if (h != &it->hook) {
        h->next = it->hook.next;
        it->hook.next = h;
    }
    it->hooks++;
    h->entry = (struct uk_wait_entry){.func = wake, .priv = it};
    uk_waitq_add(q, &h->entry);
}

void uk_epitem_remove(struct uk_epitem *it)
{
    struct epoll *ep = it->ep;
    for (struct hook *h = &it->hook, *next; h; h = next) {
        next = h->next;
        uk_waitq_remove(&h->entry);
        if (h != &it->hook)
            uk_kfree(h);
    }
    *(it->f_prev ? &it->f_prev->f_next : &it->file->epitems) = it->f_next;
    if (it->f_next)
        it->f_next->f_prev = it->f_prev;
    *(it->prev ? &it->prev->next : &ep->items) = it->next;
    if (it->next)
        it->next->prev = it->prev;
    rd_del(ep, it);
    uk_kfree(it);
}

long uk_epitem_insert(struct epoll *ep, struct uk_file *f, int fd, u32 events, u64 data)
{
    struct uk_epitem *it = uk_kzalloc(sizeof(*it));
    if (!it)
        return -ENOMEM;
    *it = (struct uk_epitem){.ep = ep, .file = f, .fd = fd, .events = events, .data = data};
    it->next = ep->items;
    if (ep->items)
        ep->items->prev = it;
    ep->items = it;
    it->f_next = f->epitems;
    if (f->epitems)
        f->epitems->f_prev = it;
    f->epitems = it;
    struct hook_table t = {.pt.queue = queue_hook, .it = it};
    u32 ready = f->ops->poll(f, &t.pt) & events;
    if (t.failed) {
        uk_epitem_remove(it);
        return -ENOMEM;
    }
    if (ready)
        uk_epoll_make_ready(ep, it);
    return 0;
}

struct uk_epitem *uk_epitem_find(struct epoll *ep, struct uk_file *f, int fd)
{
    for (struct uk_epitem *it = f->epitems; it; it = it->f_next)
        if (it->ep == ep && it->fd == fd)
            return it;
    return NULL;
}

/* One pass over the items that were ready when it began, up to max reported. */
static long report(struct epoll *ep, int max, uk_epoll_store_fn store, void *ctx)
{
    int done = 0;
    for (usize left = ep->nready; left && ep->rd_head && done < max; left--) {
        struct uk_epitem *it = ep->rd_head;
        rd_del(ep, it);
        struct uk_epoll_event ev = {uk_epitem_events(it), it->data};
        if (!ev.events)
            continue; /* woken, but nothing it asks for is there (any more) */
        if (!store(ctx, done, &ev)) {
            rd_add(ep, it, true);
            return done ? done : -EFAULT;
        }
        done++;
        if (it->events & UK_EPOLLONESHOT)
            it->events &= PRIVATE_BITS;
        else if (!(it->events & UK_EPOLLET))
            rd_add(ep, it, false); /* level-triggered: looked at again by the next wait */
    }
    return done;
}

long uk_epoll_wait(struct uk_file *epf, int max, s64 timeout_ns, uk_epoll_store_fn store, void *ctx)
{
    struct epoll *ep = epf->priv;
    u64 deadline = timeout_ns > 0 ? uk_time_monotonic_ns() + (u64)timeout_ns : 0;
    struct uk_wait_entry self = {.thread = uk_thread_current()};
    for (;;) {
        long n = report(ep, max, store, ctx);
        if (n || timeout_ns == 0 || (deadline && uk_time_monotonic_ns() >= deadline))
            return n;
        if (uk_signal_pending())
            return -EINTR;
        uk_waitq_add(&ep->waiters, &self);
        uk_sched_block(deadline);
        uk_waitq_remove(&self);
    }
}

void uk_epoll_file_closed(struct uk_file *f)
{
    while (f->epitems)
        uk_epitem_remove(f->epitems);
}

/* An instance is readable while an item on its ready list has events; the others leave the list. */
static u32 epoll_poll(struct uk_file *f, struct uk_poll_table *pt)
{
    struct epoll *ep = f->priv;
    uk_poll_wait(pt, &f->wq);
    while (ep->rd_head) {
        if (uk_epitem_events(ep->rd_head))
            return UK_POLLIN | UK_POLLRDNORM;
        rd_del(ep, ep->rd_head);
    }
    return 0;
}

/* Linux: an epoll file can be neither read nor written. */
static long epoll_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    (void)f, (void)ubuf, (void)len, (void)pos;
    return -EINVAL;
}

static long epoll_write(struct uk_file *f, const void *ubuf, usize len, u64 *pos)
{
    (void)f, (void)ubuf, (void)len, (void)pos;
    return -EINVAL;
}

static void epoll_release(struct uk_file *f)
{
    struct epoll *ep = f->priv;
    while (ep->items)
        uk_epitem_remove(ep->items);
    uk_kfree(ep);
}

/* type 0: an anonymous inode, fstat shows no file type */
static const struct uk_file_ops epoll_ops = {
    .read = epoll_read, .write = epoll_write, .poll = epoll_poll, .release = epoll_release, .type = 0};

bool uk_file_is_epoll(const struct uk_file *f) { return f->ops == &epoll_ops; }

long uk_epoll_create(struct uk_file **out)
{
    struct epoll *ep = uk_kzalloc(sizeof(*ep));
    struct uk_file *f = ep ? uk_file_new(&epoll_ops, UK_O_RDWR, ep) : NULL;
    if (!f) {
        uk_kfree(ep);
        return -ENOMEM;
    }
    ep->file = f;
    *out = f;
    return 0;
}
