/* sys_file.c - the fd table and the files that exist without a filesystem: the console on fds 0-2,
 * /dev/null, /dev/zero, /dev/urandom. Paths that name nothing get -ENOENT, which the runtime
 * tolerates for its optional /proc and /sys reads. */
#include <uk/arch.h>
#include <uk/console.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/syscall.h>
#include <uk/time.h>

#define MAX_FDS 1024
#define S_IFCHR 0020000
#define O_ACCMODE 3
#define O_CLOEXEC 02000000
#define AT_FDCWD (-100)

static struct uk_file *fds[MAX_FDS];

static long console_read(struct uk_file *f, void *buf, usize len)
{
    (void)f;
    char tmp[256];
    usize n = uk_console_read(tmp, UK_MIN(len, sizeof(tmp)));
    if (!n)
        return 0; /* no input yet: end of file until the serial driver gets interrupts */
    return uk_user_copy_to(buf, tmp, n) ? (long)n : -EFAULT;
}

static long console_write(struct uk_file *f, const void *buf, usize len)
{
    (void)f;
    char tmp[512];
    usize done = 0;
    while (done < len) {
        usize n = UK_MIN(len - done, sizeof(tmp));
        if (!uk_user_copy_from(tmp, (const u8 *)buf + done, n))
            return done ? (long)done : -EFAULT;
        uk_console_write(tmp, n);
        done += n;
    }
    return (long)len;
}

static long null_read(struct uk_file *f, void *buf, usize len) { (void)f, (void)buf, (void)len; return 0; }
static long null_write(struct uk_file *f, const void *buf, usize len) { (void)f, (void)buf; return (long)len; }

static long zero_read(struct uk_file *f, void *buf, usize len)
{
    (void)f;
    if (!uk_user_access_ok(buf, len, true))
        return -EFAULT;
    uk_memset(buf, 0, len);
    return (long)len;
}

long uk_random_fill(void *ubuf, usize len);
static long urandom_read(struct uk_file *f, void *buf, usize len) { (void)f; return uk_random_fill(buf, len); }

static const struct uk_file_ops console_ops = {console_read, console_write, NULL, S_IFCHR};
static const struct uk_file_ops null_ops = {null_read, null_write, NULL, S_IFCHR};
static const struct uk_file_ops zero_ops = {zero_read, null_write, NULL, S_IFCHR};
static const struct uk_file_ops urandom_ops = {urandom_read, null_write, NULL, S_IFCHR};
static struct uk_file console_file = {&console_ops, 3, 2, NULL};

void uk_files_init(void)
{
    fds[0] = fds[1] = fds[2] = &console_file;
}

static struct uk_file *get(long fd) { return fd >= 0 && fd < MAX_FDS ? fds[fd] : NULL; }

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
long sys_pread64(long fd, long buf, long len) { return get(fd) ? -ESPIPE : -EBADF; (void)buf, (void)len; }
long sys_pwrite64(long fd, long buf, long len) { return get(fd) ? -ESPIPE : -EBADF; (void)buf, (void)len; }

long sys_openat(long dirfd, long upath, long flags, long mode)
{
    (void)dirfd, (void)mode;
    char path[256];
    long n = uk_user_strlen((const char *)upath, sizeof(path));
    if (n < 0)
        return n;
    uk_memcpy(path, (const char *)upath, n + 1);
    const struct uk_file_ops *ops = NULL;
    if (!uk_strcmp(path, "/dev/null"))
        ops = &null_ops;
    else if (!uk_strcmp(path, "/dev/zero"))
        ops = &zero_ops;
    else if (!uk_strcmp(path, "/dev/urandom") || !uk_strcmp(path, "/dev/random"))
        ops = &urandom_ops;
    else if (!uk_strcmp(path, "/dev/console") || !uk_strcmp(path, "/dev/tty"))
        ops = &console_ops;
    if (!ops) {
        uk_pr_debug("open %s: no such file\n", path);
        return -ENOENT;
    }
    struct uk_file *f = uk_kzalloc(sizeof(*f));
    if (!f)
        return -ENOMEM;
    f->ops = ops;
    f->flags = (int)flags;
    long fd = install(f, 0);
    if (fd < 0)
        uk_kfree(f);
    return fd;
}

long sys_open(long path, long flags, long mode) { return sys_openat(AT_FDCWD, path, flags, mode); }

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

