/* virtio_net_raw.c - a virtio network device the command line leaves to the program (net.raw=en1) as the
 * character device /dev/net/<name>, for programs that bring their own network stack. One open at a time
 * (EBUSY). read() returns one received frame, Ethernet header onward; a buffer shorter than the frame gets its
 * start and the rest is dropped, as recv() on a Linux packet socket. write() sends one frame of 14 to MTU + 18
 * bytes (shorter: EINVAL, longer: EMSGSIZE; link down: ENETDOWN). Both block unless the file is O_NONBLOCK
 * (EAGAIN), and poll/epoll report POLLIN and POLLOUT. Received frames are copied into a queue of at most
 * RAW_QUEUE frames while the device is open; frames beyond it, or while it is closed, are dropped and counted.
 * ioctls: SIOCGIFHWADDR, SIOCGIFMTU, SIOCGIFFLAGS (IFF_RUNNING while the link is up), SIOCGIFNAME, FIONREAD
 * (the next frame's length), and UK_NETRAW_GSTATS (the counters, struct uk_netif_stats). */
#include <uk/devfs.h>
#include <uk/errno.h>
#include <uk/file.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/poll.h>
#include <uk/random.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include "virtio_net.h"

#define RAW_QUEUE 128
#define ETH_HLEN 14
#define SIOCGIFNAME 0x8910
#define SIOCGIFFLAGS 0x8913
#define SIOCGIFMTU 0x8921
#define SIOCGIFHWADDR 0x8927
#define FIONREAD 0x541b
#define UK_NETRAW_GSTATS 0x80404e01 /* _IOR('N', 1, struct uk_netif_stats) */
#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_RUNNING 0x40
#define IFF_MULTICAST 0x1000
#define ARPHRD_ETHER 1

struct frame {
    u8 *data;
    u32 len;
};

struct vnet_raw {
    struct uk_device dev;
    char name[8], path[16]; /* "en1", "net/en1" */
    struct vnet *v;
    struct uk_waitq wq;   /* readers, writers and pollers of the open file */
    struct uk_file *open; /* the one open file, NULL while closed */
    struct frame q[RAW_QUEUE];
    u32 head, count;
};

/* struct ifreq: a name, then 24 bytes */
struct ifreq_k {
    char name[16];
    union {
        struct {
            u16 family;
            u8 data[14];
        } addr;
        s16 flags;
        s32 value;
        u8 pad[24];
    } u;
};

static bool interrupted(void) { return uk_thread_current()->interrupted && uk_signal_pending(); }

static void drop_queue(struct vnet_raw *r)
{
    for (; r->count; r->count--, r->head = (r->head + 1) % RAW_QUEUE)
        uk_kfree(r->q[r->head].data);
}

void uk_virtio_net_raw_receive(struct vnet *v, const u16 *parts, const u32 *lens, u32 n, u32 total)
{
    struct vnet_raw *r = v->raw;
    u8 *data = r->open && r->count < RAW_QUEUE ? uk_kmalloc(total) : NULL;
    uk_virtio_net_rx_gather(v, parts, lens, n, data);
    if (!data) {
        v->nd.stats.rx_dropped++;
        return;
    }
    r->q[(r->head + r->count++) % RAW_QUEUE] = (struct frame){data, total};
    v->nd.stats.rx_packets++;
    v->nd.stats.rx_bytes += total;
    uk_waitq_wake(&r->wq, UK_POLLIN | UK_POLLRDNORM);
}

void uk_virtio_net_raw_notify(struct vnet *v, u32 events) { uk_waitq_wake(&v->raw->wq, events); }

static long raw_open(struct uk_device *dev, struct uk_file *f)
{
    struct vnet_raw *r = dev->priv;
    if (r->open)
        return -EBUSY;
    r->open = f;
    return 0;
}

static void raw_release(struct uk_file *f)
{
    struct vnet_raw *r = f->priv;
    if (r->open != f)
        return; /* an open refused with EBUSY */
    drop_queue(r);
    r->open = NULL;
}

static long raw_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    (void)pos;
    struct vnet_raw *r = f->priv;
    while (!r->count) {
        if (f->flags & UK_O_NONBLOCK)
            return -EAGAIN;
        uk_waitq_wait(&r->wq, 0);
        if (!r->count && interrupted())
            return -EINTR;
    }
    struct frame *fr = &r->q[r->head];
    usize n = UK_MIN(len, (usize)fr->len);
    if (!uk_user_copy_to(ubuf, fr->data, n))
        return -EFAULT; /* the frame stays queued */
    uk_kfree(fr->data);
    r->head = (r->head + 1) % RAW_QUEUE;
    r->count--;
    return (long)n;
}

