/* procfs.c - the files of /proc and /sys that runtimes read, rendered from the kernel's real state when
 * opened: memory from the frame allocator, one CPU, the uptime, the program's name. Two mounts of one
 * file system type: procfs on /proc, sysfs on /sys. Read-only, like Linux's for an unprivileged program. */
#include <uk/appinfo.h>
#include <uk/errno.h>
#include <uk/file.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/procfs.h>
#include <uk/time.h>

#define PROC_SUPER_MAGIC 0x9fa0
#define SYSFS_MAGIC 0x62656572

#define RENDER_FIRST 4096
#define RENDER_MAX (4u << 20)

/* A generated file's vnode data: its generator and the generator's argument. */
struct entry {
    uk_procfs_gen gen;
    void *arg;
};

struct rendered {
    usize size;
    char text[];
};

static long gen_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    struct rendered *r = f->priv;
    if (*pos >= r->size)
        return 0;
    len = UK_MIN(len, r->size - *pos);
    if (!uk_user_copy_to(ubuf, r->text + *pos, len))
        return -EFAULT;
    *pos += len;
    return (long)len;
}

static long gen_write(struct uk_file *f, const void *ubuf, usize len, u64 *pos)
{
    (void)f, (void)ubuf, (void)len, (void)pos;
    return -EACCES;
}

static long gen_llseek(struct uk_file *f, s64 off, int whence)
{
    return uk_file_seek(f, off, whence, ((struct rendered *)f->priv)->size);
}

static void gen_release(struct uk_file *f) { uk_kfree(f->priv); }

static const struct uk_file_ops gen_ops = {
    .read = gen_read, .write = gen_write, .llseek = gen_llseek, .release = gen_release, .type = UK_S_IFREG};

static long proc_open(struct uk_vnode *vn, int flags, struct uk_file **out)
{
    if (uk_vnode_is(vn, UK_S_IFDIR)) {
        *out = uk_file_new(&uk_dir_file_ops, flags, NULL);
        return *out ? 0 : -ENOMEM;
    }
    if ((flags & UK_O_ACCMODE) != UK_O_RDONLY)
        return -EACCES;
    struct entry *e = vn->fs_data;
    struct rendered *r = NULL;
    for (usize cap = RENDER_FIRST;; cap *= 2) { /* rendered again, larger, until the text fits */
        uk_kfree(r);
        if (cap > RENDER_MAX || !(r = uk_kmalloc(cap)))
            return -ENOMEM;
        struct uk_procfs_out o = {r->text, cap - sizeof(*r), 0};
        e->gen(&o, e->arg);
        r->size = o.len;
        if (o.len < o.size)
            break;
    }
    struct uk_file *f = uk_file_new(&gen_ops, flags, r);
    if (!f) {
        uk_kfree(r);
        return -ENOMEM;
    }
    *out = f;
    return 0;
}

void uk_procfs_printf(struct uk_procfs_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    usize room = o->len < o->size ? o->size - o->len : 0;
    o->len += (usize)uk_vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
}

void uk_procfs_pad(struct uk_procfs_out *o, char c, usize n)
{
    for (; n; n--, o->len++)
        if (o->len < o->size)
            o->buf[o->len] = c;
}

static const struct uk_vnode_ops proc_ops = {.open = proc_open};

static void meminfo(struct uk_procfs_out *o, void *arg)
{
    /* Buffers: the block devices' page cache, the part of it that can be given back counted as available. */
    u64 total = uk_pmm_total_pages() * 4, free = uk_pmm_free_pages() * 4, buffers = uk_pmm_reclaimable_pages() * 4;
    uk_procfs_printf(o,
                     "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
                     "Buffers:        %8lu kB\nCached:                0 kB\nSwapTotal:             0 kB\n"
                     "SwapFree:              0 kB\n",
                     total, free, free + buffers, buffers);
}

static void one_cpu(struct uk_procfs_out *o, void *arg) { uk_procfs_printf(o, "0\n"); }

