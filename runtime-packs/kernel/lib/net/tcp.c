/* tcp.c - TCP sockets on lwIP's raw API. lwIP's callbacks (run from the network interrupt, the timer or
 * inside our own calls, never concurrently with them) queue received data, accept new connections and
 * record errors, then wake the socket's waiters; the calls copy between the program and lwIP. The
 * data path (send, receive and the window, which opens only as the program reads) is in tcp_io.c. */
#include <lwip/ip_addr.h>
#include <lwip/netif.h>
#include <lwip/tcp.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include "sock.h"

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct sock *s = arg;
    if (!p) { /* the peer's FIN */
        s->eof = true;
        uk_net_notify(s, UK_POLLIN | UK_POLLRDHUP);
        return ERR_OK;
    }
    if (s->shut_rd) { /* read side shut: data is acknowledged and dropped */
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    }
    struct rxbuf *b = uk_kmalloc(sizeof(*b));
    if (!b)
        return ERR_MEM; /* lwIP keeps the data and offers it again later */
    b->p = p;
    b->off = 0;
    uk_net_rx_push(s, b);
    uk_net_notify(s, UK_POLLIN);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    uk_net_notify(arg, UK_POLLOUT);
    return ERR_OK;
}

/* The PCB is gone (lwIP freed it): reset, timeout, or a full close after both FINs. */
static void on_err(void *arg, err_t err)
{
    struct sock *s = arg;
    s->pcb.tcp = NULL;
    if (err == ERR_CLSD) {
        s->eof = true;
    } else if (err == ERR_RST) { /* after the peer's FIN (CLOSE_WAIT) Linux reports EPIPE */
        s->err = s->state == S_CONNECTING ? ECONNREFUSED : s->eof ? EPIPE : ECONNRESET;
    } else {
        s->err = ETIMEDOUT; /* retransmissions or keepalives ran out */
    }
    s->state = S_CLOSED;
    uk_net_notify(s, UK_POLLIN | UK_POLLOUT | UK_POLLERR | UK_POLLHUP);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct sock *s = arg;
    s->state = S_CONNECTED;
    uk_net_notify(s, UK_POLLOUT);
    return ERR_OK;
}

static void attach(struct sock *s, struct tcp_pcb *pcb)
{
    s->pcb.tcp = pcb;
    tcp_arg(pcb, s);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    s->proto->apply(s);
}

static void detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL); /* lwIP's default receiver acknowledges and drops, and closes on FIN */
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct sock *l = arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    struct sock *c = l->accept_count < l->backlog ? uk_net_sock_new(l->domain, l->type, l->protocol, l->proto) : NULL;
    if (!c) { /* a full queue refuses, as Linux does once its backlog overflows */
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    c->v6only = l->v6only;
    c->nodelay = l->nodelay;
    c->keepalive = l->keepalive;
    c->rcvbuf = l->rcvbuf;
    c->sndbuf = l->sndbuf;
    c->state = S_CONNECTED;
    attach(c, pcb);
    if (l->accept_tail)
        l->accept_tail->accept_next = c;
    else
        l->accept_head = c;
    l->accept_tail = c;
    l->accept_count++;
    uk_net_notify(l, UK_POLLIN);
    return ERR_OK;
}

static struct tcp_pcb *pcb_of(struct sock *s)
{
    if (!s->pcb.tcp) {
        struct tcp_pcb *pcb = tcp_new_ip_type(uk_net_iptype(s));
        if (pcb)
            attach(s, pcb);
    }
    return s->pcb.tcp;
}

/* Whether ip is one of the addresses of an interface (or any). */
static bool local_address(const ip_addr_t *ip)
{
    if (ip_addr_isany(ip))
        return true;
    struct netif *n;
    NETIF_FOREACH(n)
    {
        if (IP_IS_V4(ip) && ip4_addr_cmp(ip_2_ip4(ip), netif_ip4_addr(n)))
            return true;
        if (IP_IS_V6(ip) && netif_get_ip6_addr_match(n, ip_2_ip6(ip)) >= 0)
            return true;
    }
    return false;
}

static long tcp_bind_(struct sock *s, const ip_addr_t *ip, u16 port)
{
    if (!local_address(ip))
        return -EADDRNOTAVAIL;
    struct tcp_pcb *pcb = pcb_of(s);
    if (!pcb)
        return -ENOMEM;
    /* "::" on a dual-stack socket is every address of both families */
    const ip_addr_t *at = uk_net_iptype(s) == IPADDR_TYPE_ANY && ip_addr_isany(ip) ? IP_ANY_TYPE : ip;
    err_t e = tcp_bind(pcb, at, port);
    if (e)
        return uk_net_errno(e);
    s->state = S_BOUND;
    return 0;
}

