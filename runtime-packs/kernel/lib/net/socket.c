/* socket.c - the protocol-independent half of sockets: the socket file (read/write and readv/writev as
 * recvmsg/sendmsg, poll, FIONREAD/FIONBIO, close), creation, addresses between Linux sockaddrs and lwIP
 * (IPv4-mapped IPv6 for dual-stack sockets), blocking with SO_RCVTIMEO/SO_SNDTIMEO and signals, and the socket options. */
#include <lwip/ip_addr.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/poll.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/time.h>
#include "sock.h"

#define FIONREAD 0x541b
#define FIONBIO 0x5421
#define SIOCATMARK 0x8905
#define DEFAULT_BUF (208 * 1024) /* Linux's net.core.[rw]mem_default */

static u32 sock_poll(struct uk_file *f, struct uk_poll_table *pt);

static struct sock *S(struct uk_file *f) { return f->priv; }
static bool nonblocking(struct uk_file *f, int flags)
{
    return (f->flags & UK_O_NONBLOCK) || (flags & UK_MSG_DONTWAIT);
}

/* read/readv as recvmsg and write/writev as sendmsg without an address or flags, so a datagram socket takes one
 * datagram over all the buffers (the rest of a longer one is dropped) and sends one made of them all. An empty
 * read returns at once without consuming anything, as Linux's sock_read_iter. */
static long sock_readv(struct uk_file *f, const struct uk_iov *iov, int niov, u64 *pos)
{
    return uk_iov_len(iov, niov) ? uk_socket_recvmsg(f, iov, niov, 0, NULL, NULL, NULL) : 0;
}

static long sock_writev(struct uk_file *f, const struct uk_iov *iov, int niov, u64 *pos)
{
    return uk_socket_sendmsg(f, iov, niov, 0, NULL, 0);
}

static long sock_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    struct uk_iov iov = {ubuf, len};
    return sock_readv(f, &iov, 1, pos);
}

static long sock_write(struct uk_file *f, const void *ubuf, usize len, u64 *pos)
{
    struct uk_iov iov = {(void *)ubuf, len};
    return sock_writev(f, &iov, 1, pos);
}

static long sock_ioctl(struct uk_file *f, unsigned long req, long arg)
{
    struct sock *s = S(f);
    int v;
    switch (req) {
    case FIONREAD:
        v = (int)UK_MIN(s->rx_bytes, (usize)0x7fffffff);
        if (s->type == UK_SOCK_DGRAM) /* the next datagram's size, as Linux */
            v = s->rx_head ? s->rx_head->p->tot_len : 0;
        return uk_user_copy_to((void *)arg, &v, sizeof(v)) ? 0 : -EFAULT;
    case FIONBIO:
        if (!uk_user_copy_from(&v, (const void *)arg, sizeof(v)))
            return -EFAULT;
        f->flags = v ? f->flags | UK_O_NONBLOCK : f->flags & ~UK_O_NONBLOCK;
        return 0;
    case SIOCATMARK: v = 0; return uk_user_copy_to((void *)arg, &v, sizeof(v)) ? 0 : -EFAULT;
    }
    return uk_net_ifioctl(req, arg);
}

static void sock_release(struct uk_file *f)
{
    struct sock *s = S(f);
    s->file = NULL;
    s->proto->close(s);
    uk_net_kick();
}

static const struct uk_file_ops sock_ops = {
    .read = sock_read,
    .write = sock_write,
    .readv = sock_readv,
    .writev = sock_writev,
    .ioctl = sock_ioctl,
    .poll = sock_poll,
    .release = sock_release,
    .type = 0140000, /* S_IFSOCK */
};

bool uk_is_socket(const struct uk_file *f) { return f->ops == &sock_ops || uk_nl_is(f); }

static u32 sock_poll(struct uk_file *f, struct uk_poll_table *pt)
{
    uk_poll_wait(pt, &f->wq);
    return S(f)->proto->poll(S(f));
}

u8 uk_net_so_options(const struct sock *s)
{
    return (u8)((s->reuseaddr || s->reuseport ? SOF_REUSEADDR : 0) | (s->keepalive ? SOF_KEEPALIVE : 0) |
                (s->broadcast ? SOF_BROADCAST : 0));
}

