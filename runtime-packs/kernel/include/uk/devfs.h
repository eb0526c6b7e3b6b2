/* devfs.h - /dev: a registry of devices that drivers register into (the console, the memory devices,
 * later block devices vda, vdb …); each appears as a node whose opens get the driver's file ops. */
#ifndef UK_DEVFS_H
#define UK_DEVFS_H
#include <uk/file.h>
#include <uk/types.h>

struct uk_device {
    const char *name;               /* the node's name under /dev (may contain '/') */
    u32 mode;                       /* UK_S_IFCHR or UK_S_IFBLK, and permissions */
    const struct uk_file_ops *fops; /* the opened file's operations */
    void *priv;                     /* the driver's device, as each opened file's priv */
    /* Optional: called with each new file (e.g. to refuse write opens of a read-only disk). */
    long (*open)(struct uk_device *dev, struct uk_file *f);
};

/* Mounts devfs at /dev (with /dev/shm, a ramfs) and registers the memory devices: null, zero, full,
 * random, urandom. */
void uk_devfs_init(void);
/* Adds dev as /dev/<name>; 0, -EEXIST or -ENOMEM. dev must outlive the kernel. */
long uk_devfs_register(struct uk_device *dev);
/* Cryptographically strong random bytes into a user buffer (getrandom, /dev/urandom): len or -EFAULT. */
long uk_devfs_random_to_user(void *ubuf, usize len);

#endif
