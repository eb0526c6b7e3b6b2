/* sys_dir.c - directory syscalls: mkdir, unlink and rmdir, rename, chdir and getcwd, getdents64. */
#include <uk/errno.h>
#include <uk/fd.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/syscall.h>
#include <uk/vfs.h>
#include "path.h"

#define AT_REMOVEDIR 0x200

long sys_mkdirat(long dirfd, long upath, long mode)
{
    char path[UK_PATH_MAX];
    struct uk_vnode *dir, *parent;
    char *last;
    long r = uk_sys_user_path(upath, path);
    if (!r)
        r = uk_sys_start_dir(dirfd, path, &dir);
    if (!r)
        r = uk_vfs_lookup_parent(dir, path, &parent, &last);
    return r ? r : uk_vfs_create(parent, last, UK_S_IFDIR | (mode & 07777), NULL);
}

long sys_mkdir(long path, long mode) { return sys_mkdirat(AT_FDCWD, path, mode); }

long sys_unlinkat(long dirfd, long upath, long flags)
{
    struct uk_vnode *vn;
    long r = uk_sys_resolve(dirfd, upath, &vn);
    if (r)
        return r;
    bool isdir = uk_vnode_is(vn, UK_S_IFDIR);
    if (flags & AT_REMOVEDIR) {
        if (!isdir)
            return -ENOTDIR;
        if (!uk_vfs_dir_empty(vn))
            return -ENOTEMPTY;
        if (vn == uk_vfs_root() || vn == uk_vfs_cwd())
            return -EBUSY;
    } else if (isdir) {
        return -EISDIR;
    }
    return uk_vfs_unlink(vn);
}

long sys_unlink(long path) { return sys_unlinkat(AT_FDCWD, path, 0); }
long sys_rmdir(long path) { return sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR); }

long sys_renameat(long olddirfd, long uold, long newdirfd, long unew)
{
    char path[UK_PATH_MAX];
    struct uk_vnode *vn, *dir, *parent;
    char *last;
    long r = uk_sys_resolve(olddirfd, uold, &vn);
    if (!r)
        r = uk_sys_user_path(unew, path);
    if (!r)
        r = uk_sys_start_dir(newdirfd, path, &dir);
    if (!r)
        r = uk_vfs_lookup_parent(dir, path, &parent, &last);
    return r ? r : uk_vfs_rename(vn, parent, last);
}

long sys_rename(long o, long n) { return sys_renameat(AT_FDCWD, o, AT_FDCWD, n); }
long sys_renameat2(long od, long o, long nd, long n, long flags)
{
    return flags ? -EINVAL : sys_renameat(od, o, nd, n);
}

long sys_chdir(long upath)
{
    struct uk_vnode *vn;
    long r = uk_sys_resolve(AT_FDCWD, upath, &vn);
    if (r)
        return r;
    if (!uk_vnode_is(vn, UK_S_IFDIR))
        return -ENOTDIR;
    uk_vfs_set_cwd(vn);
    return 0;
}

long sys_fchdir(long fd)
{
    struct uk_file *f = uk_fd_get(fd);
    if (!f)
        return -EBADF;
    if (!f->vn || !uk_vnode_is(f->vn, UK_S_IFDIR))
        return -ENOTDIR;
    uk_vfs_set_cwd(f->vn);
    return 0;
}

long sys_getcwd(long ubuf, long size)
{
    char buf[UK_PATH_MAX];
    long len = uk_vfs_path(uk_vfs_cwd(), buf, sizeof(buf));
    if (len < 0)
        return len;
    if (size < len)
        return -ERANGE;
    return uk_user_copy_to((void *)ubuf, buf, (usize)len) ? len : -EFAULT;
}

struct dirent64_k {
    u64 ino;
    s64 off;
    u16 reclen;
    u8 type;
    char name[];
};

static u8 dirent_type(u32 mode)
{
    switch (mode & UK_S_IFMT) {
    case UK_S_IFDIR: return 4;
    case UK_S_IFCHR: return 2;
    case UK_S_IFBLK: return 6;
    case UK_S_IFIFO: return 1;
    case UK_S_IFSOCK: return 12;
    default: return 8;
    }
}

/* Directory entries from the file position (an index: ".", "..", then the children). */
long sys_getdents64(long fd, long ubuf, long len)
{
    struct uk_file *f = uk_fd_get(fd);
    if (!f)
        return -EBADF;
    if (!f->vn || !uk_vnode_is(f->vn, UK_S_IFDIR))
        return -ENOTDIR;
    long used = 0;
    struct uk_vnode *cursor = NULL;
    const char *name;
    struct uk_vnode *vn;
    for (u64 idx = f->pos; uk_vfs_dirent(f->vn, idx, &cursor, &name, &vn); idx++) {
        usize nlen = uk_strlen(name);
        u16 reclen = (u16)UK_ALIGN_UP(sizeof(struct dirent64_k) + nlen + 1, 8);
        if (used + reclen > len)
            return used ? used : -EINVAL;
        u8 rec[UK_ALIGN_UP(sizeof(struct dirent64_k) + UK_NAME_MAX + 1, 8)];
        uk_memset(rec, 0, reclen);
        struct dirent64_k *d = (struct dirent64_k *)rec;
        d->ino = vn->ino;
        d->off = (s64)idx + 1;
        d->reclen = reclen;
        d->type = dirent_type(vn->mode);
        uk_memcpy(d->name, name, nlen + 1);
        if (!uk_user_copy_to((u8 *)ubuf + used, rec, reclen))
            return -EFAULT;
        used += reclen;
        f->pos = idx + 1;
    }
    return used;
}
