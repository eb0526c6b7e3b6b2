/* udp.c - UDP sockets on lwIP's raw API: datagrams queue with their sender up to SO_RCVBUF (more are
 * dropped, as on Linux); a send copies the program's iovecs once, into the pbuf lwIP transmits. */
#include <lwip/ip.h>
#include <lwip/ip_addr.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/udp.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include "sock.h"

/* UDP datagrams by family (0 IPv4, 1 IPv6) for /proc/net/snmp and snmp6 (snmp.c): lwIP counts both together. */
struct uk_net_udp_counts uk_net_udp_counts;

#define MAX_DATAGRAM 65507

static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    struct sock *s = arg;
    struct rxbuf *b = s->rx_bytes + p->tot_len <= s->rcvbuf ? uk_kmalloc(sizeof(*b)) : NULL;
    int v6 = IP_IS_V6(addr) ? 1 : 0;
    uk_net_udp_counts.seen[v6]++;
    if (!b) {
        uk_net_udp_counts.rcvbuf_errors[v6]++;
        pbuf_free(p);
        return;
    }
    b->p = p;
    b->off = 0;
    ip_addr_copy(b->from, *addr);
    b->port = port;
    uk_net_rx_push(s, b);
    uk_net_notify(s, UK_POLLIN);
}

static struct udp_pcb *pcb_of(struct sock *s)
{
    if (!s->pcb.udp) {
        struct udp_pcb *pcb = udp_new_ip_type(uk_net_iptype(s));
        if (!pcb)
            return NULL;
        s->pcb.udp = pcb;
        udp_recv(pcb, on_recv, s);
        s->proto->apply(s);
    }
    return s->pcb.udp;
}

static long udp_bind_(struct sock *s, const ip_addr_t *ip, u16 port)
{
    struct udp_pcb *pcb = pcb_of(s);
    if (!pcb)
        return -ENOMEM;
    const ip_addr_t *at = uk_net_iptype(s) == IPADDR_TYPE_ANY && ip_addr_isany(ip) ? IP_ANY_TYPE : ip;
    err_t e = udp_bind(pcb, at, port);
    if (e)
        return e == ERR_USE ? -EADDRINUSE : -EINVAL;
    s->state = S_BOUND;
    return 0;
}

static long udp_connect_(struct sock *s, const ip_addr_t *ip, u16 port, bool nonblock)
{
    struct udp_pcb *pcb = pcb_of(s);
    if (!pcb)
        return -ENOMEM;
    err_t e = udp_connect(pcb, ip, port);
    if (e)
        return e == ERR_RTE ? -ENETUNREACH : -EINVAL;
    s->has_peer = true;
    s->state = S_CONNECTED;
    return 0;
}

static long udp_disconnect_(struct sock *s)
{
    if (s->pcb.udp)
        udp_disconnect(s->pcb.udp);
    s->has_peer = false;
    s->state = s->pcb.udp && s->pcb.udp->local_port ? S_BOUND : S_NEW;
    return 0;
}

static long udp_send_(struct sock *s, const struct uk_iov *iov, int niov, int flags, const ip_addr_t *to, u16 port,
                      bool nonblock)
{
    usize len = uk_iov_len(iov, niov);
    if (len > MAX_DATAGRAM)
        return -EMSGSIZE;
    if (!to && !s->has_peer)
        return -EDESTADDRREQ;
    if (to && !port)
        return -EINVAL;
    struct udp_pcb *pcb = pcb_of(s);
    if (!pcb)
        return -ENOMEM;
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16)len, PBUF_RAM);
    if (!p)
        return -ENOBUFS;
    if (!uk_iov_copy_from(p->payload, iov, niov, 0, len)) {
        pbuf_free(p);
        return -EFAULT;
    }
    err_t e = to ? udp_sendto(pcb, p, to, port) : udp_send(pcb, p);
    pbuf_free(p);
    if (e && e != ERR_MEM) /* ERR_MEM: the device's transmit queue is full: dropped, as Linux without IP_RECVERR */
        return uk_net_errno(e);
    if (!e) /* lwIP's MIB-II counted it; the IPv6 ones are told apart for snmp6 */
        uk_net_udp_counts.out[IP_IS_V6(to ? to : &pcb->remote_ip) ? 1 : 0]++;
    if (s->state == S_NEW)
        s->state = S_BOUND; /* sending bound it to an ephemeral port */
    return (long)len;
}

