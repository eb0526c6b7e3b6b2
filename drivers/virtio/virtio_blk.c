/* virtio_blk.c - virtio block devices as lib/blk's request queues, /dev/vda, /dev/vdb, … in the order they
 * were found. A request is a chain of the header, the data segments (split at the device's SIZE_MAX) and the
 * status byte; as many are in flight as the ring holds, from any number of threads; completions arrive by
 * interrupt (or, without an interrupt line, by polling) and end in lib/blk, which wakes the waiters. The page
 * cache, O_DIRECT and the file's semantics are lib/blk's. */
#include "virtio_blk.h"
#include <uk/blk.h>
#include <uk/errno.h>
#include <uk/irq.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/virtio.h>

/* Takes every finished request off the ring and ends it; whether there was any. */
static bool drain(struct uk_blkdev *b)
{
    struct disk *k = (struct disk *)b;
    bool any = false;
    do {
        struct uk_blk_req *r;
        u32 len;
        while ((r = uk_virtq_next_used(&k->vq, &len))) {
            const struct vreq *v = (const struct vreq *)r->drv;
            uk_blk_complete(b, r, v->status == BLK_S_OK ? 0 : -EIO);
            any = true;
        }
    } while (uk_virtq_enable_interrupts(&k->vq));
    return any;
}

static void interrupt(void *arg)
{
    struct disk *k = arg;
    while (k->dev->transport->ack_interrupt(k->dev))
        drain(&k->blk);
}

/* Descriptors a segment of len bytes takes. */
static u16 descs_for(const struct disk *k, u32 len) { return (u16)((len + k->size_max - 1) / k->size_max); }

static long submit(struct uk_blkdev *b, struct uk_blk_req *r)
{
    struct disk *k = (struct disk *)b;
    u16 need = 2;
    for (u16 i = 0; i < r->nseg; i++)
        need = (u16)(need + descs_for(k, r->seg[i].len));
    if (need > k->vq.size)
        return -EINVAL; /* lib/blk keeps requests within the limits the driver set */
    if (k->vq.num_free < (k->indirect && need <= r->cap + 2 ? 1 : need))
        return -EAGAIN;
    struct vreq *v = (struct vreq *)r->drv;
    static const u32 types[] = {[UK_BLK_READ] = BLK_T_IN, [UK_BLK_WRITE] = BLK_T_OUT, [UK_BLK_FLUSH] = BLK_T_FLUSH};
    v->hdr = (struct blk_hdr){.type = types[r->op], .sector = r->sector};
    v->status = 0xff;
    r->done = false;
    struct uk_virtq_buf bufs[QUEUE_SIZE];
    u16 n = 0;
    bufs[n++] = (struct uk_virtq_buf){uk_virt_to_phys(&v->hdr), sizeof(v->hdr)};
    for (u16 i = 0; i < r->nseg; i++)
        for (u32 off = 0; off < r->seg[i].len;) {
            u32 piece = UK_MIN(r->seg[i].len - off, k->size_max);
            bufs[n++] = (struct uk_virtq_buf){r->seg[i].pa + off, piece};
            off += piece;
        }
    u16 ndata = (u16)(n - 1);
    bufs[n++] = (struct uk_virtq_buf){uk_virt_to_phys(&v->status), 1};
    bool device_writes = r->op == UK_BLK_READ;
    u16 nout = device_writes ? 1 : (u16)(1 + ndata), nin = device_writes ? (u16)(ndata + 1) : 1;
    /* With indirect descriptors a request takes one ring slot, so a ring full of scattered pages still has many
     * requests in flight. */
    long e = k->indirect && n <= r->cap + 2 ? uk_virtq_add_indirect(&k->vq, uk_blk_req_scratch(r), bufs, nout, nin, r)
                                            : uk_virtq_add(&k->vq, bufs, nout, nin, r);
    if (e)
        return -EAGAIN;
    k->pending++;
    return 0;
}

static void kick(struct uk_blkdev *b)
{
    struct disk *k = (struct disk *)b;
    if (k->pending) {
        k->pending = 0;
        uk_virtq_kick(&k->vq);
    }
}

static const struct uk_blkdev_ops ops = {.submit = submit, .kick = kick, .poll = drain};

