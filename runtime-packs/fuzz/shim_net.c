/* shim_net.c - what the network path needs beyond shim.c: interrupt lines (the harness raises them), the one
 * file lib/net writes (/etc/resolv.conf, kept in memory), epoll's close hook (no epoll instances here) and the
 * block driver that virtio.c's dispatch table names, the interface files of /proc and /sys (not built), and devfs
 * (a raw NIC's /dev/net/<name>: the harness keeps every NIC with lwIP, so nothing registers). */
#include <uk/devfs.h>
#include <uk/epoll.h>
#include <uk/errno.h>
#include <uk/irq.h>
#include <uk/klibc.h>
#include <uk/ramfs.h>
#include <uk/vfs.h>
#include <uk/virtio.h>
#include "host.h"
#include "net.h"

#define MAX_LINES 8

static struct {
    uk_irq_handler fn;
    void *arg;
} lines[MAX_LINES];

bool uk_irq_register(int irq, uk_irq_handler handler, void *arg)
{
    if (irq < 0 || irq >= MAX_LINES || lines[irq].fn)
        return false;
    lines[irq].fn = handler;
    lines[irq].arg = arg;
    return true;
}

void fz_irq_raise(int irq)
{
    if (irq >= 0 && irq < MAX_LINES && lines[irq].fn)
        lines[irq].fn(lines[irq].arg);
}

void uk_epoll_file_closed(struct uk_file *f) { (void)f; }

long uk_devfs_register(struct uk_device *dev)
{
    (void)dev;
    return -ENOMEM;
}

long uk_virtio_blk_attach(struct uk_virtio_dev *d)
{
    (void)d;
    return -ENODEV;
}

/* /etc/resolv.conf: the last contents lib/net wrote (read back by the harness, so ASan checks the source). */
static struct uk_vnode resolv;
static u8 *resolv_data;
static u64 resolv_len;

struct uk_vnode *uk_vfs_root(void) { return NULL; }

long uk_vfs_lookup(struct uk_vnode *dir, const char *path, struct uk_vnode **out)
{
    (void)dir;
    (void)path;
    (void)out;
    return -ENOENT;
}

struct uk_vnode *uk_vfs_mkpath(const char *path, u32 mode)
{
    (void)path;
    (void)mode;
    return &resolv;
}

void uk_vfs_hold(struct uk_vnode *vn) { (void)vn; }
void uk_vfs_put(struct uk_vnode *vn) { (void)vn; }

long uk_ramfs_set_contents(struct uk_vnode *vn, const void *data, u64 size)
{
    if (vn != &resolv)
        fz_host_crash("lib/net wrote a file other than /etc/resolv.conf");
    fz_host_free(resolv_data);
    resolv_data = fz_host_alloc(size + 1, 16);
    uk_memcpy(resolv_data, data, size);
    resolv_len = size;
    return 0;
}

/* The per-interface /sys and /proc files (netfiles.c, not built here: no procfs in the harness). */
void uk_net_files_add_iface(struct netif *n) { (void)n; }
