/* epoll_items.h - what epoll.c (instances, registrations, waits) and epoll_ctl.c (EPOLL_CTL_* and its
 * checks) share: an instance and its registrations. */
#ifndef UK_FD_EPOLL_ITEMS_H
#define UK_FD_EPOLL_ITEMS_H
#include <uk/epoll.h>
#include <uk/wait.h>

/* the flags among an item's events */
#define PRIVATE_BITS (UK_EPOLLWAKEUP | UK_EPOLLONESHOT | UK_EPOLLET | UK_EPOLLEXCLUSIVE)

struct epoll;

/* One wait queue of the watched file, with the item's callback entry on it. */
struct hook {
    struct uk_wait_entry entry; /* entry.priv: the item */
    struct hook *next;
};

struct uk_epitem {
    struct epoll *ep;
    struct uk_file *file;
    int fd;
    u32 events; /* asked events, ERR and HUP, and the flags; one-shot leaves only the flags once reported */
    u64 data;
    struct uk_epitem *next, *prev;       /* the instance's interest list */
    struct uk_epitem *f_next, *f_prev;   /* the file's registrations */
    struct uk_epitem *rd_next, *rd_prev; /* the ready list, while ready */
    bool ready;
    int hooks; /* wait queues joined: the first hook is inline, more are chained to it */
    struct hook hook;
};

struct epoll {
    struct uk_file *file;
    struct uk_epitem *items;
    struct uk_epitem *rd_head, *rd_tail;
    usize nready;
    struct uk_waitq waiters;  /* threads in epoll_wait */
    u64 down_gen, up_gen;     /* loop check: the check that last measured this instance */
    int down_depth, up_depth; /* and what it found */
};

/* The events of the item's file that it asks for (and ERR, HUP), as they are now. */
static inline u32 uk_epitem_events(struct uk_epitem *it) { return it->file->ops->poll(it->file, NULL) & it->events; }
/* A new registration of f (open at fd) in ep, on f's wait queues and, when f is ready, on the ready list;
 * 0 or -ENOMEM. */
long uk_epitem_insert(struct epoll *ep, struct uk_file *f, int fd, u32 events, u64 data);
/* Takes it off its file's wait queues and every list, and frees it. */
void uk_epitem_remove(struct uk_epitem *it);
/* The registration of (f, fd) in ep, NULL when none. */
struct uk_epitem *uk_epitem_find(struct epoll *ep, struct uk_file *f, int fd);
/* it has (or may have) events: onto the ready list, and the instance's waiters and pollers woken. */
void uk_epoll_make_ready(struct epoll *ep, struct uk_epitem *it);

#endif
