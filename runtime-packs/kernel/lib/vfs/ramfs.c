/* ramfs.c - the node tree and the contents of regular files (4 KiB pages from the frame allocator,
 * allocated on write, so sparse files cost nothing; a full memory is -ENOSPC). */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/time.h>
#include <uk/vfs.h>

static struct uk_vnode root_node = {.mode = UK_S_IFDIR | 0755, .ino = 1, .name = "", .refs = 1};
struct uk_vnode *uk_vfs_cwd = &root_node;
static u64 next_ino = 2;

struct uk_vnode *uk_vfs_root(void) { return &root_node; }

struct uk_vnode *uk_vfs_child(struct uk_vnode *dir, const char *name)
{
    if (!uk_strcmp(name, ".") || !*name)
        return dir;
    if (!uk_strcmp(name, ".."))
        return dir->parent ? dir->parent : dir;
    for (struct uk_vnode *c = dir->child; c; c = c->sibling)
        if (!uk_strcmp(c->name, name))
            return c;
    return NULL;
}

/* Walks path from dir; stops before the last component when stop_last is set. */
static long walk(struct uk_vnode *dir, char *path, bool stop_last, struct uk_vnode **out, char **last)
{
    struct uk_vnode *cur = path[0] == '/' ? &root_node : dir;
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
        if (stop_last && !*rest) {
            *end = 0;
            *out = cur;
            *last = p;
            return 0;
        }
        if (!*p) {
            *out = cur;
            return 0;
        }
        if ((cur->mode & UK_S_IFMT) != UK_S_IFDIR)
            return -ENOTDIR;
        if (end - p > 255)
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
    return walk(dir, buf, false, out, NULL);
}

long uk_vfs_lookup_parent(struct uk_vnode *dir, char *path, struct uk_vnode **parent, char **last)
{
    long r = walk(dir, path, true, parent, last);
    if (r)
        return r;
    if (((*parent)->mode & UK_S_IFMT) != UK_S_IFDIR)
        return -ENOTDIR;
    return 0;
}

long uk_vfs_create(struct uk_vnode *dir, const char *name, u32 mode, struct uk_vnode **out)
{
    if (!*name || !uk_strcmp(name, ".") || !uk_strcmp(name, ".."))
        return -EEXIST;
    if (uk_vfs_child(dir, name))
        return -EEXIST;
    usize n = uk_strlen(name);
    struct uk_vnode *vn = uk_kzalloc(sizeof(*vn));
    char *nm = uk_kmalloc(n + 1);
    if (!vn || !nm) {
        uk_kfree(vn), uk_kfree(nm);
        return -ENOSPC;
    }
    uk_memcpy(nm, name, n + 1);
    vn->name = nm;
    vn->mode = mode;
    vn->ino = next_ino++;
    vn->parent = dir;
    vn->mtime_ns = uk_time_wall_ns();
    vn->sibling = dir->child;
    dir->child = vn;
    dir->mtime_ns = vn->mtime_ns;
    if (out)
        *out = vn;
    return 0;
}

static void free_contents(struct uk_vnode *vn)
{
    for (usize i = 0; i < vn->npages; i++)
        if (vn->pages[i])
            uk_pmm_free(uk_virt_to_phys(vn->pages[i]), 1);
    uk_kfree(vn->pages);
    vn->pages = NULL;
    vn->npages = 0;
}

static void destroy(struct uk_vnode *vn)
{
    free_contents(vn);
    uk_kfree(vn->name);
    uk_kfree(vn);
}

long uk_vfs_unlink(struct uk_vnode *vn)
{
    struct uk_vnode *dir = vn->parent;
    if (!dir)
        return -EBUSY;
    for (struct uk_vnode **p = &dir->child; *p; p = &(*p)->sibling) {
        if (*p == vn) {
            *p = vn->sibling;
            break;
        }
    }
    vn->parent = NULL;
    vn->unlinked = true;
    if (vn->refs == 0)
        destroy(vn);
    return 0;
}

void uk_vfs_put(struct uk_vnode *vn)
{
    if (--vn->refs == 0 && vn->unlinked)
        destroy(vn);
}

