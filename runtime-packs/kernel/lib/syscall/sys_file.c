/* sys_file.c - the fd table and the syscalls on open files: read/write and their vector and
 * positioned forms, lseek, fstat, getdents64, dup, fcntl, ioctl and poll. Files are filesystem
 * nodes (lib/vfs), pipes, or the console that fds 0-2 start with. */
#include <uk/arch.h>
#include <uk/console.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/syscall.h>
#include <uk/time.h>
#include <uk/vfs.h>

#define MAX_FDS 1024
#define O_ACCMODE 3
#define O_APPEND 02000
#define O_CLOEXEC 02000000
#define AT_FDCWD (-100)

static struct uk_file *fds[MAX_FDS];
extern const struct uk_file_ops uk_console_ops;
static struct uk_file console_file = {&uk_console_ops, 3, 2, NULL, NULL, 0};

void uk_files_init(void)
{
    fds[0] = fds[1] = fds[2] = &console_file;
}

static struct uk_file *get(long fd) { return fd >= 0 && fd < MAX_FDS ? fds[fd] : NULL; }
struct uk_file *uk_fd_get(long fd) { return get(fd); }

static long install(struct uk_file *f, int from)
{
    for (int fd = from; fd < MAX_FDS; fd++) {
        if (!fds[fd]) {
            fds[fd] = f;
            f->refs++;
            return fd;
        }
    }
    return -EMFILE;
}

/* Regular files read and write at the file position; generated files read their rendered text. */
static long reg_read(struct uk_file *f, void *buf, usize len)
{
    long r = uk_vfs_read(f->vn, buf, len, f->pos);
    if (r > 0)
        f->pos += r;
    return r;
}

static long reg_write(struct uk_file *f, const void *buf, usize len)
{
    if (f->flags & O_APPEND)
        f->pos = f->vn->size;
    long r = uk_vfs_write(f->vn, buf, len, f->pos);
    if (r > 0)
        f->pos += r;
    return r;
}

static long gen_read(struct uk_file *f, void *buf, usize len)
{
    usize size = *(usize *)f->data;
    if (f->pos >= size)
        return 0;
    len = UK_MIN(len, size - f->pos);
    if (!uk_user_copy_to(buf, (char *)f->data + sizeof(usize) + f->pos, len))
        return -EFAULT;
    f->pos += len;
    return (long)len;
}

static long dir_read(struct uk_file *f, void *buf, usize len) { (void)f, (void)buf, (void)len; return -EISDIR; }
static long ro_write(struct uk_file *f, const void *buf, usize len) { (void)f, (void)buf, (void)len; return -EACCES; }
static void gen_close(struct uk_file *f) { uk_kfree(f->data); }

static const struct uk_file_ops reg_ops = {reg_read, reg_write, NULL, UK_S_IFREG};
static const struct uk_file_ops gen_ops = {gen_read, ro_write, gen_close, UK_S_IFREG};
static const struct uk_file_ops dir_ops = {dir_read, ro_write, NULL, UK_S_IFDIR};

long uk_vfs_open(struct uk_vnode *vn, int flags, struct uk_file **out)
{
    struct uk_file *f = uk_kzalloc(sizeof(*f));
    if (!f)
        return -ENOMEM;
    f->flags = flags;
    f->vn = vn;
    if ((vn->mode & UK_S_IFMT) == UK_S_IFDIR) {
        f->ops = &dir_ops;
    } else if (vn->dev_ops) {
        f->ops = vn->dev_ops;
    } else if (vn->generate) {
        usize cap = 16384;
        char *buf = uk_kmalloc(cap);
        if (!buf) {
            uk_kfree(f);
            return -ENOMEM;
        }
        *(usize *)buf = vn->generate(buf + sizeof(usize), cap - sizeof(usize));
        f->data = buf;
        f->ops = &gen_ops;
    } else {
        f->ops = &reg_ops;
    }
    vn->refs++;
    *out = f;
    return 0;
}

long uk_fd_install(struct uk_file *f) { return install(f, 0); }

void uk_fd_uninstall(long fd)
{
    fds[fd]->refs--;
    fds[fd] = NULL;
}

static void put(struct uk_file *f)
{
    if (--f->refs == 0) {
        if (f->ops->close)
            f->ops->close(f);
        if (f->vn)
            uk_vfs_put(f->vn);
        if (f != &console_file)
            uk_kfree(f);
    }
}

long sys_read(long fd, long buf, long len)
{
    struct uk_file *f = get(fd);
    if (!f)
        return -EBADF;
    return f->ops->read ? f->ops->read(f, (void *)buf, len) : -EINVAL;
}

long sys_write(long fd, long buf, long len)
{
    struct uk_file *f = get(fd);
    if (!f)
        return -EBADF;
    return f->ops->write ? f->ops->write(f, (const void *)buf, len) : -EINVAL;
}

struct iovec_k {
    u64 base, len;
};

static long vector_io(long fd, long uiov, long cnt, bool write)
{
    if (cnt < 0 || cnt > 1024)
        return -EINVAL;
    long total = 0;
    for (long i = 0; i < cnt; i++) {
        struct iovec_k v;
        if (!uk_user_copy_from(&v, (const u8 *)uiov + i * sizeof(v), sizeof(v)))
            return -EFAULT;
        if (!v.len)
            continue;
        long r = write ? sys_write(fd, v.base, v.len) : sys_read(fd, v.base, v.len);
        if (r < 0)
            return total ? total : r;
        total += r;
        if ((u64)r < v.len)
            break;
    }
    return total;
}