static long tcp_listen_(struct sock *s, int backlog)
{
    if (s->state == S_LISTENING) {
        s->backlog = backlog;
        return 0;
    }
    if (s->state != S_NEW && s->state != S_BOUND)
        return -EINVAL;
    if (s->state == S_NEW) {
        long r = tcp_bind_(s, IP_ANY_TYPE, 0);
        if (r)
            return r;
    }
    err_t e = ERR_OK;
    struct tcp_pcb *l = tcp_listen_with_backlog_and_err(s->pcb.tcp, (u8)UK_MIN(backlog, 255), &e);
    if (!l)
        return uk_net_errno(e);
    s->pcb.tcp = l; /* the bound PCB was freed */
    tcp_arg(l, s);
    tcp_accept(l, on_accept);
    s->state = S_LISTENING;
    s->backlog = backlog;
    return 0;
}

static long tcp_accept_(struct sock *s, bool nonblock, struct sock **out)
{
    if (s->state != S_LISTENING)
        return -EINVAL;
    u64 deadline = uk_net_deadline(s->rcvtimeo_ns);
    while (!s->accept_head) {
        if (nonblock)
            return -EAGAIN;
        long r = uk_net_wait(s, deadline);
        if (r)
            return r;
        if (s->state != S_LISTENING)
            return -EINVAL;
    }
    struct sock *c = s->accept_head;
    s->accept_head = c->accept_next;
    if (!s->accept_head)
        s->accept_tail = NULL;
    s->accept_count--;
    c->accept_next = NULL;
    *out = c;
    return 0;
}

static long tcp_connect_(struct sock *s, const ip_addr_t *ip, u16 port, bool nonblock)
{
    if (s->state == S_LISTENING)
        return -EINVAL;
    if (s->state == S_CONNECTED)
        return -EISCONN;
    if (s->state == S_CONNECTING)
        return -EALREADY;
    if (s->state == S_CLOSED) { /* after a failed attempt: a new one starts from scratch */
        s->state = S_NEW;
        s->eof = s->shut_rd = s->shut_wr = false;
        uk_net_rx_drop_all(s);
    }
    if (!port)
        return -ECONNREFUSED;
    ip_addr_t to = *ip;
    if (ip_addr_isany(&to)) { /* Linux connects "any" to the loopback address */
        if (IP_IS_V6(ip)) {
            ip_addr_t lo6 = IPADDR6_INIT_HOST(0, 0, 0, 1);
            to = lo6;
        } else {
            ip_addr_set_ip4_u32_val(to, lwip_htonl(0x7f000001));
        }
    }
    struct tcp_pcb *pcb = pcb_of(s);
    if (!pcb)
        return -ENOMEM;
    err_t e = tcp_connect(pcb, &to, port, on_connected);
    if (e)
        return e == ERR_MEM ? -EAGAIN : uk_net_errno(e);
    s->state = S_CONNECTING;
    if (nonblock)
        return -EINPROGRESS;
    u64 deadline = uk_net_deadline(s->sndtimeo_ns);
    while (s->state == S_CONNECTING) {
        long r = uk_net_wait(s, deadline);
        if (r)
            return r == -EAGAIN ? -EINPROGRESS : r;
    }
    if (s->err) {
        long r = -s->err;
        s->err = 0;
        return r;
    }
    return 0;
}

static long tcp_disconnect_(struct sock *s)
{
    if (s->pcb.tcp && s->state != S_LISTENING) {
        struct tcp_pcb *pcb = s->pcb.tcp;
        detach(pcb);
        tcp_abort(pcb); /* a reset, which is what .NET asks for with it */
        s->pcb.tcp = NULL;
    }
    if (s->state != S_LISTENING) {
        s->state = S_NEW;
        s->eof = s->shut_rd = s->shut_wr = false;
        uk_net_rx_drop_all(s);
    }
    uk_net_notify(s, UK_POLLIN | UK_POLLOUT | UK_POLLHUP);
    return 0;
}

