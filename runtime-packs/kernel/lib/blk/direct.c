/* direct.c - O_DIRECT reads and writes of a block device: requests go straight between the device and the
 * program's own pages (no copy, no cache), as many in flight at once as the queue holds. As on Linux, the
 * offset, the length and the buffer's address must be multiples of the logical block size (EINVAL). The
 * device's dirty cached pages are written back first, and cached pages of a written range dropped after, so
 * buffered and direct users of one disk see the same bytes. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include "blk_private.h"

#define MAX_INFLIGHT 32 /* requests one call keeps in flight */

/* Appends the program's bytes [va, va + len) to r (physically contiguous pieces merged); how many fit. */
static usize add_user(struct uk_blkdev *d, struct uk_blk_req *r, uptr va, usize len, long *err)
{
    usize added = 0;
    while (added < len) {
        uptr at = va + added;
        u64 pa;
        if (!uk_page_query(UK_ALIGN_DOWN(at, UK_PAGE_SIZE), &pa, NULL)) {
            *err = -EFAULT; /* unmapped by another thread while this call waited for queue room */
            break;
        }
        pa += at & (UK_PAGE_SIZE - 1);
        u32 piece = (u32)UK_MIN((usize)(UK_PAGE_SIZE - (at & (UK_PAGE_SIZE - 1))), len - added);
        piece = UK_MIN(piece, d->max_bytes - r->bytes); /* both multiples of the block size */
        if (!piece)
            break;
        struct uk_blk_seg *last = r->nseg ? &r->seg[r->nseg - 1] : NULL;
        if (last && last->pa + last->len == pa && last->len + piece <= d->max_seg)
            last->len += piece;
        else if (r->nseg < d->max_segs)
            r->seg[r->nseg++] = (struct uk_blk_seg){pa, piece};
        else
            break;
        r->bytes += piece;
        added += piece;
    }
    return added;
}

long uk_blk_direct_rw(struct uk_blkdev *d, void *ubuf, usize len, u64 off, bool write)
{
    if (((uptr)ubuf | off | len) & (d->lbs - 1))
        return -EINVAL;
    u64 size = d->sectors * 512;
    if (off >= size)
        return write && len ? -ENOSPC : 0;
    len = (usize)UK_MIN((u64)len, size - off);
    if (!len)
        return 0;
    /* The device writes the program's pages on a read: they must be writable. */
    if (!uk_user_access_ok(ubuf, len, !write))
        return -EFAULT;
    struct uk_blk_cache_dev *c = d->cache;
    if (c->ndirty || c->wb_pages) {
        long e = uk_bcache_sync(d);
        if (e)
            return e;
    }
    uk_vm_dma_hold();
    struct uk_blk_req *reqs[MAX_INFLIGHT];
    usize done = 0, planned = 0;
    long err = 0;
    while (done < len && !err) {
        int nr = 0;
        while (nr < MAX_INFLIGHT && planned < len && !err) {
            struct uk_blk_req *r = uk_blk_req_alloc(d->max_segs);
            if (!r) {
                if (!nr)
                    err = -ENOMEM;
                break;
            }
            r->op = write ? UK_BLK_WRITE : UK_BLK_READ;
            r->sector = (off + planned) / 512;
            planned += add_user(d, r, (uptr)ubuf + planned, len - planned, &err);
            if (!r->bytes) {
                uk_kfree(r);
                break;
            }
            uk_blk_submit(d, r);
            reqs[nr++] = r;
        }
        uk_blk_kick(d);
        /* Every request sent is waited for, even after a failure: the device still owns the pages. */
        for (int i = 0; i < nr; i++) {
            long e = uk_blk_wait(d, reqs[i]);
            if (e && !err) {
                err = e;
                d->errors++;
            }
            if (!err)
                done += reqs[i]->bytes;
            uk_kfree(reqs[i]);
        }
        if (!nr)
            break;
    }
    uk_vm_dma_release();
    if (write && done && c->npages)
        uk_bcache_drop(d, off / UK_PAGE_SIZE, (off + done - 1) / UK_PAGE_SIZE);
    return done ? (long)done : err;
}
