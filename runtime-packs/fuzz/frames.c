/* frames.c - what the network harness reads and repairs in Ethernet frames: where the transport header is, and
 * the Internet checksums (RFC 1071; IPv4 pseudo header RFC 793/768, IPv6 RFC 8200 section 8.1), so that mutated
 * frames still reach TCP and UDP instead of dying at the first checksum. */
#include "net.h"

static u32 sum(const u8 *p, u32 n, u32 acc)
{
    for (; n > 1; p += 2, n -= 2)
        acc += fz_get16(p);
    if (n)
        acc += (u32)p[0] << 8;
    return acc;
}

static u16 fold(u32 acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (u16)~acc;
}

/* The IP header's offset and length, the protocol, the L4 offset and length; false when not IPv4/IPv6 or a
 * fragment. */
static bool ip_of(const u8 *f, u32 len, u32 *ip_off, u8 *proto, u32 *l4_off, u32 *l4_len, bool *v6)
{
    if (len < 14)
        return false;
    u16 type = fz_get16(f + 12);
    *ip_off = 14;
    const u8 *ip = f + 14;
    if (type == 0x0800 && len >= 14 + 20 && (ip[0] >> 4) == 4) {
        u32 ihl = (u32)(ip[0] & 15) * 4, total = fz_get16(ip + 2);
        if (ihl < 20 || total < ihl || 14 + total > len)
            return false;
        *v6 = false;
        *proto = ip[9];
        *l4_off = 14 + ihl;
        *l4_len = total - ihl;
        return !(fz_get16(ip + 6) & 0x3fff); /* MF or an offset: a fragment */
    }
    if (type == 0x86dd && len >= 14 + 40 && (ip[0] >> 4) == 6) {
        u32 plen = fz_get16(ip + 4);
        if (14 + 40 + plen > len)
            return false;
        *v6 = true;
        *proto = ip[6];
        *l4_off = 14 + 40;
        *l4_len = plen;
        return true;
    }
    return false;
}

bool fz_frame_l4(const u8 *f, u32 len, struct fz_l4 *out)
{
    u32 ip_off;
    bool v6;
    if (!ip_of(f, len, &ip_off, &out->proto, &out->l4_off, &out->l4_len, &v6))
        return false;
    const u8 *l4 = f + out->l4_off;
    if (out->proto == 6 && out->l4_len >= 20) {
        u32 doff = (u32)(l4[12] >> 4) * 4;
        if (doff < 20 || doff > out->l4_len)
            return false;
        out->sport = fz_get16(l4);
        out->dport = fz_get16(l4 + 2);
        out->seq = fz_get32(l4 + 4);
        out->ack = fz_get32(l4 + 8);
        out->flags = l4[13];
        out->payload = out->l4_len - doff;
        return true;
    }
    if (out->proto == 17 && out->l4_len >= 8) {
        out->sport = fz_get16(l4);
        out->dport = fz_get16(l4 + 2);
        return true;
    }
    return out->proto == 1 || out->proto == 58;
}

void fz_frame_fix_checksums(u8 *f, u32 len)
{
    if (len >= 14 + 20 && fz_get16(f + 12) == 0x0800 && (f[14] >> 4) == 4) {
        u32 ihl = (u32)(f[14] & 15) * 4;
        if (ihl >= 20 && 14 + ihl <= len) {
            fz_put16(f + 14 + 10, 0);
            fz_put16(f + 14 + 10, fold(sum(f + 14, ihl, 0)));
        }
    }
    u32 ip_off, l4_off, l4_len;
    u8 proto;
    bool v6;
    if (!ip_of(f, len, &ip_off, &proto, &l4_off, &l4_len, &v6))
        return;
    u32 at = proto == 6 ? 16 : proto == 17 ? 6 : 2; /* the checksum's offset in the L4 header */
    if ((proto != 6 && proto != 17 && proto != 1 && proto != 58) || l4_len < at + 2)
        return;
    u8 *l4 = f + l4_off;
    fz_put16(l4 + at, 0);
    u32 acc = 0;
    if (proto != 1) { /* the pseudo header: addresses, length, protocol (ICMPv4 has none) */
        acc = v6 ? sum(f + ip_off + 8, 32, 0) : sum(f + ip_off + 12, 8, 0);
        acc += l4_len + proto;
    }
    u16 c = fold(sum(l4, l4_len, acc));
    fz_put16(l4 + at, proto == 17 && !c ? 0xffff : c);
}
