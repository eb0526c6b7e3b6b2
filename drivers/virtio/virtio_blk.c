/* virtio_blk.c - virtio block devices as /dev/vda, /dev/vdb, … in the order they were found. Each
 * read or write becomes requests of at most 128 KiB through a bounce buffer (the program's pages are
 * never handed to the device), several in flight at once, from any number of threads; completions
 * arrive by interrupt and wake the waiting threads. Offsets and lengths need not be multiples of the
 * block size: partial blocks are read, patched and written back, as Linux does for a block device
 * opened without O_DIRECT. Large requests are split to the device's SIZE_MAX/SEG_MAX limits. */
#include "virtio_blk.h"
#include <uk/devfs.h>
#include <uk/errno.h>
#include <uk/irq.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/time.h>
#include <uk/virtio.h>

static struct disk *disks[MAX_DISKS];
static int ndisks;

int uk_virtio_blk_count(void) { return ndisks; }

/* Takes every finished request off the queue and wakes their waiters; whether there was any. */
static bool drain(struct disk *k)
{
    bool any = false;
    do {
        struct request *r;
        u32 len;
        while ((r = uk_virtq_next_used(&k->vq, &len))) {
            r->done = true;
            k->inflight--;
            any = true;
        }
    } while (uk_virtq_enable_interrupts(&k->vq));
    if (any)
        uk_waitq_wake_all(&k->wq);
    return any;
}

static void interrupt(void *arg)
{
    struct disk *k = arg;
    while (k->dev->transport->ack_interrupt(k->dev))
        drain(k);
}

/* Returns once something of k completed: at once when a finished request was waiting in the queue,
 * else after sleeping until the interrupt (or, without an interrupt line, a short poll) says so. */
static void wait_for_device(struct disk *k)
{
    if (drain(k))
        return;
    uk_waitq_wait(&k->wq, k->polled ? uk_time_monotonic_ns() + 200000 : 0);
    drain(k);
}

/* Queues request r (type, sector, data of len bytes at pa); -ENOSPC when the queue lacks room now. */
static long submit(struct disk *k, struct request *r, u32 type, u64 sector, u64 pa, usize len)
{
    struct uk_virtq_buf bufs[2 + MAX_SEGS];
    u16 n = 0;
    r->hdr = (struct blk_hdr){.type = type, .sector = sector};
    r->status = 0xff;
    r->done = false;
    bufs[n++] = (struct uk_virtq_buf){uk_virt_to_phys(&r->hdr), sizeof(r->hdr)};
    for (usize off = 0; off < len; n++) {
        usize seg = UK_MIN(len - off, (usize)k->size_max);
        bufs[n] = (struct uk_virtq_buf){pa + off, (u32)seg};
        off += seg;
    }
    u16 ndata = (u16)(n - 1);
    bufs[n++] = (struct uk_virtq_buf){uk_virt_to_phys(&r->status), 1};
    bool device_writes = type == BLK_T_IN;
    long e = uk_virtq_add(&k->vq, bufs, device_writes ? 1 : (u16)(1 + ndata), device_writes ? (u16)(ndata + 1) : 1, r);
    if (e)
        return e;
    k->inflight++;
    return 0;
}

static long status_error(const struct request *r) { return r->status == BLK_S_OK ? 0 : -EIO; }

/* One request, waited for: flushes and the read half of a read-modify-write. */
static long do_sync(struct disk *k, u32 type, u64 sector, u64 pa, usize len)
{
    struct request *r = uk_kzalloc(sizeof(*r));
    if (!r)
        return -ENOMEM;
    long e;
    while ((e = submit(k, r, type, sector, pa, len)) == -ENOSPC)
        wait_for_device(k);
    if (!e) {
        uk_virtq_kick(&k->vq);
        while (!r->done)
            wait_for_device(k);
        e = status_error(r);
    }
    uk_kfree(r);
    return e;
}

long uk_virtio_blk_flush(struct disk *k)
{
    if (!uk_virtio_has(k->dev, BLK_F_FLUSH))
        return 0;
    return do_sync(k, BLK_T_FLUSH, 0, 0, 0);
}

/* Writes hold their block range from before a read-modify-write's read until the write completes, so
 * two writes of the same block (one of them partial) cannot interleave and lose bytes. Reads take no
 * range: they run in parallel with everything. */
static bool range_held(const struct disk *k, u64 start, u64 end)
{
    for (const struct chunk *c = k->held; c; c = c->next_held)
        if (start < c->start + c->len && c->start < end)
            return true;
    return false;
}

static void hold(struct disk *k, struct chunk *c)
{
    c->next_held = k->held;
    k->held = c;
}