long sys_readv(long fd, long iov, long cnt) { return vector_io(fd, iov, cnt, false); }
long sys_writev(long fd, long iov, long cnt) { return vector_io(fd, iov, cnt, true); }
long sys_close(long fd)
{
    struct uk_file *f = get(fd);
    if (!f)
        return -EBADF;
    fds[fd] = NULL;
    put(f);
    return 0;
}

long sys_dup(long fd)
{
    struct uk_file *f = get(fd);
    return f ? install(f, 0) : -EBADF;
}

long sys_dup3(long oldfd, long newfd, long flags)
{
    (void)flags;
    struct uk_file *f = get(oldfd);
    if (!f || newfd < 0 || newfd >= MAX_FDS)
        return -EBADF;
    if (oldfd == newfd)
        return -EINVAL;
    if (fds[newfd])
        put(fds[newfd]);
    fds[newfd] = f;
    f->refs++;
    return newfd;
}

long sys_dup2(long oldfd, long newfd)
{
    if (oldfd == newfd)
        return get(oldfd) ? newfd : -EBADF;
    return sys_dup3(oldfd, newfd, 0);
}

#define TCGETS 0x5401
#define TIOCGWINSZ 0x5413
#define FIONBIO 0x5421
#define FIOCLEX 0x5451

long sys_ioctl(long fd, long req, long arg)
{
    (void)arg;
    struct uk_file *f = get(fd);
    if (!f)
        return -EBADF;
    if (req == FIONBIO || req == FIOCLEX)
        return 0;
    /* The serial console is not presented as a terminal: programs then write plain text. */
    return -ENOTTY;
}

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030

long sys_fcntl(long fd, long cmd, long arg)
{
    struct uk_file *f = get(fd);
    if (!f)
        return -EBADF;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        return arg < 0 || arg >= MAX_FDS ? -EINVAL : install(f, (int)arg);
    case F_GETFD:
    case F_SETFD:
        return 0;
    case F_GETFL:
        return f->flags & ~O_CLOEXEC;
    case F_SETFL:
        f->flags = (f->flags & O_ACCMODE) | (int)(arg & ~O_ACCMODE);
        return 0;
    default:
        return -EINVAL;
    }
}

long sys_fsync(long fd) { return get(fd) ? 0 : -EBADF; }
long sys_fadvise64(long fd) { return get(fd) ? 0 : -EBADF; }

long sys_memfd_create(void) { return -ENOSYS; }

long sys_pread64(long fd, long buf, long len, long off)
{
    struct uk_file *f = get(fd);
    if (!f)
        return -EBADF;
    if (f->ops != &reg_ops)
        return -ESPIPE;
    return off < 0 ? -EINVAL : uk_vfs_read(f->vn, (void *)buf, len, off);
}

long sys_pwrite64(long fd, long buf, long len, long off)
{
    struct uk_file *f = get(fd);
    if (!f)
        return -EBADF;
    if (f->ops != &reg_ops)
        return -ESPIPE;
    return off < 0 ? -EINVAL : uk_vfs_write(f->vn, (const void *)buf, len, off);
}

long sys_lseek(long fd, long off, long whence)
{
    struct uk_file *f = get(fd);
    if (!f)
        return -EBADF;
    if (!f->vn || f->vn->dev_ops)
        return -ESPIPE;
    s64 base = whence == 0 ? 0 : whence == 1 ? (s64)f->pos : whence == 2 ? (s64)f->vn->size : -1;
    if (base < 0 || (whence == 2 && f->ops == &gen_ops && (base = (s64)*(usize *)f->data) < 0))
        return -EINVAL;
    if (base + off < 0)
        return -EINVAL;
    f->pos = (u64)(base + off);
    return (long)f->pos;
}

struct dirent64_k {
    u64 ino;
    s64 off;
    u16 reclen;
    u8 type;
    char name[];
};

/* Directory entries from position pos (an index: ".", "..", then the children). */
long sys_getdents64(long fd, long ubuf, long len)
{
    struct uk_file *f = get(fd);
    if (!f)
        return -EBADF;
    if (f->ops != &dir_ops)
        return -ENOTDIR;
    struct uk_vnode *dir = f->vn, *c = dir->child;
    u64 idx = 0;
    long used = 0;
    for (;; idx++) {
        const char *name;
        struct uk_vnode *vn;
        if (idx == 0)
            name = ".", vn = dir;
        else if (idx == 1)
            name = "..", vn = dir->parent ? dir->parent : dir;
        else if (c)
            name = c->name, vn = c, c = c->sibling;
        else
            break;
        if (idx < f->pos)
            continue;
        usize nlen = uk_strlen(name);
        u16 reclen = (u16)UK_ALIGN_UP(sizeof(struct dirent64_k) + nlen + 1, 8);
        if (used + reclen > len) {
            if (!used)
                return -EINVAL;
            break;
        }
        u8 rec[UK_ALIGN_UP(sizeof(struct dirent64_k) + 256, 8)];
        uk_memset(rec, 0, reclen);
        struct dirent64_k *d = (struct dirent64_k *)rec;
        d->ino = vn->ino;
        d->off = (s64)idx + 1;
        d->reclen = reclen;
        u32 t = vn->mode & UK_S_IFMT;
        d->type = t == UK_S_IFDIR ? 4 : t == UK_S_IFCHR ? 2 : 8;
        uk_memcpy(d->name, name, nlen + 1);
        if (!uk_user_copy_to((u8 *)ubuf + used, rec, reclen))
            return -EFAULT;
        used += reclen;
        f->pos = idx + 1;
    }
    return used;
}