static long raw_write(struct uk_file *f, const void *ubuf, usize len, u64 *pos)
{
    (void)pos;
    struct vnet_raw *r = f->priv;
    struct vnet *v = r->v;
    if (len < ETH_HLEN)
        return -EINVAL;
    if (len > (usize)v->nd.mtu + FRAME_OVERHEAD || len > v->tx_size - v->hdr_len)
        return -EMSGSIZE;
    if (!v->nd.link_up)
        return -ENETDOWN;
    int k;
    while ((k = uk_virtio_net_tx_slot(v)) < 0) {
        if (f->flags & UK_O_NONBLOCK)
            return -EAGAIN;
        uk_waitq_wait(&r->wq, 0);
        if (interrupted())
            return -EINTR;
    }
    if (!uk_user_copy_from(uk_virtio_net_tx_frame(v, (u16)k), ubuf, len)) {
        uk_virtio_net_tx_unslot(v, (u16)k);
        return -EFAULT;
    }
    uk_virtio_net_tx_send(v, (u16)k, (u32)len, 0);
    return (long)len;
}

static u32 raw_poll(struct uk_file *f, struct uk_poll_table *pt)
{
    struct vnet_raw *r = f->priv;
    uk_poll_wait(pt, &r->wq);
    u32 events = r->count ? UK_POLLIN | UK_POLLRDNORM : 0;
    int k = uk_virtio_net_tx_slot(r->v); /* a full queue asks for the interrupt that announces room */
    if (k >= 0) {
        uk_virtio_net_tx_unslot(r->v, (u16)k);
        events |= UK_POLLOUT | UK_POLLWRNORM;
    }
    return events;
}

static long ifreq_ioctl(struct vnet_raw *r, unsigned long req, long arg)
{
    struct vnet *v = r->v;
    struct ifreq_k q;
    if (!uk_user_copy_from(&q, (const void *)arg, sizeof(q)))
        return -EFAULT;
    uk_memset(&q.u, 0, sizeof(q.u));
    if (req == SIOCGIFNAME) {
        uk_memset(q.name, 0, sizeof(q.name));
        uk_strlcpy(q.name, r->name, sizeof(q.name));
    } else if (req == SIOCGIFHWADDR) {
        q.u.addr.family = ARPHRD_ETHER;
        uk_memcpy(q.u.addr.data, v->nd.mac, 6);
    } else if (req == SIOCGIFMTU) {
        q.u.value = v->nd.mtu;
    } else {
        q.u.flags = (s16)(IFF_UP | IFF_BROADCAST | IFF_MULTICAST | (v->nd.link_up ? IFF_RUNNING : 0));
    }
    return uk_user_copy_to((void *)arg, &q, sizeof(q)) ? 0 : -EFAULT;
}

static long raw_ioctl(struct uk_file *f, unsigned long req, long arg)
{
    struct vnet_raw *r = f->priv;
    switch (req) {
    case SIOCGIFNAME:
    case SIOCGIFFLAGS:
    case SIOCGIFMTU:
    case SIOCGIFHWADDR: return ifreq_ioctl(r, req, arg);
    case FIONREAD: {
        int n = r->count ? (int)r->q[r->head].len : 0;
        return uk_user_copy_to((void *)arg, &n, sizeof(n)) ? 0 : -EFAULT;
    }
    case UK_NETRAW_GSTATS: return uk_user_copy_to((void *)arg, &r->v->nd.stats, sizeof(r->v->nd.stats)) ? 0 : -EFAULT;
    default: return -ENOTTY;
    }
}

static const struct uk_file_ops raw_fops = {
    .read = raw_read,
    .write = raw_write,
    .ioctl = raw_ioctl,
    .poll = raw_poll,
    .release = raw_release,
    .type = UK_S_IFCHR,
};

long uk_virtio_net_raw_attach(struct vnet *v, const char *name)
{
    struct vnet_raw *r = uk_kzalloc(sizeof(*r));
    if (!r)
        return -ENOMEM;
    r->v = v;
    uk_strlcpy(r->name, name, sizeof(r->name));
    uk_snprintf(r->path, sizeof(r->path), "net/%s", name);
    r->dev =
        (struct uk_device){.name = r->path, .mode = UK_S_IFCHR | 0600, .fops = &raw_fops, .priv = r, .open = raw_open};
    if (!v->nd.has_mac) { /* as the stack's interfaces: random, locally administered, unicast */
        uk_random_bytes(v->nd.mac, sizeof(v->nd.mac));
        v->nd.mac[0] = (u8)((v->nd.mac[0] & 0xfe) | 0x02);
    }
    v->raw = r;
    long err = uk_devfs_register(&r->dev);
    if (err) {
        v->raw = NULL;
        uk_kfree(r);
    }
    return err;
}
