/* vfs.c - the virtual file system's names: one tree of vnodes, file systems mounted on directories,
 * path walks that cross mount points (and ".." back out of them), creation, unlinking and renaming
 * through the owning file system's vnode operations. File contents are the file systems' business. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/time.h>
#include <uk/vfs.h>

static struct uk_mount *root_mount;
static struct uk_vnode *cwd;
static u64 next_ino = 1;

struct uk_vnode *uk_vnode_new(struct uk_mount *m, u32 mode, const struct uk_vnode_ops *ops, void *fs_data)
{
    struct uk_vnode *vn = uk_kzalloc(sizeof(*vn));
    if (!vn)
        return NULL;
    vn->mode = mode;
    vn->ino = next_ino++;
    vn->mount = m;
    vn->ops = ops;
    vn->fs_data = fs_data;
    vn->mtime_ns = uk_time_wall_ns();
    return vn;
}

/* The directory seen at vn: the root of what is mounted there, if anything. */
static struct uk_vnode *covering(struct uk_vnode *vn)
{
    while (vn->mounted_here)
        vn = vn->mounted_here->root;
    return vn;
}

long uk_vfs_mount(const char *path, struct uk_mount *m)
{
    if (!root_mount) {
        if (uk_strcmp(path, "/"))
            return -EINVAL;
        root_mount = m;
        cwd = m->root;
        m->root->refs++;
        return 0;
    }
    struct uk_vnode *dir;
    long r = uk_vfs_lookup(uk_vfs_root(), path, &dir);
    if (r)
        return r;
    if (!uk_vnode_is(dir, UK_S_IFDIR))
        return -ENOTDIR;
    m->covered = dir;
    m->root->parent = dir->parent; /* ".." of the mounted root leaves the mount */
    m->root->refs++;
    dir->mounted_here = m;
    return 0;
}

struct uk_vnode *uk_vfs_root(void) { return root_mount->root; }
struct uk_vnode *uk_vfs_cwd(void) { return cwd; }
void uk_vfs_set_cwd(struct uk_vnode *dir) { cwd = dir; }

struct uk_vnode *uk_vfs_child(struct uk_vnode *dir, const char *name)
{
    dir = covering(dir);
    if (!*name || !uk_strcmp(name, "."))
        return dir;
    if (!uk_strcmp(name, ".."))
        return dir->parent ? covering(dir->parent) : dir;
    for (struct uk_vnode *c = dir->child; c; c = c->sibling)
        if (!uk_strcmp(c->name, name))
            return covering(c);
    return NULL;
}

/* Walks path from dir; stops before the last component when last is not NULL. */
static long walk(struct uk_vnode *dir, char *path, struct uk_vnode **out, char **last)
{
    struct uk_vnode *cur = path[0] == '/' ? uk_vfs_root() : covering(dir);
    char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        char *end = p;
        while (*end && *end != '/')
            end++;
        char *rest = end;
        while (*rest == '/')
            rest++;
        if (last && !*rest) {
            *end = 0;
            *out = cur;
            *last = p;
            return 0;
        }
        if (!*p) {
            *out = cur;
            return 0;
        }
        if (!uk_vnode_is(cur, UK_S_IFDIR))
            return -ENOTDIR;
        if (end - p > UK_NAME_MAX)
            return -ENAMETOOLONG;
        char saved = *end;
        *end = 0;
        struct uk_vnode *next = uk_vfs_child(cur, p);
        *end = saved;
        if (!next)
            return -ENOENT;
        cur = next;
        p = end;
    }
}

long uk_vfs_lookup(struct uk_vnode *dir, const char *path, struct uk_vnode **out)
{
    char buf[UK_PATH_MAX];
    if (uk_strnlen(path, sizeof(buf)) >= sizeof(buf))
        return -ENAMETOOLONG;
    uk_strlcpy(buf, path, sizeof(buf));
    return walk(dir ? dir : uk_vfs_root(), buf, out, NULL);
}

long uk_vfs_lookup_parent(struct uk_vnode *dir, char *path, struct uk_vnode **parent, char **last)
{
    long r = walk(dir, path, parent, last);
    if (r)
        return r;
    if (!uk_vnode_is(*parent, UK_S_IFDIR))
        return -ENOTDIR;
    if (uk_strlen(*last) > UK_NAME_MAX)
        return -ENAMETOOLONG;
    return 0;
}

bool uk_vfs_dirent(struct uk_vnode *dir, u64 idx, struct uk_vnode **cursor, const char **name, struct uk_vnode **vn)
{
    dir = covering(dir);
    if (idx == 0) {
        *name = ".", *vn = dir;
        return true;
    }
    if (idx == 1) {
        *name = "..", *vn = dir->parent ? covering(dir->parent) : dir;
        return true;
    }
    struct uk_vnode *c;
    if (*cursor && idx > 2) {
        c = (*cursor)->sibling;
    } else {
        c = dir->child;
        for (u64 i = 2; c && i < idx; i++)
            c = c->sibling;
    }
    *cursor = c;
    if (!c)
        return false;
    *name = c->name, *vn = covering(c);
    return true;
}

bool uk_vfs_dir_empty(struct uk_vnode *dir) { return !covering(dir)->child; }

static void link_child(struct uk_vnode *dir, struct uk_vnode *vn, char *name)
{
    vn->name = name;
    vn->parent = dir;
    vn->sibling = dir->child;
    dir->child = vn;
    dir->mtime_ns = uk_time_wall_ns();
}

static void unlink_child(struct uk_vnode *vn)
{
    struct uk_vnode *dir = vn->parent;
    for (struct uk_vnode **p = &dir->child; *p; p = &(*p)->sibling) {
        if (*p == vn) {
            *p = vn->sibling;
            break;
        }
    }
    vn->sibling = NULL;
    dir->mtime_ns = uk_time_wall_ns();
}