static long udp_recv_(struct sock *s, const struct uk_iov *iov, int niov, int flags, ip_addr_t *from, u16 *port,
                      int *msg_flags, bool nonblock)
{
    u64 deadline = uk_net_deadline(s->rcvtimeo_ns);
    while (!s->rx_head) {
        if (s->err) {
            long r = -s->err;
            s->err = 0;
            return r;
        }
        if (s->shut_rd)
            return 0;
        if (nonblock)
            return -EAGAIN;
        long r = uk_net_wait(s, deadline);
        if (r)
            return r;
    }
    struct rxbuf *b = s->rx_head;
    usize want = uk_iov_len(iov, niov), size = b->p->tot_len, n = UK_MIN(want, size), done = 0;
    for (struct pbuf *q = b->p; q && done < n; q = q->next) {
        usize k = UK_MIN((usize)q->len, n - done);
        if (!uk_iov_copy_to(iov, niov, done, q->payload, k))
            return -EFAULT;
        done += k;
    }
    ip_addr_copy(*from, b->from);
    *port = b->port;
    if (n < size)
        *msg_flags |= UK_MSG_TRUNC;
    if (!(flags & UK_MSG_PEEK)) {
        s->rx_head = b->next;
        if (!s->rx_head)
            s->rx_tail = NULL;
        s->rx_bytes -= size;
        pbuf_free(b->p);
        uk_kfree(b);
    }
    return (long)(flags & UK_MSG_TRUNC ? size : n);
}

static long udp_shutdown_(struct sock *s, int how)
{
    if (!s->has_peer)
        return -ENOTCONN;
    if (how != UK_SHUT_WR)
        s->shut_rd = true;
    uk_net_notify(s, UK_POLLIN);
    return 0;
}

static long udp_local_(struct sock *s, ip_addr_t *ip, u16 *port)
{
    struct udp_pcb *pcb = s->pcb.udp;
    if (!pcb)
        return 0;
    ip_addr_copy(*ip, pcb->local_ip);
    *port = pcb->local_port;
    if (s->has_peer && ip_addr_isany(&pcb->local_ip)) {
        /* connected but bound to "any": Linux reports the source address its route picks (musl's
         * getaddrinfo sorts its answers by it) */
        struct netif *n;
        const ip_addr_t *src;
        ip_route_get_local_ip(&pcb->local_ip, &pcb->remote_ip, n, src);
        if (n && src)
            ip_addr_copy(*ip, *src);
    }
    return 0;
}

static long udp_peer_(struct sock *s, ip_addr_t *ip, u16 *port)
{
    if (!s->has_peer)
        return -ENOTCONN;
    ip_addr_copy(*ip, s->pcb.udp->remote_ip);
    *port = s->pcb.udp->remote_port;
    return 0;
}

static u32 udp_poll_(struct sock *s)
{
    u32 ev = UK_POLLOUT | UK_POLLWRNORM;
    if (s->rx_head || s->shut_rd)
        ev |= UK_POLLIN | UK_POLLRDNORM;
    if (s->err)
        ev |= UK_POLLERR;
    return ev;
}

static void udp_close_(struct sock *s)
{
    if (s->pcb.udp)
        udp_remove(s->pcb.udp);
    uk_net_sock_free(s);
}

static void udp_apply_(struct sock *s)
{
    struct udp_pcb *pcb = s->pcb.udp;
    if (!pcb)
        return;
    pcb->so_options = (u8)((pcb->so_options & ~UK_NET_SOF_MASK) | uk_net_so_options(s));
}

const struct proto uk_net_udp = {
    .bind = udp_bind_,
    .listen = NULL,
    .accept = NULL,
    .connect = udp_connect_,
    .disconnect = udp_disconnect_,
    .send = udp_send_,
    .recv = udp_recv_,
    .shutdown = udp_shutdown_,
    .local = udp_local_,
    .peer = udp_peer_,
    .poll = udp_poll_,
    .close = udp_close_,
    .apply = udp_apply_,
};
