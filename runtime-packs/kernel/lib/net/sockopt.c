/* sockopt.c - setsockopt/getsockopt: the SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP and IPPROTO_IPV6 options
 * .NET, Kestrel and musl use, with Linux's values, limits and errors (buffer sizes reported doubled, as
 * Linux does). Options that reach the PCB are applied through the protocol (proto->apply) whenever the
 * PCB exists, so a socket may set them before bind or connect. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include "sock.h"

struct timeval_k {
    s64 sec, usec;
};
struct linger_k {
    int on, secs;
};

static struct sock *S(struct uk_file *f) { return f->priv; }

static long int_of(const void *val, u32 len, int *out)
{
    if (len < sizeof(int))
        return -EINVAL;
    uk_memcpy(out, val, sizeof(int));
    return 0;
}

static long timeout_of(const void *val, u32 len, u64 *ns)
{
    struct timeval_k tv;
    if (len < sizeof(tv))
        return -EINVAL;
    uk_memcpy(&tv, val, sizeof(tv));
    if (tv.usec < 0 || tv.usec >= 1000000)
        return -EDOM;
    *ns = tv.sec < 0 ? 0 : (u64)tv.sec * 1000000000ULL + (u64)tv.usec * 1000ULL;
    return 0;
}

long uk_socket_setopt(struct uk_file *f, int level, int name, const void *val, u32 len)
{
    if (uk_nl_is(f))
        return uk_nl_setopt(f, level, name, val, len);
    struct sock *s = S(f);
    int v = 0;
    long r;
    bool tcp = s->type == UK_SOCK_STREAM;
    if (level == UK_SOL_SOCKET) {
        switch (name) {
        case UK_SO_RCVTIMEO: return timeout_of(val, len, &s->rcvtimeo_ns);
        case UK_SO_SNDTIMEO: return timeout_of(val, len, &s->sndtimeo_ns);
        case UK_SO_LINGER: {
            struct linger_k l;
            if (len < sizeof(l))
                return -EINVAL;
            uk_memcpy(&l, val, sizeof(l));
            s->linger_on = l.on != 0;
            s->linger_s = l.secs;
            return 0;
        }
        }
        if ((r = int_of(val, len, &v)))
            return r;
        switch (name) {
        case UK_SO_REUSEADDR: s->reuseaddr = v; break;
        case UK_SO_REUSEPORT: s->reuseport = v; break;
        case UK_SO_KEEPALIVE: s->keepalive = v; break;
        case UK_SO_BROADCAST: s->broadcast = v; break;
        case UK_SO_SNDBUF:
        case UK_SO_SNDBUFFORCE: s->sndbuf = (u32)UK_MAX(UK_MIN(v, 4 << 20), 2048); return 0;
        case UK_SO_RCVBUF:
        case UK_SO_RCVBUFFORCE: s->rcvbuf = (u32)UK_MAX(UK_MIN(v, 4 << 20), 1024); return 0;
        case UK_SO_DONTROUTE:
        case UK_SO_OOBINLINE:
        case UK_SO_RCVLOWAT: return 0;
        default: return -ENOPROTOOPT;
        }
    } else if (level == UK_IPPROTO_TCP && tcp) {
        if ((r = int_of(val, len, &v)))
            return r;
        switch (name) {
        case UK_TCP_NODELAY: s->nodelay = v; break;
        case UK_TCP_KEEPIDLE:
        case UK_TCP_KEEPINTVL:
        case UK_TCP_KEEPCNT:
            if (v < 1 || v > 32767)
                return -EINVAL;
            return 0; /* lwIP's keepalive timings stay at their defaults */
        case UK_TCP_MAXSEG: return 0;
        default: return -ENOPROTOOPT;
        }
    } else if (level == UK_IPPROTO_IPV6 && s->domain == UK_AF_INET6) {
        if ((r = int_of(val, len, &v)))
            return r;
        switch (name) {
        case UK_IPV6_V6ONLY:
            if (s->state != S_NEW)
                return -EINVAL;
            s->v6only = v;
            return 0;
        case UK_IPV6_UNICAST_HOPS: return v < -1 || v > 255 ? -EINVAL : 0;
        default: return -ENOPROTOOPT;
        }
    } else if (level == UK_IPPROTO_IP) {
        if ((r = int_of(val, len, &v)))
            return r;
        switch (name) {
        case UK_IP_TOS: return 0;
        case UK_IP_TTL: return v < -1 || v == 0 || v > 255 ? -EINVAL : 0;
        default: return -ENOPROTOOPT;
        }
    } else {
        return -ENOPROTOOPT;
    }
    s->proto->apply(s);
    return 0;
}

