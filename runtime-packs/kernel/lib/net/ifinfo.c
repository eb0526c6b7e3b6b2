/* ifinfo.c - lwIP's interfaces as Linux describes them: names ("lo", then the drivers' en0, en1, …), indexes
 * (lwIP's, which are Linux's: lo 1, en0 2, …), flags, MTU, counters (the driver's; for lo lwIP's MIB-II ones: each
 * looped-back packet once sent and once received, as Linux's lo counts), IPv4 prefix lengths, IPv6 scopes and
 * flags. */
#include "ifinfo.h"
#include <lwip/ip6_addr.h>
#include <lwip/netif.h>
#include <lwip/snmp.h>
#include <uk/klibc.h>
#include <uk/netif.h>

bool uk_net_iflo(const struct netif *n) { return n->name[0] == 'l' && n->name[1] == 'o'; }

const char *uk_net_ifname(struct netif *n)
{
    if (uk_net_iflo(n))
        return "lo";
    return uk_netif_dev_of(n) ? uk_netif_name(n) : NULL;
}

struct netif *uk_net_ifnext(struct netif *prev)
{
    u32 after = prev ? netif_get_index(prev) : 0;
    struct netif *n, *best = NULL;
    NETIF_FOREACH(n)
    {
        if (netif_get_index(n) > after && uk_net_ifname(n) && (!best || netif_get_index(n) < netif_get_index(best)))
            best = n;
    }
    return best;
}

struct netif *uk_net_iffind(const char *name)
{
    struct netif *n;
    NETIF_FOREACH(n)
    {
        const char *s = uk_net_ifname(n);
        if (s && !uk_strcmp(s, name))
            return n;
    }
    return NULL;
}

struct netif *uk_net_ifbyindex(u32 idx)
{
    struct netif *n;
    NETIF_FOREACH(n)
    {
        if (netif_get_index(n) == idx && uk_net_ifname(n))
            return n;
    }
    return NULL;
}

u32 uk_net_ifflags(struct netif *n, bool running)
{
    u32 f = netif_is_up(n) ? UK_IFF_UP : 0;
    if (uk_net_iflo(n))
        f |= UK_IFF_LOOPBACK;
    else
        f |= UK_IFF_BROADCAST | UK_IFF_MULTICAST;
    if (running && netif_is_up(n) && netif_is_link_up(n))
        f |= UK_IFF_RUNNING | UK_IFF_LOWER_UP;
    return f;
}

u32 uk_net_ifmtu(const struct netif *n) { return n->mtu ? n->mtu : 65536; }

struct uk_netif_stats uk_net_ifstats(struct netif *n)
{
    const struct uk_netif_dev *d = uk_netif_dev_of(n);
    if (d)
        return d->stats;
    /* lo: lwIP's MIB-II counters, which count every looped-back packet on lo whichever interface sent it */
    const struct stats_mib2_netif_ctrs *c = &n->mib2_counters;
    return (struct uk_netif_stats){
        .rx_packets = (u64)c->ifinucastpkts + c->ifinnucastpkts,
        .rx_bytes = c->ifinoctets,
        .rx_dropped = c->ifindiscards,
        .tx_packets = (u64)c->ifoutucastpkts + c->ifoutnucastpkts,
        .tx_bytes = c->ifoutoctets,
        .tx_dropped = c->ifoutdiscards,
    };
}

u8 uk_net_prefix4(const struct netif *n)
{
    u32 mask = lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(n)));
    u8 prefix = 0;
    for (; mask & 0x80000000u; mask <<= 1)
        prefix++;
    return prefix;
}

bool uk_net_ip6slot(struct netif *n, int k, u8 *scope, u8 *flags)
{
    u8 state = netif_ip6_addr_state(n, k);
    if (!ip6_addr_isvalid(state) && !ip6_addr_istentative(state))
        return false;
    const ip6_addr_t *a = netif_ip6_addr(n, k);
    *scope = ip6_addr_isloopback(a) ? UK_SCOPE_HOST : ip6_addr_islinklocal(a) ? UK_SCOPE_LINK : UK_SCOPE_UNIVERSE;
    /* addresses lwIP made by SLAAC expire (a valid lifetime); the link-local and lo's are permanent */
    bool expires = !netif_ip6_addr_isstatic(n, k) && !ip6_addr_islinklocal(a);
    *flags = (u8)((ip6_addr_istentative(state) ? UK_IFA_F_TENTATIVE : 0) | (expires ? 0 : UK_IFA_F_PERMANENT));
    return true;
}

void uk_net_ifinfo_init(void)
{
    struct netif *n;
    NETIF_FOREACH(n)
    {
        if (uk_net_iflo(n))
            uk_net_files_add_iface(n);
    }
}
