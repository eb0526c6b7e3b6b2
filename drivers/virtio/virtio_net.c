/* virtio_net.c - virtio network devices (virtio 1.x section 5.1) as the interfaces en0, en1, … (lib/net's
 * netif.h), on every transport. One receive and one transmit queue. Receive: a pool of buffers, all posted at
 * the start and each posted again as soon as its frame is copied (one copy into a pbuf for lwIP); the interrupt
 * handler drains the queue and feeds lwIP directly (interrupts are only taken while the program runs or the
 * CPU idles, never inside another kernel call). Transmit: each frame is copied into a slot of its own;
 * finished slots are reclaimed by the next transmit, and a full queue drops the frame (counted) and asks for
 * an interrupt once there is room, when TCP sends what it held back. Lengths the device reports are checked,
 * never trusted. Features: MAC, STATUS (link), MTU, MRG_RXBUF, EVENT_IDX, and ANY_LAYOUT on legacy
 * devices; no checksum or segmentation offloads (lwIP computes checksums). */
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <uk/errno.h>
#include <uk/irq.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/netif.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/socket.h>
#include <uk/time.h>
#include <uk/virtio.h>

#define NET_F_MTU 3
#define NET_F_MAC 5
#define NET_F_MRG_RXBUF 15
#define NET_F_STATUS 16
#define NET_S_LINK_UP 1

#define RXQ 0
#define TXQ 1
#define QUEUE_MAX 256
#define MAX_MTU 9000
#define FRAME_OVERHEAD 18  /* Ethernet header and a VLAN tag */
#define MRG_BUF_SIZE 2048  /* receive buffers with MRG_RXBUF (a frame may span several) */
#define MAX_PARTS 64       /* buffers of one received frame at most */
#define POLL_NS 1000000ULL /* without an interrupt line */

/* Configuration space: mac at 0, status at 6, max_virtqueue_pairs at 8, mtu at 10 */
#define CFG_MAC 0
#define CFG_STATUS 6
#define CFG_MTU 10

/* The header before every frame: 10 bytes, 12 with num_buffers (VERSION_1 or MRG_RXBUF). All zero on transmit:
 * no offloads. */
struct net_hdr {
    u8 flags, gso_type;
    u16 hdr_len, gso_size, csum_start, csum_offset, num_buffers;
} __attribute__((packed));

struct vnet {
    struct uk_ktimer poll; /* first: the poll timer's callback finds its device from it */
    struct uk_virtio_dev *dev;
    struct uk_virtq rx, tx;
    struct netif *netif;
    struct uk_netif_dev nd;
    u32 hdr_len, rx_size, tx_size; /* header; bytes per receive buffer and per transmit slot */
    bool mrg, split;               /* split: the header has a descriptor of its own (legacy without ANY_LAYOUT) */
    u8 *rx_bufs, *tx_bufs;
    u64 rx_pa, tx_pa;
    u16 nrx, ntx;
    u16 *tx_free, tx_nfree; /* free transmit slots (a stack) */
    bool tx_waiting;        /* a frame found the queue full: interrupt when there is room */
    bool polled;
};

/* Posts receive buffer k (its cookie is k + 1). */
static void post_rx(struct vnet *v, u16 k)
{
    u64 pa = v->rx_pa + (u64)k * v->rx_size;
    struct uk_virtq_buf bufs[2] = {{pa, v->rx_size}};
    if (v->split) {
        bufs[0].len = v->hdr_len;
        bufs[1] = (struct uk_virtq_buf){pa + v->hdr_len, v->rx_size - v->hdr_len};
    }
    long r = uk_virtq_add(&v->rx, bufs, 0, v->split ? 2 : 1, (void *)(uptr)(k + 1));
    UK_ASSERT(!r); /* every buffer has its descriptors: the pool is sized to the queue */
}

