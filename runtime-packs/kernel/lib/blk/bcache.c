/* bcache.c - the block devices' page cache, what Linux gives a block device opened without O_DIRECT: reads
 * and writes of any size and alignment go through 4 KiB pages of the disk kept in memory. Misses are read in
 * runs as large as the device takes; a sequential reader gets a read-ahead window that grows to 2 MiB and is
 * refilled before it runs dry, a random reader's miss reads the 128 KiB around it; writes only dirty pages (bcache_wb.c writes them back). The cache grows into
 * free memory, gives clean pages back when the frame allocator runs short, and evicts least recently used
 * clean pages first. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include "blk_private.h"

#define HASH_BITS 12
#define BATCH 256                  /* pages one step of a call holds: 1 MiB */
#define RA_MIN (128 * 1024UL)      /* first read-ahead window of a sequential reader */
#define RA_MAX (2 * 1024 * 1024UL) /* largest window */
#define AROUND 32                  /* pages a random reader's miss reads around it (aligned 128 KiB) */

static struct bpage *hash[1 << HASH_BITS];
static struct bpage *lru_head, *lru_tail; /* head: most recently used */
static usize npages, max_pages;
static bool allocating; /* the cache is taking a frame: the allocator must not reclaim from it */

static usize slot(const struct uk_blkdev *d, u64 index)
{
    return (usize)(((index ^ ((uptr)d >> 4)) * 0x9e3779b97f4a7c15UL) >> (64 - HASH_BITS));
}

struct bpage *uk_bcache_find(struct uk_blkdev *d, u64 index)
{
    for (struct bpage *p = hash[slot(d, index)]; p; p = p->hnext)
        if (p->dev == d && p->index == index)
            return p;
    return NULL;
}

u32 uk_bcache_page_bytes(const struct uk_blkdev *d, u64 index)
{
    u64 size = d->sectors * 512, start = index * UK_PAGE_SIZE;
    return (u32)UK_MIN((u64)UK_PAGE_SIZE, size - start);
}

void uk_bcache_lru_add(struct bpage *p)
{
    p->prev = NULL;
    p->next = lru_head;
    if (lru_head)
        lru_head->prev = p;
    lru_head = p;
    if (!lru_tail)
        lru_tail = p;
}

void uk_bcache_lru_del(struct bpage *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        lru_head = p->next;
    if (p->next)
        p->next->prev = p->prev;
    else
        lru_tail = p->prev;
    p->prev = p->next = NULL;
}

static void free_page(struct bpage *p)
{
    for (struct bpage **h = &hash[slot(p->dev, p->index)]; *h; h = &(*h)->hnext)
        if (*h == p) {
            *h = p->hnext;
            break;
        }
    uk_bcache_lru_del(p);
    p->dev->cache->npages--;
    npages--;
    uk_pmm_free(p->pa, 1, UK_MEM_BLOCK_CACHE);
    uk_kfree(p);
}

static bool evictable(const struct bpage *p) { return !p->refs && !(p->flags & (BP_IO | BP_DIRTY)); }

/* Frees up to want clean, unused pages, least recently used first. */
static usize evict(usize want)
{
    usize n = 0;
    for (struct bpage *p = lru_tail, *prev; p && n < want; p = prev) {
        prev = p->prev;
        if (evictable(p)) {
            free_page(p);
            n++;
        }
    }
    return n;
}

void uk_bcache_drop(struct uk_blkdev *d, u64 first, u64 last)
{
    if (last - first < d->cache->npages) { /* a short range: look its pages up */
        for (u64 i = first; i <= last && d->cache->npages; i++) {
            struct bpage *p = uk_bcache_find(d, i);
            if (p && evictable(p))
                free_page(p);
        }
        return;
    }
    for (struct bpage *p = lru_tail, *prev; p && d->cache->npages; p = prev) {
        prev = p->prev;
        if (p->dev == d && p->index >= first && p->index <= last && evictable(p))
            free_page(p);
    }
}

static usize reclaimable(void) { return npages - UK_MIN(npages, uk_bcache_dirty_total); }
static usize reclaim(usize want) { return allocating ? 0 : evict(want); }
static const struct uk_pmm_reclaimer reclaimer = {.count = reclaimable, .reclaim = reclaim};

