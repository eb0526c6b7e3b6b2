/* bcache_wb.c - writes through the block page cache and their write-back, as Linux does for a block device
 * opened without O_DIRECT: a write copies into cached pages (reading a partly written page first) and marks
 * them dirty. Dirty pages go to the disk in runs of neighbours as large as the device takes: once a device
 * has more than a background amount dirty, when a second passes, at fsync, at the last close and at exit.
 * A writer that outruns the disk waits once dirty and in-flight pages reach the limit (a few MiB, scaled
 * to the guest's memory), so dirty data never eats the memory the kernel keeps in reserve. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/sched.h>
#include <uk/time.h>
#include "blk_private.h"

#define WB_DELAY_NS 1000000000UL /* dirty data waits at most about this long */
#define RUN_MAX 1024             /* pages one write-back run gathers: 4 MiB */

usize uk_bcache_dirty_total, uk_bcache_dirty_max;
static usize dirty_background;
static struct uk_ktimer timer;

static void tick(struct uk_ktimer *t);

void uk_bcache_wb_init(void)
{
    usize total = uk_pmm_total_pages();
    /* A sixteenth of the memory (256 MiB: 16 MiB; 32 MiB at most), within what the kernel keeps in reserve beside the program's
     * commit limit (an eighth), since dirty pages cannot be given back before they are written. */
    uk_bcache_dirty_max = UK_MIN(UK_MAX(total / 16, (usize)128), (usize)8192); /* 512 KiB … 32 MiB */
    dirty_background = UK_MIN(UK_MAX(uk_bcache_dirty_max / 2, (usize)32), (usize)4096);
    timer.fn = tick;
}

static void dirty_del(struct uk_blk_cache_dev *c, struct bpage *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        c->dirty_head = p->next;
    if (p->next)
        p->next->prev = p->prev;
    else
        c->dirty_tail = p->prev;
    p->prev = p->next = NULL;
}

void uk_bcache_mark_dirty(struct bpage *p)
{
    if (p->flags & BP_DIRTY)
        return;
    struct uk_blk_cache_dev *c = p->dev->cache;
    uk_bcache_lru_del(p);
    p->flags |= BP_DIRTY;
    p->next = NULL;
    p->prev = c->dirty_tail;
    if (c->dirty_tail)
        c->dirty_tail->next = p;
    else
        c->dirty_head = p;
    c->dirty_tail = p;
    c->ndirty++;
    uk_bcache_dirty_total++;
    if (!timer.deadline)
        uk_ktimer_set(&timer, uk_time_monotonic_ns() + WB_DELAY_NS);
}

/* Write-back completion (interrupt). A page dirtied again meanwhile stays dirty; a failure loses the page's
 * bytes and is reported by the next fsync. */
static void write_end(struct uk_blk_req *r)
{
    struct uk_blkdev *d = r->priv;
    struct uk_blk_cache_dev *c = d->cache;
    u64 first = r->sector * 512 / UK_PAGE_SIZE;
    for (u64 i = first; i * UK_PAGE_SIZE < r->sector * 512 + r->bytes; i++) {
        struct bpage *p = uk_bcache_find(d, i);
        p->flags &= (u8)~BP_IO;
        c->wb_pages--;
    }
    if (r->result) {
        c->wb_error = -EIO;
        d->errors++;
    }
    uk_kfree(r);
}

static bool writable(const struct bpage *p) { return p && (p->flags & BP_DIRTY) && !(p->flags & BP_IO); }

void uk_bcache_writeback(struct uk_blkdev *d, usize max_pages, bool may_wait)
{
    struct uk_blk_cache_dev *c = d->cache;
    usize started = 0;
    while (started < max_pages) {
        struct bpage *p = c->dirty_head;
        while (p && !writable(p)) /* skip pages still being written: two writes of a page never race */
            p = p->next;
        if (!p)
            break;
        u64 lo = p->index, hi = p->index;
        while (lo && hi - lo + 1 < RUN_MAX && writable(uk_bcache_find(d, lo - 1)))
            lo--;
        while (hi - lo + 1 < RUN_MAX && writable(uk_bcache_find(d, hi + 1)))
            hi++;
        usize n = (usize)(hi - lo + 1);
        for (u64 i = lo; i <= hi; i++) {
            struct bpage *q = uk_bcache_find(d, i);
            dirty_del(c, q);
            q->flags = (u8)((q->flags & ~BP_DIRTY) | BP_IO);
            uk_bcache_lru_add(q);
            c->ndirty--;
            uk_bcache_dirty_total--;
            c->wb_pages++;
        }
        usize sent = uk_bcache_submit_run(d, lo, n, UK_BLK_WRITE, write_end, may_wait);
        for (usize k = sent; k < n; k++) { /* no room or memory now: dirty again, tried later */
            struct bpage *q = uk_bcache_find(d, lo + k);
            q->flags &= (u8)~BP_IO;
            c->wb_pages--;
            uk_bcache_mark_dirty(q);
        }
        started += sent;
        if (sent < n)
            break;
    }
    if (started)
        uk_blk_kick(d);
}