/* Makes the pages array cover size bytes; copies bundled read-only contents on first write. */
static long ensure_pages(struct uk_vnode *vn, u64 size)
{
    u64 cover = vn->rodata ? UK_MAX(size, vn->size) : size; /* bundled contents are copied whole */
    usize need = (usize)(UK_ALIGN_UP(cover, UK_PAGE_SIZE) / UK_PAGE_SIZE);
    if (need > vn->npages) {
        usize cap = UK_MAX(need, vn->npages * 2);
        u8 **np = uk_kzalloc(cap * sizeof(*np));
        if (!np)
            return -ENOSPC;
        if (vn->pages)
            uk_memcpy(np, vn->pages, vn->npages * sizeof(*np));
        uk_kfree(vn->pages);
        vn->pages = np;
        vn->npages = cap;
    }
    if (vn->rodata) {
        const u8 *src = vn->rodata;
        vn->rodata = NULL;
        for (u64 off = 0; off < vn->size; off += UK_PAGE_SIZE) {
            u64 pa = uk_pmm_alloc(1);
            if (!pa)
                return -ENOSPC;
            vn->pages[off / UK_PAGE_SIZE] = uk_phys_to_virt(pa);
            uk_memset(vn->pages[off / UK_PAGE_SIZE], 0, UK_PAGE_SIZE);
            uk_memcpy(vn->pages[off / UK_PAGE_SIZE], src + off, UK_MIN(UK_PAGE_SIZE, vn->size - off));
        }
    }
    return 0;
}

long uk_vfs_read(struct uk_vnode *vn, void *ubuf, usize len, u64 off)
{
    if (off >= vn->size)
        return 0;
    len = (usize)UK_MIN((u64)len, vn->size - off);
    if (!uk_user_access_ok(ubuf, len, true))
        return -EFAULT;
    if (vn->rodata) {
        uk_memcpy(ubuf, vn->rodata + off, len);
        return (long)len;
    }
    for (usize done = 0; done < len;) {
        u64 pos = off + done;
        usize in_page = pos % UK_PAGE_SIZE, n = UK_MIN(len - done, UK_PAGE_SIZE - in_page);
        u8 *page = pos / UK_PAGE_SIZE < vn->npages ? vn->pages[pos / UK_PAGE_SIZE] : NULL;
        if (page)
            uk_memcpy((u8 *)ubuf + done, page + in_page, n);
        else
            uk_memset((u8 *)ubuf + done, 0, n);
        done += n;
    }
    return (long)len;
}

long uk_vfs_write(struct uk_vnode *vn, const void *ubuf, usize len, u64 off)
{
    if (!uk_user_access_ok(ubuf, len, false))
        return -EFAULT;
    if (off + len < off)
        return -EFBIG;
    long r = ensure_pages(vn, off + len);
    if (r)
        return r;
    usize done = 0;
    while (done < len) {
        u64 pos = off + done;
        usize in_page = pos % UK_PAGE_SIZE, n = UK_MIN(len - done, UK_PAGE_SIZE - in_page);
        u8 **slot = &vn->pages[pos / UK_PAGE_SIZE];
        if (!*slot) {
            u64 pa = uk_pmm_alloc(1);
            if (!pa)
                break;
            *slot = uk_phys_to_virt(pa);
            uk_memset(*slot, 0, UK_PAGE_SIZE);
        }
        uk_memcpy(*slot + in_page, (const u8 *)ubuf + done, n);
        done += n;
    }
    if (!done && len)
        return -ENOSPC;
    if (off + done > vn->size)
        vn->size = off + done;
    vn->mtime_ns = uk_time_wall_ns();
    return (long)done;
}

long uk_vfs_truncate(struct uk_vnode *vn, u64 size)
{
    long r = ensure_pages(vn, size);
    if (r)
        return r;
    for (usize i = (usize)(UK_ALIGN_UP(size, UK_PAGE_SIZE) / UK_PAGE_SIZE); i < vn->npages; i++) {
        if (vn->pages[i]) {
            uk_pmm_free(uk_virt_to_phys(vn->pages[i]), 1);
            vn->pages[i] = NULL;
        }
    }
    if (size % UK_PAGE_SIZE && size / UK_PAGE_SIZE < vn->npages && vn->pages[size / UK_PAGE_SIZE])
        uk_memset(vn->pages[size / UK_PAGE_SIZE] + size % UK_PAGE_SIZE, 0, UK_PAGE_SIZE - size % UK_PAGE_SIZE);
    vn->size = size;
    vn->mtime_ns = uk_time_wall_ns();
    return 0;
}

struct uk_vnode *uk_vfs_mkpath(const char *path, u32 mode)
{
    struct uk_vnode *cur = &root_node;
    char name[256];
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
        struct uk_vnode *next = uk_vfs_child(cur, name);
        if (!next && uk_vfs_create(cur, name, *p ? (UK_S_IFDIR | 0755) : mode, &next))
            return NULL;
        cur = next;
    }
    return cur;
}

void uk_vfs_init(void)
{
    uk_vfs_mkpath("/tmp", UK_S_IFDIR | 01777);
    uk_devfs_init();
    uk_procfs_init();
    uk_initrd_unpack();
}
