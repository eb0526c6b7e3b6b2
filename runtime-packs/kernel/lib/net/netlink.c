/* netlink.c - AF_NETLINK sockets (NETLINK_ROUTE, raw or datagram) as files: creation, the file operations
 * (read/write and readv/writev as recv/send, poll, FIONREAD/FIONBIO and the interface ioctls, close), bind/connect/getsockname with
 * sockaddr_nl and port ids (the first socket gets the process's pid, later ones negative numbers, as Linux
 * autobinds) and the socket options; netlink_io.c sends requests and receives the replies. Also the AF_UNIX datagram socket libc opens only to issue the interface ioctls
 * (if_nametoindex): it takes those, and Unix addressing (bind, connect, send, receive) is EOPNOTSUPP. */
#include "netlink.h"
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/poll.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/time.h>
#include "sock.h"

#define PROCESS_PID 1 /* what getpid() returns: the program is process 1 */
#define FIONREAD 0x541b
#define FIONBIO 0x5421

static struct nlsock *sockets;
static s32 next_portid = -4096;

static struct nlsock *N(struct uk_file *f) { return f->priv; }

static bool portid_used(u32 id)
{
    for (struct nlsock *o = sockets; o; o = o->next)
        if (o->bound && o->portid == id)
            return true;
    return false;
}

void uk_nl_autobind(struct nlsock *s)
{
    if (s->bound)
        return;
    u32 id = PROCESS_PID;
    while (portid_used(id))
        id = (u32)next_portid--;
    s->portid = id;
    s->bound = true;
}

static void drop_all(struct nlsock *s)
{
    while (s->head) {
        struct nldgram *d = s->head;
        s->head = d->next;
        uk_kfree(d);
    }
    s->tail = NULL;
}

/* read/readv and write/writev: one datagram over all the buffers, as recvmsg/sendmsg without flags */
static long nl_readv(struct uk_file *f, const struct uk_iov *iov, int niov, u64 *pos)
{
    return uk_iov_len(iov, niov) ? uk_nl_recvmsg(f, iov, niov, 0, NULL, NULL, NULL) : 0;
}

static long nl_writev(struct uk_file *f, const struct uk_iov *iov, int niov, u64 *pos)
{
    return uk_nl_sendmsg(f, iov, niov, 0, NULL, 0);
}

static long nl_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    struct uk_iov iov = {ubuf, len};
    return nl_readv(f, &iov, 1, pos);
}

static long nl_write(struct uk_file *f, const void *ubuf, usize len, u64 *pos)
{
    struct uk_iov iov = {(void *)ubuf, len};
    return nl_writev(f, &iov, 1, pos);
}

static long nl_ioctl(struct uk_file *f, unsigned long req, long arg)
{
    int v;
    switch (req) {
    case FIONREAD: /* the next datagram's size */
        v = N(f)->head ? (int)N(f)->head->len : 0;
        return uk_user_copy_to((void *)arg, &v, sizeof(v)) ? 0 : -EFAULT;
    case FIONBIO:
        if (!uk_user_copy_from(&v, (const void *)arg, sizeof(v)))
            return -EFAULT;
        f->flags = v ? f->flags | UK_O_NONBLOCK : f->flags & ~UK_O_NONBLOCK;
        return 0;
    }
    return uk_net_ifioctl(req, arg);
}

static u32 nl_poll(struct uk_file *f, struct uk_poll_table *pt)
{
    uk_poll_wait(pt, &f->wq);
    return UK_POLLOUT | UK_POLLWRNORM | (N(f)->head ? UK_POLLIN | UK_POLLRDNORM : 0);
}

static void nl_release(struct uk_file *f)
{
    struct nlsock *s = N(f);
    for (struct nlsock **p = &sockets; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            break;
        }
    drop_all(s);
    uk_kfree(s);
}

static const struct uk_file_ops nl_ops = {
    .read = nl_read,
    .write = nl_write,
    .readv = nl_readv,
    .writev = nl_writev,
    .ioctl = nl_ioctl,
    .poll = nl_poll,
    .release = nl_release,
    .type = 0140000, /* S_IFSOCK */
};

bool uk_nl_is(const struct uk_file *f) { return f->ops == &nl_ops; }

