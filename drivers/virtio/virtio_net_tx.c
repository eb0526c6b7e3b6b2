/* virtio_net_tx.c - the transmit path of virtio-net: one slot per descriptor chain, a stack of free ones, each
 * frame copied into a slot of its own (with HOST_TSO, lwIP's TCP segments are merged into large slots first:
 * virtio_net_tso.c); finished slots are reclaimed by the next transmit. A full queue asks for an
 * interrupt once there is room (then TCP sends what it held back, or a raw device's writers wake). lwIP's frames
 * go through uk_virtio_net_transmit, a raw device's through the slot functions. With CSUM the device completes
 * TCP checksums, which lwIP leaves at 0 on such an interface. */
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <uk/klibc.h>
#include <uk/print.h>
#include "virtio_net.h"

/* Takes every finished transmit slot back. */
void uk_virtio_net_tx_reclaim(struct vnet *v)
{
    void *c;
    while ((c = uk_virtq_next_used(&v->tx, NULL))) {
        uptr k = (uptr)c - 1;
        if (k < v->nsmall)
            v->tx_free[v->tx_nfree++] = (u16)k;
        else if (k < v->ntx)
            v->tso_free[v->tso_nfree++] = (u16)k;
    }
}

static u32 sum16(const u8 *b, u32 n, u32 sum)
{
    for (u32 i = 0; i + 1 < n; i += 2)
        sum += (u32)b[i] << 8 | b[i + 1];
    return sum;
}

/* With CSUM, a TCP frame (whose checksum lwIP left at 0 on this interface) gets its pseudo-header's sum in the
 * checksum field and a header telling the device where to sum from and where the result goes; with mss, the
 * device cuts it into segments of mss bytes (HOST_TSO: the sum covers the whole frame, as Linux expects). */
static void offload_csum(struct vnet *v, struct net_hdr *h, u8 *f, u32 len, u32 mss)
{
    u32 l4, plen, sum;
    u16 type = len >= 14 ? (u16)(f[12] << 8 | f[13]) : 0;
    const u8 *ip = f + 14;
    if (type == 0x0800 && len >= 14 + 20 && ip[9] == 6) {
        u32 ihl = (ip[0] & 15u) * 4, tot = (u32)ip[2] << 8 | ip[3];
        if (ihl < 20 || tot < ihl + 20 || 14 + tot > len || (ip[6] & 0x3f) || ip[7])
            goto bad; /* lwIP sends TCP segments whole, never as fragments */
        l4 = 14 + ihl;
        plen = tot - ihl;
        sum = sum16(ip + 12, 8, 6 + plen);
    } else if (type == 0x86dd && len >= 14 + 40 && ip[6] == 6) {
        plen = (u32)ip[4] << 8 | ip[5];
        l4 = 14 + 40;
        if (plen < 20 || l4 + plen > len)
            goto bad;
        sum = sum16(ip + 8, 32, 6 + plen);
    } else {
        return; /* not TCP: lwIP summed it */
    }
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    f[l4 + 16] = (u8)(sum >> 8);
    f[l4 + 17] = (u8)sum;
    h->flags = NET_HDR_F_NEEDS_CSUM;
    h->csum_start = (u16)l4;
    h->csum_offset = 16;
    if (mss) {
        h->gso_type = type == 0x0800 ? NET_HDR_GSO_TCPV4 : NET_HDR_GSO_TCPV6;
        h->gso_size = (u16)mss;
        h->hdr_len = (u16)(l4 + (f[l4 + 12] >> 4) * 4u);
    }
    return;
bad:
    v->nd.stats.tx_errors++;
}

int uk_virtio_net_tx_slot(struct vnet *v)
{
    uk_virtio_net_tx_reclaim(v);
    if (!v->tx_nfree) {
        /* Full: an interrupt at the next completion, unless one came in meanwhile (then go on). */
        uk_virtq_enable_interrupts(&v->tx);
        uk_virtio_net_tx_reclaim(v);
        if (!v->tx_nfree) {
            v->tx_waiting = true;
            return -1;
        }
        if (!v->tx_waiting)
            uk_virtq_disable_interrupts(&v->tx);
    }
    return v->tx_free[--v->tx_nfree];
}

int uk_virtio_net_tso_slot(struct vnet *v)
{
    if (!v->tso_nfree)
        uk_virtio_net_tx_reclaim(v);
    return v->tso_nfree ? v->tso_free[--v->tso_nfree] : -1;
}

static u64 slot_pa(struct vnet *v, u16 k)
{
    return k < v->nsmall ? v->tx_pa + (u64)k * v->tx_size : v->tso_pa + (u64)(k - v->nsmall) * v->tso_size;
}

u8 *uk_virtio_net_tx_slot_base(struct vnet *v, u16 k)
{
    return k < v->nsmall ? v->tx_bufs + (usize)k * v->tx_size : v->tso_bufs + (usize)(k - v->nsmall) * v->tso_size;
}

u8 *uk_virtio_net_tx_frame(struct vnet *v, u16 k) { return uk_virtio_net_tx_slot_base(v, k) + v->hdr_len; }

void uk_virtio_net_tx_unslot(struct vnet *v, u16 k) { v->tx_free[v->tx_nfree++] = k; }

void uk_virtio_net_tx_send(struct vnet *v, u16 k, u32 len, u32 mss)
{
    u8 *slot = uk_virtio_net_tx_slot_base(v, k);
    uk_memset(slot, 0, v->hdr_len);
    if (v->csum_tx)
        offload_csum(v, (struct net_hdr *)slot, slot + v->hdr_len, len, mss);
    u64 pa = slot_pa(v, k);
    struct uk_virtq_buf bufs[2] = {{pa, v->hdr_len + len}};
    if (v->split) {
        bufs[0].len = v->hdr_len;
        bufs[1] = (struct uk_virtq_buf){pa + v->hdr_len, len};
    }
    long r = uk_virtq_add(&v->tx, bufs, v->split ? 2 : 1, 0, (void *)(uptr)(k + 1));
    UK_ASSERT(!r);
    uk_virtq_kick(&v->tx);
    if (v->tx_waiting) /* a sender waits for room: interrupt at the next completion */
        uk_virtq_enable_interrupts(&v->tx);
    v->nd.stats.tx_packets++;
    v->nd.stats.tx_bytes += len;
}

s8 uk_virtio_net_transmit(struct netif *n, struct pbuf *p)
{
    struct vnet *v = n->state;
    if (p->tot_len > v->tx_size - v->hdr_len) {
        v->nd.stats.tx_errors++;
        return ERR_BUF;
    }
    if ((v->tso4 || v->tso6) && uk_virtio_net_tso_add(v, p))
        return ERR_OK;
    int k = uk_virtio_net_tx_slot(v);
    if (k < 0) { /* TCP holds the segment back until uk_netif_tx_ready */
        v->nd.stats.tx_dropped++;
        return ERR_MEM;
    }
    pbuf_copy_partial(p, uk_virtio_net_tx_frame(v, (u16)k), p->tot_len, 0);
    uk_virtio_net_tx_send(v, (u16)k, p->tot_len, 0);
    return ERR_OK;
}
