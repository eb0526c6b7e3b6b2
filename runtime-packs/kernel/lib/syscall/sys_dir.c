/* sys_dir.c - directory syscalls: mkdir, unlink and rmdir, rename, chdir and getcwd. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/syscall.h>
#include <uk/vfs.h>

#define AT_FDCWD (-100)
#define AT_REMOVEDIR 0x200

long sys_mkdirat(long dirfd, long upath, long mode)
{
    char path[UK_PATH_MAX];
    struct uk_vnode *dir, *parent;
    char *last;
    long r = uk_fs_user_path(upath, path);
    if (!r)
        r = uk_fs_start_dir(dirfd, path, &dir);
    if (!r)
        r = uk_vfs_lookup_parent(dir, path, &parent, &last);
    return r ? r : uk_vfs_create(parent, last, UK_S_IFDIR | (mode & 07777), NULL);
}

long sys_mkdir(long path, long mode) { return sys_mkdirat(AT_FDCWD, path, mode); }

long sys_unlinkat(long dirfd, long upath, long flags)
{
    struct uk_vnode *vn;
    long r = uk_fs_resolve(dirfd, upath, &vn);
    if (r)
        return r;
    bool isdir = (vn->mode & UK_S_IFMT) == UK_S_IFDIR;
    if (flags & AT_REMOVEDIR) {
        if (!isdir)
            return -ENOTDIR;
        if (vn->child)
            return -ENOTEMPTY;
        if (vn == uk_vfs_root() || vn == uk_vfs_cwd)
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
    long r = uk_fs_resolve(olddirfd, uold, &vn);
    if (!r)
        r = uk_fs_user_path(unew, path);
    if (!r)
        r = uk_fs_start_dir(newdirfd, path, &dir);
    if (!r)
        r = uk_vfs_lookup_parent(dir, path, &parent, &last);
    if (r)
        return r;
    for (struct uk_vnode *p = parent; p; p = p->parent)
        if (p == vn)
            return -EINVAL; /* into its own subtree */
    struct uk_vnode *old = uk_vfs_child(parent, last);
    if (old == vn)
        return 0;
    if (old) {
        if ((old->mode & UK_S_IFMT) == UK_S_IFDIR && old->child)
            return -ENOTEMPTY;
        uk_vfs_unlink(old);
    }
    usize n = uk_strlen(last);
    char *name = uk_kmalloc(n + 1);
    if (!name)
        return -ENOMEM;
    uk_memcpy(name, last, n + 1);
    struct uk_vnode *from = vn->parent;
    for (struct uk_vnode **p = &from->child; *p; p = &(*p)->sibling)
        if (*p == vn) {
            *p = vn->sibling;
            break;
        }
    uk_kfree(vn->name);
    vn->name = name;
    vn->parent = parent;
    vn->sibling = parent->child;
    parent->child = vn;
    return 0;
}

long sys_rename(long o, long n) { return sys_renameat(AT_FDCWD, o, AT_FDCWD, n); }
long sys_renameat2(long od, long o, long nd, long n, long flags) { return flags ? -EINVAL : sys_renameat(od, o, nd, n); }

long sys_chdir(long upath)
{
    struct uk_vnode *vn;
    long r = uk_fs_resolve(AT_FDCWD, upath, &vn);
    if (r)
        return r;
    if ((vn->mode & UK_S_IFMT) != UK_S_IFDIR)
        return -ENOTDIR;
    uk_vfs_cwd = vn;
    return 0;
}

long sys_fchdir(long fd)
{
    struct uk_file *f = uk_fd_get(fd);
    if (!f)
        return -EBADF;
    if (!f->vn || (f->vn->mode & UK_S_IFMT) != UK_S_IFDIR)
        return -ENOTDIR;
    uk_vfs_cwd = f->vn;
    return 0;
}

long sys_getcwd(long ubuf, long size)
{
    char buf[UK_PATH_MAX];
    usize pos = sizeof(buf) - 1;
    buf[pos] = 0;
    for (struct uk_vnode *v = uk_vfs_cwd; v && v->parent; v = v->parent) {
        usize n = uk_strlen(v->name);
        if (pos < n + 1)
            return -ENAMETOOLONG;
        pos -= n;
        uk_memcpy(buf + pos, v->name, n);
        buf[--pos] = '/';
    }
    if (pos == sizeof(buf) - 1)
        buf[--pos] = '/';
    usize len = sizeof(buf) - pos;
    if ((usize)size < len)
        return -ERANGE;
    return uk_user_copy_to((void *)ubuf, buf + pos, len) ? (long)len : -EFAULT;
}