long uk_nl_create(int domain, int type, int protocol, struct uk_file **out)
{
    int kind = type & UK_SOCK_TYPE_MASK;
    if (domain == UK_AF_UNIX) {
        if (kind != UK_SOCK_DGRAM)
            return -EAFNOSUPPORT; /* no Unix stream sockets: .NET sees OSSupportsUnixDomainSockets false */
        if (protocol != 0)
            return -EPROTONOSUPPORT;
    } else if (kind != UK_SOCK_RAW && kind != UK_SOCK_DGRAM) {
        return -ESOCKTNOSUPPORT;
    } else if (protocol != UK_NETLINK_ROUTE) {
        return -EPROTONOSUPPORT;
    }
    struct nlsock *s = uk_kzalloc(sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->file = uk_file_new(&nl_ops, UK_O_RDWR | (type & UK_SOCK_NONBLOCK ? UK_O_NONBLOCK : 0), s);
    if (!s->file) {
        uk_kfree(s);
        return -ENOMEM;
    }
    s->domain = domain, s->type = kind, s->protocol = protocol;
    s->rcvbuf = s->sndbuf = 208 * 1024;
    s->next = sockets;
    sockets = s;
    *out = s->file;
    return 0;
}

long uk_nl_addr_in(const struct uk_sockaddr *a, u32 len, struct sockaddr_nl_k *nl)
{
    if (len < sizeof(*nl))
        return -EINVAL;
    uk_memcpy(nl, a, sizeof(*nl));
    return nl->family == UK_AF_NETLINK ? 0 : -EINVAL;
}

long uk_nl_bind(struct uk_file *f, const struct uk_sockaddr *a, u32 len)
{
    struct nlsock *s = N(f);
    struct sockaddr_nl_k nl;
    long r;
    if (s->domain == UK_AF_UNIX)
        return -EOPNOTSUPP;
    if ((r = uk_nl_addr_in(a, len, &nl)))
        return r;
    if (s->bound && nl.pid && nl.pid != s->portid)
        return -EINVAL;
    if (!s->bound && nl.pid) {
        if (portid_used(nl.pid))
            return -EADDRINUSE;
        s->portid = nl.pid, s->bound = true;
    }
    uk_nl_autobind(s);
    s->groups = nl.groups; /* notifications are not sent: interfaces do not change after the boot */
    return 0;
}

long uk_nl_connect(struct uk_file *f, const struct uk_sockaddr *a, u32 len)
{
    struct sockaddr_nl_k nl;
    long r;
    if (N(f)->domain == UK_AF_UNIX)
        return -EOPNOTSUPP;
    if (len >= sizeof(u16) && a->family == UK_AF_UNSPEC)
        return 0;
    if ((r = uk_nl_addr_in(a, len, &nl)))
        return r;
    if (nl.pid)
        return -ECONNREFUSED; /* only the kernel answers here */
    uk_nl_autobind(N(f));
    return 0;
}

long uk_nl_name(struct uk_file *f, bool peer, struct uk_sockaddr *a, u32 *len)
{
    struct nlsock *s = N(f);
    if (s->domain == UK_AF_UNIX) {
        if (peer)
            return -ENOTCONN;
        a->family = UK_AF_UNIX; /* unbound: the family alone */
        *len = sizeof(u16);
        return 0;
    }
    struct sockaddr_nl_k nl = {UK_AF_NETLINK, 0, peer ? 0 : s->portid, peer ? 0 : s->groups};
    uk_memcpy(a, &nl, sizeof(nl));
    *len = sizeof(nl);
    return 0;
}

long uk_nl_setopt(struct uk_file *f, int level, int name, const void *val, u32 len)
{
    struct nlsock *s = N(f);
    int v;
    if (level == UK_SOL_SOCKET && name == UK_SO_RCVTIMEO) {
        s64 tv[2];
        if (len < sizeof(tv))
            return -EINVAL;
        uk_memcpy(tv, val, sizeof(tv));
        if (tv[1] < 0 || tv[1] >= 1000000)
            return -EDOM;
        s->rcvtimeo_ns = tv[0] < 0 ? 0 : (u64)tv[0] * 1000000000ULL + (u64)tv[1] * 1000ULL;
        return 0;
    }
    if (len < sizeof(int))
        return -EINVAL;
    uk_memcpy(&v, val, sizeof(v));
    if (level == UK_SOL_SOCKET) {
        switch (name) {
        case UK_SO_RCVBUF:
        case UK_SO_RCVBUFFORCE: s->rcvbuf = (u32)UK_MAX(v, 1152) * 2; return 0;
        case UK_SO_SNDBUF:
        case UK_SO_SNDBUFFORCE: s->sndbuf = (u32)UK_MAX(v, 2304) * 2; return 0;
        case UK_SO_SNDTIMEO:
        case UK_SO_REUSEADDR:
        case UK_SO_BROADCAST:
        case UK_SO_PASSCRED: return 0;
        }
        return -ENOPROTOOPT;
    }
    /* NETLINK_ADD_MEMBERSHIP, _DROP_MEMBERSHIP, _PKTINFO, _NO_ENOBUFS, _CAP_ACK, _EXT_ACK, _GET_STRICT_CHK, … */
    if (level == UK_SOL_NETLINK && s->domain == UK_AF_NETLINK && name >= 1 && name <= 12)
        return 0;
    return -ENOPROTOOPT;
}

long uk_nl_getopt(struct uk_file *f, int level, int name, void *val, u32 *len)
{
    struct nlsock *s = N(f);
    int v;
    if (level != UK_SOL_SOCKET)
        return -ENOPROTOOPT;
    switch (name) {
    case UK_SO_TYPE: v = s->type; break;
    case UK_SO_DOMAIN: v = s->domain; break;
    case UK_SO_PROTOCOL: v = s->protocol; break;
    case UK_SO_RCVBUF: v = (int)s->rcvbuf; break;
    case UK_SO_SNDBUF: v = (int)s->sndbuf; break;
    case UK_SO_ERROR:
    case UK_SO_ACCEPTCONN: v = 0; break;
    default: return -ENOPROTOOPT;
    }
    if (*len < sizeof(int))
        return -EINVAL;
    uk_memcpy(val, &v, sizeof(v));
    *len = sizeof(v);
    return 0;
}
