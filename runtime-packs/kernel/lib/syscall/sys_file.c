/* sys_file.c - the syscalls on open files: read and write with their vector and positioned forms,
 * lseek, close, dup, fcntl, ioctl, fsync. Every call goes through the file's operations (file.h);
 * none looks at what kind of file it is. */
#include <uk/blk.h>
#include <uk/errno.h>
#include <uk/fd.h>
#include <uk/file.h>
#include <uk/mm.h>
#include <uk/syscall.h>

static long do_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    if ((f->flags & UK_O_ACCMODE) == UK_O_WRONLY || !f->ops->read)
        return -EBADF;
    return f->ops->read(f, ubuf, len, pos);
}

static long do_write(struct uk_file *f, const void *ubuf, usize len, u64 *pos)
{
    if ((f->flags & UK_O_ACCMODE) == UK_O_RDONLY || !f->ops->write)
        return -EBADF;
    return f->ops->write(f, ubuf, len, pos);
}

/* read/write (pos NULL: the file position) or pread/pwrite at off; the file is held across a block. */
static long rw(long fd, long ubuf, long len, const s64 *off, bool write)
{
    if (len < 0)
        return -EINVAL;
    struct uk_file *f = uk_fd_hold(fd);
    if (!f)
        return -EBADF;
    long r;
    if (off && !f->ops->llseek) {
        r = -ESPIPE;
    } else if (off && *off < 0) {
        r = -EINVAL;
    } else {
        u64 at = off ? (u64)*off : 0, *pos = off ? &at : &f->pos;
        r = write ? do_write(f, (const void *)ubuf, (usize)len, pos) : do_read(f, (void *)ubuf, (usize)len, pos);
    }
    uk_file_put(f);
    return r;
}

long sys_read(long fd, long buf, long len) { return rw(fd, buf, len, NULL, false); }
long sys_write(long fd, long buf, long len) { return rw(fd, buf, len, NULL, true); }
long sys_pread64(long fd, long buf, long len, long off) { return rw(fd, buf, len, &(s64){off}, false); }
long sys_pwrite64(long fd, long buf, long len, long off) { return rw(fd, buf, len, &(s64){off}, true); }

/* Each buffer through read/write in turn, stopping at an error or a short transfer. */
static long per_buffer(struct uk_file *f, const struct uk_iov *iov, long cnt, bool write)
{
    long total = 0;
    for (long i = 0; i < cnt; i++) {
        if (!iov[i].len)
            continue;
        long r = write ? do_write(f, iov[i].base, iov[i].len, &f->pos) : do_read(f, iov[i].base, iov[i].len, &f->pos);
        if (r < 0)
            return total ? total : r;
        total += r;
        if ((u64)r < iov[i].len)
            break;
    }
    return total;
}

/* readv/writev: the file's scatter/gather operation when it has one (one message for datagram sockets). */
static long vector_io(long fd, long uiov, long cnt, bool write)
{
    struct uk_file *f = uk_fd_hold(fd);
    if (!f)
        return -EBADF;
    struct uk_iov *iov;
    /* as Linux: the descriptor, the file's mode, then the array (a negative count is too large: -EINVAL) */
    long r = (f->flags & UK_O_ACCMODE) == (write ? UK_O_RDONLY : UK_O_WRONLY)
                 ? -EBADF
                 : uk_iov_import((const void *)uiov, (usize)cnt, &iov);
    if (r) {
        uk_file_put(f);
        return r;
    }
    if (write && f->ops->writev)
        r = f->ops->writev(f, iov, (int)cnt, &f->pos);
    else if (!write && f->ops->readv)
        r = f->ops->readv(f, iov, (int)cnt, &f->pos);
    else
        r = per_buffer(f, iov, cnt, write);
    uk_kfree(iov);
    uk_file_put(f);
    return r;
}

long sys_readv(long fd, long iov, long cnt) { return vector_io(fd, iov, cnt, false); }
long sys_writev(long fd, long iov, long cnt) { return vector_io(fd, iov, cnt, true); }

