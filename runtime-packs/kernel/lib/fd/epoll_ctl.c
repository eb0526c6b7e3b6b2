/* epoll_ctl.c - EPOLL_CTL_ADD, MOD and DEL with Linux's checks and errors: files without a poll operation
 * (EPERM), an instance watching itself or EPOLLEXCLUSIVE misused (EINVAL), loops of instances and chains
 * deeper than Linux allows (ELOOP), registrations that exist or do not (EEXIST, ENOENT). */
#include <uk/epoll.h>
#include <uk/errno.h>
#include "epoll_items.h"

#define EXCLUSIVE_OK_BITS                                                                                              \
    (UK_POLLIN | UK_POLLOUT | UK_POLLERR | UK_POLLHUP | UK_EPOLLWAKEUP | UK_EPOLLET | UK_EPOLLEXCLUSIVE)
#define MAX_NESTS 4 /* instances watching instances: at most this many levels below the top one */

/* Loop check for adding instance `to` into `into`, as Linux: no path may lead from `to` back to `into`,
 * and the longest chain through the new link may not pass MAX_NESTS levels. */
static u64 check_gen;
static struct epoll *inserting_into;

static int depth_below(struct epoll *ep, int depth)
{
    if (ep->down_gen == check_gen)
        return ep->down_depth;
    int result = 0;
    for (struct uk_epitem *it = ep->items; it && result <= MAX_NESTS; it = it->next) {
        if (!uk_file_is_epoll(it->file))
            continue;
        struct epoll *sub = it->file->priv;
        if (sub == inserting_into || depth > MAX_NESTS)
            result = MAX_NESTS + 1;
        else
            result = UK_MAX(result, depth_below(sub, depth + 1) + 1);
    }
    ep->down_gen = check_gen;
    ep->down_depth = result;
    return result;
}

static int depth_above(struct epoll *ep)
{
    if (ep->up_gen == check_gen)
        return ep->up_depth;
    int result = 0;
    for (struct uk_epitem *it = ep->file->epitems; it; it = it->f_next)
        result = UK_MAX(result, depth_above(it->ep) + 1);
    ep->up_gen = check_gen;
    ep->up_depth = result;
    return result;
}

static bool would_loop(struct epoll *into, struct epoll *to)
{
    check_gen++;
    inserting_into = into;
    int below = depth_below(to, 0);
    return below > MAX_NESTS || below + 1 + depth_above(into) > MAX_NESTS;
}

long uk_epoll_ctl(struct uk_file *epf, int op, int fd, struct uk_file *target, const struct uk_epoll_event *ev)
{
    if (!target->ops->poll)
        return -EPERM;
    if (epf == target || !uk_file_is_epoll(epf))
        return -EINVAL;
    struct epoll *ep = epf->priv;
    u32 events = op == UK_EPOLL_CTL_DEL ? 0 : ev->events & ~UK_EPOLLWAKEUP;
    if (events & UK_EPOLLEXCLUSIVE) {
        if (op == UK_EPOLL_CTL_MOD)
            return -EINVAL;
        if (op == UK_EPOLL_CTL_ADD && (uk_file_is_epoll(target) || (events & ~EXCLUSIVE_OK_BITS)))
            return -EINVAL;
    }
    if (op == UK_EPOLL_CTL_ADD && uk_file_is_epoll(target) && would_loop(ep, target->priv))
        return -ELOOP;
    struct uk_epitem *it = uk_epitem_find(ep, target, fd);
    switch (op) {
    case UK_EPOLL_CTL_ADD:
        return it ? -EEXIST : uk_epitem_insert(ep, target, fd, events | UK_POLLERR | UK_POLLHUP, ev->data);
    case UK_EPOLL_CTL_DEL:
        if (!it)
            return -ENOENT;
        uk_epitem_remove(it);
        return 0;
    case UK_EPOLL_CTL_MOD:
        if (!it)
            return -ENOENT;
        if (it->events & UK_EPOLLEXCLUSIVE)
            return -EINVAL;
        it->events = events | UK_POLLERR | UK_POLLHUP;
        it->data = ev->data;
        if (uk_epitem_events(it))
            uk_epoll_make_ready(ep, it);
        return 0;
    default: return -EINVAL;
    }
}
