/* netfiles.c - the interface files Linux has and runtimes read (.NET's NetworkInterface reads /proc/net/dev,
 * /proc/net/route, /proc/net/ipv6_route, /sys/class/net/<if>/ and /proc/sys/net/ipv4/conf/<if>/), in Linux's
 * formats, rendered from lwIP's interfaces, routes and the drivers' counters whenever opened. */
#include <lwip/ip6_addr.h>
#include <lwip/netif.h>
#include <lwip/priv/nd6_priv.h>
#include <uk/klibc.h>
#include <uk/netif.h>
#include <uk/procfs.h>
#include "ifinfo.h"

#define RTF_UP 0x1
#define RTF_GATEWAY 0x2
#define RTF_DEFAULT 0x10000
#define RTF_ADDRCONF 0x40000
#define RTF_EXPIRES 0x400000

/* Linux's /proc/net/dev: two header lines, then one line of counters per interface. */
static void dev_file(struct uk_procfs_out *o, void *arg)
{
    uk_procfs_printf(o, "Inter-|   Receive                                                |  Transmit\n"
                        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
                        "drop fifo colls carrier compressed\n");
    struct netif *n;
    UK_NET_FOREACH_IF(n)
    {
        const char *name = uk_net_ifname(n);
        if (!name)
            continue;
        struct uk_netif_stats s = uk_net_ifstats(n);
        uk_procfs_printf(o,
                         "%6s:%8lu %7lu %4lu %4lu    0     0          0         0 %8lu %7lu %4lu %4lu    0     0       "
                         "0          0\n",
                         name, s.rx_bytes, s.rx_packets, s.rx_errors, s.rx_dropped, s.tx_bytes, s.tx_packets,
                         s.tx_errors, s.tx_dropped);
    }
}

/* One line of /proc/net/route, padded to 127 columns as Linux pads it. Addresses are printed as the 32-bit
 * words they are in memory (network order read little-endian: 10.0.2.2 is 0202000A). */
static void route_line(struct uk_procfs_out *o, const char *name, u32 dst, u32 gw, u32 flags, u32 mask)
{
    usize start = o->len;
    uk_procfs_printf(o, "%s\t%08X\t%08X\t%04X\t0\t0\t0\t%08X\t0\t0\t0", name, dst, gw, flags, mask);
    uk_procfs_pad(o, ' ', o->len - start < 127 ? 127 - (o->len - start) : 0);
    uk_procfs_printf(o, "\n");
}

