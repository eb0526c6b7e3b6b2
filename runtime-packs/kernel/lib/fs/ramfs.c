/* ramfs.c - the in-memory file system of /, /tmp and /dev/shm: regular files in 4 KiB frames from the
 * frame allocator, allocated on write (sparse files cost nothing). As Linux's tmpfs by default (size=50%), the
 * files hold at most half of RAM: beyond it a write is -ENOSPC while the program still has memory. Contents
 * that live elsewhere in memory (bundled files) are read in place until the first write copies them. */
#include <uk/errno.h>
#include <uk/file.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/ramfs.h>
#include <uk/time.h>

#define TMPFS_MAGIC 0x01021994

struct ramfs_node {
    u8 **pages; /* NULL for holes */
    usize npages;
    const u8 *contents; /* read-only contents elsewhere, copied on the first write */
};

static const struct uk_vnode_ops ramfs_vnode_ops;

/* Frames that files of every ramfs hold, and their allocation within the half of RAM they may take. */
static usize pages_used;

static u8 *page_alloc(void)
{
    if (pages_used >= uk_pmm_total_pages() / 2)
        return NULL;
    u64 pa = uk_pmm_alloc(1, UK_MEM_FILES);
    if (!pa)
        return NULL;
    pages_used++;
    u8 *page = uk_phys_to_virt(pa);
    uk_memset(page, 0, UK_PAGE_SIZE);
    return page;
}

static void page_free(u8 *page)
{
    uk_pmm_free(uk_virt_to_phys(page), 1, UK_MEM_FILES);
    pages_used--;
}

/* Makes the pages array cover size bytes; copies read-only contents into frames first. */
static long ensure_pages(struct uk_vnode *vn, u64 size)
{
    struct ramfs_node *rn = vn->fs_data;
    u64 cover = rn->contents ? UK_MAX(size, vn->size) : size;
    usize need = (usize)(UK_ALIGN_UP(cover, UK_PAGE_SIZE) / UK_PAGE_SIZE);
    if (need > rn->npages) {
        usize cap = UK_MAX(need, rn->npages * 2);
        u8 **np = uk_kzalloc(cap * sizeof(*np));
        if (!np)
            return -ENOSPC;
        if (rn->pages)
            uk_memcpy(np, rn->pages, rn->npages * sizeof(*np));
        uk_kfree(rn->pages);
        rn->pages = np;
        rn->npages = cap;
    }
    if (rn->contents) {
        for (u64 off = 0; off < vn->size; off += UK_PAGE_SIZE) {
            u8 *page = page_alloc();
            if (!page)
                return -ENOSPC;
            uk_memcpy(page, rn->contents + off, UK_MIN(UK_PAGE_SIZE, vn->size - off));
            rn->pages[off / UK_PAGE_SIZE] = page;
        }
        rn->contents = NULL;
    }
    return 0;
}

static void free_pages(struct ramfs_node *rn)
{
    for (usize i = 0; i < rn->npages; i++)
        if (rn->pages[i])
            page_free(rn->pages[i]);
    uk_kfree(rn->pages);
    rn->pages = NULL;
    rn->npages = 0;
}

static long file_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    struct uk_vnode *vn = f->vn;
    struct ramfs_node *rn = vn->fs_data;
    u64 off = *pos;
    if (off >= vn->size)
        return 0;
    len = (usize)UK_MIN((u64)len, vn->size - off);
    if (!uk_user_access_ok(ubuf, len, true))
        return -EFAULT;
    if (rn->contents) {
        uk_user_copy_checked(ubuf, rn->contents + off, len);
    } else {
        for (usize done = 0; done < len;) {
            u64 at = off + done;
            usize in_page = at % UK_PAGE_SIZE, n = UK_MIN(len - done, UK_PAGE_SIZE - in_page);
            u8 *page = at / UK_PAGE_SIZE < rn->npages ? rn->pages[at / UK_PAGE_SIZE] : NULL;
            if (page)
                uk_user_copy_checked((u8 *)ubuf + done, page + in_page, n);
            else
                uk_user_fill_checked((u8 *)ubuf + done, 0, n);
            done += n;
        }
    }
    *pos = off + len;
    return (long)len;
}