static void release(struct disk *k, struct chunk *c)
{
    for (struct chunk **p = &k->held; *p; p = &(*p)->next_held)
        if (*p == c) {
            *p = c->next_held;
            uk_waitq_wake_all(&k->wq);
            return;
        }
}

/* Descriptors one chunk of len bytes takes. */
static u16 descs_for(const struct disk *k, usize len) { return (u16)(2 + (len + k->size_max - 1) / k->size_max); }

long uk_virtio_blk_rw(struct disk *k, void *ubuf, usize len, u64 off, bool write)
{
    u64 size = k->sectors * 512;
    if (off >= size)
        return write ? (len ? -ENOSPC : 0) : 0;
    len = (usize)UK_MIN((u64)len, size - off);
    if (!uk_user_access_ok(ubuf, len, !write))
        return -EFAULT;
    struct chunk chunks[MAX_BATCH];
    usize done = 0;
    long err = 0;
    while (done < len && !err) {
        /* Plan and submit as many chunks as the queue and memory allow. */
        int nc = 0;
        usize planned = done;
        while (nc < MAX_BATCH && planned < len) {
            u64 cur = off + planned;
            u64 start = UK_ALIGN_DOWN(cur, k->lbs);
            u64 end = UK_MIN(UK_MIN(UK_ALIGN_UP(off + len, k->lbs), start + k->chunk), size);
            if (write && range_held(k, start, end)) {
                if (nc) /* never wait while holding ranges: send what is planned first */
                    break;
                uk_waitq_wait(&k->wq, 0);
                continue;
            }
            usize pages = (usize)(UK_ALIGN_UP(end - start, UK_PAGE_SIZE) / UK_PAGE_SIZE);
            u64 pa = uk_pmm_alloc(pages, UK_MEM_DEVICES);
            while (!pa && pages > 1) { /* fragmented memory: smaller chunks */
                pages /= 2;
                end = UK_MAX(start + k->lbs, UK_ALIGN_DOWN(start + pages * UK_PAGE_SIZE, k->lbs));
                pa = uk_pmm_alloc(pages, UK_MEM_DEVICES);
            }
            if (!pa || k->vq.num_free < descs_for(k, end - start)) {
                if (pa)
                    uk_pmm_free(pa, pages, UK_MEM_DEVICES);
                if (nc)
                    break;
                if (!pa) {
                    err = -ENOMEM;
                    break;
                }
                wait_for_device(k);
                continue;
            }
            struct chunk *c = &chunks[nc];
            *c = (struct chunk){.pa = pa, .pages = pages, .start = start, .len = end - start, .user = planned};
            c->ulen = (usize)UK_MIN(end, off + len) - (usize)cur;
            u8 *bounce = uk_phys_to_virt(pa);
            if (write) {
                hold(k, c);
                /* A partial first or last block is read first, then patched. */
                if ((cur != start || (c->ulen < c->len && (cur + c->ulen) % k->lbs)) &&
                    (err = do_sync(k, BLK_T_IN, start / 512, pa, c->len))) {
                    release(k, c);
                    uk_pmm_free(pa, pages, UK_MEM_DEVICES);
                    break;
                }
                if (!uk_user_copy_from(bounce + (cur - start), (const u8 *)ubuf + planned, c->ulen)) {
                    release(k, c);
                    uk_pmm_free(pa, pages, UK_MEM_DEVICES);
                    err = -EFAULT;
                    break;
                }
            }
            c->req = uk_kzalloc(sizeof(*c->req));
            if (!c->req) {
                if (write)
                    release(k, c);
                uk_pmm_free(pa, pages, UK_MEM_DEVICES);
                err = -ENOMEM;
                break;
            }
            /* Other threads may have taken the descriptors while a read-modify-write waited. */
            while (submit(k, c->req, write ? BLK_T_OUT : BLK_T_IN, start / 512, pa, c->len) == -ENOSPC) {
                uk_virtq_kick(&k->vq);
                wait_for_device(k);
            }
            planned += c->ulen;
            nc++;
        }
        if (nc)
            uk_virtq_kick(&k->vq);
        /* Wait for the batch; copy reads out in order; the first failure ends the call. */
        for (int i = 0; i < nc; i++) {
            struct chunk *c = &chunks[i];
            while (!c->req->done)
                wait_for_device(k);
            long e = status_error(c->req);
            if (!e && !err && !write &&
                !uk_user_copy_to((u8 *)ubuf + c->user, (u8 *)uk_phys_to_virt(c->pa) + (off + c->user - c->start),
                                 c->ulen))
                e = -EFAULT;
            if (e && !err) {
                err = e;
                if (e == -EIO)
                    k->errors++;
            }
            if (!err)
                done = c->user + c->ulen;
            if (write)
                release(k, c);
            uk_kfree(c->req);
            uk_pmm_free(c->pa, c->pages, UK_MEM_DEVICES);
        }
    }
    return done ? (long)done : err;
}

