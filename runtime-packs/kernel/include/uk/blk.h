/* blk.h - block devices (lib/blk): what a disk driver gives the kernel (a request queue) and what the kernel
 * makes of it (/dev/<name>, a Linux block device file: a page cache with read-ahead and write-back for
 * ordinary opens, requests straight into the program's pages for O_DIRECT ones). */
#ifndef UK_BLK_H
#define UK_BLK_H
#include <uk/devfs.h>
#include <uk/types.h>
#include <uk/wait.h>

#define UK_BLK_READ 0
#define UK_BLK_WRITE 1
#define UK_BLK_FLUSH 2

/* A piece of a request's data, by physical address. */
struct uk_blk_seg {
    u64 pa;
    u32 len;
};

/* One request to the device. The driver sets result (0 or -EIO) and done, then calls end (when set) from
 * its interrupt, and wakes the device's wait queue. */
struct uk_blk_req {
    u8 op;
    volatile bool done;
    u16 nseg, cap; /* segments used, room for */
    u32 bytes;     /* the sum of the segments */
    u64 sector;    /* in 512-byte units */
    long result;
    void (*end)(struct uk_blk_req *r);
    void *priv;
    u64 drv[4]; /* the driver's, for what the device reads and writes beside the data */
    struct uk_blk_seg seg[] __attribute__((aligned(16))); /* cap of them, then the driver's scratch */
};
/* The driver's scratch area of a request: (cap + 2) * 16 bytes, 16-byte aligned, physically contiguous (e.g. a
 * virtio indirect descriptor table). */
static inline void *uk_blk_req_scratch(struct uk_blk_req *r) { return &r->seg[r->cap]; }

struct uk_blkdev;
struct uk_blkdev_ops {
    /* Queues r without telling the device; -EAGAIN when the queue has no room now (a completion will wake
     * the device's wait queue). */
    long (*submit)(struct uk_blkdev *d, struct uk_blk_req *r);
    /* Tells the device about what was queued. */
    void (*kick)(struct uk_blkdev *d);
    /* Takes finished requests off the queue (for devices without an interrupt line, and before sleeping). */
    bool (*poll)(struct uk_blkdev *d);
};

struct uk_blk_cache_dev; /* lib/blk's per-device cache state */

struct uk_blkdev {
    /* Set by the driver before uk_blk_register. */
    const struct uk_blkdev_ops *ops;
    void *priv;
    u64 sectors;    /* capacity in 512-byte sectors */
    u32 lbs, pbs;   /* logical and physical block size */
    u32 max_bytes;  /* data bytes per request at most */
    u32 max_seg;    /* bytes per segment at most */
    u16 max_segs;   /* segments per request at most */
    bool ro, flush; /* read-only; has a volatile write cache to flush */
    bool polled;    /* no interrupt: completions are only seen by poll */
    /* lib/blk's */
    struct uk_waitq wq; /* completions, freed queue room */
    u64 errors;
    int opens;
    struct uk_blk_cache_dev *cache;
    struct uk_device node;
    char name[8];
};

/* Registers d as /dev/<name>; 0 or -errno. d must outlive the kernel. */
long uk_blk_register(struct uk_blkdev *d, const char *name);
/* A request with room for nseg segments and the driver's scratch (uk_kfree it); NULL when memory is short. */
struct uk_blk_req *uk_blk_req_alloc(u16 nseg);
/* Queues r, waiting for room in the queue when it is full; then uk_blk_kick. */
void uk_blk_submit(struct uk_blkdev *d, struct uk_blk_req *r);
static inline void uk_blk_kick(struct uk_blkdev *d) { d->ops->kick(d); }
/* Sleeps until some request of d completes (or, without an interrupt, a short while passes). */
void uk_blk_wait_event(struct uk_blkdev *d);
/* Sleeps until r is done (polling a device without an interrupt); r->result. */
long uk_blk_wait(struct uk_blkdev *d, struct uk_blk_req *r);
/* For drivers: r finished with result (0 or -EIO); calls its end and wakes the waiters. */
void uk_blk_complete(struct uk_blkdev *d, struct uk_blk_req *r, long result);
/* Writes every device's dirty pages and flushes the devices (exit, sync(2)). */
void uk_blk_sync_all(void);
/* Block devices registered so far (at most UK_BLK_MAX_DEVS: vda … vdz). */
#define UK_BLK_MAX_DEVS 26
int uk_blk_count(void);

#endif