/* The next used receive buffer: its index, or -1 when none (or the device named no buffer of ours). */
static int next_rx(struct vnet *v, u32 *len)
{
    u64 bad = v->rx.bad_used;
    void *c = uk_virtq_next_used(&v->rx, len);
    v->nd.stats.rx_errors += v->rx.bad_used - bad; /* elements that named no buffer of ours */
    if (!c)
        return -1;
    uptr k = (uptr)c - 1;
    return k < v->nrx ? (int)k : -1;
}

/* One frame: its buffers (several with MRG_RXBUF) checked, copied into a pbuf for lwIP and posted again. */
static void receive_one(struct vnet *v, int first, u32 len)
{
    u16 parts[MAX_PARTS];
    u32 lens[MAX_PARTS];
    const struct net_hdr *h = (const struct net_hdr *)(v->rx_bufs + (usize)first * v->rx_size);
    u32 nparts = v->mrg && len >= v->hdr_len ? h->num_buffers : 1;
    bool bad = len < v->hdr_len || len > v->rx_size || !nparts || nparts > MAX_PARTS;
    if (nparts > MAX_PARTS || !nparts)
        nparts = 1; /* the count itself is broken: drop this buffer alone */
    parts[0] = (u16)first;
    lens[0] = len;
    u32 total = len >= v->hdr_len ? len - v->hdr_len : 0, n = 1;
    for (; n < nparts; n++) {
        int k = next_rx(v, &lens[n]);
        if (k < 0) {
            bad = true;
            break;
        }
        parts[n] = (u16)k;
        bad |= lens[n] > v->rx_size;
        total += lens[n];
    }
    bad |= total < 14 || total > 0xffff;
    struct pbuf *p = NULL;
    if (bad) {
        v->nd.stats.rx_errors++;
        uk_pr_debug("virtio: %s: malformed frame dropped (length %u, %u buffers)\n", v->dev->where, len, nparts);
    } else if (!v->netif || !(p = pbuf_alloc(PBUF_RAW, (u16)total, PBUF_RAM)))
        v->nd.stats.rx_dropped++;
    u32 off = 0;
    for (u32 i = 0; i < n; i++) {
        const u8 *data = v->rx_bufs + (usize)parts[i] * v->rx_size;
        u32 skip = i ? 0 : v->hdr_len;
        if (p) {
            pbuf_take_at(p, data + skip, (u16)(lens[i] - skip), (u16)off);
            off += lens[i] - skip;
        }
        post_rx(v, parts[i]);
    }
    if (!p)
        return;
    v->nd.stats.rx_packets++;
    v->nd.stats.rx_bytes += total;
    if (v->netif->input(p, v->netif) != ERR_OK)
        pbuf_free(p);
}

/* Takes every finished transmit slot back. */
static void reclaim_tx(struct vnet *v)
{
    void *c;
    while ((c = uk_virtq_next_used(&v->tx, NULL))) {
        uptr k = (uptr)c - 1;
        if (k < v->ntx)
            v->tx_free[v->tx_nfree++] = (u16)k;
    }
}

/* Receives everything the device finished, then lets TCP send again when the transmit queue had filled. */
static void service(struct vnet *v)
{
    bool any = false;
    do {
        int k;
        u32 len;
        while ((k = next_rx(v, &len)) >= 0) {
            receive_one(v, k, len);
            any = true;
        }
        if (any)
            uk_virtq_kick(&v->rx);
    } while (uk_virtq_enable_interrupts(&v->rx));
    if (v->tx_waiting) {
        reclaim_tx(v);
        if (v->tx_nfree) {
            v->tx_waiting = false;
            uk_virtq_disable_interrupts(&v->tx);
            uk_netif_tx_ready(v->netif);
        }
    }
}

static void check_link(struct vnet *v)
{
    if (!uk_virtio_has(v->dev, NET_F_STATUS) || !v->netif)
        return;
    u16 status;
    v->dev->transport->read_config(v->dev, CFG_STATUS, &status, sizeof(status));
    bool up = status & NET_S_LINK_UP;
    if (up != v->nd.link_up) {
        v->nd.link_up = up;
        uk_netif_set_link(v->netif, up);
    }
}