long sys_lseek(long fd, long off, long whence)
{
    struct uk_file *f = uk_fd_get(fd);
    if (!f)
        return -EBADF;
    return f->ops->llseek ? f->ops->llseek(f, off, (int)whence) : -ESPIPE;
}

long sys_close(long fd) { return uk_fd_close(fd); }

long sys_dup(long fd)
{
    struct uk_file *f = uk_fd_get(fd);
    return f ? uk_fd_install(f, 0) : -EBADF;
}

long sys_dup3(long oldfd, long newfd, long flags)
{
    if (flags & ~UK_O_CLOEXEC)
        return -EINVAL;
    struct uk_file *f = uk_fd_get(oldfd);
    if (!f)
        return -EBADF;
    if (oldfd == newfd)
        return -EINVAL;
    long r = uk_fd_install_at(f, (int)newfd);
    if (r >= 0)
        uk_fd_set_cloexec(r, flags & UK_O_CLOEXEC);
    return r;
}

long sys_dup2(long oldfd, long newfd)
{
    if (oldfd == newfd)
        return uk_fd_get(oldfd) ? newfd : -EBADF;
    return sys_dup3(oldfd, newfd, 0);
}

#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451

long sys_ioctl(long fd, long lreq, long arg)
{
    unsigned int req = (unsigned int)lreq; /* an unsigned int in Linux's ABI (libc passes an int) */
    struct uk_file *f = uk_fd_hold(fd);
    if (!f)
        return -EBADF;
    long r = 0;
    if (req == FIONBIO) {
        int on;
        if (!uk_user_copy_from(&on, (const void *)arg, sizeof(on)))
            r = -EFAULT;
        else
            f->flags = on ? f->flags | UK_O_NONBLOCK : f->flags & ~UK_O_NONBLOCK;
    } else if (req == FIOCLEX || req == FIONCLEX) {
        uk_fd_set_cloexec(fd, req == FIOCLEX);
    } else {
        r = f->ops->ioctl ? f->ops->ioctl(f, req, arg) : -ENOTTY;
    }
    uk_file_put(f);
    return r;
}

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
/* What F_SETFL may change, as on Linux. */
#define SETFL_MASK (UK_O_APPEND | UK_O_NONBLOCK | UK_O_DIRECT | 01000000 /* O_NOATIME */ | 020000 /* O_ASYNC */)

long sys_fcntl(long fd, long cmd, long arg)
{
    struct uk_file *f = uk_fd_get(fd);
    if (!f)
        return -EBADF;
    long r;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (arg < 0 || arg >= UK_FD_MAX)
            return -EINVAL;
        r = uk_fd_install(f, (int)arg);
        if (r >= 0)
            uk_fd_set_cloexec(r, cmd == F_DUPFD_CLOEXEC);
        return r;
    case F_GETFD: return uk_fd_cloexec(fd) ? FD_CLOEXEC : 0;
    case F_SETFD: uk_fd_set_cloexec(fd, arg & FD_CLOEXEC); return 0;
    case F_GETFL: return f->flags & ~UK_O_CLOEXEC;
    case F_SETFL: f->flags = (f->flags & ~SETFL_MASK) | (int)(arg & SETFL_MASK); return 0;
    default: return -EINVAL;
    }
}

/* sync, syncfs: the block devices' dirty pages go to their disks (ramfs has nothing to write). */
long sys_sync(void)
{
    uk_blk_sync_all();
    return 0;
}

long sys_syncfs(long fd)
{
    struct uk_file *f = uk_fd_hold(fd);
    if (!f)
        return -EBADF;
    uk_blk_sync_all();
    uk_file_put(f);
    return 0;
}

long sys_fsync(long fd)
{
    struct uk_file *f = uk_fd_hold(fd);
    if (!f)
        return -EBADF;
    long r = f->ops->fsync ? f->ops->fsync(f) : 0;
    uk_file_put(f);
    return r;
}

long sys_fadvise64(long fd) { return uk_fd_get(fd) ? 0 : -EBADF; }

long sys_memfd_create(void) { return -ENOSYS; }
