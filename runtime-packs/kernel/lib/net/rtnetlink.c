/* rtnetlink.c - NETLINK_ROUTE's answers, in Linux's formats: dumps of the links (RTM_GETLINK: ifinfomsg with
 * name, MTU, operational state, queue length, MAC and broadcast addresses, carrier and counters) and of the
 * addresses (RTM_GETADDR, all families or one: ifaddrmsg with prefix length, scope and flags, then the address,
 * IPv4's local and broadcast addresses and label, lifetimes), a link by index or name, and the message framing
 * of every reply (multi-part dumps ending in NLMSG_DONE, NLMSG_ERROR for errors and acknowledgements). What
 * lwIP's interfaces cannot change here (new or deleted links, addresses, routes) is EOPNOTSUPP. */
#include <lwip/ip6_addr.h>
#include <lwip/netif.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/print.h>
#include <uk/socket.h>
#include <uk/time.h>
#include "ifinfo.h"
#include "netlink.h"

#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define RTM_NEWADDR 20
#define RTM_GETADDR 22
#define IFLA_ADDRESS 1
#define IFLA_BROADCAST 2
#define IFLA_IFNAME 3
#define IFLA_MTU 4
#define IFLA_STATS 7
#define IFLA_TXQLEN 13
#define IFLA_OPERSTATE 16
#define IFLA_LINKMODE 17
#define IFLA_STATS64 23
#define IFLA_CARRIER 33
#define IFA_ADDRESS 1
#define IFA_LOCAL 2
#define IFA_LABEL 3
#define IFA_BROADCAST 4
#define IFA_CACHEINFO 6
#define IFA_FLAGS 8
#define IF_OPER_UNKNOWN 0
#define IF_OPER_DOWN 2
#define IF_OPER_UP 6

struct ifinfomsg_k {
    u8 family, pad;
    u16 type;
    s32 index;
    u32 flags, change;
};

struct ifaddrmsg_k {
    u8 family, prefixlen, flags, scope;
    u32 index;
};

struct ifa_cacheinfo_k {
    u32 prefered, valid, cstamp, tstamp;
};

/* Framing */

void *uk_nl_begin(struct nlreply *r, u16 type, u16 flags, u32 body)
{
    r->mlen = NLMSG_HDRLEN + NLMSG_ALIGN(body);
    uk_memset(r->msg, 0, r->mlen);
    struct nlmsghdr_k *h = (struct nlmsghdr_k *)r->msg;
    h->type = type, h->flags = flags, h->seq = r->seq, h->pid = r->portid;
    return r->msg + NLMSG_HDRLEN;
}

void uk_nl_attr(struct nlreply *r, u16 type, const void *data, u32 len)
{
    u32 size = NLMSG_ALIGN(4 + len);
    UK_ASSERT(r->mlen + size <= NL_MSG_MAX);
    struct rtattr_k a = {(u16)(4 + len), type};
    uk_memset(r->msg + r->mlen, 0, size);
    uk_memcpy(r->msg + r->mlen, &a, sizeof(a));
    uk_memcpy(r->msg + r->mlen + 4, data, len);
    r->mlen += size;
}

void uk_nl_end(struct nlreply *r)
{
    ((struct nlmsghdr_k *)r->msg)->len = r->mlen;
    if (r->dlen + r->mlen > NL_DGRAM_MAX)
        uk_nl_flush(r);
    uk_memcpy(r->dgram + r->dlen, r->msg, r->mlen);
    r->dlen += r->mlen;
}

void uk_nl_flush(struct nlreply *r)
{
    if (r->dlen)
        uk_nl_queue(r);
    r->dlen = 0;
}

void uk_nl_done(struct nlreply *r)
{
    uk_nl_begin(r, NLMSG_DONE, NLM_F_MULTI, 4); /* status 0 */
    uk_nl_end(r);
}

void uk_nl_error(struct nlreply *r, long err, const struct nlmsghdr_k *req)
{
    /* an acknowledgement echoes the request's header; an error its whole message, when it fits */
    u32 echo = err && req->len <= NL_MSG_MAX - 2 * NLMSG_HDRLEN - 4 ? req->len : NLMSG_HDRLEN;
    u8 *body = uk_nl_begin(r, NLMSG_ERROR, echo == NLMSG_HDRLEN ? NLM_F_CAPPED : 0, 4 + echo);
    s32 e = (s32)err;
    uk_memcpy(body, &e, 4);
    uk_memcpy(body + 4, req, echo);
    uk_nl_end(r);
}

