/* blk.c - block devices as Linux block device files (/dev/vda, …): the request queue shared with the driver
 * (submit, wait, complete), and the file operations: read and write at any offset through the page cache, or
 * straight between the device and the program's pages for O_DIRECT opens; lseek with SEEK_END at the capacity;
 * the block ioctls tools and .NET use (BLKGETSIZE64, BLKGETSIZE, BLKSSZGET, BLKPBSZGET, BLKROGET, BLKIOMIN/OPT,
 * BLKFLSBUF); fsync writes back and flushes the device's cache. As on Linux, a read-only disk opens for writing
 * and each write fails with EPERM, fstat reports a size of 0, and the last close writes dirty pages back. */
#include <uk/errno.h>
#include <uk/file.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/time.h>
#include "blk_private.h"

#define BLKROGET 0x125e
#define BLKGETSIZE 0x1260
#define BLKFLSBUF 0x1261
#define BLKSSZGET 0x1268
#define BLKIOMIN 0x1278
#define BLKIOOPT 0x1279
#define BLKPBSZGET 0x127b
#define BLKGETSIZE64 0x80081272

struct uk_blkdev *uk_blk_devs[UK_BLK_MAX_DEVS];
int uk_blk_ndevs;

int uk_blk_count(void) { return uk_blk_ndevs; }

struct uk_blk_req *uk_blk_req_alloc(u16 nseg)
{
    /* The heap's objects are aligned to their power-of-two size class or are whole frames: the scratch area
     * stays 16-byte aligned and physically contiguous. */
    struct uk_blk_req *r = uk_kzalloc(sizeof(struct uk_blk_req) + nseg * sizeof(struct uk_blk_seg) + (nseg + 2) * 16UL);
    if (r)
        r->cap = nseg;
    return r;
}

void uk_blk_submit(struct uk_blkdev *d, struct uk_blk_req *r)
{
    while (d->ops->submit(d, r) == -EAGAIN) {
        uk_blk_kick(d);
        uk_blk_wait_event(d);
    }
}

void uk_blk_wait_event(struct uk_blkdev *d)
{
    if (d->ops->poll(d))
        return;
    uk_waitq_wait(&d->wq, d->polled ? uk_time_monotonic_ns() + 200000 : 0);
    d->ops->poll(d);
}

long uk_blk_wait(struct uk_blkdev *d, struct uk_blk_req *r)
{
    while (!r->done)
        uk_blk_wait_event(d);
    return r->result;
}

void uk_blk_complete(struct uk_blkdev *d, struct uk_blk_req *r, long result)
{
    r->result = result;
    r->done = true;
    if (r->end)
        r->end(r); /* may free r */
    uk_waitq_wake_all(&d->wq);
}

static long flush(struct uk_blkdev *d)
{
    if (!d->flush)
        return 0;
    struct uk_blk_req *r = uk_blk_req_alloc(0);
    if (!r)
        return -ENOMEM;
    r->op = UK_BLK_FLUSH;
    uk_blk_submit(d, r);
    uk_blk_kick(d);
    long e = uk_blk_wait(d, r);
    uk_kfree(r);
    return e;
}

static long fsync_dev(struct uk_blkdev *d)
{
    long e = uk_bcache_sync(d);
    long f = flush(d);
    return e ? e : f;
}

void uk_blk_sync_all(void)
{
    for (int i = 0; i < uk_blk_ndevs; i++) {
        struct uk_blkdev *d = uk_blk_devs[i];
        if (d->cache->ndirty || d->cache->wb_pages) {
            long e = fsync_dev(d);
            if (e)
                uk_pr_warn("blk: /dev/%s: writing back its cache at exit failed (%ld)\n", d->name, e);
        }
    }
}

static long blk_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    struct uk_blkdev *d = f->priv;
    long r =
        (f->flags & UK_O_DIRECT) ? uk_blk_direct_rw(d, ubuf, len, *pos, false) : uk_bcache_read(d, ubuf, len, *pos);
    if (r > 0)
        *pos += (u64)r;
    return r;
}

