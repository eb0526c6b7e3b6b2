/* virtio_net_rx.c - the receive path of virtio-net: a pool of buffers (twice the queue's size, more in a larger
 * guest), the device holding up to a queue's worth. A frame goes to lwIP in the buffers the device wrote (a chain of custom
 * pbufs, no copy); lwIP and the socket layer keep them until the program has read the data, and pbuf_free
 * gives each back to the pool, which posts it again. Small frames, and any frame when lent buffers would
 * leave the device short, are copied instead and their buffers posted again at once, so a program that
 * does not read cannot starve the device. Lengths and buffer counts the device reports are checked, never
 * trusted: a malformed frame is dropped and counted (rx_errors), one lwIP cannot take as well (rx_dropped).
 * With GUEST_CSUM, frames the device marks as checked or as carrying a partial checksum skip lwIP's TCP and
 * UDP checksum checks (the other frames are checked as usual). A raw device's checked frames go to its queue
 * (virtio_net_raw.c) instead of lwIP. */
#include <lwip/netif.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include "virtio_net.h"

#define COPY_BREAK 256   /* frames up to this size are copied: their buffers go back to the device at once */
#define RX_POOL_MAX 8192 /* receive buffers at most */

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
    UK_ASSERT(!r); /* at most nrx buffers are posted, and the queue has descriptors for nrx */
    v->rx_posted++;
}

/* Posts free buffers until the device holds its share. */
static void refill(struct vnet *v)
{
    while (v->rx_posted < v->nrx && v->rx_nfree)
        post_rx(v, v->rx_free[--v->rx_nfree]);
}

/* lwIP freed a pbuf of ours: the buffer is free again, and goes back to the device if it is short. */
static void release(struct pbuf *p)
{
    struct vnet_rxbuf *b = (struct vnet_rxbuf *)p;
    struct vnet *v = b->v;
    v->rx_free[v->rx_nfree++] = b->k;
    if (v->rx_posted < v->nrx) {
        refill(v);
        uk_virtq_kick(&v->rx);
    }
}

/* The next used receive buffer: its index, or -1 when none (or the device named no buffer of ours). */
static int next_rx(struct vnet *v, u32 *len)
{
    u64 bad = v->rx.bad_used;
    void *c = uk_virtq_next_used(&v->rx, len);
    v->nd.stats.rx_errors += v->rx.bad_used - bad; /* elements that named no buffer of ours */
    if (!c)
        return -1;
    v->rx_posted--;
    uptr k = (uptr)c - 1;
    return k < v->nbuf ? (int)k : -1;
}

/* The frame in buffers parts[0..n) (lengths lens, the first starting with the header), total bytes after the
 * header: a pbuf chain over the buffers themselves, NULL when memory is short (the buffers are then free). */
static struct pbuf *lend(struct vnet *v, const u16 *parts, const u32 *lens, u32 n)
{
    struct pbuf *head = NULL;
    for (u32 i = 0; i < n; i++) {
        struct vnet_rxbuf *b = &v->rxb[parts[i]];
        u32 skip = i ? 0 : v->hdr_len;
        u8 *data = v->rx_bufs + (usize)parts[i] * v->rx_size + skip;
        b->pc.custom_free_function = release;
        struct pbuf *p =
            pbuf_alloced_custom(PBUF_RAW, (u16)(lens[i] - skip), PBUF_REF, &b->pc, data, (u16)(v->rx_size - skip));
        if (!p) { /* cannot happen for PBUF_RAW: the buffers still free themselves with the chain */
            for (u32 j = i; j < n; j++)
                v->rx_free[v->rx_nfree++] = parts[j];
            if (head)
                pbuf_free(head);
            return NULL;
        }
        if (head)
            pbuf_cat(head, p);
        else
            head = p;
    }
    return head;
}

void uk_virtio_net_rx_gather(struct vnet *v, const u16 *parts, const u32 *lens, u32 n, u8 *dst)
{
    u32 off = 0;
    for (u32 i = 0; i < n; i++) {
        u32 skip = i ? 0 : v->hdr_len;
        if (dst)
            uk_memcpy(dst + off, v->rx_bufs + (usize)parts[i] * v->rx_size + skip, lens[i] - skip);
        off += lens[i] - skip;
        v->rx_free[v->rx_nfree++] = parts[i];
    }
}

/* The frame copied into one pbuf (NULL when memory is short); its buffers are free again either way. */
static struct pbuf *copy(struct vnet *v, const u16 *parts, const u32 *lens, u32 n, u32 total)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16)total, PBUF_RAM); /* PBUF_RAM: one piece */
    uk_virtio_net_rx_gather(v, parts, lens, n, p ? p->payload : NULL);
    return p;
}

