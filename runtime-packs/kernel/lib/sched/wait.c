/* wait.c - wait queues: doubly linked entries, each a sleeping thread or a callback. A wake-up visits
 * every entry and leaves it queued; the thread that queued an entry removes it once it runs again. */
#include <uk/sched.h>
#include <uk/wait.h>

void uk_waitq_add(struct uk_waitq *q, struct uk_wait_entry *e)
{
    e->queue = q;
    e->prev = NULL;
    e->next = q->head;
    if (q->head)
        q->head->prev = e;
    q->head = e;
}

void uk_waitq_remove(struct uk_wait_entry *e)
{
    if (!e->queue)
        return;
    if (e->prev)
        e->prev->next = e->next;
    else
        e->queue->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    e->queue = NULL;
    e->next = e->prev = NULL;
}

void uk_waitq_wake(struct uk_waitq *q, u32 events)
{
    for (struct uk_wait_entry *e = q->head, *next; e; e = next) {
        next = e->next; /* a callback may remove its own entry */
        if (e->func)
            e->func(e, events);
        else
            uk_sched_wake(e->thread);
    }
}

bool uk_waitq_wait(struct uk_waitq *q, u64 deadline_ns)
{
    struct uk_wait_entry e = {.thread = uk_thread_current()};
    uk_waitq_add(q, &e);
    bool woken = uk_sched_block(deadline_ns);
    uk_waitq_remove(&e);
    return woken;
}