/* struct stat of x86_64 and arm64's generic layout differ; fill the x86_64 one. */
struct stat_k {
    u64 dev, ino, nlink;
    u32 mode, uid, gid, pad0;
    u64 rdev;
    s64 size, blksize, blocks;
    u64 atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
    s64 unused[3];
};
_Static_assert(sizeof(struct stat_k) == 144, "struct stat layout (x86_64)");

long sys_fstat(long fd, long ust)
{
    struct uk_file *f = get(fd);
    if (!f)
        return -EBADF;
    struct stat_k st;
    uk_memset(&st, 0, sizeof(st));
    st.mode = f->ops->mode | 0666;
    st.nlink = 1;
    st.blksize = 4096;
    st.ino = (u64)fd + 1;
    return uk_user_copy_to((void *)ust, &st, sizeof(st)) ? 0 : -EFAULT;
}

long sys_newfstatat(long dirfd, long upath, long ust, long flags)
{
    char path[256];
    long n = uk_user_strlen((const char *)upath, sizeof(path));
    if (n < 0)
        return n;
    if (n == 0 && (flags & 0x1000 /* AT_EMPTY_PATH */))
        return sys_fstat(dirfd, ust);
    long fd = sys_openat(dirfd, upath, 0, 0);
    if (fd < 0)
        return fd;
    long r = sys_fstat(fd, ust);
    sys_close(fd);
    return r;
}

long sys_stat(long path, long st) { return sys_newfstatat(AT_FDCWD, path, st, 0); }
long sys_lstat(long path, long st) { return sys_newfstatat(AT_FDCWD, path, st, 0); }

long sys_faccessat(long dirfd, long path, long mode)
{
    (void)mode;
    long fd = sys_openat(dirfd, path, 0, 0);
    if (fd < 0)
        return fd;
    sys_close(fd);
    return 0;
}

long sys_access(long path, long mode) { return sys_faccessat(AT_FDCWD, path, mode); }

long sys_statx(void) { return -ENOSYS; }

long sys_lseek(long fd, long off, long whence)
{
    (void)off, (void)whence;
    return get(fd) ? -ESPIPE : -EBADF;
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

struct pollfd_k {
    int fd;
    short events, revents;
};

bool uk_pipe_readable(struct uk_file *f);
bool uk_pipe_writable(struct uk_file *f);

/* POLLIN/POLLOUT/POLLHUP of a file. Device files are always writable; the console is readable
 * once the serial driver takes interrupts (not yet). */
static short file_events(struct uk_file *f)
{
    if (f->ops->mode == 0010000 /* S_IFIFO */)
        return (uk_pipe_readable(f) ? 0x1 : 0) | (uk_pipe_writable(f) ? 0x4 : 0);
    return 0x4;
}

long sys_poll(long ufds, long nfds, long timeout_ms)
{
    if (nfds < 0 || nfds > MAX_FDS)
        return -EINVAL;
    long ready = 0;
    for (long i = 0; i < nfds; i++) {
        struct pollfd_k p;
        if (!uk_user_copy_from(&p, (u8 *)ufds + i * sizeof(p), sizeof(p)))
            return -EFAULT;
        p.revents = 0;
        if (p.fd >= 0) {
            if (!get(p.fd))
                p.revents = 0x20; /* POLLNVAL */
            else
                p.revents = p.events & file_events(get(p.fd));
        }
        if (p.revents)
            ready++;
        uk_user_copy_to((u8 *)ufds + i * sizeof(p), &p, sizeof(p));
    }
    if (!ready && timeout_ms != 0) {
        if (timeout_ms < 0) {
            uk_pr_warn("poll with no timeout on nothing ready: blocking forever\n");
            for (;;)
                uk_sched_block(0);
        }
        u64 deadline = uk_time_monotonic_ns() + (u64)timeout_ms * 1000000;
        while (uk_time_monotonic_ns() < deadline)
            uk_sched_block(deadline);
    }
    return ready;
}

long sys_ppoll(long ufds, long nfds, long ts)
{
    long ms = -1;
    if (ts) {
        s64 t[2];
        if (!uk_user_copy_from(t, (void *)ts, sizeof(t)))
            return -EFAULT;
        ms = t[0] * 1000 + t[1] / 1000000;
    }
    return sys_poll(ufds, nfds, ms);
}

long sys_getdents64(long fd) { return get(fd) ? -ENOTDIR : -EBADF; }
long sys_statfs(void) { return -ENOSYS; }
long sys_fstatfs(void) { return -ENOSYS; }
long sys_memfd_create(void) { return -ENOSYS; }
