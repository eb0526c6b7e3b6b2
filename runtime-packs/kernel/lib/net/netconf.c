/* netconf.c - the network's kernel command-line options and /etc/resolv.conf.
 *   net.ip=ADDR/PREFIX  net.gw=ADDR           en0's IPv4 address and default gateway (no DHCP on en0)
 *   net.<if>.ip=…  net.<if>.gw=…              the same for interface <if> (en1, en2, …)
 *   net.dns=ADDR                              a name server, IPv4 or IPv6 (repeatable, 3 at most; any
 *                                             net.<if>.dns= adds to the same list), instead of DHCP's
 *   net.wait=SECONDS                          how long the boot waits for DHCP leases (0-300, default 5)
 *   net.raw=IF[,IF…]                          interfaces the TCP/IP stack leaves alone: the program sends and
 *                                             receives their Ethernet frames through /dev/net/<if> (repeatable)
 * Options are parsed before lwIP starts (its address parsers need no state) and applied as the interfaces
 * appear. */
#include "netconf.h"
#include <lwip/dns.h>
#include <lwip/ip_addr.h>
#include <uk/klibc.h>
#include <uk/netif.h>
#include <uk/print.h>
#include <uk/ramfs.h>
#include <uk/time.h>
#include <uk/vfs.h>

#define MAX_CONFS 8
#define MAX_DNS 3

static struct ifconf confs[MAX_CONFS];
static int nconfs;
static ip_addr_t dns_servers[MAX_DNS];
static int ndns;
static u64 wait_ns = 5 * UK_NSEC_PER_SEC;

struct ifconf *uk_net_conf_find(const char *name)
{
    for (int i = 0; i < nconfs; i++)
        if (!uk_strcmp(confs[i].name, name)) {
            confs[i].used = true;
            return &confs[i];
        }
    return NULL;
}

void uk_net_conf_warn_unused(void)
{
    for (int i = 0; i < nconfs; i++)
        if (!confs[i].used)
            uk_pr_warn("net: %s%s%s: there is no interface %s\n", confs[i].raw ? "net.raw=" : "net.", confs[i].name,
                       confs[i].raw ? "" : ".*", confs[i].name);
}

u64 uk_net_conf_wait_ns(void) { return wait_ns; }

