/* wait.h - wait queues: kernel objects (pipes, the console, eventfds, later devices and sockets) keep
 * one per readiness source. A thread blocks on a queue, or registers an entry on several queues at once
 * (poll, select), or an entry with a callback instead of a sleeping thread (epoll). */
#ifndef UK_WAIT_H
#define UK_WAIT_H
#include <uk/types.h>

struct uk_thread;
struct uk_wait_entry;
/* Called on a wake-up instead of waking the entry's thread; events are the poll bits that changed
 * (0: unspecified). */
typedef void (*uk_wake_fn)(struct uk_wait_entry *e, u32 events);

struct uk_wait_entry {
    struct uk_wait_entry *next, *prev;
    struct uk_waitq *queue; /* NULL while not queued */
    struct uk_thread *thread;
    uk_wake_fn func; /* NULL: wake thread */
    void *priv;
};

struct uk_waitq {
    struct uk_wait_entry *head;
};

/* Queues e on q (e->thread or e->func must be set). */
void uk_waitq_add(struct uk_waitq *q, struct uk_wait_entry *e);
/* Takes e off its queue; nothing when it is not queued. */
void uk_waitq_remove(struct uk_wait_entry *e);
/* Wakes every entry of q (their threads, or their callbacks with events). Entries stay queued:
 * whoever queued them removes them. */
void uk_waitq_wake(struct uk_waitq *q, u32 events);
static inline void uk_waitq_wake_all(struct uk_waitq *q) { uk_waitq_wake(q, 0); }
/* Blocks the current thread until woken through q, by a signal, or at the monotonic deadline (0: none).
 * False when the deadline passed first. */
bool uk_waitq_wait(struct uk_waitq *q, u64 deadline_ns);

#endif