/* One frame starting in buffer first (len bytes): its buffers (several with MRG_RXBUF) checked and the frame
 * given to lwIP. */
static void receive_one(struct vnet *v, int first, u32 len)
{
    u16 parts[MAX_PARTS];
    u32 lens[MAX_PARTS];
    const struct net_hdr *h = (const struct net_hdr *)(v->rx_bufs + (usize)first * v->rx_size);
    u32 nparts = v->mrg && len >= v->hdr_len ? h->num_buffers : 1;
    u8 hflags = len >= v->hdr_len ? h->flags : 0;
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
    if (bad || (!v->netif && !v->raw)) {
        if (bad) {
            v->nd.stats.rx_errors++;
            uk_pr_debug("virtio: %s: malformed frame dropped (length %u, %u buffers)\n", v->dev->where, len, nparts);
        } else
            v->nd.stats.rx_dropped++;
        for (u32 i = 0; i < n; i++)
            v->rx_free[v->rx_nfree++] = parts[i];
        return;
    }
    if (v->raw) { /* the program's: copied to its queue, never to lwIP */
        uk_virtio_net_raw_receive(v, parts, lens, n, total);
        return;
    }
    u32 lent = v->nbuf - v->rx_nfree - v->rx_posted; /* including this frame's */
    struct pbuf *p = total <= COPY_BREAK || lent > (u32)(v->nbuf - v->nrx) ? copy(v, parts, lens, n, total)
                                                                           : lend(v, parts, lens, n);
    if (!p) {
        v->nd.stats.rx_dropped++;
        return;
    }
    v->nd.stats.rx_packets++;
    v->nd.stats.rx_bytes += total;
    u16 flags = v->chksum_flags;
    if (v->csum_rx && (hflags & (NET_HDR_F_NEEDS_CSUM | NET_HDR_F_DATA_VALID)))
        flags &= (u16) ~(NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP);
    NETIF_SET_CHECKSUM_CTRL(v->netif, flags); /* lwIP checks while it takes the frame, before input returns */
    if (v->netif->input(p, v->netif) != ERR_OK)
        pbuf_free(p);
    NETIF_SET_CHECKSUM_CTRL(v->netif, v->chksum_flags);
}

bool uk_virtio_net_rx_drain(struct vnet *v)
{
    bool any = false;
    do {
        int k;
        u32 len;
        while ((k = next_rx(v, &len)) >= 0) {
            receive_one(v, k, len);
            any = true;
        }
        refill(v);
        if (any)
            uk_virtq_kick(&v->rx);
    } while (uk_virtq_enable_interrupts(&v->rx));
    return any;
}

long uk_virtio_net_rx_setup(struct vnet *v)
{
    v->nrx = (u16)(v->rx.size / (v->split ? 2 : 1));
    /* Frames stay lent to lwIP until the program reads them, so busy connections (each up to its receive window)
     * hold many buffers: two queues' worth at least, up to 1/64 of the guest's memory where there is more (1 GiB:
     * 16 MiB), so that many busy connections do not push every frame onto the copying path. Less when memory is
     * too fragmented for one run of frames. */
    usize floor = 2 * (usize)v->nrx;
    usize want = UK_MAX(floor, UK_MIN(uk_pmm_total_pages() * UK_PAGE_SIZE / 64 / v->rx_size, (usize)RX_POOL_MAX));
    for (;; want = UK_MAX(floor, want / 2)) {
        usize pages = UK_ALIGN_UP(want * v->rx_size, UK_PAGE_SIZE) / UK_PAGE_SIZE;
        if ((v->rx_pa = uk_pmm_alloc(pages, UK_MEM_DEVICES)) || want == floor)
            break;
    }
    v->nbuf = (u16)want;
    v->rxb = uk_kzalloc(v->nbuf * sizeof(*v->rxb));
    v->rx_free = uk_kzalloc(v->nbuf * sizeof(u16));
    if (!v->rxb || !v->rx_free || !v->rx_pa)
        return -ENOMEM;
    v->rx_bufs = uk_phys_to_virt(v->rx_pa);
    for (u16 k = 0; k < v->nbuf; k++) {
        v->rxb[k] = (struct vnet_rxbuf){.v = v, .k = k};
        v->rx_free[v->rx_nfree++] = (u16)(v->nbuf - 1 - k);
    }
    refill(v);
    return 0;
}
