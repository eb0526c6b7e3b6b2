/* uk_lwip_hooks.h - the port's hooks into lwIP (lwipopts.h names this file LWIP_HOOK_FILENAME, so lwIP's sources
 * see these declarations): Linux's treatment of a connection in TIME_WAIT whose port pair a peer reuses
 * (tcp_timewait.c), and RFC 6528's initial sequence numbers (tcp_isn.c). */
#ifndef UK_LWIP_HOOKS_H
#define UK_LWIP_HOOKS_H

struct pbuf;
struct netif;
struct tcp_pcb;
struct tcp_hdr;
struct ip_addr;

/* A segment opening a new connection on a port pair still in TIME_WAIT ends the TIME_WAIT first; never eats p. */
int uk_lwip_tw_ip4_input(struct pbuf *p, struct netif *inp);
int uk_lwip_tw_ip6_input(struct pbuf *p, struct netif *inp);
/* A reset in sequence ends a TIME_WAIT (ERR_ABRT: lwIP drops the segment); anything else goes on (ERR_OK). */
signed char uk_lwip_tw_tcp_input(struct tcp_pcb *pcb, struct tcp_hdr *hdr);

/* A new connection's initial sequence number: a 4 us clock plus a keyed hash of its addresses and ports. */
unsigned int uk_lwip_tcp_isn(const struct ip_addr *local, unsigned short lport, const struct ip_addr *remote,
                             unsigned short rport);

#endif
