/* devfs.c - the device nodes of /dev: console, tty, null, zero, random, urandom. */
#include <uk/console.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/tty.h>
#include <uk/vfs.h>

long uk_random_fill(void *ubuf, usize len);

static long console_read(struct uk_file *f, void *buf, usize len)
{
    return uk_tty_read(buf, len, f->flags & 04000 /* O_NONBLOCK */);
}

static long console_write(struct uk_file *f, const void *buf, usize len)
{
    (void)f;
    char tmp[512];
    usize done = 0;
    while (done < len) {
        usize n = UK_MIN(len - done, sizeof(tmp));
        if (!uk_user_copy_from(tmp, (const u8 *)buf + done, n))
            return done ? (long)done : -EFAULT;
        uk_console_write(tmp, n);
        done += n;
    }
    return (long)len;
}

static long null_read(struct uk_file *f, void *buf, usize len) { (void)f, (void)buf, (void)len; return 0; }
static long null_write(struct uk_file *f, const void *buf, usize len) { (void)f, (void)buf; return (long)len; }

static long zero_read(struct uk_file *f, void *buf, usize len)
{
    (void)f;
    if (!uk_user_access_ok(buf, len, true))
        return -EFAULT;
    uk_memset(buf, 0, len);
    return (long)len;
}

static long urandom_read(struct uk_file *f, void *buf, usize len) { (void)f; return uk_random_fill(buf, len); }

const struct uk_file_ops uk_console_ops = {console_read, console_write, NULL, UK_S_IFCHR};
static const struct uk_file_ops null_ops = {null_read, null_write, NULL, UK_S_IFCHR};
static const struct uk_file_ops zero_ops = {zero_read, null_write, NULL, UK_S_IFCHR};
static const struct uk_file_ops urandom_ops = {urandom_read, null_write, NULL, UK_S_IFCHR};

void uk_vfs_add_device(const char *path, const struct uk_file_ops *ops)
{
    struct uk_vnode *vn = uk_vfs_mkpath(path, UK_S_IFCHR | 0666);
    if (vn)
        vn->dev_ops = ops;
}

void uk_devfs_init(void)
{
    uk_vfs_add_device("/dev/console", &uk_console_ops);
    uk_vfs_add_device("/dev/tty", &uk_console_ops);
    uk_vfs_add_device("/dev/null", &null_ops);
    uk_vfs_add_device("/dev/zero", &zero_ops);
    uk_vfs_add_device("/dev/random", &urandom_ops);
    uk_vfs_add_device("/dev/urandom", &urandom_ops);
    uk_vfs_mkpath("/dev/shm", UK_S_IFDIR | 01777);
}