long uk_socket_getopt(struct uk_file *f, int level, int name, void *val, u32 *len)
{
    if (uk_nl_is(f))
        return uk_nl_getopt(f, level, name, val, len);
    struct sock *s = S(f);
    int v;
    if (level == UK_SOL_SOCKET) {
        switch (name) {
        case UK_SO_RCVTIMEO:
        case UK_SO_SNDTIMEO: {
            u64 ns = name == UK_SO_RCVTIMEO ? s->rcvtimeo_ns : s->sndtimeo_ns;
            struct timeval_k tv = {(s64)(ns / 1000000000ULL), (s64)(ns % 1000000000ULL / 1000)};
            *len = UK_MIN(*len, (u32)sizeof(tv));
            uk_memcpy(val, &tv, *len);
            return 0;
        }
        case UK_SO_LINGER: {
            struct linger_k l = {s->linger_on, s->linger_s};
            *len = UK_MIN(*len, (u32)sizeof(l));
            uk_memcpy(val, &l, *len);
            return 0;
        }
        case UK_SO_REUSEADDR: v = s->reuseaddr; break;
        case UK_SO_REUSEPORT: v = s->reuseport; break;
        case UK_SO_KEEPALIVE: v = s->keepalive; break;
        case UK_SO_BROADCAST: v = s->broadcast; break;
        case UK_SO_TYPE: v = s->type; break;
        case UK_SO_PROTOCOL: v = s->protocol; break;
        case UK_SO_DOMAIN: v = s->domain; break;
        case UK_SO_ACCEPTCONN: v = s->state == S_LISTENING; break;
        case UK_SO_ERROR:
            v = s->err;
            s->err = 0;
            break;
        case UK_SO_SNDBUF: v = (int)s->sndbuf * 2; break;
        case UK_SO_RCVBUF: v = (int)s->rcvbuf * 2; break;
        case UK_SO_DONTROUTE:
        case UK_SO_OOBINLINE: v = 0; break;
        case UK_SO_RCVLOWAT:
        case UK_SO_SNDLOWAT: v = 1; break;
        default: return -ENOPROTOOPT;
        }
    } else if (level == UK_IPPROTO_TCP && s->type == UK_SOCK_STREAM) {
        switch (name) {
        case UK_TCP_NODELAY: v = s->nodelay; break;
        case UK_TCP_MAXSEG: v = 1460; break;
        case UK_TCP_KEEPIDLE: v = 7200; break;
        case UK_TCP_KEEPINTVL: v = 75; break;
        case UK_TCP_KEEPCNT: v = 9; break;
        default: return -ENOPROTOOPT; /* TCP_FASTOPEN among them: .NET then connects the usual way */
        }
    } else if (level == UK_IPPROTO_IPV6 && s->domain == UK_AF_INET6) {
        switch (name) {
        case UK_IPV6_V6ONLY: v = s->v6only; break;
        case UK_IPV6_UNICAST_HOPS: v = 64; break;
        default: return -ENOPROTOOPT;
        }
    } else if (level == UK_IPPROTO_IP) {
        switch (name) {
        case UK_IP_TOS: v = 0; break;
        case UK_IP_TTL: v = 64; break;
        default: return -ENOPROTOOPT;
        }
    } else {
        return -ENOPROTOOPT;
    }
    *len = UK_MIN(*len, (u32)sizeof(v));
    uk_memcpy(val, &v, *len);
    return 0;
}
