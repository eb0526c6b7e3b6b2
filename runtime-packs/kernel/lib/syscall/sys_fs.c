/* sys_fs.c - path syscalls over the in-memory filesystem: open with O_CREAT/O_EXCL/O_TRUNC, stat,
 * access, truncate, readlink, statfs, chmod, utimensat, flock (directories: sys_dir.c). */
#include <uk/appinfo.h>
#include <uk/errno.h>
#include <uk/fd.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/syscall.h>
#include <uk/time.h>
#include <uk/vfs.h>
#include "path.h"

#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_EMPTY_PATH 0x1000
/* What open(2) uses up and does not keep as the file's status flags. */
#define OPEN_ONLY (UK_O_CREAT | UK_O_EXCL | 0400 /* O_NOCTTY */ | UK_O_TRUNC | UK_O_CLOEXEC)

/* Copies a user path into buf; -errno. */
long uk_sys_user_path(long upath, char *buf)
{
    long n = uk_user_strlen((const char *)upath, UK_PATH_MAX);
    if (n < 0)
        return n;
    uk_user_copy_checked(buf, (const char *)upath, n + 1); /* checked by uk_user_strlen */
    return n == 0 ? -ENOENT : 0;
}

/* The directory a *at() call starts from. */
long uk_sys_start_dir(long dirfd, const char *path, struct uk_vnode **dir)
{
    if (path[0] == '/' || dirfd == AT_FDCWD) {
        *dir = uk_vfs_cwd();
        return 0;
    }
    struct uk_file *f = uk_fd_get(dirfd);
    if (!f)
        return -EBADF;
    if (!f->vn || !uk_vnode_is(f->vn, UK_S_IFDIR))
        return -ENOTDIR;
    *dir = f->vn;
    return 0;
}

long uk_sys_resolve(long dirfd, long upath, struct uk_vnode **out)
{
    char path[UK_PATH_MAX];
    struct uk_vnode *dir;
    long r = uk_sys_user_path(upath, path);
    if (!r)
        r = uk_sys_start_dir(dirfd, path, &dir);
    return r ? r : uk_vfs_lookup(dir, path, out);
}

long sys_openat(long dirfd, long upath, long flags, long mode)
{
    char path[UK_PATH_MAX];
    struct uk_vnode *dir, *vn = NULL, *parent;
    char *last;
    long r = uk_sys_user_path(upath, path);
    if (!r)
        r = uk_sys_start_dir(dirfd, path, &dir);
    if (r)
        return r;
    if (flags & UK_O_CREAT) {
        if ((r = uk_vfs_lookup_parent(dir, path, &parent, &last)))
            return r;
        vn = uk_vfs_child(parent, last);
        if (vn && (flags & UK_O_EXCL))
            return -EEXIST;
        if (!vn && (r = uk_vfs_create(parent, last, UK_S_IFREG | (mode & 07777), &vn)))
            return r;
    } else if ((r = uk_vfs_lookup(dir, path, &vn))) {
        uk_pr_debug("open %s: %ld\n", path, r);
        return r;
    }
    bool isdir = uk_vnode_is(vn, UK_S_IFDIR), writing = (flags & UK_O_ACCMODE) != UK_O_RDONLY;
    if ((flags & UK_O_DIRECTORY) && !isdir)
        return -ENOTDIR;
    if (isdir && writing)
        return -EISDIR;
    struct uk_file *f;
    if ((r = uk_file_open(vn, (int)(flags & ~OPEN_ONLY), &f)))
        return r;
    if ((flags & UK_O_TRUNC) && writing && uk_vnode_is(vn, UK_S_IFREG) && vn->ops->truncate &&
        (r = uk_vfs_truncate(vn, 0))) {
        uk_file_put(f);
        return r;
    }
    long fd = uk_fd_install(f, 0);
    uk_file_put(f); /* the table holds it now, or nobody does */
    if (fd >= 0)
        uk_fd_set_cloexec(fd, flags & UK_O_CLOEXEC);
    return fd;
}

long sys_open(long path, long flags, long mode) { return sys_openat(AT_FDCWD, path, flags, mode); }

static long fill_stat(struct uk_vnode *vn, u32 mode_if_no_node, long ust)
{
    struct uk_linux_stat st;
    uk_memset(&st, 0, sizeof(st));
    st.dev = 1;
    st.nlink = 1;
    st.blksize = 4096;
    if (vn) {
        st.ino = vn->ino;
        st.mode = vn->mode;
        st.size = uk_vnode_is(vn, UK_S_IFREG) ? (s64)vn->size : 0;
        st.blocks = (st.size + 511) / 512;
        st.mtime = st.ctime = st.atime = vn->mtime_ns / UK_NSEC_PER_SEC;
        st.mtime_ns = st.ctime_ns = st.atime_ns = vn->mtime_ns % UK_NSEC_PER_SEC;
    } else {
        st.mode = mode_if_no_node | 0600;
    }
    return uk_user_copy_to((void *)ust, &st, sizeof(st)) ? 0 : -EFAULT;
}

long sys_fstat(long fd, long ust)
{
    struct uk_file *f = uk_fd_get(fd);
    if (!f)
        return -EBADF;
    return fill_stat(f->vn, f->ops->type, ust);
}