static long blk_write(struct uk_file *f, const void *ubuf, usize len, u64 *pos)
{
    struct uk_blkdev *d = f->priv;
    if (d->ro)
        return -EPERM; /* Linux's answer for a read-only block device */
    long r = (f->flags & UK_O_DIRECT) ? uk_blk_direct_rw(d, (void *)ubuf, len, *pos, true)
                                      : uk_bcache_write(d, ubuf, len, *pos);
    if (r > 0)
        *pos += (u64)r;
    return r;
}

static long blk_llseek(struct uk_file *f, s64 off, int whence)
{
    struct uk_blkdev *d = f->priv;
    return uk_file_seek(f, off, whence, d->sectors * 512);
}

static long put_user(long arg, const void *v, usize size)
{
    return uk_user_copy_to((void *)arg, v, size) ? 0 : -EFAULT;
}

static long blk_ioctl(struct uk_file *f, unsigned long req, long arg)
{
    struct uk_blkdev *d = f->priv;
    switch (req) {
    case BLKGETSIZE64: {
        u64 bytes = d->sectors * 512;
        return put_user(arg, &bytes, sizeof(bytes));
    }
    case BLKGETSIZE: {
        unsigned long sectors = d->sectors;
        return put_user(arg, &sectors, sizeof(sectors));
    }
    case BLKSSZGET: {
        int v = (int)d->lbs;
        return put_user(arg, &v, sizeof(v));
    }
    case BLKPBSZGET:
    case BLKIOMIN:
    case BLKIOOPT: {
        unsigned int v = req == BLKIOOPT ? 0 : d->pbs;
        return put_user(arg, &v, sizeof(v));
    }
    case BLKROGET: {
        int v = d->ro;
        return put_user(arg, &v, sizeof(v));
    }
    case BLKFLSBUF: { /* write back, then drop the clean pages */
        long e = fsync_dev(d);
        uk_bcache_drop(d, 0, ~0UL);
        return e;
    }
    default: return -ENOTTY;
    }
}

static long blk_fsync(struct uk_file *f) { return fsync_dev(f->priv); }

/* The last close of a block device writes its dirty pages back (Linux does the same). */
static void blk_release(struct uk_file *f)
{
    struct uk_blkdev *d = f->priv;
    if (!--d->opens && (d->cache->ndirty || d->cache->wb_pages))
        uk_bcache_sync(d);
}

static long blk_open(struct uk_device *node, struct uk_file *f)
{
    struct uk_blkdev *d = node->priv;
    d->opens++;
    return 0;
}

static const struct uk_file_ops blk_fops = {
    .read = blk_read,
    .write = blk_write,
    .ioctl = blk_ioctl,
    .llseek = blk_llseek,
    .fsync = blk_fsync,
    .release = blk_release,
    .type = UK_S_IFBLK,
};

long uk_blk_register(struct uk_blkdev *d, const char *name)
{
    if (uk_blk_ndevs == UK_BLK_MAX_DEVS)
        return -ENOSPC;
    if (!(d->cache = uk_kzalloc(sizeof(*d->cache))))
        return -ENOMEM;
    if (!uk_blk_ndevs) {
        uk_bcache_init();
        uk_bcache_wb_init();
        uk_sched_exit_hook = uk_blk_sync_all; /* what the program wrote reaches its disks before the VM ends */
    }
    uk_strlcpy(d->name, name, sizeof(d->name));
    d->node = (struct uk_device){
        .name = d->name, .mode = UK_S_IFBLK | (d->ro ? 0440 : 0660), .fops = &blk_fops, .priv = d, .open = blk_open};
    long r = uk_devfs_register(&d->node);
    if (r)
        return r;
    uk_blk_devs[uk_blk_ndevs++] = d;
    return 0;
}
