/* tcp_io.c - the data path of TCP sockets: sends hand the program's iovecs, checked, straight to lwIP (tcp_write
 * copies them into its segments through the kernel's user copy: lwipopts.h's LWIP_CHKSUM_COPY, the one copy on
 * the way out) as far as its send buffer reaches, then wait for acknowledgements; receives copy from the queue
 * of pbufs lwIP delivered and open the receive window by what was read (tcp_recved), so a slow reader slows
 * its peer. MSG_PEEK, MSG_WAITALL, MSG_MORE, SO_RCVTIMEO/SO_SNDTIMEO and pending errors as Linux. */
#include <lwip/tcp.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/lwip.h>
#include <uk/mm.h>
#include "sock.h"

/* The piece of the iovecs at byte skip: its address and how many bytes it has left. */
static const u8 *piece(const struct uk_iov *iov, int niov, usize skip, usize *left)
{
    for (int i = 0; i < niov; i++) {
        if (skip < iov[i].len) {
            *left = iov[i].len - skip;
            return (const u8 *)iov[i].base + skip;
        }
        skip -= iov[i].len;
    }
    *left = 0;
    return NULL;
}

/* Queues n bytes of the program's memory at p on the connection: 0, -EFAULT, -EAGAIN (lwIP's queue is full) or
 * lwIP's error. The buffer is checked and faulted in first; the kernel runs on without preemption until
 * tcp_write has copied it, so the copy cannot fail, and if it did the connection is reset before the zeros leave. */
static long queue(struct sock *s, const u8 *p, u16 n, u8 more)
{
    if (!uk_user_access_ok(p, n, false))
        return -EFAULT;
    err_t e = tcp_write(s->pcb.tcp, p, n, TCP_WRITE_FLAG_COPY | more);
    if (uk_lwip_copy_failed()) {
        tcp_abort(s->pcb.tcp); /* the error callback detaches the PCB and sets s->err */
        return -EFAULT;
    }
    return e == ERR_MEM ? -EAGAIN : uk_net_errno(e);
}

long uk_net_tcp_send(struct sock *s, const struct uk_iov *iov, int niov, int flags, const ip_addr_t *to, u16 port,
                     bool nonblock)
{
    usize total = uk_iov_len(iov, niov), done = 0;
    u64 deadline = uk_net_deadline(s->sndtimeo_ns);
    for (;;) {
        if (s->err) {
            long r = -s->err;
            s->err = 0;
            return done ? (long)done : r;
        }
        if (s->shut_wr || s->state == S_CLOSED)
            return done ? (long)done : -EPIPE;
        if (s->state != S_CONNECTED && s->state != S_CONNECTING)
            return -ENOTCONN;
        if (done == total)
            break;
        struct tcp_pcb *pcb = s->pcb.tcp;
        usize room = s->state == S_CONNECTED ? tcp_sndbuf(pcb) : 0;
        if (room && tcp_sndqueuelen(pcb) < TCP_SND_QUEUELEN - 4) {
            usize n;
            const u8 *p = piece(iov, niov, done, &n);
            n = UK_MIN(UK_MIN(n, room), (usize)0xffff);
            u8 more = done + n < total || (flags & UK_MSG_MORE) ? TCP_WRITE_FLAG_MORE : 0;
            long r = queue(s, p, (u16)n, more);
            if (!r) {
                done += n;
                continue;
            }
            if (r != -EAGAIN)
                return done ? (long)done : r;
        }
        if (s->state == S_CONNECTED)
            tcp_output(pcb);
        if (nonblock)
            return done ? (long)done : -EAGAIN;
        long r = uk_net_wait(s, deadline);
        if (r)
            return done ? (long)done : r;
    }
    if (s->pcb.tcp && !(flags & UK_MSG_MORE))
        tcp_output(s->pcb.tcp);
    return (long)done;
}

/* Copies up to len bytes of the receive queue into the iovecs (from byte skip on); consumes them
 * unless peek. Bytes copied, or -EFAULT. */
static long take(struct sock *s, const struct uk_iov *iov, int niov, usize skip, usize len, bool peek)
{
    usize got = 0;
    for (struct rxbuf *b = s->rx_head; b && got < len; b = b->next) {
        u32 at = b->off;
        struct pbuf *q = b->p;
        while (q && at >= q->len) {
            at -= q->len;
            q = q->next;
        }
        for (; q && got < len; q = q->next, at = 0) {
            u32 k = (u32)UK_MIN((usize)(q->len - at), len - got);
            if (!uk_iov_copy_to(iov, niov, skip + got, (u8 *)q->payload + at, k))
                return got ? (long)got : -EFAULT;
            got += k;
        }
    }
    if (peek || !got)
        return (long)got;
    /* consume */
    usize left = got;
    while (left) {
        struct rxbuf *h = s->rx_head;
        u32 n = (u32)UK_MIN((usize)(h->p->tot_len - h->off), left);
        h->off += n;
        left -= n;
        if (h->off == h->p->tot_len) {
            s->rx_head = h->next;
            if (!s->rx_head)
                s->rx_tail = NULL;
            pbuf_free(h->p);
            uk_kfree(h);
        }
    }
    s->rx_bytes -= got;
    for (usize open = got; open && s->pcb.tcp && s->state == S_CONNECTED;) {
        u16 n = (u16)UK_MIN(open, (usize)0xffff);
        tcp_recved(s->pcb.tcp, n);
        open -= n;
    }
    return (long)got;
}

long uk_net_tcp_recv(struct sock *s, const struct uk_iov *iov, int niov, int flags, ip_addr_t *from, u16 *port,
                     int *msg_flags, bool nonblock)
{
    if (s->state == S_NEW || s->state == S_BOUND || s->state == S_LISTENING)
        return -ENOTCONN;
    usize want = uk_iov_len(iov, niov), got = 0;
    bool peek = flags & UK_MSG_PEEK;
    u64 deadline = uk_net_deadline(s->rcvtimeo_ns);
    for (;;) {
        if (s->rx_head && want > got) {
            long r = take(s, iov, niov, got, want - got, peek);
            if (r < 0)
                return got ? (long)got : r;
            got += (usize)r;
            if (!(flags & UK_MSG_WAITALL) || got == want || peek)
                return (long)got;
        }
        if (!want)
            return 0;
        if (s->err && !s->rx_head) {
            long r = -s->err;
            s->err = 0;
            return got ? (long)got : r;
        }
        if (s->eof || s->shut_rd || s->state == S_CLOSED)
            return (long)got;
        if (nonblock)
            return got ? (long)got : -EAGAIN;
        long r = uk_net_wait(s, deadline);
        if (r)
            return got ? (long)got : r;
    }
}