/* The features this driver negotiates, by name, for its boot-log line. */
static const struct uk_virtio_feature_name feature_names[] = {
    {BLK_F_SIZE_MAX, "size_max"}, {BLK_F_SEG_MAX, "seg_max"},   {BLK_F_RO, "ro"}, {BLK_F_BLK_SIZE, "blk_size"},
    {BLK_F_FLUSH, "flush"},       {BLK_F_TOPOLOGY, "topology"}, {BLK_F_MQ, "mq"}, {UK_VIRTIO_F_EVENT_IDX, "event_idx"}};

long uk_virtio_blk_attach(struct uk_virtio_dev *d)
{
    if (ndisks == MAX_DISKS)
        return -ENOSPC;
    u64 wanted = UK_VIRTIO_BIT(BLK_F_SIZE_MAX) | UK_VIRTIO_BIT(BLK_F_SEG_MAX) | UK_VIRTIO_BIT(BLK_F_RO) |
                 UK_VIRTIO_BIT(BLK_F_BLK_SIZE) | UK_VIRTIO_BIT(BLK_F_FLUSH) | UK_VIRTIO_BIT(BLK_F_TOPOLOGY) |
                 UK_VIRTIO_BIT(BLK_F_MQ) | UK_VIRTIO_BIT(UK_VIRTIO_F_EVENT_IDX);
    long r = uk_virtio_start(d, wanted, NULL);
    if (r)
        return r;
    struct disk *k = uk_kzalloc(sizeof(*k));
    if (!k)
        return -ENOMEM;
    k->dev = d;
    d->driver_data = k;
    struct blk_config cfg;
    uk_memset(&cfg, 0, sizeof(cfg));
    d->transport->read_config(d, 0, &cfg, sizeof(cfg));
    k->sectors = cfg.capacity;
    k->lbs = uk_virtio_has(d, BLK_F_BLK_SIZE) && cfg.blk_size >= 512 && cfg.blk_size <= UK_PAGE_SIZE &&
                     !(cfg.blk_size & (cfg.blk_size - 1))
                 ? cfg.blk_size
                 : 512;
    k->pbs = uk_virtio_has(d, BLK_F_TOPOLOGY) && cfg.physical_block_exp < 8 ? k->lbs << cfg.physical_block_exp : k->lbs;
    k->size_max = uk_virtio_has(d, BLK_F_SIZE_MAX) && cfg.size_max >= 512 ? cfg.size_max : CHUNK;
    u32 segs = UK_MIN(uk_virtio_has(d, BLK_F_SEG_MAX) && cfg.seg_max ? cfg.seg_max : (u32)MAX_SEGS, (u32)MAX_SEGS);
    /* A request's data must fit the device's segment limits: smaller requests where they are tight. */
    k->chunk = CHUNK;
    while (k->chunk > k->lbs && (k->chunk + k->size_max - 1) / k->size_max > segs)
        k->chunk /= 2;
    k->ro = uk_virtio_has(d, BLK_F_RO);
    if ((r = uk_virtq_init(d, 0, 256, &k->vq))) {
        uk_kfree(k);
        d->transport->set_status(d, UK_VIRTIO_S_FAILED);
        return r;
    }
    while (k->chunk > k->lbs && descs_for(k, k->chunk) > k->vq.size)
        k->chunk /= 2;
    k->polled = !uk_irq_register(d->irq, interrupt, k);
    uk_virtio_ready(d);
    uk_virtq_enable_interrupts(&k->vq);

    uk_snprintf(k->name, sizeof(k->name), "vd%c", 'a' + ndisks);
    k->node = (struct uk_device){
        .name = k->name, .mode = UK_S_IFBLK | (k->ro ? 0440 : 0660), .fops = &uk_virtio_blk_fops, .priv = k};
    if ((r = uk_devfs_register(&k->node)))
        return r;
    disks[ndisks++] = k;
    char feats[128];
    uk_pr_info("virtio: %s: block device /dev/%s, %lu sectors (%lu MiB), block %u/%u, %s, queue %u, %s%s\n", d->where,
               k->name, k->sectors, k->sectors >> 11, k->lbs, k->pbs, k->ro ? "read-only" : "read-write", k->vq.size,
               uk_virtio_feature_list(d, feature_names, UK_ARRAY_SIZE(feature_names), feats, sizeof(feats)),
               k->polled ? ", polled (no interrupt line)" : "");
    return 0;
}