void uk_bcache_init(void)
{
    /* Up to half of the memory free at the first disk; the allocator takes clean pages back before that when
     * the program or the kernel needs them. */
    max_pages = uk_pmm_free_pages() / 2;
    uk_pmm_set_reclaimer(&reclaimer);
}

struct bpage *uk_bcache_get(struct uk_blkdev *d, u64 index)
{
    struct bpage *p = uk_bcache_find(d, index);
    if (p)
        return p;
    if (npages >= max_pages)
        evict(32);
    allocating = true;
    u64 pa = uk_pmm_alloc(1, UK_MEM_BLOCK_CACHE);
    if (!pa && evict(64))
        pa = uk_pmm_alloc(1, UK_MEM_BLOCK_CACHE);
    p = pa ? uk_kzalloc(sizeof(*p)) : NULL;
    allocating = false;
    if (!p) {
        if (pa)
            uk_pmm_free(pa, 1, UK_MEM_BLOCK_CACHE);
        return NULL;
    }
    *p = (struct bpage){.dev = d, .index = index, .pa = pa};
    usize h = slot(d, index);
    p->hnext = hash[h];
    hash[h] = p;
    uk_bcache_lru_add(p);
    d->cache->npages++;
    npages++;
    return p;
}

/* Read completion (interrupt): the pages of the request are up to date, or failed. */
static void read_end(struct uk_blk_req *r)
{
    struct uk_blkdev *d = r->priv;
    u64 first = r->sector * 512 / UK_PAGE_SIZE;
    for (u64 i = first; i * UK_PAGE_SIZE < r->sector * 512 + r->bytes; i++) {
        struct bpage *p = uk_bcache_find(d, i); /* pages in I/O are never evicted */
        p->flags = (u8)((p->flags & ~(BP_IO | BP_ERROR)) | (r->result ? BP_ERROR : BP_UPTODATE));
    }
    uk_kfree(r);
}

usize uk_bcache_submit_run(struct uk_blkdev *d, u64 first, usize n, u8 op, void (*end)(struct uk_blk_req *),
                           bool may_wait)
{
    usize done = 0;
    while (done < n) {
        struct uk_blk_req *r = uk_blk_req_alloc(d->max_segs);
        if (!r)
            break;
        r->op = op;
        r->sector = (first + done) * UK_PAGE_SIZE / 512;
        r->end = end;
        r->priv = d;
        usize taken = 0;
        for (; done + taken < n; taken++) {
            struct bpage *p = uk_bcache_find(d, first + done + taken);
            u32 len = uk_bcache_page_bytes(d, p->index);
            struct uk_blk_seg *last = r->nseg ? &r->seg[r->nseg - 1] : NULL;
            if (r->bytes + len > d->max_bytes)
                break;
            if (last && last->pa + last->len == p->pa && last->len + len <= d->max_seg)
                last->len += len;
            else if (r->nseg < d->max_segs)
                r->seg[r->nseg++] = (struct uk_blk_seg){p->pa, len};
            else
                break;
            r->bytes += len;
        }
        if (may_wait) {
            uk_blk_submit(d, r);
        } else if (d->ops->submit(d, r)) {
            uk_kfree(r);
            break;
        }
        done += taken;
    }
    return done;
}

/* Starts reads of the pages of [first, first + n) that are neither cached nor being read, in runs. With pin,
 * each page also gets a user reference (pin[i]; NULL when memory is short) so it stays until the caller is done. */
void uk_bcache_fill(struct uk_blkdev *d, u64 first, usize n, struct bpage **pin)
{
    u64 run = 0;
    usize len = 0;
    for (usize i = 0; i <= n; i++) {
        struct bpage *p = i < n ? uk_bcache_get(d, first + i) : NULL;
        if (p && pin)
            p->refs++;
        if (pin && i < n)
            pin[i] = p;
        bool want = p && !(p->flags & (BP_UPTODATE | BP_IO));
        if (want) {
            p->flags |= BP_IO;
            if (!len)
                run = first + i;
            len++;
        }
        if (!want && len) {
            /* Pages no request could be made for (memory is short) fail: their readers see EIO. */
            for (usize k = uk_bcache_submit_run(d, run, len, UK_BLK_READ, read_end, true); k < len; k++) {
                struct bpage *q = uk_bcache_find(d, run + k);
                q->flags = (u8)((q->flags & ~BP_IO) | BP_ERROR);
            }
            len = 0;
        }
    }
}

