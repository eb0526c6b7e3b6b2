/* virtio_blk.h - the virtio-blk device's wire format and configuration (virtio 1.x section 5.2) and the
 * driver's per-disk state. */
#ifndef UK_VIRTIO_BLK_PRIVATE_H
#define UK_VIRTIO_BLK_PRIVATE_H
#include <uk/blk.h>
#include <uk/types.h>
#include <uk/virtio.h>

#define BLK_F_SIZE_MAX 1
#define BLK_F_SEG_MAX 2
#define BLK_F_RO 5
#define BLK_F_BLK_SIZE 6
#define BLK_F_FLUSH 9
#define BLK_F_TOPOLOGY 10
#define BLK_F_MQ 12

#define BLK_T_IN 0
#define BLK_T_OUT 1
#define BLK_T_FLUSH 4
#define BLK_S_OK 0

#define MAX_REQ (1024 * 1024UL) /* data bytes per request at most */
#define DEFAULT_SEGS 64         /* segments per request when the device does not say (no SEG_MAX) */
#define QUEUE_SIZE 256

struct blk_config {
    u64 capacity; /* in 512-byte sectors */
    u32 size_max, seg_max;
    struct {
        u16 cylinders;
        u8 heads, sectors;
    } geometry;
    u32 blk_size;
    u8 physical_block_exp, alignment_offset;
    u16 min_io_size;
    u32 opt_io_size;
    u8 writeback, unused0;
    u16 num_queues;
} __attribute__((packed));

struct blk_hdr {
    u32 type, reserved;
    u64 sector;
};

/* What the device reads and writes beside a request's data, in the request's drv area. */
struct vreq {
    struct blk_hdr hdr;
    u8 status;
};
_Static_assert(sizeof(struct vreq) <= sizeof(((struct uk_blk_req *)0)->drv), "vreq fits a request's drv area");

struct disk {
    struct uk_blkdev blk; /* first: lib/blk's device is the disk */
    struct uk_virtio_dev *dev;
    struct uk_virtq vq;
    u32 size_max;  /* bytes per descriptor */
    u32 pending;   /* requests queued since the last notification */
    bool indirect; /* VIRTIO_F_INDIRECT_DESC: a request takes one ring descriptor */
};

#endif