static void route_file(struct uk_procfs_out *o, void *arg)
{
    usize start = o->len;
    uk_procfs_printf(o, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
    uk_procfs_pad(o, ' ', 127 - (o->len - start));
    uk_procfs_printf(o, "\n");
    struct netif *n;
    UK_NET_FOREACH_IF(n)
    {
        const char *name = uk_net_ifname(n);
        if (!name || uk_net_iflo(n) || ip4_addr_isany_val(*netif_ip4_addr(n)))
            continue;
        u32 gw = ip4_addr_get_u32(netif_ip4_gw(n));
        if (n == netif_default && gw)
            route_line(o, name, 0, gw, RTF_UP | RTF_GATEWAY, 0);
        u32 mask = ip4_addr_get_u32(netif_ip4_netmask(n));
        route_line(o, name, ip4_addr_get_u32(netif_ip4_addr(n)) & mask, 0, RTF_UP, mask);
    }
}

/* An IPv6 address as /proc/net's 32 lower-case hex digits, in network order. */
static void hex6(struct uk_procfs_out *o, const ip6_addr_t *a)
{
    const u8 *b = (const u8 *)a->addr;
    for (int i = 0; i < 16; i++)
        uk_procfs_printf(o, "%02x", b[i]);
}

static void route6_line(struct uk_procfs_out *o, const ip6_addr_t *dst, u8 plen, const ip6_addr_t *via, u32 metric,
                        u32 flags, const char *name)
{
    ip6_addr_t zero;
    ip6_addr_set_zero(&zero);
    hex6(o, dst);
    uk_procfs_printf(o, " %02x ", plen);
    hex6(o, &zero);
    uk_procfs_printf(o, " 00 ");
    hex6(o, via ? via : &zero);
    uk_procfs_printf(o, " %08x 00000001 00000000 %08x %8s\n", metric, flags, name);
}

/* /proc/net/ipv6_route: each interface's link-local and advertised prefixes, the routers' default routes, and
 * the local table's host routes (lo's ::1 and every address). */
static void route6_file(struct uk_procfs_out *o, void *arg)
{
    struct netif *n;
    UK_NET_FOREACH_IF(n)
    {
        const char *name = uk_net_ifname(n);
        if (!name || uk_net_iflo(n))
            continue;
        ip6_addr_t ll;
        IP6_ADDR(&ll, PP_HTONL(0xfe800000ul), 0, 0, 0);
        route6_line(o, &ll, 64, NULL, 256, RTF_UP, name);
        for (int k = 0; k < LWIP_ND6_NUM_PREFIXES; k++)
            if (prefix_list[k].netif == n && prefix_list[k].invalidation_timer)
                route6_line(o, &prefix_list[k].prefix, 64, NULL, 256, RTF_UP | RTF_ADDRCONF | RTF_EXPIRES, name);
    }
    for (int k = 0; k < LWIP_ND6_NUM_ROUTERS; k++) {
        struct nd6_neighbor_cache_entry *e = default_router_list[k].neighbor_entry;
        const char *name = e && e->netif ? uk_net_ifname(e->netif) : NULL;
        if (name && default_router_list[k].invalidation_timer) {
            ip6_addr_t any;
            ip6_addr_set_zero(&any);
            route6_line(o, &any, 0, &e->next_hop_address, 1024,
                        RTF_UP | RTF_GATEWAY | RTF_DEFAULT | RTF_ADDRCONF | RTF_EXPIRES, name);
        }
    }
    UK_NET_FOREACH_IF(n)
    {
        const char *name = uk_net_ifname(n);
        u8 scope, flags;
        for (int k = 0; name && k < LWIP_IPV6_NUM_ADDRESSES; k++)
            if (uk_net_ip6slot(n, k, &scope, &flags))
                route6_line(o, netif_ip6_addr(n, k), 128, NULL, 0, RTF_UP, name);
    }
}

/* /proc/net/if_inet6: address, index, prefix length, scope (Linux's IPV6_ADDR_* bits), flags, name. */
static void inet6_file(struct uk_procfs_out *o, void *arg)
{
    struct netif *n;
    UK_NET_FOREACH_IF(n)
    {
        const char *name = uk_net_ifname(n);
        u8 scope, flags;
        for (int k = 0; name && k < LWIP_IPV6_NUM_ADDRESSES; k++) {
            if (!uk_net_ip6slot(n, k, &scope, &flags))
                continue;
            hex6(o, netif_ip6_addr(n, k));
            u32 bits = scope == UK_SCOPE_HOST ? 0x10 : scope == UK_SCOPE_LINK ? 0x20 : 0;
            uk_procfs_printf(o, " %02x %02x %02x %02x %8s\n", netif_get_index(n), scope == UK_SCOPE_HOST ? 128 : 64,
                             bits, flags, name);
        }
    }
}

/* Files of one interface: arg is its netif. */
static void if_mtu(struct uk_procfs_out *o, void *arg) { uk_procfs_printf(o, "%u\n", uk_net_ifmtu(arg)); }
static void if_index(struct uk_procfs_out *o, void *arg)
{
    uk_procfs_printf(o, "%u\n", netif_get_index((struct netif *)arg));
}
static void if_flags(struct uk_procfs_out *o, void *arg) { uk_procfs_printf(o, "%#x\n", uk_net_ifflags(arg, false)); }
static void if_txqlen(struct uk_procfs_out *o, void *arg) { uk_procfs_printf(o, "1000\n"); }
static void if_zero(struct uk_procfs_out *o, void *arg) { uk_procfs_printf(o, "0\n"); }
static void if_speed(struct uk_procfs_out *o, void *arg) { uk_procfs_printf(o, "-1\n"); } /* virtio: unknown */

static void if_type(struct uk_procfs_out *o, void *arg)
{
    uk_procfs_printf(o, "%u\n", uk_net_iflo(arg) ? UK_ARPHRD_LOOPBACK : UK_ARPHRD_ETHER);
}

static void if_operstate(struct uk_procfs_out *o, void *arg)
{
    struct netif *n = arg;
    uk_procfs_printf(o, "%s\n", uk_net_iflo(n) ? "unknown" : netif_is_up(n) && netif_is_link_up(n) ? "up" : "down");
}

static void if_carrier(struct uk_procfs_out *o, void *arg)
{
    uk_procfs_printf(o, "%u\n", netif_is_link_up((struct netif *)arg) ? 1u : 0u);
}

static void mac(struct uk_procfs_out *o, const u8 *m)
{
    uk_procfs_printf(o, "%02x:%02x:%02x:%02x:%02x:%02x\n", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void if_address(struct uk_procfs_out *o, void *arg)
{
    static const u8 none[6];
    struct netif *n = arg;
    mac(o, uk_net_iflo(n) ? none : n->hwaddr);
}

static void if_broadcast(struct uk_procfs_out *o, void *arg)
{
    static const u8 none[6], all[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    mac(o, uk_net_iflo(arg) ? none : all);
}

static const struct {
    const char *name;
    uk_procfs_gen gen;
} sys_files[] = {
    {"mtu", if_mtu},
    {"ifindex", if_index},
    {"iflink", if_index},
    {"flags", if_flags},
    {"tx_queue_len", if_txqlen},
    {"type", if_type},
    {"operstate", if_operstate},
    {"carrier", if_carrier},
    {"address", if_address},
    {"broadcast", if_broadcast},
    {"speed", if_speed},
};

void uk_net_files_add_iface(struct netif *n)
{
    const char *name = uk_net_ifname(n);
    char path[96];
    for (usize k = 0; k < sizeof(sys_files) / sizeof(sys_files[0]); k++) {
        if (uk_net_iflo(n) && sys_files[k].gen == if_speed)
            continue; /* lo has no speed: Linux fails the read */
        uk_snprintf(path, sizeof(path), "/sys/class/net/%s/%s", name, sys_files[k].name);
        uk_procfs_add(path, sys_files[k].gen, n);
    }
    uk_snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", name);
    uk_procfs_add(path, if_zero, n);
    uk_snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/forwarding", name);
    uk_procfs_add(path, if_zero, n);
    uk_snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/mtu", name);
    uk_procfs_add(path, if_mtu, n);
}

void uk_net_files_init(void)
{
    uk_procfs_add("/proc/net/dev", dev_file, NULL);
    uk_procfs_add("/proc/net/route", route_file, NULL);
    uk_procfs_add("/proc/net/ipv6_route", route6_file, NULL);
    uk_procfs_add("/proc/net/if_inet6", inet6_file, NULL);
    uk_procfs_add("/proc/sys/net/ipv4/ip_forward", if_zero, NULL);
    uk_procfs_add("/proc/sys/net/ipv4/conf/all/forwarding", if_zero, NULL);
    uk_procfs_add("/proc/sys/net/ipv4/conf/default/forwarding", if_zero, NULL);
    uk_procfs_add("/proc/sys/net/ipv6/conf/all/forwarding", if_zero, NULL);
    uk_procfs_add("/proc/sys/net/ipv6/conf/default/forwarding", if_zero, NULL);
    uk_net_netstat_files_init();
    uk_net_snmp_files_init();
    uk_net_ifinfo_init();
}