long sys_newfstatat(long dirfd, long upath, long ust, long flags)
{
    if (flags & AT_EMPTY_PATH) {
        long n = uk_user_strlen((const char *)upath, 2);
        if (n == 0)
            return dirfd == AT_FDCWD ? fill_stat(uk_vfs_cwd(), 0, ust) : sys_fstat(dirfd, ust);
    }
    struct uk_vnode *vn;
    long r = uk_sys_resolve(dirfd, upath, &vn);
    return r ? r : fill_stat(vn, 0, ust);
}

long sys_stat(long path, long st) { return sys_newfstatat(AT_FDCWD, path, st, 0); }
long sys_lstat(long path, long st) { return sys_newfstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW); }

long sys_faccessat(long dirfd, long path, long mode)
{
    struct uk_vnode *vn;
    (void)mode; /* the program is root */
    return uk_sys_resolve(dirfd, path, &vn);
}

long sys_access(long path, long mode) { return sys_faccessat(AT_FDCWD, path, mode); }

long sys_ftruncate(long fd, long size)
{
    struct uk_file *f = uk_fd_get(fd);
    if (!f)
        return -EBADF;
    if (!f->vn || !uk_vnode_is(f->vn, UK_S_IFREG) || (f->flags & UK_O_ACCMODE) == UK_O_RDONLY)
        return -EINVAL;
    return size < 0 ? -EINVAL : uk_vfs_truncate(f->vn, size);
}

long sys_truncate(long upath, long size)
{
    struct uk_vnode *vn;
    long r = uk_sys_resolve(AT_FDCWD, upath, &vn);
    if (r)
        return r;
    if (uk_vnode_is(vn, UK_S_IFDIR))
        return -EISDIR;
    return size < 0 ? -EINVAL : uk_vfs_truncate(vn, size);
}

/* No symbolic links, except /proc/self/exe naming the program. */
long sys_readlinkat(long dirfd, long upath, long buf, long size)
{
    char path[UK_PATH_MAX], target[80];
    long r = uk_sys_user_path(upath, path);
    if (r)
        return r;
    if (uk_strcmp(path, "/proc/self/exe")) {
        struct uk_vnode *vn;
        r = uk_sys_resolve(dirfd, upath, &vn);
        return r ? r : -EINVAL;
    }
    uk_snprintf(target, sizeof(target), "/%s", uk_app_name);
    usize len = UK_MIN(uk_strlen(target), (usize)size);
    return uk_user_copy_to((void *)buf, target, len) ? (long)len : -EFAULT;
}

long sys_readlink(long path, long buf, long size) { return sys_readlinkat(AT_FDCWD, path, buf, size); }

struct statfs_k {
    u64 type, bsize, blocks, bfree, bavail, files, ffree, fsid, namelen, frsize, flags, spare[4];
};

#define PIPEFS_MAGIC 0x50495045

static long fill_statfs(u32 magic, long ubuf)
{
    struct statfs_k s;
    uk_memset(&s, 0, sizeof(s));
    s.type = magic;
    s.bsize = s.frsize = 4096;
    s.blocks = uk_pmm_total_pages();
    s.bfree = s.bavail = uk_pmm_free_pages();
    s.files = s.ffree = 1UL << 20;
    s.namelen = 255;
    return uk_user_copy_to((void *)ubuf, &s, sizeof(s)) ? 0 : -EFAULT;
}

long sys_statfs(long upath, long ubuf)
{
    struct uk_vnode *vn;
    long r = uk_sys_resolve(AT_FDCWD, upath, &vn);
    return r ? r : fill_statfs(vn->mount->magic, ubuf);
}

long sys_fstatfs(long fd, long ubuf)
{
    struct uk_file *f = uk_fd_get(fd);
    if (!f)
        return -EBADF;
    return fill_statfs(f->vn ? f->vn->mount->magic : PIPEFS_MAGIC, ubuf);
}

long sys_fchmodat(long dirfd, long upath, long mode)
{
    struct uk_vnode *vn;
    long r = uk_sys_resolve(dirfd, upath, &vn);
    if (!r)
        vn->mode = (vn->mode & UK_S_IFMT) | (mode & 07777);
    return r;
}

long sys_chmod(long path, long mode) { return sys_fchmodat(AT_FDCWD, path, mode); }

long sys_fchmod(long fd, long mode)
{
    struct uk_file *f = uk_fd_get(fd);
    if (!f)
        return -EBADF;
    if (f->vn)
        f->vn->mode = (f->vn->mode & UK_S_IFMT) | (mode & 07777);
    return 0;
}

long sys_utimensat(long dirfd, long upath, long times, long flags)
{
    (void)times, (void)flags;
    struct uk_vnode *vn;
    if (!upath) {
        struct uk_file *f = uk_fd_get(dirfd);
        if (!f)
            return -EBADF;
        vn = f->vn;
    } else {
        long r = uk_sys_resolve(dirfd, upath, &vn);
        if (r)
            return r;
    }
    if (vn)
        vn->mtime_ns = uk_time_wall_ns();
    return 0;
}

/* musl and the runtime fall back to fstatat when statx is missing. */
long sys_statx(void) { return -ENOSYS; }

/* One process: advisory locks always succeed. */
long sys_flock(long fd, long op)
{
    (void)op;
    return uk_fd_get(fd) ? 0 : -EBADF;
}