/* "en<digits>", the names interfaces get. */
static bool valid_name(const char *s, usize n)
{
    if (n < 3 || n > 5 || s[0] != 'e' || s[1] != 'n')
        return false;
    for (usize i = 2; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static struct ifconf *conf_for(const char *name, usize n)
{
    char buf[8];
    uk_memcpy(buf, name, n);
    buf[n] = 0;
    for (int i = 0; i < nconfs; i++)
        if (!uk_strcmp(confs[i].name, buf))
            return &confs[i];
    if (nconfs == MAX_CONFS)
        return NULL;
    struct ifconf *c = &confs[nconfs++];
    uk_strlcpy(c->name, buf, sizeof(c->name));
    return c;
}

/* net.raw=en1[,en2…] */
static const char *raw_option(const char *value)
{
    for (const char *p = value;;) {
        const char *end = p;
        while (*end && *end != ',')
            end++;
        if (!valid_name(p, (usize)(end - p)))
            return "net.raw takes interface names en0, en1, ... separated by commas (net.raw=en1)";
        struct ifconf *c = conf_for(p, (usize)(end - p));
        if (!c)
            return "options for too many interfaces (at most 8)";
        c->raw = true;
        if (!*end)
            return NULL;
        p = end + 1;
    }
}

/* "A.B.C.D/N" */
static bool parse_cidr(const char *v, struct ifconf *c)
{
    char addr[16];
    usize n = 0;
    while (v[n] && v[n] != '/' && n < sizeof(addr) - 1)
        addr[n] = v[n], n++;
    addr[n] = 0;
    u64 prefix;
    if (v[n] != '/' || !uk_parse_u64(v + n + 1, &prefix) || prefix < 1 || prefix > 32 || !ip4addr_aton(addr, &c->ip))
        return false;
    c->prefix = (u8)prefix;
    ip4_addr_set_u32(&c->mask, lwip_htonl(0xffffffffu << (32 - prefix)));
    c->has_ip = true;
    return true;
}

const char *uk_net_option(const char *token)
{
    const char *key = token + 4, *eq = key;
    while (*eq && *eq != '=')
        eq++;
    if (!*eq)
        return "expected net.OPTION=VALUE";
    const char *value = eq + 1;
    if ((usize)(eq - key) == 4 && !uk_strncmp(key, "wait", 4)) {
        u64 s;
        if (!uk_parse_u64(value, &s) || s > 300)
            return "net.wait takes 0 to 300 (seconds)";
        wait_ns = s * UK_NSEC_PER_SEC;
        return NULL;
    }
    if ((usize)(eq - key) == 3 && !uk_strncmp(key, "raw", 3))
        return raw_option(value);
    /* [<if>.]field: the interface is en0 unless named */
    const char *dot = NULL;
    for (const char *p = key; p < eq; p++)
        if (*p == '.')
            dot = p;
    const char *field = dot ? dot + 1 : key;
    usize flen = (usize)(eq - field);
    if (dot && !valid_name(key, (usize)(dot - key)))
        return "net.<if>.* takes an interface name en0, en1, ...";
    if (flen == 3 && !uk_strncmp(field, "dns", 3)) {
        if (ndns == MAX_DNS)
            return "at most 3 name servers (net.dns=)";
        if (!ipaddr_aton(value, &dns_servers[ndns]))
            return "net.dns takes an IPv4 or IPv6 address";
        ndns++;
        return NULL;
    }
    bool ip = flen == 2 && !uk_strncmp(field, "ip", 2), gw = flen == 2 && !uk_strncmp(field, "gw", 2);
    if (!ip && !gw)
        return "unknown network option (net.ip=, net.gw=, net.dns=, net.<if>.ip=, net.wait=, net.raw=)";
    struct ifconf *c = dot ? conf_for(key, (usize)(dot - key)) : conf_for("en0", 3);
    if (!c)
        return "options for too many interfaces (at most 8)";
    if (ip && !parse_cidr(value, c))
        return "net.ip takes an IPv4 address and prefix length: ADDR/PREFIX (e.g. 10.0.0.2/24)";
    if (gw) {
        if (!ip4addr_aton(value, &c->gw))
            return "net.gw takes an IPv4 address";
        c->has_gw = true;
    }
    return NULL;
}

static char resolv_text[MAX_DNS * 64];
static struct uk_vnode *resolv_vn; /* the file this code wrote (held), NULL before */

void uk_net_write_resolv_conf(void)
{
    const ip_addr_t *servers[MAX_DNS];
    int n = 0;
    for (int i = 0; i < MAX_DNS; i++) {
        const ip_addr_t *a = ndns ? (i < ndns ? &dns_servers[i] : NULL) : dns_getserver((u8)i);
        if (a && !ip_addr_isany(a))
            servers[n++] = a;
    }
    if (!n)
        return;
    struct uk_vnode *vn;
    if (!uk_vfs_lookup(uk_vfs_root(), "/etc/resolv.conf", &vn) && vn != resolv_vn) {
        uk_pr_info("net: /etc/resolv.conf exists (bundled or written by the program): left as it is\n");
        return;
    }
    usize len = 0;
    for (int i = 0; i < n; i++) {
        char addr[IPADDR_STRLEN_MAX];
        len += (usize)uk_snprintf(resolv_text + len, sizeof(resolv_text) - len, "nameserver %s\n",
                                  ipaddr_ntoa_r(servers[i], addr, sizeof(addr)));
    }
    for (usize k = 0; k < len; k++) /* IPv6 as Linux writes it: lower case (lwIP's hex digits are upper case) */
        if (resolv_text[k] >= 'A' && resolv_text[k] <= 'F')
            resolv_text[k] = (char)(resolv_text[k] - 'A' + 'a');
    if (!resolv_vn) {
        resolv_vn = uk_vfs_mkpath("/etc/resolv.conf", UK_S_IFREG | 0644);
        if (!resolv_vn) {
            uk_pr_warn("net: cannot create /etc/resolv.conf\n");
            return;
        }
        uk_vfs_hold(resolv_vn); /* so that it stays this node, even once unlinked */
    }
    uk_ramfs_set_contents(resolv_vn, resolv_text, len);
}