/* The features this driver negotiates, by name, for its boot-log line. */
static const struct uk_virtio_feature_name feature_names[] = {{BLK_F_SIZE_MAX, "size_max"},
                                                              {BLK_F_SEG_MAX, "seg_max"},
                                                              {BLK_F_RO, "ro"},
                                                              {BLK_F_BLK_SIZE, "blk_size"},
                                                              {BLK_F_FLUSH, "flush"},
                                                              {BLK_F_TOPOLOGY, "topology"},
                                                              {BLK_F_MQ, "mq"},
                                                              {UK_VIRTIO_F_EVENT_IDX, "event_idx"},
                                                              {UK_VIRTIO_F_INDIRECT_DESC, "indirect"}};

long uk_virtio_blk_attach(struct uk_virtio_dev *d)
{
    if (uk_blk_count() == UK_BLK_MAX_DEVS) /* lib/blk names disks vda … vdz */
        return -ENOSPC;
    u64 wanted = UK_VIRTIO_BIT(BLK_F_SIZE_MAX) | UK_VIRTIO_BIT(BLK_F_SEG_MAX) | UK_VIRTIO_BIT(BLK_F_RO) |
                 UK_VIRTIO_BIT(BLK_F_BLK_SIZE) | UK_VIRTIO_BIT(BLK_F_FLUSH) | UK_VIRTIO_BIT(BLK_F_TOPOLOGY) |
                 UK_VIRTIO_BIT(BLK_F_MQ) | UK_VIRTIO_BIT(UK_VIRTIO_F_EVENT_IDX) |
                 UK_VIRTIO_BIT(UK_VIRTIO_F_INDIRECT_DESC);
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
    struct uk_blkdev *b = &k->blk;
    b->ops = &ops;
    b->sectors = cfg.capacity;
    b->lbs = uk_virtio_has(d, BLK_F_BLK_SIZE) && cfg.blk_size >= 512 && cfg.blk_size <= UK_PAGE_SIZE &&
                     !(cfg.blk_size & (cfg.blk_size - 1))
                 ? cfg.blk_size
                 : 512;
    b->pbs = uk_virtio_has(d, BLK_F_TOPOLOGY) && cfg.physical_block_exp < 8 ? b->lbs << cfg.physical_block_exp : b->lbs;
    b->ro = uk_virtio_has(d, BLK_F_RO);
    b->flush = uk_virtio_has(d, BLK_F_FLUSH);
    k->indirect = uk_virtio_has(d, UK_VIRTIO_F_INDIRECT_DESC);
    if ((r = uk_virtq_init(d, 0, QUEUE_SIZE, &k->vq))) {
        uk_kfree(k);
        d->transport->set_status(d, UK_VIRTIO_S_FAILED);
        return r;
    }
    /* Limits lib/blk keeps requests within: the device's SIZE_MAX and SEG_MAX, and the ring (a segment may
     * take several descriptors where SIZE_MAX is below a page). */
    k->size_max = uk_virtio_has(d, BLK_F_SIZE_MAX) && cfg.size_max >= 512 ? UK_ALIGN_DOWN(cfg.size_max, 512) : MAX_REQ;
    u32 per_page = (u32)((UK_PAGE_SIZE + k->size_max - 1) / k->size_max) + 1;
    u32 segs = uk_virtio_has(d, BLK_F_SEG_MAX) && cfg.seg_max ? cfg.seg_max : DEFAULT_SEGS;
    segs = UK_MIN(segs, (u32)(k->vq.size - 2) / per_page);
    b->max_segs = (u16)UK_MAX(segs, 1U);
    b->max_seg = (u32)UK_ALIGN_DOWN(UK_MIN(k->size_max, (u32)MAX_REQ), b->lbs);
    b->max_bytes = (u32)UK_ALIGN_DOWN(MAX_REQ, b->lbs);
    b->polled = !uk_irq_register(d->irq, interrupt, k);
    uk_virtio_ready(d);
    uk_virtq_enable_interrupts(&k->vq);

    char name[8];
    uk_snprintf(name, sizeof(name), "vd%c", 'a' + uk_blk_count());
    if ((r = uk_blk_register(b, name)))
        return r;
    char feats[128];
    uk_pr_info("virtio: %s: block device /dev/%s, %lu sectors (%lu MiB), block %u/%u, %s, queue %u, %s%s\n", d->where,
               b->name, b->sectors, b->sectors >> 11, b->lbs, b->pbs, b->ro ? "read-only" : "read-write", k->vq.size,
               uk_virtio_feature_list(d, feature_names, UK_ARRAY_SIZE(feature_names), feats, sizeof(feats)),
               b->polled ? ", polled (no interrupt line)" : "");
    return 0;
}
