/* virtio_blk.h - what the two halves of the virtio-blk driver share: the device's wire format and
 * configuration (virtio 1.x section 5.2), the disk, and its request path (virtio_blk.c) under its file
 * operations (virtio_blk_file.c). */
#ifndef UK_VIRTIO_BLK_PRIVATE_H
#define UK_VIRTIO_BLK_PRIVATE_H
#include <uk/devfs.h>
#include <uk/types.h>
#include <uk/virtio.h>
#include <uk/wait.h>

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

#define MAX_DISKS 26         /* vda … vdz */
#define CHUNK (128 * 1024UL) /* bytes per request at most */
#define MAX_SEGS 64          /* data descriptors per request */
#define MAX_BATCH 16         /* requests one call keeps in flight */

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

/* A request's header and status, which the device reads and writes in place. */
struct request {
    struct blk_hdr hdr;
    u8 status;
    bool done;
};

/* One request of a read or write: its bounce frames and its part of the user's buffer. */
struct chunk {
    u64 pa;
    usize pages;
    u64 start, len;   /* on the disk, block-aligned */
    usize user, ulen; /* in the user's buffer */
    struct request *req;
    struct chunk *next_held; /* writes: the disk's list of held block ranges */
};

struct disk {
    struct uk_virtio_dev *dev;
    struct uk_virtq vq;
    u64 sectors;
    u32 lbs, pbs; /* logical and physical block size */
    u32 size_max; /* bytes per data descriptor */
    u64 chunk;    /* bytes per request (CHUNK, less where the device\'s limits are tight) */
    bool ro, polled;
    u64 inflight, errors;
    struct uk_waitq wq; /* completions, freed descriptors, released block ranges */
    struct chunk *held; /* the block ranges of writes in flight (read-modify-writes included) */
    struct uk_device node;
    char name[8];
};

extern const struct uk_file_ops uk_virtio_blk_fops;
/* Reads or writes len bytes of the user's buffer at byte offset off; bytes done or -errno. */
long uk_virtio_blk_rw(struct disk *k, void *ubuf, usize len, u64 off, bool write);
long uk_virtio_blk_flush(struct disk *k);

#endif
