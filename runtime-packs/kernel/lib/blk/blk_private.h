/* blk_private.h - what the parts of lib/blk share: the page cache's pages and per-device state (bcache.c,
 * bcache_wb.c), the O_DIRECT path (direct.c) and the file operations over both (blk.c). */
#ifndef UK_BLK_PRIVATE_H
#define UK_BLK_PRIVATE_H
#include <uk/blk.h>
#include <uk/types.h>

#define BP_UPTODATE 1 /* holds the disk's bytes (or newer ones) */
#define BP_DIRTY 2    /* newer than the disk: on its device's dirty list */
#define BP_IO 4       /* a read or a write-back is in flight: wait before touching the bytes */
#define BP_ERROR 8    /* the last read failed */

/* One 4 KiB page of a disk in the cache. Clean pages sit on the global LRU list, dirty ones on their
 * device's dirty list (oldest first). Pages with users (refs) or I/O in flight are never evicted. */
struct bpage {
    struct uk_blkdev *dev;
    u64 index; /* byte offset / 4096 */
    u64 pa;
    u16 refs;
    u8 flags;
    struct bpage *hnext;
    struct bpage *prev, *next;
};

struct uk_blk_cache_dev {
    struct bpage *dirty_head, *dirty_tail;
    usize npages, ndirty;
    usize wb_pages; /* pages being written back */
    long wb_error;  /* a failed write-back, reported once by the next fsync (as Linux does) */
    u64 ra_next;    /* where the next sequential read would start */
    u64 ra_end;     /* page index up to which read-ahead has been issued */
    u64 ra_window;  /* bytes read ahead of a sequential reader */
};

/* bcache.c */
void uk_bcache_init(void);
long uk_bcache_read(struct uk_blkdev *d, void *ubuf, usize len, u64 off);
long uk_bcache_write(struct uk_blkdev *d, const void *ubuf, usize len, u64 off);
struct bpage *uk_bcache_find(struct uk_blkdev *d, u64 index);
/* The cached page index of d, made (empty, on the LRU) when absent; NULL when memory is short. */
struct bpage *uk_bcache_get(struct uk_blkdev *d, u64 index);
/* Starts reads of the pages of [first, first + n) that are neither up to date nor being read, in runs; returns
 * without waiting. With pin, each page also gets a reference (pin[i]; NULL when memory is short). */
void uk_bcache_fill(struct uk_blkdev *d, u64 first, usize n, struct bpage **pin);
/* Sends pages [first, first + n) (cached, marked BP_IO) as op requests within the device's limits, end called
 * for each; how many pages went out (fewer when memory or, without may_wait, queue room ran out). */
usize uk_bcache_submit_run(struct uk_blkdev *d, u64 first, usize n, u8 op, void (*end)(struct uk_blk_req *),
                           bool may_wait);
/* Waits until no read is still filling the batch's pages pg[0..n), then checks the program's buffer (span bytes;
 * to_user: the kernel writes it): 0 or -EFAULT. Copies after it, with nothing blocking between, need no check. */
long uk_bcache_batch_ready(struct uk_blkdev *d, struct bpage **pg, usize n, const void *ubuf, usize span, bool to_user);
/* Drops the clean, unused cached pages of [first, last] (every page: last = ~0). */
void uk_bcache_drop(struct uk_blkdev *d, u64 first, u64 last);
void uk_bcache_lru_add(struct bpage *p);
void uk_bcache_lru_del(struct bpage *p);
/* Bytes of the disk the page covers (less than 4 KiB only for a partial last page). */
u32 uk_bcache_page_bytes(const struct uk_blkdev *d, u64 index);

/* bcache_wb.c: writes and write-back */
void uk_bcache_wb_init(void);
extern struct uk_blkdev *uk_blk_devs[];
extern int uk_blk_ndevs;
extern usize uk_bcache_dirty_total, uk_bcache_dirty_max;
void uk_bcache_mark_dirty(struct bpage *p);
/* Starts writing back d's dirty pages, oldest first, in runs as large as the device takes; at most
 * max_pages of them. may_wait: wait for queue room (not from a timer). */
void uk_bcache_writeback(struct uk_blkdev *d, usize max_pages, bool may_wait);
/* Writes back every dirty page of d and waits for all its write-backs; the first write-back error. */
long uk_bcache_sync(struct uk_blkdev *d);
/* After dirtying: starts write-back past the background threshold, waits past the limit. */
void uk_bcache_balance(struct uk_blkdev *d);

/* direct.c */
long uk_blk_direct_rw(struct uk_blkdev *d, void *ubuf, usize len, u64 off, bool write);

#endif
