/* ifinfo.h - what the socket layer's interface reports share (lib/net): each lwIP interface as Linux describes
 * it (its name, index, flags, counters, addresses with prefix lengths and scopes), for rtnetlink (rtnetlink.c),
 * the interface ioctls (ifioctl.c) and the files of /proc/net and /sys/class/net (netfiles.c, netstat.c). */
#ifndef UK_NET_IFINFO_H
#define UK_NET_IFINFO_H
#include <lwip/netif.h>
#include <uk/netif.h>
#include <uk/types.h>

/* Linux's interface flags (IFF_*) and hardware types (ARPHRD_*) */
#define UK_IFF_UP 0x1
#define UK_IFF_BROADCAST 0x2
#define UK_IFF_LOOPBACK 0x8
#define UK_IFF_RUNNING 0x40
#define UK_IFF_MULTICAST 0x1000
#define UK_IFF_LOWER_UP 0x10000
#define UK_ARPHRD_ETHER 1
#define UK_ARPHRD_LOOPBACK 772
#define UK_IFNAMSIZ 16

/* Linux's address scopes (RT_SCOPE_*) and address flags (IFA_F_*) */
#define UK_SCOPE_UNIVERSE 0
#define UK_SCOPE_LINK 253
#define UK_SCOPE_HOST 254
#define UK_IFA_F_TENTATIVE 0x40
#define UK_IFA_F_PERMANENT 0x80

/* "lo", "en0", …; NULL for an interface that is not (yet) complete. */
const char *uk_net_ifname(struct netif *n);
/* The complete interfaces in index order (lo, en0, en1, …; lwIP's own list is newest first), as Linux lists
 * them: the one after prev (NULL: the first). */
struct netif *uk_net_ifnext(struct netif *prev);
#define UK_NET_FOREACH_IF(n) for ((n) = uk_net_ifnext(NULL); (n); (n) = uk_net_ifnext(n))
/* The interface called name, or with index idx; NULL when there is none. */
struct netif *uk_net_iffind(const char *name);
struct netif *uk_net_ifbyindex(u32 idx);
/* Linux's flags: what SIOCGIFFLAGS and rtnetlink report (running: the link is up), and /sys's flags file. */
u32 uk_net_ifflags(struct netif *n, bool running);
bool uk_net_iflo(const struct netif *n);
/* The MTU Linux would report (lo: 65536). */
u32 uk_net_ifmtu(const struct netif *n);
/* The interface's counters: the driver's, or lo's own. */
struct uk_netif_stats uk_net_ifstats(struct netif *n);
/* The IPv4 prefix length of the interface's netmask. */
u8 uk_net_prefix4(const struct netif *n);
/* Scope and flags of IPv6 address slot k (valid or tentative: usable); false for an empty slot. */
bool uk_net_ip6slot(struct netif *n, int k, u8 *scope, u8 *flags);

/* At boot, once lwIP runs: adds lo's files. */
void uk_net_ifinfo_init(void);
/* /proc/net's socket tables and counts (netstat.c). */
void uk_net_netstat_files_init(void);
/* snmp.c: /proc/net/snmp and snmp6 */
void uk_net_snmp_files_init(void);
/* The interface files of /sys/class/net/<name> and /proc/sys/net/ipv{4,6}/conf/<name> (netfiles.c). */
void uk_net_files_add_iface(struct netif *n);

#endif