static void interrupt(void *arg)
{
    struct vnet *v = arg;
    bool any = false;
    u32 cause;
    while ((cause = v->dev->transport->ack_interrupt(v->dev))) {
        if (cause & 2)
            check_link(v);
        service(v);
        any = true;
    }
    if (any)
        uk_net_kick();
}

static void poll_fn(struct uk_ktimer *t)
{
    struct vnet *v = (struct vnet *)t;
    check_link(v);
    service(v);
    uk_net_kick();
    uk_ktimer_set(&v->poll, uk_time_monotonic_ns() + POLL_NS);
}

static err_t transmit(struct netif *n, struct pbuf *p)
{
    struct vnet *v = n->state;
    reclaim_tx(v);
    if (p->tot_len > v->tx_size - v->hdr_len) {
        v->nd.stats.tx_errors++;
        return ERR_BUF;
    }
    u16 ndesc = v->split ? 2 : 1;
    if (!v->tx_nfree) {
        /* Full: an interrupt at the next completion, unless one came in meanwhile (then go on). */
        uk_virtq_enable_interrupts(&v->tx);
        reclaim_tx(v);
        if (!v->tx_nfree) {
            v->tx_waiting = true;
            v->nd.stats.tx_dropped++;
            return ERR_MEM;
        }
        if (!v->tx_waiting)
            uk_virtq_disable_interrupts(&v->tx);
    }
    u16 k = v->tx_free[--v->tx_nfree];
    u8 *slot = v->tx_bufs + (usize)k * v->tx_size;
    uk_memset(slot, 0, v->hdr_len);
    pbuf_copy_partial(p, slot + v->hdr_len, p->tot_len, 0);
    u64 pa = v->tx_pa + (u64)k * v->tx_size;
    struct uk_virtq_buf bufs[2] = {{pa, v->hdr_len + p->tot_len}};
    if (v->split) {
        bufs[0].len = v->hdr_len;
        bufs[1] = (struct uk_virtq_buf){pa + v->hdr_len, p->tot_len};
    }
    long r = uk_virtq_add(&v->tx, bufs, ndesc, 0, (void *)(uptr)(k + 1));
    UK_ASSERT(!r);
    uk_virtq_kick(&v->tx);
    if (v->tx_waiting) /* TCP holds back a frame dropped earlier: interrupt at the next completion */
        uk_virtq_enable_interrupts(&v->tx);
    v->nd.stats.tx_packets++;
    v->nd.stats.tx_bytes += p->tot_len;
    return ERR_OK;
}

/* count buffers of size bytes in one physically contiguous block: its address, 0 when memory is short. */
static u64 alloc_bufs(u32 count, u32 size, u8 **va)
{
    usize pages = UK_ALIGN_UP((usize)count * size, UK_PAGE_SIZE) / UK_PAGE_SIZE;
    u64 pa = uk_pmm_alloc(pages);
    if (pa)
        *va = uk_phys_to_virt(pa);
    return pa;
}

/* The features this driver negotiates, by name, for its boot-log line. */
static const struct uk_virtio_feature_name feature_names[] = {{NET_F_MAC, "mac"},
                                                              {NET_F_STATUS, "status"},
                                                              {NET_F_MTU, "mtu"},
                                                              {NET_F_MRG_RXBUF, "mrg_rxbuf"},
                                                              {UK_VIRTIO_F_EVENT_IDX, "event_idx"},
                                                              {UK_VIRTIO_F_ANY_LAYOUT, "any_layout"}};

