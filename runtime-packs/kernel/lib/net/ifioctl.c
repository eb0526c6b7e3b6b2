/* ifioctl.c - the interface ioctls Linux takes on any socket (libc's if_nametoindex and if_indextoname, .NET's
 * MTU and link queries): SIOCGIFNAME, SIOCGIFINDEX, SIOCGIFFLAGS, SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFADDR,
 * SIOCGIFNETMASK, SIOCGIFBRDADDR, SIOCGIFTXQLEN, SIOCGIFCONF and SIOCETHTOOL's link state, answered from lwIP's
 * interfaces with Linux's structures and errors (ENODEV for an unknown interface, EADDRNOTAVAIL for one without
 * an IPv4 address). Interfaces are configured at boot only: the setting ioctls are EOPNOTSUPP. */
#include <lwip/netif.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/socket.h>
#include "ifinfo.h"
#include "sock.h"

#define SIOCGIFNAME 0x8910
#define SIOCGIFCONF 0x8912
#define SIOCGIFFLAGS 0x8913
#define SIOCGIFADDR 0x8915
#define SIOCGIFBRDADDR 0x8919
#define SIOCGIFNETMASK 0x891b
#define SIOCGIFMETRIC 0x891d
#define SIOCGIFMTU 0x8921
#define SIOCGIFHWADDR 0x8927
#define SIOCGIFINDEX 0x8933
#define SIOCGIFTXQLEN 0x8942
#define SIOCETHTOOL 0x8946
#define ETHTOOL_GLINK 0xa

/* struct ifreq: a name, then one of these (24 bytes) */
struct ifreq_k {
    char name[UK_IFNAMSIZ];
    union {
        struct {
            u16 family;
            u8 data[14];
        } addr;
        s16 flags;
        s32 value; /* ifindex, mtu, metric, qlen */
        u64 data;  /* a user pointer (SIOCETHTOOL) */
        u8 pad[24];
    } u;
};

struct ifconf_k {
    s32 len, pad;
    u64 buf;
};

/* sockaddr_in of an IPv4 address (network order) */
static void sin(struct ifreq_k *r, u32 addr)
{
    uk_memset(&r->u, 0, sizeof(r->u));
    r->u.addr.family = UK_AF_INET;
    uk_memcpy(&r->u.addr.data[2], &addr, 4);
}

/* SIOCGIFCONF: an ifreq with the IPv4 address of each interface that has one; without a buffer, the length
 * all of them need. */
static long ifconf(long arg)
{
    struct ifconf_k c;
    if (!uk_user_copy_from(&c, (const void *)arg, sizeof(c)))
        return -EFAULT;
    s32 used = 0;
    struct netif *n;
    UK_NET_FOREACH_IF(n)
    {
        const char *name = uk_net_ifname(n);
        if (!name || ip4_addr_isany_val(*netif_ip4_addr(n)))
            continue;
        if (c.buf) {
            if (c.len - used < (s32)sizeof(struct ifreq_k))
                break;
            struct ifreq_k r;
            uk_memset(&r, 0, sizeof(r));
            uk_strlcpy(r.name, name, sizeof(r.name));
            sin(&r, ip4_addr_get_u32(netif_ip4_addr(n)));
            if (!uk_user_copy_to((void *)(c.buf + (u64)used), &r, sizeof(r)))
                return -EFAULT;
        }
        used += (s32)sizeof(struct ifreq_k);
    }
    c.len = used;
    return uk_user_copy_to((void *)arg, &c, sizeof(c)) ? 0 : -EFAULT;
}

static long ethtool(struct netif *n, u64 udata)
{
    u32 cmd[2];
    if (!uk_user_copy_from(cmd, (const void *)udata, sizeof(cmd[0])))
        return -EFAULT;
    if (cmd[0] != ETHTOOL_GLINK || uk_net_iflo(n))
        return -EOPNOTSUPP; /* no link settings (speed, duplex) to report: virtio's are unknown */
    cmd[1] = netif_is_link_up(n) ? 1 : 0;
    return uk_user_copy_to((void *)udata, cmd, sizeof(cmd)) ? 0 : -EFAULT;
}

long uk_net_ifioctl(unsigned long req, long arg)
{
    if (req == SIOCGIFCONF)
        return ifconf(arg);
    if (req < 0x8910 || req > 0x8950)
        return -ENOTTY;
    struct ifreq_k r;
    if (!uk_user_copy_from(&r, (const void *)arg, sizeof(r)))
        return -EFAULT;
    r.name[UK_IFNAMSIZ - 1] = 0;
    struct netif *n = req == SIOCGIFNAME ? uk_net_ifbyindex((u32)r.u.value) : uk_net_iffind(r.name);
    const u8 *mac = NULL;
    switch (req) {
    case SIOCGIFNAME:
    case SIOCGIFINDEX:
    case SIOCGIFFLAGS:
    case SIOCGIFADDR:
    case SIOCGIFBRDADDR:
    case SIOCGIFNETMASK:
    case SIOCGIFMETRIC:
    case SIOCGIFMTU:
    case SIOCGIFHWADDR:
    case SIOCGIFTXQLEN:
    case SIOCETHTOOL: break;
    default: return (req & 0xff) >= 0x10 && (req & 0xff) <= 0x4f ? -EOPNOTSUPP : -ENOTTY;
    }
    if (!n)
        return -ENODEV;
    u32 ip = ip4_addr_get_u32(netif_ip4_addr(n)), mask = ip4_addr_get_u32(netif_ip4_netmask(n));
    switch (req) {
    case SIOCGIFNAME: uk_strlcpy(r.name, uk_net_ifname(n), sizeof(r.name)); break;
    case SIOCGIFINDEX: r.u.value = netif_get_index(n); break;
    case SIOCGIFFLAGS: r.u.flags = (s16)uk_net_ifflags(n, true); break;
    case SIOCGIFMETRIC: r.u.value = 0; break;
    case SIOCGIFMTU: r.u.value = (s32)uk_net_ifmtu(n); break;
    case SIOCGIFTXQLEN: r.u.value = 1000; break;
    case SIOCETHTOOL: return ethtool(n, r.u.data);
    case SIOCGIFHWADDR:
        uk_memset(&r.u, 0, sizeof(r.u));
        r.u.addr.family = uk_net_iflo(n) ? UK_ARPHRD_LOOPBACK : UK_ARPHRD_ETHER;
        if (!uk_net_iflo(n))
            mac = n->hwaddr;
        if (mac)
            uk_memcpy(r.u.addr.data, mac, 6);
        break;
    default: /* the IPv4 address, netmask or broadcast address */
        if (!ip)
            return -EADDRNOTAVAIL;
        if (req == SIOCGIFBRDADDR && uk_net_iflo(n))
            sin(&r, 0);
        else
            sin(&r, req == SIOCGIFADDR ? ip : req == SIOCGIFNETMASK ? mask : (ip & mask) | ~mask);
        break;
    }
    return uk_user_copy_to((void *)arg, &r, sizeof(r)) ? 0 : -EFAULT;
}
