/* netif.c - Ethernet interfaces on lwIP: each device a driver adds becomes en0, en1, … (lwIP numbers them after
 * lo, so their interface indexes are 2, 3, … as on Linux) with ARP, IPv6 link-local and SLAAC addresses, and
 * IPv4 from the command line or DHCP; the first is the default route. One boot-log line per interface once it
 * has its IPv4 address (and one per SLAAC address), /etc/resolv.conf from DHCP, and the boot's wait for the
 * leases. */
#include <lwip/dhcp.h>
#include <lwip/dns.h>
#include <lwip/etharp.h>
#include <lwip/ethip6.h>
#include <lwip/netif.h>
#include <lwip/priv/tcp_priv.h>
#include <netif/ethernet.h>
#include <uk/arch.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/netif.h>
#include <uk/print.h>
#include <uk/random.h>
#include <uk/sched.h>
#include <uk/socket.h>
#include <uk/time.h>
#include "ifinfo.h"
#include "netconf.h"

#define MAX_IFACES 16

struct iface {
    struct netif netif; /* first: lwIP hands the callbacks &netif */
    struct uk_netif_dev *dev;
    const struct ifconf *conf; /* NULL: DHCP */
    char name[8];
    bool ready; /* lwIP's callbacks during netif_add (before the interface is complete) are ignored */
};

static struct iface *ifaces[MAX_IFACES];
static int nifaces;
static int nnames; /* names handed out (en0, en1, …): to the interfaces and to the raw devices (net.raw=) */

static struct iface *iface_of(struct netif *n)
{
    for (int i = 0; i < nifaces; i++)
        if (&ifaces[i]->netif == n)
            return ifaces[i]->ready ? ifaces[i] : NULL;
    return NULL;
}

static bool dhcp_pending(const struct iface *i) { return !i->conf && ip4_addr_isany_val(*netif_ip4_addr(&i->netif)); }

/* An IPv6 address as Linux prints it (lwIP's hex digits are upper case). */
static const char *ip6_str(const ip6_addr_t *a, char *buf, int size)
{
    ip6addr_ntoa_r(a, buf, size);
    for (char *p = buf; *p; p++)
        if (*p >= 'A' && *p <= 'F')
            *p = (char)(*p - 'A' + 'a');
    return buf;
}

/* ", fe80::1, fec0::5054:ff:fe12:3456": the interface's valid (or tentative) IPv6 addresses. */
static usize ip6_list(const struct netif *n, char *buf, usize size, bool linklocal)
{
    usize len = 0;
    for (int k = 0; k < LWIP_IPV6_NUM_ADDRESSES; k++) {
        const ip6_addr_t *a = netif_ip6_addr(n, k);
        if (!ip6_addr_isvalid(netif_ip6_addr_state(n, k)) && !ip6_addr_istentative(netif_ip6_addr_state(n, k)))
            continue;
        if (ip6_addr_islinklocal(a) != linklocal)
            continue;
        char s[IP6ADDR_STRLEN_MAX];
        len += (usize)uk_snprintf(buf + len, size - len, ", %s", ip6_str(a, s, sizeof(s)));
    }
    return len;
}

/* The interface's line of the boot log. */
static void announce(struct iface *i)
{
    struct netif *n = &i->netif;
    char ip[IP4ADDR_STRLEN_MAX], gw[IP4ADDR_STRLEN_MAX], v6[3 * (IP6ADDR_STRLEN_MAX + 2)], dns[64] = "";
    u32 mask = lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(n)));
    unsigned prefix = 0;
    for (; mask & 0x80000000u; mask <<= 1)
        prefix++;
    ip6_list(n, v6, sizeof(v6), true);
    if (!i->conf) {
        const ip_addr_t *d = dns_getserver(0);
        char s[IPADDR_STRLEN_MAX];
        if (d && !ip_addr_isany(d))
            uk_snprintf(dns, sizeof(dns), ", dns %s", ipaddr_ntoa_r(d, s, sizeof(s)));
    }
    const u8 *m = n->hwaddr;
    uk_pr_info("net: %s %02x:%02x:%02x:%02x:%02x:%02x mtu %u%s, %s/%u gw %s (%s)%s%s\n", i->name, m[0], m[1], m[2],
               m[3], m[4], m[5], n->mtu, netif_is_link_up(n) ? "" : " (link down)",
               ip4addr_ntoa_r(netif_ip4_addr(n), ip, sizeof(ip)), prefix,
               ip4_addr_isany_val(*netif_ip4_gw(n)) ? "none" : ip4addr_ntoa_r(netif_ip4_gw(n), gw, sizeof(gw)),
               i->conf ? "static" : "dhcp", v6, dns);
}

