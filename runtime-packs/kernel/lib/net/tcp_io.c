/* tcp_io.c - the data path of TCP sockets: sends copy the program's iovecs through one kernel buffer into lwIP
 * (tcp_write) as far as its send buffer reaches, then wait for acknowledgements; receives copy from the queue
 * of pbufs lwIP delivered and open the receive window by what was read (tcp_recved), so a slow reader slows
 * its peer. MSG_PEEK, MSG_WAITALL, MSG_MORE, SO_RCVTIMEO/SO_SNDTIMEO and pending errors as Linux. */
#include <lwip/tcp.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include "sock.h"

#define SEND_CHUNK (64 * 1024)
static u8 bounce[SEND_CHUNK]; /* the kernel never blocks between filling it and handing it to lwIP */

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
            usize n = UK_MIN(UK_MIN(total - done, room), (usize)SEND_CHUNK);
            n = UK_MIN(n, (usize)0xffff);
            if (!uk_iov_copy_from(bounce, iov, niov, done, n))
                return done ? (long)done : -EFAULT;
            u8 more = done + n < total || (flags & UK_MSG_MORE) ? TCP_WRITE_FLAG_MORE : 0;
            err_t e = tcp_write(pcb, bounce, (u16)n, TCP_WRITE_FLAG_COPY | more);
            if (e == ERR_OK) {
                done += n;
                continue;
            }
            if (e != ERR_MEM)
                return done ? (long)done : uk_net_errno(e);
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