static long file_write(struct uk_file *f, const void *ubuf, usize len, u64 *pos)
{
    struct uk_vnode *vn = f->vn;
    struct ramfs_node *rn = vn->fs_data;
    u64 off = (f->flags & UK_O_APPEND) ? vn->size : *pos; /* pwrite too, as on Linux */
    if (!uk_user_access_ok(ubuf, len, false))
        return -EFAULT;
    if (off + len < off)
        return -EFBIG;
    long r = ensure_pages(vn, off + len);
    if (r)
        return r;
    usize done = 0;
    while (done < len) {
        u64 at = off + done;
        usize in_page = at % UK_PAGE_SIZE, n = UK_MIN(len - done, UK_PAGE_SIZE - in_page);
        u8 **slot = &rn->pages[at / UK_PAGE_SIZE];
        if (!*slot) {
            *slot = page_alloc();
            if (!*slot)
                break;
        }
        uk_user_copy_checked(*slot + in_page, (const u8 *)ubuf + done, n);
        done += n;
    }
    if (!done && len)
        return -ENOSPC;
    if (off + done > vn->size)
        vn->size = off + done;
    vn->mtime_ns = uk_time_wall_ns();
    *pos = off + done;
    return (long)done;
}

static long file_llseek(struct uk_file *f, s64 off, int whence) { return uk_file_seek(f, off, whence, f->vn->size); }

static const struct uk_file_ops file_ops = {
    .read = file_read, .write = file_write, .llseek = file_llseek, .type = UK_S_IFREG};

static long ramfs_open(struct uk_vnode *vn, int flags, struct uk_file **out)
{
    struct uk_file *f = uk_file_new(uk_vnode_is(vn, UK_S_IFDIR) ? &uk_dir_file_ops : &file_ops, flags, NULL);
    if (!f)
        return -ENOMEM;
    *out = f;
    return 0;
}

static long ramfs_create(struct uk_vnode *dir, u32 mode, struct uk_vnode **out)
{
    struct ramfs_node *rn = uk_kzalloc(sizeof(*rn));
    struct uk_vnode *vn = rn ? uk_vnode_new(dir->mount, mode, &ramfs_vnode_ops, rn) : NULL;
    if (!vn) {
        uk_kfree(rn);
        return -ENOSPC;
    }
    *out = vn;
    return 0;
}

static long ramfs_unlink(struct uk_vnode *vn)
{
    (void)vn;
    return 0;
}

static long ramfs_truncate(struct uk_vnode *vn, u64 size)
{
    struct ramfs_node *rn = vn->fs_data;
    long r = ensure_pages(vn, size);
    if (r)
        return r;
    for (usize i = (usize)(UK_ALIGN_UP(size, UK_PAGE_SIZE) / UK_PAGE_SIZE); i < rn->npages; i++) {
        if (rn->pages[i]) {
            page_free(rn->pages[i]);
            rn->pages[i] = NULL;
        }
    }
    if (size % UK_PAGE_SIZE && size / UK_PAGE_SIZE < rn->npages && rn->pages[size / UK_PAGE_SIZE])
        uk_memset(rn->pages[size / UK_PAGE_SIZE] + size % UK_PAGE_SIZE, 0, UK_PAGE_SIZE - size % UK_PAGE_SIZE);
    vn->size = size;
    vn->mtime_ns = uk_time_wall_ns();
    return 0;
}

static void ramfs_destroy(struct uk_vnode *vn)
{
    free_pages(vn->fs_data);
    uk_kfree(vn->fs_data);
}

static const struct uk_vnode_ops ramfs_vnode_ops = {
    .open = ramfs_open,
    .create = ramfs_create,
    .unlink = ramfs_unlink,
    .truncate = ramfs_truncate,
    .destroy = ramfs_destroy,
};

struct uk_mount *uk_ramfs_new(u32 root_mode)
{
    struct uk_mount *m = uk_kzalloc(sizeof(*m));
    struct ramfs_node *rn = uk_kzalloc(sizeof(*rn));
    struct uk_vnode *root = m && rn ? uk_vnode_new(m, UK_S_IFDIR | (root_mode & 07777), &ramfs_vnode_ops, rn) : NULL;
    if (!root) {
        uk_kfree(m), uk_kfree(rn);
        return NULL;
    }
    m->fstype = "tmpfs";
    m->magic = TMPFS_MAGIC;
    m->root = root;
    root->name = NULL;
    return m;
}

long uk_ramfs_set_contents(struct uk_vnode *vn, const void *data, u64 size)
{
    if (vn->ops != &ramfs_vnode_ops || !uk_vnode_is(vn, UK_S_IFREG))
        return -EINVAL;
    struct ramfs_node *rn = vn->fs_data;
    free_pages(rn);
    rn->contents = data;
    vn->size = size;
    return 0;
}