static void changed(struct netif *n, netif_nsc_reason_t reason, const netif_ext_callback_args_t *args)
{
    struct iface *i = iface_of(n);
    if (!i)
        return;
    if (reason & LWIP_NSC_LINK_CHANGED)
        uk_pr_info("net: %s link %s\n", i->name, netif_is_link_up(n) ? "up" : "down");
    if ((reason & LWIP_NSC_IPV4_SETTINGS_CHANGED) && !ip4_addr_isany_val(*netif_ip4_addr(n))) {
        announce(i);
        if (!i->conf)
            uk_net_write_resolv_conf();
    }
    if ((reason & LWIP_NSC_IPV6_ADDR_STATE_CHANGED) && args) {
        s8 k = args->ipv6_addr_state_changed.addr_index;
        if (ip6_addr_ispreferred(netif_ip6_addr_state(n, k)) &&
            !ip6_addr_ispreferred(args->ipv6_addr_state_changed.old_state) &&
            !ip6_addr_islinklocal(netif_ip6_addr(n, k))) {
            char s[IP6ADDR_STRLEN_MAX];
            uk_pr_info("net: %s %s/64 (slaac)\n", i->name, ip6_str(netif_ip6_addr(n, k), s, sizeof(s)));
        }
    }
}
NETIF_DECLARE_EXT_CALLBACK(ext_callback)

static err_t init(struct netif *n)
{
    struct iface *i = (struct iface *)n;
    n->name[0] = 'e';
    n->name[1] = 'n';
    n->hwaddr_len = ETH_HWADDR_LEN;
    uk_memcpy(n->hwaddr, i->dev->mac, ETH_HWADDR_LEN);
    n->mtu = i->dev->mtu ? i->dev->mtu : 1500;
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
    n->output = etharp_output;
    n->output_ip6 = ethip6_output;
    n->linkoutput = i->dev->transmit;
    netif_set_hostname(n, "unikraft");
    return ERR_OK;
}

/* Frames from the driver on their way to lwIP. lwIP 2.1.3's ethernet_input hands ARP frames to etharp_input, which
 * reads a whole ARP header without checking that the frame holds one: shorter ARP frames are dropped (and counted)
 * here. */
static err_t input(struct pbuf *p, struct netif *n)
{
    const u8 *f = p->payload;
    if (p->len >= SIZEOF_ETH_HDR && f[12] == 0x08 && f[13] == 0x06 && p->len < SIZEOF_ETH_HDR + SIZEOF_ETHARP_HDR) {
        ((struct iface *)n)->dev->stats.rx_errors++;
        pbuf_free(p);
        return ERR_OK;
    }
    return ethernet_input(p, n);
}

