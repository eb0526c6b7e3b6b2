/* virtio_net_tso.c - HOST_TSO: lwIP sends TCP in segments of one MSS; consecutive segments of one connection that
 * leave in one go (one call into lwIP: a send, an ACK that opens the window, a timer) are copied into one large
 * transmit slot as a single frame of up to 64 KiB, which the device (the host's TCP/IP stack behind it) cuts into
 * segments of the first one's size again. One copy per segment as before, but one descriptor, one notification
 * and one pass through the host's stack per frame instead of per segment. A frame grows while segments continue it
 * exactly: same addresses, ports, acknowledgement, window and options, the next sequence number, ACK as the only
 * flag (PSH or FIN allowed on the last one, as the device puts them on its last segment), the same size (a
 * shorter one ends the frame). Anything else sends the frame first, so the device sees frames in lwIP's order;
 * what is still merging when lwIP returns is sent by uk_netif_flush (lib/net). */
#include <lwip/inet_chksum.h>
#include <lwip/pbuf.h>
#include <uk/klibc.h>
#include "virtio_net.h"

#define ETH 14
#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define IP_MAX 65535 /* an IPv4 total length, an IPv6 payload length */

/* A TCP segment's layout: TCP header at l4, payload at hlen (payload bytes), sequence number, flags. */
struct seg {
    u32 l4, hlen, payload, seq;
    u8 flags;
    bool v6;
};

static u32 be16(const u8 *b) { return (u32)b[0] << 8 | b[1]; }
static u32 be32(const u8 *b) { return be16(b) << 16 | be16(b + 2); }

/* Whether the frame f (len bytes, as lwIP built it: no IP options, no IPv6 extension headers) is a TCP segment
 * we may merge, and its layout. */
static bool parse(struct vnet *v, const u8 *f, u32 len, struct seg *s)
{
    u32 type = len >= ETH + 40 ? be16(f + 12) : 0, iplen;
    const u8 *ip = f + ETH;
    if (type == 0x0800 && v->tso4) {
        if (ip[0] != 0x45 || ip[9] != 6 || (be16(ip + 6) & 0x3fff)) /* IHL 5, TCP, no fragment */
            return false;
        iplen = be16(ip + 2);
        s->l4 = ETH + 20;
        s->v6 = false;
    } else if (type == 0x86dd && v->tso6) {
        if (ip[6] != 6)
            return false;
        iplen = 40 + be16(ip + 4);
        s->l4 = ETH + 40;
        s->v6 = true;
    } else {
        return false;
    }
    if (ETH + iplen > len || s->l4 + 20 > ETH + iplen)
        return false;
    s->hlen = s->l4 + (f[s->l4 + 12] >> 4) * 4u;
    if (s->hlen < s->l4 + 20 || s->hlen > ETH + iplen)
        return false;
    s->payload = ETH + iplen - s->hlen;
    s->seq = be32(f + s->l4 + 4);
    s->flags = f[s->l4 + 13];
    return true;
}

/* Whether the headers of f (layout s) equal those of the frame being merged, g, but for the fields that differ
 * from segment to segment: IPv4's total length, identification and checksum; TCP's sequence number, flags and
 * checksum. */
static bool same_headers(const u8 *g, const u8 *f, const struct seg *s)
{
    const u32 l4 = s->l4;
    if (uk_memcmp(g, f, ETH))
        return false;
    if (s->v6 ? uk_memcmp(g + ETH, f + ETH, 4) || uk_memcmp(g + ETH + 6, f + ETH + 6, 34)
              : uk_memcmp(g + ETH, f + ETH, 2) || uk_memcmp(g + ETH + 6, f + ETH + 6, 4) ||
                    uk_memcmp(g + ETH + 12, f + ETH + 12, 8))
        return false;
    return !uk_memcmp(g + l4, f + l4, 4) && !uk_memcmp(g + l4 + 8, f + l4 + 8, 5) &&
           !uk_memcmp(g + l4 + 14, f + l4 + 14, 2) && !uk_memcmp(g + l4 + 18, f + l4 + 18, s->hlen - l4 - 18);
}

void uk_virtio_net_tso_flush(struct vnet *v)
{
    struct vnet_tso *t = &v->tso;
    if (t->k < 0)
        return;
    u8 *f = uk_virtio_net_tx_frame(v, (u16)t->k);
    u8 *ip = f + ETH;
    if (t->v6) {
        u32 plen = t->len - ETH - 40;
        ip[4] = (u8)(plen >> 8);
        ip[5] = (u8)plen;
    } else {
        /* The header's checksum is for the frame as sent: a host that takes it whole (no segmenting on local
         * delivery) checks it. */
        u32 tot = t->len - ETH;
        ip[2] = (u8)(tot >> 8);
        ip[3] = (u8)tot;
        ip[10] = ip[11] = 0;
        u16 sum = inet_chksum(ip, 20); /* in network order, as it goes into the header */
        uk_memcpy(ip + 10, &sum, 2);
    }
    uk_virtio_net_tx_send(v, (u16)t->k, t->len, t->segs > 1 ? t->mss : 0);
    if (t->segs > 1)
        v->nd.stats.tx_packets += t->segs - 1;
    t->k = -1;
}

bool uk_virtio_net_tso_add(struct vnet *v, struct pbuf *p)
{
    struct vnet_tso *t = &v->tso;
    u8 copy[ETH + 40 + 60]; /* Ethernet, IPv6 and the largest TCP header */
    u32 n = UK_MIN(p->tot_len, sizeof(copy));
    const u8 *head = p->payload; /* lwIP builds the headers in the first pbuf: copied only when it did not */
    if (p->len < n) {
        n = pbuf_copy_partial(p, copy, (u16)n, 0);
        head = copy;
    }
    struct seg s;
    if (!parse(v, head, p->tot_len, &s) || s.hlen > n || !s.payload) {
        uk_virtio_net_tso_flush(v);
        return false;
    }
    if (t->k >= 0) {
        u8 *g = uk_virtio_net_tx_frame(v, (u16)t->k);
        u8 extra = s.flags & (u8) ~(TCP_PSH | TCP_FIN);
        if (s.v6 == t->v6 && s.hlen == t->hlen && s.seq == t->next_seq && s.payload <= t->mss && extra == TCP_ACK &&
            t->len + s.payload - ETH - (s.v6 ? 40 : 0) <= IP_MAX && same_headers(g, head, &s)) {
            pbuf_copy_partial(p, g + t->len, (u16)s.payload, (u16)s.hlen);
            t->len += s.payload;
            t->next_seq += s.payload;
            t->segs++;
            g[t->l4 + 13] |= s.flags; /* PSH, FIN: on the device's last segment */
            if (s.payload < t->mss || (s.flags & (TCP_PSH | TCP_FIN)))
                uk_virtio_net_tso_flush(v);
            return true;
        }
        uk_virtio_net_tso_flush(v);
    }
    /* Only a plain full segment starts a frame: one with PSH or FIN would end it at once. */
    if (s.flags != TCP_ACK)
        return false;
    int k = uk_virtio_net_tso_slot(v);
    if (k < 0)
        return false;
    pbuf_copy_partial(p, uk_virtio_net_tx_frame(v, (u16)k), p->tot_len, 0);
    *t = (struct vnet_tso){.k = k,
                           .len = p->tot_len,
                           .l4 = s.l4,
                           .hlen = s.hlen,
                           .mss = s.payload,
                           .next_seq = s.seq + s.payload,
                           .segs = 1,
                           .v6 = s.v6};
    return true;
}
