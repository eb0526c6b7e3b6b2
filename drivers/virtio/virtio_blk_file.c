/* virtio_blk_file.c - a virtio block device as a Linux block device file: read and write at any offset
 * (pread/pwrite, lseek with SEEK_END at the capacity), the block ioctls that tools and .NET use for the
 * size (BLKGETSIZE64, BLKGETSIZE, BLKSSZGET, BLKPBSZGET, BLKROGET, BLKIOMIN/OPT), fsync as a FLUSH
 * request. As on Linux, a read-only disk opens for writing and each write fails with EPERM, and fstat
 * reports a size of 0 (the size comes from lseek(SEEK_END) or BLKGETSIZE64). */
#include <uk/errno.h>
#include <uk/file.h>
#include <uk/mm.h>
#include "virtio_blk.h"

#define BLKROGET 0x125e
#define BLKGETSIZE 0x1260
#define BLKFLSBUF 0x1261
#define BLKSSZGET 0x1268
#define BLKIOMIN 0x1278
#define BLKIOOPT 0x1279
#define BLKPBSZGET 0x127b
#define BLKGETSIZE64 0x80081272

static long blk_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    long r = uk_virtio_blk_rw(f->priv, ubuf, len, *pos, false);
    if (r > 0)
        *pos += (u64)r;
    return r;
}

static long blk_write(struct uk_file *f, const void *ubuf, usize len, u64 *pos)
{
    struct disk *k = f->priv;
    if (k->ro)
        return -EPERM; /* Linux's answer for a read-only block device */
    long r = uk_virtio_blk_rw(k, (void *)ubuf, len, *pos, true);
    if (r > 0)
        *pos += (u64)r;
    return r;
}

static long blk_llseek(struct uk_file *f, s64 off, int whence)
{
    struct disk *k = f->priv;
    return uk_file_seek(f, off, whence, k->sectors * 512);
}

static long put_user(long arg, const void *v, usize size)
{
    return uk_user_copy_to((void *)arg, v, size) ? 0 : -EFAULT;
}

static long blk_ioctl(struct uk_file *f, unsigned long req, long arg)
{
    struct disk *k = f->priv;
    switch (req) {
    case BLKGETSIZE64: {
        u64 bytes = k->sectors * 512;
        return put_user(arg, &bytes, sizeof(bytes));
    }
    case BLKGETSIZE: {
        unsigned long sectors = k->sectors;
        return put_user(arg, &sectors, sizeof(sectors));
    }
    case BLKSSZGET: {
        int v = (int)k->lbs;
        return put_user(arg, &v, sizeof(v));
    }
    case BLKPBSZGET:
    case BLKIOMIN:
    case BLKIOOPT: {
        unsigned int v = req == BLKIOOPT ? 0 : k->pbs;
        return put_user(arg, &v, sizeof(v));
    }
    case BLKROGET: {
        int v = k->ro;
        return put_user(arg, &v, sizeof(v));
    }
    case BLKFLSBUF: return 0; /* no cache to drop */
    default: return -ENOTTY;
    }
}

static long blk_fsync(struct uk_file *f) { return uk_virtio_blk_flush(f->priv); }

const struct uk_file_ops uk_virtio_blk_fops = {
    .read = blk_read,
    .write = blk_write,
    .ioctl = blk_ioctl,
    .llseek = blk_llseek,
    .fsync = blk_fsync,
    .type = UK_S_IFBLK,
};
