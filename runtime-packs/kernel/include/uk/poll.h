/* poll.h - waiting for several files at once, written once over the files' poll operations: poll,
 * ppoll, select and pselect6 use uk_poll, epoll its own tables (epoll.h); a file's poll operation calls
 * uk_poll_wait for each wait queue that announces its readiness changes. */
#ifndef UK_POLL_H
#define UK_POLL_H
#include <uk/file.h>
#include <uk/types.h>
#include <uk/wait.h>

/* What a poll operation registers its caller with: poll and select queue their sleeping thread,
 * epoll an entry whose callback feeds its ready list. */
struct uk_poll_table {
    void (*queue)(struct uk_poll_table *pt, struct uk_waitq *q);
};
/* Registers the poller on q (no-op when pt is NULL: a rescan after a wake-up). */
static inline void uk_poll_wait(struct uk_poll_table *pt, struct uk_waitq *q)
{
    if (pt)
        pt->queue(pt, q);
}

struct uk_pollfd {
    int fd;
    short events, revents;
};
/* Fills revents for each entry (files from the fd table; negative fds are skipped) and blocks until one
 * is ready, a signal arrives (-EINTR) or the monotonic deadline passes; timeout 0: no wait, -1: none.
 * Returns how many entries have events. */
long uk_poll(struct uk_pollfd *fds, usize n, s64 timeout_ns);

#endif