static void uptime(struct uk_procfs_out *o, void *arg)
{
    u64 ms = uk_time_monotonic_ns() / 1000000;
    uk_procfs_printf(o, "%lu.%02lu 0.00\n", ms / 1000, ms % 1000 / 10);
}

static void stat_line(struct uk_procfs_out *o, void *arg)
{
    char comm[16]; /* Linux keeps 15 characters of the name */
    uk_strlcpy(comm, uk_app_name, sizeof(comm));
    uk_procfs_printf(o, "1 (%s) R 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 0 0 0\n", comm);
}

static void cmdline_file(struct uk_procfs_out *o, void *arg)
{
    uk_procfs_printf(o, "%s", uk_app_name);
    uk_procfs_pad(o, 0, 1); /* one argument, NUL-terminated */
}

static void empty(struct uk_procfs_out *o, void *arg) {}

static struct uk_mount *proc_mount, *sys_mount;

/* Adds a generated file at path (relative to m's root), making its directories. */
static void add(struct uk_mount *m, const char *path, uk_procfs_gen gen, void *arg)
{
    struct uk_vnode *dir = m->root;
    char name[UK_NAME_MAX + 1];
    for (;;) {
        usize n = 0;
        while (path[n] && path[n] != '/' && n < UK_NAME_MAX)
            name[n] = path[n], n++;
        name[n] = 0;
        path += n;
        bool last = !*path;
        struct uk_vnode *vn = uk_vfs_child(dir, name);
        if (!vn) {
            struct entry *e = last ? uk_kmalloc(sizeof(*e)) : NULL;
            if (e)
                *e = (struct entry){gen, arg};
            vn = (!last || e) ? uk_vnode_new(m, last ? (UK_S_IFREG | 0444) : (UK_S_IFDIR | 0555), &proc_ops, e) : NULL;
            if (!vn || uk_vfs_link(dir, name, vn))
                uk_panic("cannot make %s's %s", m->fstype, name);
        } else if (last || !uk_vnode_is(vn, UK_S_IFDIR)) {
            uk_panic("%s's %s exists", m->fstype, name);
        }
        if (last)
            return;
        path++;
        dir = vn;
    }
}

static struct uk_mount *new_mount(const char *fstype, u32 magic, const char *at)
{
    struct uk_mount *m = uk_kzalloc(sizeof(*m));
    if (!m || !(m->root = uk_vnode_new(m, UK_S_IFDIR | 0555, &proc_ops, NULL)))
        uk_panic("no memory for %s", fstype);
    m->fstype = fstype;
    m->magic = magic;
    if (!uk_vfs_mkpath(at, UK_S_IFDIR | 0555) || uk_vfs_mount(at, m))
        uk_panic("cannot mount %s on %s", fstype, at);
    return m;
}

void uk_procfs_add(const char *path, uk_procfs_gen gen, void *arg)
{
    if (!uk_strncmp(path, "/proc/", 6))
        add(proc_mount, path + 6, gen, arg);
    else if (!uk_strncmp(path, "/sys/", 5))
        add(sys_mount, path + 5, gen, arg);
    else
        uk_panic("%s is not under /proc or /sys", path);
}

void uk_procfs_init(void)
{
    struct uk_mount *proc = proc_mount = new_mount("proc", PROC_SUPER_MAGIC, "/proc");
    add(proc, "meminfo", meminfo, NULL);
    add(proc, "uptime", uptime, NULL);
    add(proc, "self/stat", stat_line, NULL);
    add(proc, "self/cmdline", cmdline_file, NULL);
    add(proc, "self/environ", empty, NULL);
    struct uk_mount *sys = sys_mount = new_mount("sysfs", SYSFS_MAGIC, "/sys");
    add(sys, "devices/system/cpu/possible", one_cpu, NULL);
    add(sys, "devices/system/cpu/online", one_cpu, NULL);
    add(sys, "devices/system/cpu/present", one_cpu, NULL);
}