long uk_virtio_net_attach(struct uk_virtio_dev *d)
{
    u64 wanted = UK_VIRTIO_BIT(NET_F_MAC) | UK_VIRTIO_BIT(NET_F_STATUS) | UK_VIRTIO_BIT(NET_F_MTU) |
                 UK_VIRTIO_BIT(NET_F_MRG_RXBUF) | UK_VIRTIO_BIT(UK_VIRTIO_F_EVENT_IDX);
    if (d->legacy)
        wanted |= UK_VIRTIO_BIT(UK_VIRTIO_F_ANY_LAYOUT);
    long r = uk_virtio_start(d, wanted);
    if (r)
        return r;
    struct vnet *v = uk_kzalloc(sizeof(*v));
    if (!v)
        goto nomem;
    v->dev = d;
    d->driver_data = v;
    v->mrg = uk_virtio_has(d, NET_F_MRG_RXBUF);
    v->split = d->legacy && !uk_virtio_has(d, UK_VIRTIO_F_ANY_LAYOUT);
    v->hdr_len = !d->legacy || v->mrg ? 12 : 10;
    if ((v->nd.has_mac = uk_virtio_has(d, NET_F_MAC)))
        d->transport->read_config(d, CFG_MAC, v->nd.mac, 6);
    u16 mtu = 0;
    if (uk_virtio_has(d, NET_F_MTU))
        d->transport->read_config(d, CFG_MTU, &mtu, sizeof(mtu));
    v->nd.mtu = mtu >= 68 ? UK_MIN(mtu, (u16)MAX_MTU) : 1500; /* below IPv4's minimum: the device is wrong */
    v->nd.link_up = true;
    if (uk_virtio_has(d, NET_F_STATUS)) {
        u16 status;
        d->transport->read_config(d, CFG_STATUS, &status, sizeof(status));
        v->nd.link_up = status & NET_S_LINK_UP;
    }
    v->tx_size = UK_ALIGN_UP(v->hdr_len + FRAME_OVERHEAD + v->nd.mtu, 64);
    v->rx_size = v->mrg ? MRG_BUF_SIZE : v->tx_size;
    if ((r = uk_virtq_init(d, RXQ, QUEUE_MAX, &v->rx)) || (r = uk_virtq_init(d, TXQ, QUEUE_MAX, &v->tx))) {
        uk_kfree(v);
        d->transport->set_status(d, UK_VIRTIO_S_FAILED);
        return r;
    }
    v->nrx = (u16)(v->rx.size / (v->split ? 2 : 1));
    v->ntx = (u16)(v->tx.size / (v->split ? 2 : 1));
    v->tx_free = uk_kzalloc(v->ntx * sizeof(u16));
    if (!v->tx_free || !(v->rx_pa = alloc_bufs(v->nrx, v->rx_size, &v->rx_bufs)) ||
        !(v->tx_pa = alloc_bufs(v->ntx, v->tx_size, &v->tx_bufs)))
        goto nomem; /* at boot: the queues stay with the failed device */
    for (u16 k = 0; k < v->ntx; k++)
        v->tx_free[v->tx_nfree++] = (u16)(v->ntx - 1 - k);
    for (u16 k = 0; k < v->nrx; k++)
        post_rx(v, k);
    v->polled = !uk_irq_register(d->irq, interrupt, v);
    uk_virtio_ready(d);
    uk_virtq_disable_interrupts(&v->tx);
    uk_virtq_enable_interrupts(&v->rx);
    uk_virtq_kick(&v->rx);

    v->nd.where = d->where;
    v->nd.transmit = transmit;
    v->nd.priv = v;
    if (!(v->netif = uk_netif_add(&v->nd)))
        uk_pr_warn("virtio: %s: no memory for its network interface\n", d->where);
    if (v->polled) {
        v->poll.fn = poll_fn;
        uk_ktimer_set(&v->poll, uk_time_monotonic_ns() + POLL_NS);
    }
    char feats[96];
    uk_pr_info("virtio: %s: network device %s, mtu %u, queues %u/%u, header %u, %s%s\n", d->where,
               v->netif ? uk_netif_name(v->netif) : "(none)", v->nd.mtu, v->rx.size, v->tx.size, v->hdr_len,
               uk_virtio_feature_list(d, feature_names, UK_ARRAY_SIZE(feature_names), feats, sizeof(feats)),
               v->polled ? ", polled (no interrupt line)" : "");
    return 0;
nomem:
    d->transport->set_status(d, UK_VIRTIO_S_FAILED);
    return -ENOMEM;
}
