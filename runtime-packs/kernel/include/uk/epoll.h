/* epoll.h - epoll instances: files that watch other files. Each holds an interest list of
 * registrations keyed by (file, fd) and a ready list that the watched files' wait queues feed through
 * callback entries (wait.h), so a wait looks only at files that announced a change. */
#ifndef UK_EPOLL_H
#define UK_EPOLL_H
#include <uk/file.h>
#include <uk/types.h>

/* Event bits (the UK_POLL* values) and flags, as Linux numbers them */
#define UK_EPOLLEXCLUSIVE (1u << 28)
#define UK_EPOLLWAKEUP (1u << 29)
#define UK_EPOLLONESHOT (1u << 30)
#define UK_EPOLLET (1u << 31)

#define UK_EPOLL_CTL_ADD 1
#define UK_EPOLL_CTL_DEL 2
#define UK_EPOLL_CTL_MOD 3

/* An event as the kernel handles it (the program's layout is the architecture's: lib/syscall). */
struct uk_epoll_event {
    u32 events;
    u64 data;
};

/* A new, empty instance with one reference; 0 or -ENOMEM. */
long uk_epoll_create(struct uk_file **out);
bool uk_file_is_epoll(const struct uk_file *f);
/* EPOLL_CTL_ADD/MOD/DEL of target, open at fd, in the instance ep (ev: ADD and MOD only); 0 or the
 * errno Linux gives: EPERM, EINVAL, ELOOP, EEXIST, ENOENT, ENOMEM. */
long uk_epoll_ctl(struct uk_file *ep, int op, int fd, struct uk_file *target, const struct uk_epoll_event *ev);

/* Stores the index-th event of a wait for the program; false when it cannot (a bad buffer). */
typedef bool (*uk_epoll_store_fn)(void *ctx, int index, const struct uk_epoll_event *ev);
/* Reports up to max ready events through store, waiting when none is ready until one is, a signal
 * arrives (-EINTR) or the monotonic timeout passes (0: no wait, -1: none). The count (0 when the time
 * ran out), or -EFAULT when not even the first event could be stored. */
long uk_epoll_wait(struct uk_file *ep, int max, s64 timeout_ns, uk_epoll_store_fn store, void *ctx);

/* The last reference of f went away: its registrations leave every instance (uk_file_put). */
void uk_epoll_file_closed(struct uk_file *f);

#endif
