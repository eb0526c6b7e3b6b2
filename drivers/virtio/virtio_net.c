/* virtio_net.c - virtio network devices (virtio 1.x section 5.1) as the interfaces en0, en1, … (lib/net's
 * netif.h), on every transport: feature negotiation, the interrupt and the link. One receive and one transmit
 * queue; the receive path is virtio_net_rx.c, the transmit path virtio_net_tx.c. The interrupt handler feeds lwIP
 * directly (interrupts are only taken while the program runs or the CPU idles, never inside another kernel call),
 * and once a full transmit queue has room again it lets TCP send what it held back. Features: MAC, STATUS (link),
 * MTU, MRG_RXBUF, EVENT_IDX, CSUM, GUEST_CSUM, GUEST_TSO4/6 (TCP segments up to 64 KiB received whole, with
 * MRG_RXBUF only), HOST_TSO4/6 (lwIP's segments merged into frames of up to 64 KiB: virtio_net_tso.c), and
 * ANY_LAYOUT on legacy devices. A device the
 * command line leaves to the program (net.raw=) negotiates no offload and is /dev/net/<name> (virtio_net_raw.c)
 * instead of an lwIP interface. */
#include "virtio_net.h"
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <uk/errno.h>
#include <uk/file.h>
#include <uk/irq.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/netif.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/socket.h>
#include <uk/time.h>
#include <uk/virtio.h>

#define POLL_NS 1000000ULL /* without an interrupt line */

/* Configuration space: mac at 0, status at 6, max_virtqueue_pairs at 8, mtu at 10 */
#define CFG_MAC 0
#define CFG_STATUS 6
#define CFG_MTU 10

/* Receives everything the device finished, then lets TCP send again when the transmit queue had filled. */
static void service(struct vnet *v)
{
    uk_virtio_net_rx_drain(v);
    if (v->tx_waiting) {
        uk_virtio_net_tx_reclaim(v);
        if (v->tx_nfree) {
            v->tx_waiting = false;
            uk_virtq_disable_interrupts(&v->tx);
            if (v->raw)
                uk_virtio_net_raw_notify(v, UK_POLLOUT);
            else
                uk_netif_tx_ready(v->netif);
        }
    }
}