static char *copy_name(const char *name)
{
    usize n = uk_strlen(name);
    char *s = uk_kmalloc(n + 1);
    if (s)
        uk_memcpy(s, name, n + 1);
    return s;
}

long uk_vfs_link(struct uk_vnode *dir, const char *name, struct uk_vnode *vn)
{
    dir = covering(dir);
    if (!*name || !uk_strcmp(name, ".") || !uk_strcmp(name, "..") || uk_vfs_child(dir, name))
        return -EEXIST;
    char *nm = copy_name(name);
    if (!nm)
        return -ENOMEM;
    link_child(dir, vn, nm);
    return 0;
}

long uk_vfs_create(struct uk_vnode *dir, const char *name, u32 mode, struct uk_vnode **out)
{
    dir = covering(dir);
    if (!uk_vnode_is(dir, UK_S_IFDIR))
        return -ENOTDIR;
    if (!*name || !uk_strcmp(name, ".") || !uk_strcmp(name, ".."))
        return -EEXIST;
    if (uk_vfs_child(dir, name))
        return -EEXIST;
    if (!dir->ops->create)
        return -EROFS;
    char *nm = copy_name(name);
    if (!nm)
        return -ENOSPC;
    struct uk_vnode *vn;
    long r = dir->ops->create(dir, mode, &vn);
    if (r) {
        uk_kfree(nm);
        return r;
    }
    link_child(dir, vn, nm);
    if (out)
        *out = vn;
    return 0;
}

static void destroy(struct uk_vnode *vn)
{
    if (vn->ops->destroy)
        vn->ops->destroy(vn);
    uk_kfree(vn->name);
    uk_kfree(vn);
}

long uk_vfs_unlink(struct uk_vnode *vn)
{
    if (!vn->parent || vn == vn->mount->root || vn->mounted_here)
        return -EBUSY;
    if (!vn->ops->unlink)
        return -EPERM;
    long r = vn->ops->unlink(vn);
    if (r)
        return r;
    unlink_child(vn);
    vn->parent = NULL;
    vn->unlinked = true;
    if (vn->refs == 0)
        destroy(vn);
    return 0;
}

long uk_vfs_rename(struct uk_vnode *vn, struct uk_vnode *newdir, const char *name)
{
    newdir = covering(newdir);
    if (vn->mount != newdir->mount)
        return -EXDEV;
    if (!vn->parent || vn == vn->mount->root || vn->mounted_here)
        return -EBUSY;
    for (struct uk_vnode *p = newdir; p; p = p->parent)
        if (p == vn)
            return -EINVAL; /* into its own subtree */
    struct uk_vnode *old = uk_vfs_child(newdir, name);
    if (old == vn)
        return 0;
    if (old) {
        bool dir = uk_vnode_is(vn, UK_S_IFDIR), olddir = uk_vnode_is(old, UK_S_IFDIR);
        if (olddir && !dir)
            return -EISDIR;
        if (!olddir && dir)
            return -ENOTDIR;
        if (olddir && old->child)
            return -ENOTEMPTY;
    }
    char *nm = copy_name(name);
    if (!nm)
        return -ENOMEM;
    if (old) {
        long r = uk_vfs_unlink(old);
        if (r) {
            uk_kfree(nm);
            return r;
        }
    }
    unlink_child(vn);
    uk_kfree(vn->name);
    link_child(newdir, vn, nm);
    return 0;
}

long uk_vfs_truncate(struct uk_vnode *vn, u64 size)
{
    if (uk_vnode_is(vn, UK_S_IFDIR))
        return -EISDIR;
    if (!vn->ops->truncate)
        return -EINVAL;
    return vn->ops->truncate(vn, size);
}

void uk_vfs_hold(struct uk_vnode *vn) { vn->refs++; }

void uk_vfs_put(struct uk_vnode *vn)
{
    if (--vn->refs == 0 && vn->unlinked)
        destroy(vn);
}

long uk_vfs_path(struct uk_vnode *dir, char *buf, usize size)
{
    usize pos = size - 1;
    buf[pos] = 0;
    dir = covering(dir);
    for (struct uk_vnode *v = dir; v && v->parent; v = v->parent) {
        if (v == v->mount->root) { /* step out of the mount onto the directory it covers */
            v = v->mount->covered;
            if (!v || !v->parent)
                break;
        }
        usize n = uk_strlen(v->name);
        if (pos < n + 1)
            return -ENAMETOOLONG;
        pos -= n;
        uk_memcpy(buf + pos, v->name, n);
        buf[--pos] = '/';
    }
    if (pos == size - 1)
        buf[--pos] = '/';
    usize len = size - pos;
    uk_memmove(buf, buf + pos, len);
    return (long)len;
}

struct uk_vnode *uk_vfs_mkpath(const char *path, u32 mode)
{
    struct uk_vnode *cur = uk_vfs_root();
    char name[UK_NAME_MAX + 1];
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        usize n = 0;
        while (p[n] && p[n] != '/' && n < sizeof(name) - 1)
            name[n] = p[n], n++;
        name[n] = 0;
        p += n;
        while (*p == '/')
            p++;
        if (!uk_vnode_is(covering(cur), UK_S_IFDIR))
            return NULL; /* a file where the path needs a directory */
        struct uk_vnode *next = uk_vfs_child(cur, name);
        if (!next && uk_vfs_create(cur, name, *p ? (UK_S_IFDIR | 0755) : mode, &next))
            return NULL;
        cur = next;
    }
    return cur;
}