long uk_bcache_batch_ready(struct uk_blkdev *d, struct bpage **pg, usize n, const void *ubuf, usize span, bool to_user)
{
    for (usize i = 0; i < n; i++)
        while (pg[i] && (pg[i]->flags & BP_IO) && !(pg[i]->flags & BP_UPTODATE))
            uk_blk_wait_event(d);
    return uk_user_access_ok(ubuf, span, to_user) ? 0 : -EFAULT;
}

/* A sequential reader's window: refilled once the reader is past its middle. */
static void read_ahead(struct uk_blkdev *d, u64 last)
{
    struct uk_blk_cache_dev *c = d->cache;
    u64 pages = c->ra_window / UK_PAGE_SIZE, end = (d->sectors * 512 + UK_PAGE_SIZE - 1) / UK_PAGE_SIZE;
    if (c->ra_end > last + pages / 2)
        return;
    u64 from = UK_MAX(c->ra_end, last + 1), to = UK_MIN(last + 1 + pages, end);
    if (from < to)
        uk_bcache_fill(d, from, (usize)(to - from), NULL);
    c->ra_end = to;
}

long uk_bcache_read(struct uk_blkdev *d, void *ubuf, usize len, u64 off)
{
    struct uk_blk_cache_dev *c = d->cache;
    u64 size = d->sectors * 512;
    if (off >= size || !len)
        return 0;
    len = (usize)UK_MIN((u64)len, size - off);
    bool sequential = off == c->ra_next;
    c->ra_window = sequential ? (c->ra_window ? UK_MIN(c->ra_window * 2, RA_MAX) : RA_MIN) : 0;
    if (!sequential)
        c->ra_end = 0;
    c->ra_next = off + len;
    usize done = 0;
    long err = 0;
    struct bpage *pg[BATCH];
    while (done < len && !err) {
        u64 cur = off + done, first = cur / UK_PAGE_SIZE;
        u64 last = UK_MIN((off + len - 1) / UK_PAGE_SIZE, first + BATCH - 1);
        usize n = (usize)(last - first + 1);
        /* A random reader's miss reads the aligned 128 KiB around it: as costly as one page on the device, and
         * the neighbours are often next (Linux reads ahead of random misses too). */
        if (!c->ra_window && !uk_bcache_find(d, first)) {
            u64 from = UK_ALIGN_DOWN(first, (u64)AROUND), end = (size + UK_PAGE_SIZE - 1) / UK_PAGE_SIZE;
            uk_bcache_fill(d, from, (usize)(UK_MIN(from + AROUND, end) - from), NULL);
        }
        uk_bcache_fill(d, first, n, pg);
        if (c->ra_window)
            read_ahead(d, last);
        uk_blk_kick(d);
        usize span = (usize)(UK_MIN(off + len, (last + 1) * UK_PAGE_SIZE) - cur);
        err = uk_bcache_batch_ready(d, pg, n, (u8 *)ubuf + (cur - off), span, true);
        for (usize i = 0; i < n; i++) {
            struct bpage *p = pg[i];
            if (!p || err) {
                err = err ? err : -ENOMEM;
                if (p)
                    p->refs--;
                continue;
            }
            u64 pstart = p->index * UK_PAGE_SIZE, from = UK_MAX(cur, pstart);
            usize chunk = (usize)(UK_MIN(off + len, pstart + UK_PAGE_SIZE) - from);
            if (!(p->flags & BP_UPTODATE)) {
                err = -EIO; /* the read failed: the next call tries again */
                d->errors++;
            } else {
                uk_user_copy_checked((u8 *)ubuf + (from - off), (u8 *)uk_phys_to_virt(p->pa) + (from - pstart), chunk);
                done += chunk;
                cur += chunk;
                if (!(p->flags & BP_DIRTY)) { /* most recently used */
                    uk_bcache_lru_del(p);
                    uk_bcache_lru_add(p);
                }
            }
            p->refs--;
        }
    }
    return done ? (long)done : err;
}
