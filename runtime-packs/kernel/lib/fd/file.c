/* file.c - open files: creation, opening a node through its file system, references and release,
 * and lseek's arithmetic for the file types that can seek. */
#include <uk/epoll.h>
#include <uk/errno.h>
#include <uk/file.h>
#include <uk/mm.h>
#include <uk/vfs.h>

struct uk_file *uk_file_new(const struct uk_file_ops *ops, int flags, void *priv)
{
    struct uk_file *f = uk_kzalloc(sizeof(*f));
    if (!f)
        return NULL;
    f->ops = ops;
    f->refs = 1;
    f->flags = flags;
    f->priv = priv;
    return f;
}

long uk_file_open(struct uk_vnode *vn, int flags, struct uk_file **out)
{
    struct uk_file *f;
    long r = vn->ops->open(vn, flags, &f);
    if (r)
        return r;
    f->vn = vn;
    uk_vfs_hold(vn);
    *out = f;
    return 0;
}

void uk_file_put(struct uk_file *f)
{
    if (--f->refs > 0)
        return;
    if (f->epitems)
        uk_epoll_file_closed(f);
    if (f->ops->release)
        f->ops->release(f);
    if (f->vn)
        uk_vfs_put(f->vn);
    uk_kfree(f);
}

static long dir_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    (void)f, (void)ubuf, (void)len, (void)pos;
    return -EISDIR;
}

static long dir_llseek(struct uk_file *f, s64 off, int whence) { return uk_file_seek(f, off, whence, 0); }

const struct uk_file_ops uk_dir_file_ops = {.read = dir_read, .llseek = dir_llseek, .type = UK_S_IFDIR};

long uk_file_seek(struct uk_file *f, s64 off, int whence, u64 size)
{
    s64 base;
    switch (whence) {
    case 0: /* SEEK_SET */ base = 0; break;
    case 1: /* SEEK_CUR */ base = (s64)f->pos; break;
    case 2: /* SEEK_END */ base = (s64)size; break;
    default: return -EINVAL;
    }
    if (base + off < 0 || (off > 0 && base + off < base))
        return -EINVAL;
    f->pos = (u64)(base + off);
    return (long)f->pos;
}