struct netif *uk_netif_add(struct uk_netif_dev *dev)
{
    if (nifaces == MAX_IFACES)
        return NULL;
    struct iface *i = uk_kzalloc(sizeof(*i));
    if (!i)
        return NULL;
    if (!nifaces)
        netif_add_ext_callback(&ext_callback, changed);
    i->dev = dev;
    uk_snprintf(i->name, sizeof(i->name), "en%d", nnames);
    if (!dev->has_mac) { /* random, locally administered, unicast */
        uk_random_bytes(dev->mac, sizeof(dev->mac));
        dev->mac[0] = (u8)((dev->mac[0] & 0xfe) | 0x02);
    }
    const struct ifconf *c = uk_net_conf_find(i->name);
    i->conf = c && c->has_ip ? c : NULL;
    if (c && c->has_gw && !c->has_ip)
        uk_pr_warn("net: %s: a gateway without an address (net.ip=) is ignored: DHCP configures it\n", i->name);
    ip4_addr_t any = {0};
    struct netif *n = netif_add(&i->netif, i->conf ? &c->ip : &any, i->conf ? &c->mask : &any,
                                i->conf && c->has_gw ? &c->gw : &any, dev->priv, init, input);
    if (!n) {
        uk_kfree(i);
        return NULL;
    }
    ifaces[nifaces++] = i;
    nnames++;
    netif_create_ip6_linklocal_address(n, 1);
    netif_set_ip6_autoconfig_enabled(n, 1);
    if (nifaces == 1)
        netif_set_default(n);
    netif_set_up(n);
    if (dev->link_up)
        netif_set_link_up(n);
    i->ready = true;
    uk_net_files_add_iface(n);
    if (i->conf)
        announce(i);
    else
        dhcp_start(n);
    uk_net_kick();
    return n;
}

bool uk_netif_take_raw(char name[8])
{
    char next[8];
    uk_snprintf(next, sizeof(next), "en%d", nnames);
    const struct ifconf *c = uk_net_conf_find(next);
    if (!c || !c->raw)
        return false;
    if (c->has_ip || c->has_gw)
        uk_pr_warn("net: %s is raw (net.raw=): its net.%s.ip=/gw= options are ignored\n", next, next);
    nnames++;
    uk_memcpy(name, next, sizeof(next));
    return true;
}

const char *uk_netif_name(struct netif *n)
{
    struct iface *i = iface_of(n);
    return i ? i->name : "?";
}

struct uk_netif_dev *uk_netif_dev_of(struct netif *n)
{
    struct iface *i = iface_of(n);
    return i ? i->dev : NULL;
}

void uk_netif_set_link(struct netif *n, bool up)
{
    if (up)
        netif_set_link_up(n);
    else
        netif_set_link_down(n);
    uk_net_kick();
}

void uk_netif_tx_ready(struct netif *n)
{
    (void)n;
    tcp_txnow();
}

void uk_netif_flush(void)
{
    for (int k = 0; k < nifaces; k++)
        if (ifaces[k]->ready && ifaces[k]->dev->flush)
            ifaces[k]->dev->flush(&ifaces[k]->netif);
}

static void wait_timer_fn(struct uk_ktimer *t) { (void)t; }

void uk_net_boot_wait(void)
{
    uk_net_conf_warn_unused();
    uk_net_write_resolv_conf(); /* net.dns= */
    u64 start = uk_time_monotonic_ns(), deadline = start + uk_net_conf_wait_ns();
    struct uk_ktimer timer = {.fn = wait_timer_fn};
    for (;;) {
        bool pending = false;
        for (int k = 0; k < nifaces; k++)
            pending |= dhcp_pending(ifaces[k]);
        if (!pending || uk_time_monotonic_ns() >= deadline)
            break;
        /* Interrupts (the drivers' and the timer's, which runs lwIP's timeouts) are taken only while idle. */
        uk_ktimer_set(&timer, deadline);
        uk_arch_wait_for_interrupt();
    }
    uk_ktimer_set(&timer, 0);
    for (int k = 0; k < nifaces; k++)
        if (dhcp_pending(ifaces[k]))
            uk_pr_warn("net: %s has no DHCP lease after %lu ms: the program starts without it (DHCP goes on; "
                       "net.ip= sets an address, net.wait= the wait)\n",
                       ifaces[k]->name, (uk_time_monotonic_ns() - start) / 1000000);
}
