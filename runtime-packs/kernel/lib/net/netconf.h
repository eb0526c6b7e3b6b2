/* netconf.h - what the network interfaces (netif.c) take from the command line's net.* options (netconf.c): the
 * static configuration of each named interface, the name servers, the boot wait, and /etc/resolv.conf. */
#ifndef UK_NET_NETCONF_H
#define UK_NET_NETCONF_H
#include <lwip/ip_addr.h>
#include <uk/types.h>

/* net.ip=, net.gw= (en0), net.<name>.ip=, net.<name>.gw= and net.raw=<name> */
struct ifconf {
    char name[8];
    bool has_ip, has_gw, used;
    bool raw; /* net.raw=: the TCP/IP stack leaves this interface to the program (/dev/net/<name>) */
    ip4_addr_t ip, mask, gw;
    u8 prefix;
};

/* The static configuration of interface name (marked used), NULL when the command line has none. */
struct ifconf *uk_net_conf_find(const char *name);
/* Options naming an interface that does not exist: warned about once the devices are probed. */
void uk_net_conf_warn_unused(void);
/* How long the boot waits for DHCP leases, in ns (net.wait=, default 5 s). */
u64 uk_net_conf_wait_ns(void);
/* Writes /etc/resolv.conf: net.dns= when given, else the servers DHCP passed to lwIP. Leaves a file the
 * program bundled (or wrote before the first lease) alone. */
void uk_net_write_resolv_conf(void);

#endif