u8 uk_net_iptype(const struct sock *s)
{
    return s->domain == UK_AF_INET ? IPADDR_TYPE_V4 : s->v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY;
}

struct sock *uk_net_sock_new(int domain, int type, int protocol, const struct proto *proto)
{
    struct sock *s = uk_kzalloc(sizeof(*s));
    if (!s)
        return NULL;
    s->file = uk_file_new(&sock_ops, UK_O_RDWR, s);
    if (!s->file) {
        uk_kfree(s);
        return NULL;
    }
    s->domain = domain;
    s->type = type;
    s->protocol = protocol;
    s->proto = proto;
    s->rcvbuf = s->sndbuf = DEFAULT_BUF;
    return s;
}

void uk_net_sock_free(struct sock *s)
{
    uk_net_rx_drop_all(s);
    uk_kfree(s);
}

void uk_net_notify(struct sock *s, u32 events)
{
    s->events++;
    if (s->file)
        uk_file_notify(s->file, events);
}

u64 uk_net_deadline(u64 timeout_ns) { return timeout_ns ? uk_time_monotonic_ns() + timeout_ns : 0; }

long uk_net_wait(struct sock *s, u64 deadline_ns)
{
    /* Delivering looped-back packets may complete what the caller waits for (a connect to 127.0.0.1 is
     * done by the time the kick returns): then there is nothing to wait for, the caller looks again. */
    u32 seen = s->events;
    uk_net_kick();
    if (s->events != seen)
        return 0;
    if (!uk_waitq_wait(&s->file->wq, deadline_ns))
        return -EAGAIN;
    if (uk_thread_current()->interrupted && uk_signal_pending())
        return -EINTR;
    return 0;
}

/* Calls */

long uk_socket_create(int domain, int type, int protocol, struct uk_file **out)
{
    int kind = type & UK_SOCK_TYPE_MASK;
    if (type & ~(UK_SOCK_TYPE_MASK | UK_SOCK_NONBLOCK | UK_SOCK_CLOEXEC))
        return -EINVAL;
    if (domain == UK_AF_NETLINK || domain == UK_AF_UNIX)
        return uk_nl_create(domain, type, protocol, out);
    if (domain != UK_AF_INET && domain != UK_AF_INET6)
        return -EAFNOSUPPORT;
    const struct proto *proto;
    if (kind == UK_SOCK_STREAM && (protocol == 0 || protocol == UK_IPPROTO_TCP))
        proto = &uk_net_tcp, protocol = UK_IPPROTO_TCP;
    else if (kind == UK_SOCK_DGRAM && (protocol == 0 || protocol == UK_IPPROTO_UDP))
        proto = &uk_net_udp, protocol = UK_IPPROTO_UDP;
    else if (kind == UK_SOCK_STREAM || kind == UK_SOCK_DGRAM)
        return -EPROTONOSUPPORT;
    else
        return kind == UK_SOCK_RAW ? -EPERM : -ESOCKTNOSUPPORT;
    struct sock *s = uk_net_sock_new(domain, kind, protocol, proto);
    if (!s)
        return -ENOMEM;
    if (type & UK_SOCK_NONBLOCK)
        s->file->flags |= UK_O_NONBLOCK;
    *out = s->file;
    return 0;
}

long uk_socket_bind(struct uk_file *f, const struct uk_sockaddr *a, u32 len)
{
    if (uk_nl_is(f))
        return uk_nl_bind(f, a, len);
    struct sock *s = S(f);
    ip_addr_t ip;
    u16 port;
    long r = uk_net_addr_in(s, a, len, &ip, &port);
    if (r)
        return r == -ENETUNREACH ? -EINVAL : r;
    if (s->state != S_NEW)
        return -EINVAL;
    r = s->proto->bind(s, &ip, port);
    uk_net_kick();
    return r;
}

long uk_socket_listen(struct uk_file *f, int backlog)
{
    struct sock *s = S(f);
    if (uk_nl_is(f) || !s->proto->listen)
        return -EOPNOTSUPP;
    long r = s->proto->listen(s, backlog < 1 ? 1 : backlog > 4096 ? 4096 : backlog);
    uk_net_kick();
    return r;
}

