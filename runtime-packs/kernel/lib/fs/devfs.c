/* devfs.c - /dev: a registry of devices that drivers register into. Each registered device becomes a
 * node (directories made as its name needs); opening it gives a file with the driver's operations and
 * the driver's device as priv. devfs itself provides the memory devices and mounts a ramfs on /dev/shm. */
#include <uk/arch.h>
#include <uk/devfs.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/ramfs.h>
#include <uk/random.h>

#define TMPFS_MAGIC 0x01021994 /* devtmpfs reports tmpfs's */

static struct uk_mount devfs;
static const struct uk_vnode_ops devfs_ops;

static long devfs_open(struct uk_vnode *vn, int flags, struct uk_file **out)
{
    struct uk_device *dev = vn->fs_data;
    struct uk_file *f = uk_file_new(dev ? dev->fops : &uk_dir_file_ops, flags, dev ? dev->priv : NULL);
    if (!f)
        return -ENOMEM;
    if (dev && dev->open) {
        long r = dev->open(dev, f);
        if (r) {
            uk_file_put(f);
            return r;
        }
    }
    *out = f;
    return 0;
}

static const struct uk_vnode_ops devfs_ops = {.open = devfs_open};

long uk_devfs_register(struct uk_device *dev)
{
    struct uk_vnode *dir = devfs.root;
    char name[UK_NAME_MAX + 1];
    const char *p = dev->name;
    for (;;) {
        usize n = 0;
        while (p[n] && p[n] != '/' && n < UK_NAME_MAX)
            name[n] = p[n], n++;
        name[n] = 0;
        p += n;
        if (!*p)
            break;
        p++;
        struct uk_vnode *sub = uk_vfs_child(dir, name);
        if (!sub) {
            sub = uk_vnode_new(&devfs, UK_S_IFDIR | 0755, &devfs_ops, NULL);
            if (!sub || uk_vfs_link(dir, name, sub))
                return -ENOMEM;
        }
        dir = sub;
    }
    struct uk_vnode *vn = uk_vnode_new(&devfs, dev->mode, &devfs_ops, dev);
    if (!vn)
        return -ENOMEM;
    long r = uk_vfs_link(dir, name, vn);
    if (r)
        uk_vfs_put(vn);
    else
        uk_pr_debug("devfs: /dev/%s\n", dev->name);
    return r;
}

/* The memory devices. */
static long null_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    (void)f, (void)ubuf, (void)len, (void)pos;
    return 0;
}

static long null_write(struct uk_file *f, const void *ubuf, usize len, u64 *pos)
{
    (void)f, (void)ubuf, (void)pos;
    return (long)len;
}

static long zero_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    (void)f, (void)pos;
    if (!uk_user_access_ok(ubuf, len, true))
        return -EFAULT;
    uk_user_fill_checked(ubuf, 0, len);
    return (long)len;
}

static long full_write(struct uk_file *f, const void *ubuf, usize len, u64 *pos)
{
    (void)f, (void)ubuf, (void)len, (void)pos;
    return -ENOSPC;
}

long uk_devfs_random_to_user(void *ubuf, usize len)
{
    if (!uk_user_access_ok(ubuf, len, true))
        return -EFAULT;
    uk_arch_user_access_begin(); /* the random bytes are generated in place, in a user-access window */
    uk_random_bytes(ubuf, len);
    uk_arch_user_access_end();
    return (long)len;
}

static long random_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    (void)f, (void)pos;
    return uk_devfs_random_to_user(ubuf, len);
}

/* Like Linux's memory devices, they seek to anywhere and stay where they are. */
static long mem_llseek(struct uk_file *f, s64 off, int whence)
{
    (void)f, (void)off, (void)whence;
    return 0;
}

static const struct uk_file_ops null_ops = {
    .read = null_read, .write = null_write, .llseek = mem_llseek, .type = UK_S_IFCHR};
static const struct uk_file_ops zero_ops = {
    .read = zero_read, .write = null_write, .llseek = mem_llseek, .type = UK_S_IFCHR};
static const struct uk_file_ops full_ops = {
    .read = zero_read, .write = full_write, .llseek = mem_llseek, .type = UK_S_IFCHR};
static const struct uk_file_ops random_ops = {
    .read = random_read, .write = null_write, .llseek = mem_llseek, .type = UK_S_IFCHR};

static struct uk_device memdevs[] = {
    {.name = "null", .mode = UK_S_IFCHR | 0666, .fops = &null_ops},
    {.name = "zero", .mode = UK_S_IFCHR | 0666, .fops = &zero_ops},
    {.name = "full", .mode = UK_S_IFCHR | 0666, .fops = &full_ops},
    {.name = "random", .mode = UK_S_IFCHR | 0666, .fops = &random_ops},
    {.name = "urandom", .mode = UK_S_IFCHR | 0666, .fops = &random_ops},
};

void uk_devfs_init(void)
{
    devfs.fstype = "devtmpfs";
    devfs.magic = TMPFS_MAGIC;
    devfs.root = uk_vnode_new(&devfs, UK_S_IFDIR | 0755, &devfs_ops, NULL);
    struct uk_vnode *shm = devfs.root ? uk_vnode_new(&devfs, UK_S_IFDIR | 01777, &devfs_ops, NULL) : NULL;
    struct uk_mount *shmfs = uk_ramfs_new(01777);
    if (!shm || !shmfs || uk_vfs_link(devfs.root, "shm", shm) || !uk_vfs_mkpath("/dev", UK_S_IFDIR | 0755) ||
        uk_vfs_mount("/dev", &devfs) || uk_vfs_mount("/dev/shm", shmfs))
        uk_panic("cannot mount /dev");
    for (usize i = 0; i < UK_ARRAY_SIZE(memdevs); i++)
        if (uk_devfs_register(&memdevs[i]))
            uk_panic("cannot register /dev/%s", memdevs[i].name);
}
