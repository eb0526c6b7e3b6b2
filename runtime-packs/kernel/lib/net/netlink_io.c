/* netlink_io.c - the data path of netlink sockets: a request sent to the kernel (port 0) is answered at once,
 * each message in order as Linux's netlink_rcv_skb does (requests only; errors and requested acknowledgements as
 * NLMSG_ERROR), and its reply queued as datagrams that recv/recvmsg/read return one at a time: MSG_PEEK, MSG_TRUNC
 * and MSG_DONTWAIT as on Linux, a datagram larger than the buffer cut and dropped with MSG_TRUNC set, a blocking
 * receive waiting (SO_RCVTIMEO, signals) for what is queued later. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/time.h>
#include "netlink.h"
#include "sock.h"

#define NL_SEND_MAX (64u * 1024u)

static struct nlsock *N(struct uk_file *f) { return f->priv; }

static void queue(struct nlsock *s, struct nldgram *d)
{
    d->next = NULL;
    if (s->tail)
        s->tail->next = d;
    else
        s->head = d;
    s->tail = d;
    uk_file_notify(s->file, UK_POLLIN | UK_POLLRDNORM);
}

/* Answers the requests in buf (a sendmsg's bytes): each message, in order, as Linux's netlink_rcv_skb does. */
static long answer(struct nlsock *s, const u8 *buf, u32 len)
{
    struct nlreply *r = uk_kzalloc(sizeof(*r));
    if (!r)
        return -ENOMEM;
    r->to = s;
    while (len >= NLMSG_HDRLEN) {
        struct nlmsghdr_k h;
        uk_memcpy(&h, buf, sizeof(h));
        if (h.len < NLMSG_HDRLEN || h.len > len)
            break; /* malformed: the rest is ignored, as Linux does */
        r->seq = h.seq, r->portid = s->portid;
        long err = 0;
        if (!(h.flags & NLM_F_REQUEST))
            err = 1; /* not a request: no answer */
        else if (h.type >= NLMSG_MIN_TYPE)
            err = uk_rtnl_request(r, (const struct nlmsghdr_k *)buf);
        if (err <= 0 && (err || ((h.flags & NLM_F_ACK) && !(h.flags & NLM_F_DUMP && h.type >= NLMSG_MIN_TYPE))))
            uk_nl_error(r, err, (const struct nlmsghdr_k *)buf);
        u32 step = NLMSG_ALIGN(h.len);
        if (step > len)
            break;
        buf += step, len -= step;
    }
    uk_nl_flush(r);
    long err = r->err;
    uk_kfree(r);
    return err;
}

/* Queues a finished datagram on r's socket (uk_nl_flush). */
void uk_nl_queue(struct nlreply *r)
{
    struct nldgram *d = uk_kmalloc(sizeof(*d) + r->dlen);
    if (!d) {
        r->err = -ENOBUFS;
        return;
    }
    d->len = r->dlen;
    uk_memcpy(d->data, r->dgram, r->dlen);
    queue(r->to, d);
}

long uk_nl_sendmsg(struct uk_file *f, const struct uk_iov *iov, int niov, int flags, const struct uk_sockaddr *to,
                   u32 tolen)
{
    struct nlsock *s = N(f);
    if (s->domain == UK_AF_UNIX)
        return -EOPNOTSUPP;
    if (to) {
        struct sockaddr_nl_k nl;
        long r = uk_nl_addr_in(to, tolen, &nl);
        if (r)
            return r;
        if (nl.groups)
            return -EPERM; /* no multicast from programs */
        if (nl.pid)
            return -ECONNREFUSED;
    }
    usize len = uk_iov_len(iov, niov);
    if (len > NL_SEND_MAX || len > s->sndbuf)
        return -EMSGSIZE;
    u8 *buf = uk_kmalloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    if (!uk_iov_copy_from(buf, iov, niov, 0, len)) {
        uk_kfree(buf);
        return -EFAULT;
    }
    uk_nl_autobind(s);
    long r = answer(s, buf, (u32)len);
    uk_kfree(buf);
    return r ? r : (long)len;
}

long uk_nl_recvmsg(struct uk_file *f, const struct uk_iov *iov, int niov, int flags, struct uk_sockaddr *from,
                   u32 *fromlen, int *msg_flags)
{
    struct nlsock *s = N(f);
    if (s->domain == UK_AF_UNIX)
        return -EOPNOTSUPP;
    if (flags & UK_MSG_OOB)
        return -EOPNOTSUPP;
    if (flags & UK_MSG_ERRQUEUE)
        return -EAGAIN;
    u64 deadline = s->rcvtimeo_ns ? uk_time_monotonic_ns() + s->rcvtimeo_ns : 0;
    while (!s->head) {
        if ((f->flags & UK_O_NONBLOCK) || (flags & UK_MSG_DONTWAIT))
            return -EAGAIN;
        if (!uk_waitq_wait(&f->wq, deadline))
            return -EAGAIN;
        if (uk_thread_current()->interrupted && uk_signal_pending())
            return -EINTR;
    }
    struct nldgram *d = s->head;
    usize room = uk_iov_len(iov, niov), n = UK_MIN(room, (usize)d->len);
    if (!uk_iov_copy_to(iov, niov, 0, d->data, n))
        return -EFAULT;
    if (msg_flags)
        *msg_flags = n < d->len ? UK_MSG_TRUNC : 0;
    if (from) {
        struct sockaddr_nl_k kernel = {UK_AF_NETLINK, 0, 0, 0};
        uk_memcpy(from, &kernel, sizeof(kernel));
        *fromlen = sizeof(kernel);
    }
    long r = (flags & UK_MSG_TRUNC) ? (long)d->len : (long)n;
    if (!(flags & UK_MSG_PEEK)) {
        s->head = d->next;
        if (!s->head)
            s->tail = NULL;
        uk_kfree(d);
    }
    return r;
}