/* Links */

static void put_u32(struct nlreply *r, u16 type, u32 v) { uk_nl_attr(r, type, &v, 4); }
static void put_u8(struct nlreply *r, u16 type, u8 v) { uk_nl_attr(r, type, &v, 1); }

static void link_msg(struct nlreply *r, struct netif *n, u16 flags)
{
    bool lo = uk_net_iflo(n);
    struct ifinfomsg_k *m = uk_nl_begin(r, RTM_NEWLINK, flags, sizeof(*m));
    m->family = UK_AF_UNSPEC;
    m->type = lo ? UK_ARPHRD_LOOPBACK : UK_ARPHRD_ETHER;
    m->index = netif_get_index(n);
    m->flags = uk_net_ifflags(n, true);
    const char *name = uk_net_ifname(n);
    uk_nl_attr(r, IFLA_IFNAME, name, (u32)uk_strlen(name) + 1);
    put_u32(r, IFLA_TXQLEN, 1000);
    put_u8(r, IFLA_OPERSTATE, lo ? IF_OPER_UNKNOWN : netif_is_link_up(n) ? IF_OPER_UP : IF_OPER_DOWN);
    put_u8(r, IFLA_LINKMODE, 0);
    put_u32(r, IFLA_MTU, uk_net_ifmtu(n));
    put_u8(r, IFLA_CARRIER, netif_is_link_up(n) ? 1 : 0);
    static const u8 zero[6], all[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uk_nl_attr(r, IFLA_ADDRESS, lo ? zero : n->hwaddr, 6);
    uk_nl_attr(r, IFLA_BROADCAST, lo ? zero : all, 6);
    /* struct rtnl_link_stats64, then rtnl_link_stats: the same 24 counters, 64 and 32 bits wide */
    struct uk_netif_stats s = uk_net_ifstats(n);
    u64 c[24] = {s.rx_packets, s.tx_packets, s.rx_bytes,   s.tx_bytes,
                 s.rx_errors,  s.tx_errors,  s.rx_dropped, s.tx_dropped};
    u32 c32[24];
    for (int k = 0; k < 24; k++)
        c32[k] = (u32)c[k];
    uk_nl_attr(r, IFLA_STATS64, c, sizeof(c));
    uk_nl_attr(r, IFLA_STATS, c32, sizeof(c32));
    uk_nl_end(r);
}

/* RTM_GETLINK without NLM_F_DUMP: the link of ifi_index, or of the IFLA_IFNAME attribute. */
static long get_link(struct nlreply *r, const struct nlmsghdr_k *h)
{
    const u8 *p = (const u8 *)h;
    if (h->len < NLMSG_HDRLEN + sizeof(struct ifinfomsg_k))
        return -EINVAL;
    struct ifinfomsg_k m;
    uk_memcpy(&m, p + NLMSG_HDRLEN, sizeof(m));
    struct netif *n = m.index > 0 ? uk_net_ifbyindex((u32)m.index) : NULL;
    for (u32 off = NLMSG_HDRLEN + sizeof(m); !n && m.index <= 0 && off + 4 <= h->len;) {
        struct rtattr_k a;
        uk_memcpy(&a, p + off, sizeof(a));
        if (a.len < 4 || off + a.len > h->len)
            return -EINVAL;
        if (a.type == IFLA_IFNAME) {
            char name[UK_IFNAMSIZ];
            uk_strlcpy(name, (const char *)p + off + 4, UK_MIN((usize)a.len - 3, sizeof(name)));
            n = uk_net_iffind(name);
            break;
        }
        off += NLMSG_ALIGN(a.len);
    }
    if (!n)
        return m.index > 0 ? -ENODEV : -EINVAL;
    link_msg(r, n, 0);
    return 0;
}

/* Addresses */

static void addr_msg(struct nlreply *r, struct netif *n, u8 family, const void *addr, u8 prefix, u8 flags, u8 scope,
                     u32 valid, u32 preferred)
{
    struct ifaddrmsg_k *m = uk_nl_begin(r, RTM_NEWADDR, NLM_F_MULTI, sizeof(*m));
    *m = (struct ifaddrmsg_k){family, prefix, flags, scope, netif_get_index(n)};
    u32 len = family == UK_AF_INET ? 4 : 16;
    uk_nl_attr(r, IFA_ADDRESS, addr, len);
    if (family == UK_AF_INET) {
        uk_nl_attr(r, IFA_LOCAL, addr, len);
        u32 a, mask = ip4_addr_get_u32(netif_ip4_netmask(n));
        uk_memcpy(&a, addr, 4);
        if (!uk_net_iflo(n) && prefix < 31) {
            u32 bcast = (a & mask) | ~mask;
            uk_nl_attr(r, IFA_BROADCAST, &bcast, 4);
        }
        const char *name = uk_net_ifname(n);
        uk_nl_attr(r, IFA_LABEL, name, (u32)uk_strlen(name) + 1);
    }
    u32 since_boot = (u32)(uk_time_monotonic_ns() / 10000000ull); /* hundredths of seconds, as cstamp */
    struct ifa_cacheinfo_k ci = {preferred, valid, since_boot, since_boot};
    put_u32(r, IFA_FLAGS, flags);
    uk_nl_attr(r, IFA_CACHEINFO, &ci, sizeof(ci));
    uk_nl_end(r);
}

static void dump_addrs(struct nlreply *r, u8 family)
{
    struct netif *n;
    if (family == UK_AF_UNSPEC || family == UK_AF_INET) {
        UK_NET_FOREACH_IF(n)
        {
            if (!uk_net_ifname(n) || ip4_addr_isany_val(*netif_ip4_addr(n)))
                continue;
            u32 a = ip4_addr_get_u32(netif_ip4_addr(n));
            addr_msg(r, n, UK_AF_INET, &a, uk_net_prefix4(n), UK_IFA_F_PERMANENT,
                     uk_net_iflo(n) ? UK_SCOPE_HOST : UK_SCOPE_UNIVERSE, 0xffffffffu, 0xffffffffu);
        }
    }
    if (family == UK_AF_UNSPEC || family == UK_AF_INET6) {
        UK_NET_FOREACH_IF(n)
        {
            u8 scope, flags;
            for (int k = 0; uk_net_ifname(n) && k < LWIP_IPV6_NUM_ADDRESSES; k++) {
                if (!uk_net_ip6slot(n, k, &scope, &flags))
                    continue;
                u32 valid = 0xffffffffu, preferred = 0xffffffffu;
                if (!(flags & UK_IFA_F_PERMANENT)) { /* SLAAC: the lifetimes left */
                    valid = netif_ip6_addr_valid_life(n, k);
                    preferred = netif_ip6_addr_pref_life(n, k);
                }
                addr_msg(r, n, UK_AF_INET6, netif_ip6_addr(n, k)->addr, scope == UK_SCOPE_HOST ? 128 : 64, flags, scope,
                         valid, preferred);
            }
        }
    }
}

long uk_rtnl_request(struct nlreply *r, const struct nlmsghdr_k *h)
{
    bool dump = h->flags & NLM_F_DUMP;
    /* the family: the first byte of the body (struct rtgenmsg, ifinfomsg or ifaddrmsg), when there is one */
    u8 family = h->len > NLMSG_HDRLEN ? ((const u8 *)h)[NLMSG_HDRLEN] : UK_AF_UNSPEC;
    switch (h->type) {
    case RTM_GETLINK:
        if (!dump)
            return get_link(r, h);
        struct netif *n;
        UK_NET_FOREACH_IF(n)
        {
            if (uk_net_ifname(n))
                link_msg(r, n, NLM_F_MULTI);
        }
        uk_nl_done(r);
        return 0;
    case RTM_GETADDR:
        if (!dump)
            return -EOPNOTSUPP; /* as Linux: addresses are only dumped */
        dump_addrs(r, family == UK_AF_INET || family == UK_AF_INET6 ? family : UK_AF_UNSPEC); /* others: all */
        uk_nl_done(r);
        return 0;
    }
    return -EOPNOTSUPP;
}