static long tcp_shutdown_(struct sock *s, int how)
{
    if (s->state == S_LISTENING) { /* wakes accept(), as on Linux */
        uk_net_notify(s, UK_POLLIN);
        return 0;
    }
    if (s->state != S_CONNECTED && s->state != S_CONNECTING && s->state != S_CLOSED)
        return -ENOTCONN;
    if (how != UK_SHUT_WR)
        s->shut_rd = true;
    if (how != UK_SHUT_RD && !s->shut_wr) {
        s->shut_wr = true;
        if (s->pcb.tcp && s->state == S_CONNECTED)
            tcp_shutdown(s->pcb.tcp, 0, 1);
    }
    uk_net_notify(s, UK_POLLIN | UK_POLLOUT);
    return 0;
}

static long tcp_local_(struct sock *s, ip_addr_t *ip, u16 *port)
{
    if (s->pcb.tcp) {
        ip_addr_copy(*ip, s->pcb.tcp->local_ip);
        *port = s->pcb.tcp->local_port;
    }
    return 0;
}

static long tcp_peer_(struct sock *s, ip_addr_t *ip, u16 *port)
{
    if (s->state != S_CONNECTED || !s->pcb.tcp)
        return -ENOTCONN;
    ip_addr_copy(*ip, s->pcb.tcp->remote_ip);
    *port = s->pcb.tcp->remote_port;
    return 0;
}

static u32 tcp_poll_(struct sock *s)
{
    u32 ev = 0;
    switch (s->state) {
    case S_LISTENING: return s->accept_head ? UK_POLLIN | UK_POLLRDNORM : 0;
    case S_NEW:
    case S_BOUND: return UK_POLLOUT | UK_POLLWRNORM | UK_POLLHUP; /* as Linux reports an unconnected socket */
    case S_CONNECTING: return s->err ? UK_POLLOUT | UK_POLLERR | UK_POLLHUP : 0;
    case S_CLOSED: ev |= UK_POLLIN | UK_POLLRDNORM | UK_POLLHUP | (s->err ? UK_POLLERR : 0) | UK_POLLOUT; break;
    case S_CONNECTED:
        if (s->pcb.tcp && !s->shut_wr && tcp_sndbuf(s->pcb.tcp) && tcp_sndqueuelen(s->pcb.tcp) < TCP_SND_QUEUELEN - 4)
            ev |= UK_POLLOUT | UK_POLLWRNORM;
        break;
    }
    if (s->rx_head || s->eof || s->shut_rd)
        ev |= UK_POLLIN | UK_POLLRDNORM;
    if (s->eof)
        ev |= UK_POLLRDHUP;
    if (s->eof && s->shut_wr)
        ev |= UK_POLLHUP;
    if (s->err)
        ev |= UK_POLLERR;
    return ev;
}

static void tcp_close_(struct sock *s)
{
    struct tcp_pcb *pcb = s->pcb.tcp;
    if (s->state == S_LISTENING) {
        tcp_arg(pcb, NULL);
        tcp_accept(pcb, NULL);
        tcp_close(pcb);
        for (struct sock *c = s->accept_head, *next; c; c = next) { /* connections never accepted: reset */
            next = c->accept_next;
            uk_file_put(c->file);
        }
    } else if (pcb) {
        detach(pcb);
        /* SO_LINGER {1, 0} or unread data: a reset, as Linux sends; else an orderly close */
        if ((s->linger_on && !s->linger_s) || s->rx_head || tcp_close(pcb) != ERR_OK)
            tcp_abort(pcb);
    }
    uk_net_sock_free(s);
}

static void tcp_apply_(struct sock *s)
{
    struct tcp_pcb *pcb = s->pcb.tcp;
    if (!pcb)
        return;
    pcb->so_options = (u8)((pcb->so_options & ~UK_NET_SOF_MASK) | uk_net_so_options(s));
    if (s->state == S_LISTENING)
        return; /* Nagle is per connection */
    if (s->nodelay)
        tcp_nagle_disable(pcb);
    else
        tcp_nagle_enable(pcb);
}

const struct proto uk_net_tcp = {
    .bind = tcp_bind_,
    .listen = tcp_listen_,
    .accept = tcp_accept_,
    .connect = tcp_connect_,
    .disconnect = tcp_disconnect_,
    .send = uk_net_tcp_send,
    .recv = uk_net_tcp_recv,
    .shutdown = tcp_shutdown_,
    .local = tcp_local_,
    .peer = tcp_peer_,
    .poll = tcp_poll_,
    .close = tcp_close_,
    .apply = tcp_apply_,
};
