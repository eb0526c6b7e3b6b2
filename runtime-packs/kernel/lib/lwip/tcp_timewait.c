/* tcp_timewait.c - what Linux does, and lwIP does not, when a peer reuses the port pair of a connection that is in
 * TIME_WAIT here (we closed first, as a server that answers and closes does): a SYN whose sequence number lies
 * beyond the old connection's (RFC 1122 4.2.2.13; Linux's tcp_timewait_state_process) ends the TIME_WAIT and
 * opens the new connection at once, and a reset in sequence ends it too (Linux without tcp_rfc1337). lwIP would
 * answer the SYN with an ACK for the old connection, ignore the peer's reset, and so refuse the port pair until
 * its TIME_WAIT (2 MSL) ends: a client making connections one after another stalls for seconds whenever its
 * system hands out a port again. The SYN is handled before lwIP looks up PCBs (its IP input hooks: the header is
 * checked here, the checksum later by lwIP, which drops a damaged SYN as usual); the reset after lwIP checked
 * it (its TCP input hook). */
#include <lwip/ip_addr.h>
#include <lwip/pbuf.h>
#include <lwip/priv/tcp_priv.h>
#include <lwip/prot/ip4.h>
#include <lwip/prot/ip6.h>
#include <lwip/tcp.h>
#include <uk/klibc.h>

#define TCP_SYN_ONLY(flags) (((flags) & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == TCP_SYN)

/* The TIME_WAIT PCB of the port pair (addresses as the segment carries them, remote first), or NULL. */
static struct tcp_pcb *find(bool v6, const u8 *remote, const u8 *local, u16 rport, u16 lport)
{
    for (struct tcp_pcb *pcb = tcp_tw_pcbs; pcb; pcb = pcb->next) {
        if (pcb->remote_port != rport || pcb->local_port != lport)
            continue;
        if (v6 ? IP_IS_V6_VAL(pcb->remote_ip) && !uk_memcmp(ip_2_ip6(&pcb->remote_ip)->addr, remote, 16) &&
                     !uk_memcmp(ip_2_ip6(&pcb->local_ip)->addr, local, 16)
               : IP_IS_V4_VAL(pcb->remote_ip) && !uk_memcmp(&ip_2_ip4(&pcb->remote_ip)->addr, remote, 4) &&
                     !uk_memcmp(&ip_2_ip4(&pcb->local_ip)->addr, local, 4))
            return pcb;
    }
    return NULL;
}

/* The TCP header at off in p's first buffer: a SYN for a port pair in TIME_WAIT with a higher sequence number
 * ends that TIME_WAIT. */
static void syn(struct pbuf *p, u16 off, bool v6, const u8 *src, const u8 *dst)
{
    if (off + TCP_HLEN > p->len || !tcp_tw_pcbs)
        return;
    const struct tcp_hdr *h = (const struct tcp_hdr *)((const u8 *)p->payload + off);
    if (!TCP_SYN_ONLY(TCPH_FLAGS(h)))
        return;
    struct tcp_pcb *pcb = find(v6, src, dst, lwip_ntohs(h->src), lwip_ntohs(h->dest));
    if (pcb && TCP_SEQ_GT(lwip_ntohl(h->seqno), pcb->rcv_nxt))
        tcp_abort(pcb); /* a TIME_WAIT PCB is only unlinked and freed: nothing is sent */
}

int uk_lwip_tw_ip4_input(struct pbuf *p, struct netif *inp)
{
    const u8 *ip = p->payload;
    if (p->len < IP_HLEN || ip[0] >> 4 != 4 || (ip[0] & 15) < 5 || ip[9] != IP_PROTO_TCP || (ip[6] & 0x3f) || ip[7])
        return 0; /* not TCP, or a fragment */
    syn(p, (u16)((ip[0] & 15) * 4), false, ip + 12, ip + 16);
    return 0;
}

int uk_lwip_tw_ip6_input(struct pbuf *p, struct netif *inp)
{
    const u8 *ip = p->payload;
    if (p->len < IP6_HLEN || ip[0] >> 4 != 6 || ip[6] != IP6_NEXTH_TCP)
        return 0; /* not TCP right after the header */
    syn(p, IP6_HLEN, true, ip + 8, ip + 24);
    return 0;
}

signed char uk_lwip_tw_tcp_input(struct tcp_pcb *pcb, struct tcp_hdr *hdr)
{
    if (pcb->state == TIME_WAIT && (TCPH_FLAGS(hdr) & TCP_RST) && lwip_ntohl(hdr->seqno) == pcb->rcv_nxt) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    return ERR_OK;
}