/* A second after dirtying: every device's dirty pages go out, without waiting (timer context). */
static void tick(struct uk_ktimer *t)
{
    bool left = false;
    for (int i = 0; i < uk_blk_ndevs; i++) {
        struct uk_blkdev *d = uk_blk_devs[i];
        if (d->cache && d->cache->ndirty) {
            uk_bcache_writeback(d, ~(usize)0, false);
            left |= d->cache->ndirty != 0;
        }
    }
    if (left)
        uk_ktimer_set(t, uk_time_monotonic_ns() + WB_DELAY_NS / 10);
}

long uk_bcache_sync(struct uk_blkdev *d)
{
    struct uk_blk_cache_dev *c = d->cache;
    /* Pages dirtied again while their write-back ran need another pass; a writer still at it does not hold
     * fsync forever. */
    for (int pass = 0; pass < 4 && (c->ndirty || c->wb_pages); pass++) {
        uk_bcache_writeback(d, ~(usize)0, true);
        while (c->wb_pages)
            uk_blk_wait_event(d);
    }
    long e = c->wb_error;
    c->wb_error = 0;
    return e;
}

void uk_bcache_balance(struct uk_blkdev *d)
{
    struct uk_blk_cache_dev *c = d->cache;
    /* Background write-back takes what the queue has room for now and never makes the writer wait; the timer
     * (or the next write) sends the rest. */
    if (c->ndirty >= dirty_background) {
        uk_bcache_writeback(d, c->ndirty, false);
        u64 soon = uk_time_monotonic_ns() + WB_DELAY_NS / 10;
        if (c->ndirty && (!timer.deadline || timer.deadline > soon))
            uk_ktimer_set(&timer, soon);
    }
    while (c->ndirty + c->wb_pages > uk_bcache_dirty_max) {
        if (c->ndirty)
            uk_bcache_writeback(d, c->ndirty, true);
        if (!c->wb_pages)
            break; /* nothing could be sent (no memory for a request): the writer goes on rather than spin */
        uk_blk_wait_event(d);
    }
}

long uk_bcache_write(struct uk_blkdev *d, const void *ubuf, usize len, u64 off)
{
    u64 size = d->sectors * 512;
    if (off >= size)
        return len ? -ENOSPC : 0; /* Linux, past the end of a block device */
    len = (usize)UK_MIN((u64)len, size - off);
    struct bpage *pg[256];
    usize done = 0;
    long err = 0;
    while (done < len && !err) {
        u64 cur = off + done, first = cur / UK_PAGE_SIZE;
        u64 last = UK_MIN((off + len - 1) / UK_PAGE_SIZE, first + UK_ARRAY_SIZE(pg) - 1);
        usize n = (usize)(last - first + 1);
        /* Pages the write covers only partly are read first (unless cached); the others are just taken. */
        for (usize i = 0; i < n; i++) {
            u64 ps = (first + i) * UK_PAGE_SIZE, pe = ps + uk_bcache_page_bytes(d, first + i);
            if (cur > ps || off + len < pe) {
                uk_bcache_fill(d, first + i, 1, &pg[i]);
            } else if ((pg[i] = uk_bcache_get(d, first + i))) {
                pg[i]->refs++;
            }
        }
        uk_blk_kick(d);
        /* Reads still filling the batch's pages are waited for even where the write covers a whole page, or
         * the read would land after it. */
        usize span = (usize)(UK_MIN(off + len, (last + 1) * UK_PAGE_SIZE) - cur);
        err = uk_bcache_batch_ready(d, pg, n, (const u8 *)ubuf + (cur - off), span, false);
        for (usize i = 0; i < n; i++) {
            struct bpage *p = pg[i];
            if (!p || err) {
                err = err ? err : -ENOMEM;
                if (p)
                    p->refs--;
                continue;
            }
            u64 ps = p->index * UK_PAGE_SIZE, pe = ps + uk_bcache_page_bytes(d, p->index);
            u64 to = UK_MIN(off + len, pe);
            if ((cur > ps || to < pe) && !(p->flags & BP_UPTODATE)) {
                err = -EIO;
                d->errors++;
            } else {
                uk_user_copy_checked((u8 *)uk_phys_to_virt(p->pa) + (cur - ps), (const u8 *)ubuf + (cur - off),
                                     (usize)(to - cur));
                p->flags = (u8)((p->flags & ~BP_ERROR) | BP_UPTODATE);
                uk_bcache_mark_dirty(p);
                done += (usize)(to - cur);
                cur = to;
            }
            p->refs--;
        }
        uk_bcache_balance(d);
    }
    return done ? (long)done : err;
}