static void check_link(struct vnet *v)
{
    if (!uk_virtio_has(v->dev, NET_F_STATUS) || (!v->netif && !v->raw))
        return;
    u16 status;
    v->dev->transport->read_config(v->dev, CFG_STATUS, &status, sizeof(status));
    bool up = status & NET_S_LINK_UP;
    if (up != v->nd.link_up) {
        v->nd.link_up = up;
        if (v->raw)
            uk_virtio_net_raw_notify(v, UK_POLLIN | UK_POLLOUT);
        else
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

/* count transmit slots of size bytes in one physically contiguous block: its address, 0 when memory is short. */
static u64 alloc_bufs(u32 count, u32 size, u8 **va)
{
    usize pages = UK_ALIGN_UP((usize)count * size, UK_PAGE_SIZE) / UK_PAGE_SIZE;
    u64 pa = uk_pmm_alloc(pages, UK_MEM_DEVICES);
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
                                                              {UK_VIRTIO_F_ANY_LAYOUT, "any_layout"},
                                                              {NET_F_CSUM, "csum"},
                                                              {NET_F_GUEST_CSUM, "guest_csum"},
                                                              {NET_F_GUEST_TSO4, "guest_tso4"},
                                                              {NET_F_GUEST_TSO6, "guest_tso6"},
                                                              {NET_F_HOST_TSO4, "host_tso4"},
                                                              {NET_F_HOST_TSO6, "host_tso6"}};

/* Large segments received need merged buffers (else every buffer would be 64 KiB) and partial checksums; large
 * segments sent need the device to complete checksums (virtio 1.x 5.1.3.1). */
static u64 select_features(u64 f)
{
    if (!(f & UK_VIRTIO_BIT(NET_F_MRG_RXBUF)) || !(f & UK_VIRTIO_BIT(NET_F_GUEST_CSUM)))
        f &= ~(UK_VIRTIO_BIT(NET_F_GUEST_TSO4) | UK_VIRTIO_BIT(NET_F_GUEST_TSO6));
    if (!(f & UK_VIRTIO_BIT(NET_F_CSUM)))
        f &= ~(UK_VIRTIO_BIT(NET_F_HOST_TSO4) | UK_VIRTIO_BIT(NET_F_HOST_TSO6));
    return f;
}

static void flush(struct netif *n) { uk_virtio_net_tso_flush(n->state); }

/* Frames on the transmit queue that the device has not used yet (the finished ones are reclaimed here). */
static bool tx_busy(struct netif *n)
{
    struct vnet *v = n->state;
    uk_virtio_net_tx_reclaim(v);
    return v->tx.num_free < v->tx.size;
}

long uk_virtio_net_attach(struct uk_virtio_dev *d)
{
    char raw_name[8];
    bool raw = uk_netif_take_raw(raw_name);
    u64 wanted = UK_VIRTIO_BIT(NET_F_MAC) | UK_VIRTIO_BIT(NET_F_STATUS) | UK_VIRTIO_BIT(NET_F_MTU) |
                 UK_VIRTIO_BIT(NET_F_MRG_RXBUF) | UK_VIRTIO_BIT(UK_VIRTIO_F_EVENT_IDX);
    if (!raw) /* a raw device's frames stay plain Ethernet: checksums complete, no segment larger than the MTU */
        wanted |= UK_VIRTIO_BIT(NET_F_CSUM) | UK_VIRTIO_BIT(NET_F_GUEST_CSUM) | UK_VIRTIO_BIT(NET_F_GUEST_TSO4) |
                  UK_VIRTIO_BIT(NET_F_GUEST_TSO6) | UK_VIRTIO_BIT(NET_F_HOST_TSO4) | UK_VIRTIO_BIT(NET_F_HOST_TSO6);
    if (d->legacy)
        wanted |= UK_VIRTIO_BIT(UK_VIRTIO_F_ANY_LAYOUT);
    long r = uk_virtio_start(d, wanted, select_features);
    if (r)
        return r;
    struct vnet *v = uk_kzalloc(sizeof(*v));
    if (!v)
        goto nomem;
    v->dev = d;
    d->driver_data = v;
    v->mrg = uk_virtio_has(d, NET_F_MRG_RXBUF);
    v->split = d->legacy && !uk_virtio_has(d, UK_VIRTIO_F_ANY_LAYOUT);
    v->csum_tx = uk_virtio_has(d, NET_F_CSUM);
    v->csum_rx = uk_virtio_has(d, NET_F_GUEST_CSUM);
    v->tso4 = uk_virtio_has(d, NET_F_HOST_TSO4);
    v->tso6 = uk_virtio_has(d, NET_F_HOST_TSO6);
    v->tso.k = -1;
    v->chksum_flags =
        (u16)(v->csum_tx ? NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_TCP : NETIF_CHECKSUM_ENABLE_ALL);
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
    v->ntx = (u16)(v->tx.size / (v->split ? 2 : 1));
    v->nsmall = v->ntx;
    if ((v->tso4 || v->tso6) && v->ntx >= 4 * TSO_SLOTS) {
        v->nsmall = (u16)(v->ntx - TSO_SLOTS);
        v->tso_size = UK_ALIGN_UP(v->hdr_len + 14 + 40 + 65535, 64); /* Ethernet, IPv6, the largest payload */
        if (!(v->tso_free = uk_kzalloc(TSO_SLOTS * sizeof(u16))) ||
            !(v->tso_pa = alloc_bufs(TSO_SLOTS, v->tso_size, &v->tso_bufs)))
            goto nomem;
        for (u16 k = 0; k < TSO_SLOTS; k++)
            v->tso_free[v->tso_nfree++] = (u16)(v->ntx - 1 - k);
    } else {
        v->tso4 = v->tso6 = false; /* a queue too short to spare slots: segments go one by one */
    }
    v->tx_free = uk_kzalloc(v->nsmall * sizeof(u16));
    if (!v->tx_free || uk_virtio_net_rx_setup(v) || !(v->tx_pa = alloc_bufs(v->nsmall, v->tx_size, &v->tx_bufs)))
        goto nomem; /* at boot: the queues stay with the failed device */
    for (u16 k = 0; k < v->nsmall; k++)
        v->tx_free[v->tx_nfree++] = (u16)(v->nsmall - 1 - k);
    v->polled = !uk_irq_register(d->irq, interrupt, v);
    uk_virtio_ready(d);
    uk_virtq_disable_interrupts(&v->tx);
    uk_virtq_enable_interrupts(&v->rx);
    uk_virtq_kick(&v->rx);

    v->nd.where = d->where;
    v->nd.transmit = uk_virtio_net_transmit;
    if (v->tso4 || v->tso6)
        v->nd.flush = flush;
    v->nd.tx_busy = tx_busy;
    v->nd.priv = v;
    if (raw) {
        if (uk_virtio_net_raw_attach(v, raw_name))
            uk_pr_warn("virtio: %s: no memory for its raw device %s\n", d->where, raw_name);
    } else if (!(v->netif = uk_netif_add(&v->nd)))
        uk_pr_warn("virtio: %s: no memory for its network interface\n", d->where);
    else
        NETIF_SET_CHECKSUM_CTRL(v->netif, v->chksum_flags);
    if (v->polled) {
        v->poll.fn = poll_fn;
        uk_ktimer_set(&v->poll, uk_time_monotonic_ns() + POLL_NS);
    }
    char feats[160];
    uk_pr_info("virtio: %s: network device %s%s, mtu %u, queues %u/%u, header %u, %s%s\n", d->where,
               v->netif ? uk_netif_name(v->netif)
               : v->raw ? raw_name
                        : "(none)",
               v->raw ? " (raw, /dev/net)" : "", v->nd.mtu, v->rx.size, v->tx.size, v->hdr_len,
               uk_virtio_feature_list(d, feature_names, UK_ARRAY_SIZE(feature_names), feats, sizeof(feats)),
               v->polled ? ", polled (no interrupt line)" : "");
    return 0;
nomem:
    d->transport->set_status(d, UK_VIRTIO_S_FAILED);
    return -ENOMEM;
}