long uk_socket_accept(struct uk_file *f, int flags, struct uk_file **out, struct uk_sockaddr *peer, u32 *len)
{
    struct sock *s = S(f), *c;
    if (uk_nl_is(f) || !s->proto->accept)
        return -EOPNOTSUPP;
    long r = s->proto->accept(s, f->flags & UK_O_NONBLOCK, &c);
    uk_net_kick();
    if (r)
        return r;
    if (flags & UK_SOCK_NONBLOCK)
        c->file->flags |= UK_O_NONBLOCK;
    if (peer) {
        ip_addr_t ip;
        u16 port;
        c->proto->peer(c, &ip, &port);
        *len = uk_net_addr_out(c, &ip, port, peer);
    }
    *out = c->file;
    return 0;
}

long uk_socket_connect(struct uk_file *f, const struct uk_sockaddr *a, u32 len)
{
    if (uk_nl_is(f))
        return uk_nl_connect(f, a, len);
    struct sock *s = S(f);
    long r;
    if (len >= sizeof(u16) && a->family == UK_AF_UNSPEC) {
        r = s->proto->disconnect(s);
    } else {
        ip_addr_t ip;
        u16 port;
        if ((r = uk_net_addr_in(s, a, len, &ip, &port)))
            return r;
        r = s->proto->connect(s, &ip, port, f->flags & UK_O_NONBLOCK);
    }
    uk_net_kick();
    return r;
}

long uk_socket_sendmsg(struct uk_file *f, const struct uk_iov *iov, int niov, int flags, const struct uk_sockaddr *to,
                       u32 tolen)
{
    if (uk_nl_is(f))
        return uk_nl_sendmsg(f, iov, niov, flags, to, tolen);
    struct sock *s = S(f);
    ip_addr_t ip;
    u16 port = 0;
    long r;
    if (to && (r = uk_net_addr_in(s, to, tolen, &ip, &port)))
        return r;
    r = s->proto->send(s, iov, niov, flags, to ? &ip : NULL, port, nonblocking(f, flags));
    if (r == -EPIPE && !(flags & UK_MSG_NOSIGNAL))
        uk_signal_send(uk_thread_current()->tid, UK_SIGPIPE);
    uk_net_kick();
    return r;
}

long uk_socket_recvmsg(struct uk_file *f, const struct uk_iov *iov, int niov, int flags, struct uk_sockaddr *from,
                       u32 *fromlen, int *msg_flags)
{
    if (uk_nl_is(f))
        return uk_nl_recvmsg(f, iov, niov, flags, from, fromlen, msg_flags);
    struct sock *s = S(f);
    ip_addr_t ip;
    u16 port = 0;
    int mf = 0;
    if (flags & UK_MSG_OOB)
        return -EINVAL; /* no urgent data is kept, as Linux without SO_OOBINLINE data */
    if (flags & UK_MSG_ERRQUEUE)
        return -EAGAIN; /* no error queue */
    ip_addr_set_zero(&ip);
    long r = s->proto->recv(s, iov, niov, flags, &ip, &port, &mf, nonblocking(f, flags));
    uk_net_kick();
    if (r >= 0 && from) /* streams report no sender, as Linux */
        *fromlen = s->type == UK_SOCK_STREAM ? 0 : uk_net_addr_out(s, &ip, port, from);
    if (msg_flags)
        *msg_flags = mf;
    return r;
}

long uk_socket_shutdown(struct uk_file *f, int how)
{
    if (how < UK_SHUT_RD || how > UK_SHUT_RDWR)
        return -EINVAL;
    if (uk_nl_is(f))
        return -EOPNOTSUPP; /* as Linux's netlink */
    long r = S(f)->proto->shutdown(S(f), how);
    uk_net_kick();
    return r;
}

long uk_socket_name(struct uk_file *f, bool peer, struct uk_sockaddr *a, u32 *len)
{
    if (uk_nl_is(f))
        return uk_nl_name(f, peer, a, len);
    struct sock *s = S(f);
    ip_addr_t ip;
    u16 port = 0;
    ip_addr_set_zero(&ip);
    if (peer) {
        long r = s->proto->peer(s, &ip, &port);
        if (r)
            return r;
    } else {
        s->proto->local(s, &ip, &port);
    }
    *len = uk_net_addr_out(s, &ip, port, a);
    return 0;
}
