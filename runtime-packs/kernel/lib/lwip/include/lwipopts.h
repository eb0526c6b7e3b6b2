/* lwipopts.h - lwIP's configuration for the kernel core: the raw API without threads (NO_SYS), IPv4 and IPv6
 * over Ethernet and the loopback interface, buffers from the kernel heap, and TCP windows and timers sized for
 * throughput. lwIP's defaults (src/include/lwip/opt.h) apply to everything not set here. */
#ifndef UK_LWIPOPTS_H
#define UK_LWIPOPTS_H

/* No threads inside lwIP: the kernel calls it with one caller at a time (the kernel is not preempted, and
 * interrupts, whose handlers may call lwIP (the network drivers' receive path, the timer running lwIP's
 * timeouts), are only taken while the CPU runs the program or idles, never inside another kernel call), and runs
 * its timers (sys_check_timeouts) and the loopback queue (netif_poll_all) itself. Hence no SYS_ARCH_PROTECT
 * locking either. The kernel's own socket layer sits on the raw API: lwIP's sockets and netconn need NO_SYS=0. */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0

/* Memory: every lwIP allocation (pbufs, PCBs, segments, timeouts) comes from the kernel heap through the port's
 * hooks (port.c), so there are no fixed pools to run out of and nothing is reserved until it is used. */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8
#define mem_clib_malloc uk_lwip_port_malloc
#define mem_clib_free uk_lwip_port_free
#define mem_clib_calloc uk_lwip_port_calloc

/* Protocols: IPv4 and IPv6 over Ethernet, ICMP, ICMPv6 with neighbour discovery, stateless address
 * autoconfiguration (SLAAC) and MLD, UDP, TCP, DHCP. Name resolution is the program's (musl, over UDP):
 * LWIP_DNS is on only because dhcp.c requests name servers and hands them on (dns_setserver) only with it;
 * lib/net writes them to /etc/resolv.conf, and lwIP's resolver itself is never called. No ARP probe of the
 * leased address (DHCP_DOES_ARP_CHECK): it would hold the lease back for half a second at every boot. */
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_ICMP6 1
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_MLD 1
/* Reassembly keeps its bookkeeping in a copy of the fragment header: on 64-bit its pointers do not fit the header
 * itself (lwIP asserts this at the first fragment). */
#define IPV6_FRAG_COPYHEADER 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 3
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_RAW 0
#define LWIP_IGMP 0
#define LWIP_AUTOIP 0
/* Linux's default hop limit (lwIP's is 255). */
#define IP_DEFAULT_TTL 64
/* SO_REUSEADDR (.NET sets it on every TCP bind): binding a port still held by TIME_WAIT connections. */
#define SO_REUSE 1

/* Interfaces: lib/net follows address and link changes (its boot-log line, resolv.conf, the boot's wait for DHCP)
 * through the extended status callback; DHCP sends the host name. */
#define LWIP_NETIF_EXT_STATUS_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1

/* The loopback interface lo (127.0.0.1 and ::1). NO_SYS delivers its packets from netif_poll_all(). */
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETIF_LOOPBACK 1

/* TCP tuned for throughput: full Ethernet segments, 256 KiB windows (window scaling: 65535 << 3 covers it),
 * 256 KiB of send buffer per connection, and a send queue long enough for it in segments smaller than an MSS
 * (lwIP's default rule, 4 pbufs per MSS of buffer; it must fit a u16). */
#define TCP_MSS 1460
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 3
#define TCP_WND (256 * 1024)
#define TCP_SND_BUF (256 * 1024)
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
/* The socket layer's POLLOUT threshold: writable with 32 KiB of send buffer free. (tcp_sndbuf() reports at most
 * 64 KiB, and lwIP wants this at least 4 MSS below that.) */
#define TCP_SNDLOWAT (32 * 1024)
/* listen() backlogs and per-connection keepalive times (TCP_KEEPIDLE/INTVL/CNT), for the socket layer. */
#define TCP_LISTEN_BACKLOG 1
#define LWIP_TCP_KEEPALIVE 1
/* TIME_WAIT lasts 2 * TCP_MSL: lwIP's 60 s MSL keeps closed connections for 2 minutes, and every segment walks
 * the PCB lists linearly, so a busy server slows down as they pile up (nginx on Unikraft's lib-lwip fell to
 * about 170 requests/s; a 5 s MSL gave 20-28k, lib-lwip PR #74). 5 s, as there: 10 s of TIME_WAIT. */
#define TCP_MSL 5000UL

/* A peer that reuses a port pair still in TIME_WAIT here gets a new connection, as on Linux (tcp_timewait.c): a
 * SYN with a higher sequence number ends the TIME_WAIT, so does a reset in sequence. lwIP alone answers the SYN
 * with an ACK and ignores the peer's reset, and the peer cannot connect until the TIME_WAIT ends (a client
 * making connections one after another stalls for up to 10 s whenever it reuses a port). */
#define LWIP_HOOK_FILENAME "uk_lwip_hooks.h"
#define LWIP_HOOK_IP4_INPUT(p, inp) uk_lwip_tw_ip4_input(p, inp)
#define LWIP_HOOK_IP6_INPUT(p, inp) uk_lwip_tw_ip6_input(p, inp)
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) uk_lwip_tw_tcp_input(pcb, hdr)
/* Initial sequence numbers as RFC 6528 (tcp_isn.c): unpredictable, and rising per port pair, which that TIME_WAIT
 * rule (here and on Linux peers) relies on; lwIP's own are consecutive. */
#define LWIP_HOOK_TCP_ISN(lip, lport, rip, rport) uk_lwip_tcp_isn(lip, lport, rip, rport)

/* Checksums: generated and checked in software unless a device offloads them, per interface
 * (NETIF_SET_CHECKSUM_CTRL); TCP payload is summed while it is copied in. */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define LWIP_CHECKSUM_ON_COPY 1
/* tcp_write's data is the program's (the socket layer passes its iovecs straight through): lwIP copies it into its
 * segments through the kernel's checked user copy (port.c), the only copy on the way out of the socket. */
#define LWIP_CHKSUM_COPY(dst, src, len) uk_lwip_copy_in(dst, src, len)
unsigned short uk_lwip_copy_in(void *dst, const void *usrc, unsigned short len);

/* Received frames reach lwIP in the network driver's own buffers (custom pbufs that go back to the driver when
 * freed), not copied into lwIP's. */
#define LWIP_SUPPORT_CUSTOM_PBUF 1

/* Statistics: the MIB-II counters (per interface, and the IP, ICMP, TCP and UDP totals), which lo's line of
 * /proc/net/dev and /proc/net/snmp report, and the IPv6 and ICMPv6 totals of /proc/net/snmp6 (32-bit counters);
 * no debug output; assertions stay on (arch/cc.h: a kernel panic). */
#define LWIP_STATS 1
#define LWIP_STATS_LARGE 1
#define MIB2_STATS 1
#define LINK_STATS 0
#define ETHARP_STATS 0
#define IP_STATS 0
#define IPFRAG_STATS 0
#define ICMP_STATS 0
#define IGMP_STATS 0
#define UDP_STATS 0
#define TCP_STATS 0
#define MEM_STATS 0
#define MEMP_STATS 0
#define SYS_STATS 0
#define IP6_STATS 1
#define ICMP6_STATS 1
#define IP6_FRAG_STATS 0
#define MLD6_STATS 0
#define ND6_STATS 0
#define LWIP_STATS_DISPLAY 0

#endif
