/* sockbuf.c - what the socket calls move data and addresses with (the program's iovecs are lib/mm's uk_iov):
 * the receive queue of pbufs, and Linux sockaddrs to lwIP's addresses and
 * back (an AF_INET6 socket sees IPv4 peers as ::ffff:a.b.c.d; an IPv4-mapped destination becomes IPv4), and
 * lwIP's errors as errnos. */
#include <lwip/ip_addr.h>
#include <lwip/pbuf.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include "sock.h"

void uk_net_rx_push(struct sock *s, struct rxbuf *b)
{
    b->next = NULL;
    if (s->rx_tail)
        s->rx_tail->next = b;
    else
        s->rx_head = b;
    s->rx_tail = b;
    s->rx_bytes += b->p->tot_len - b->off;
}

void uk_net_rx_drop_all(struct sock *s)
{
    while (s->rx_head) {
        struct rxbuf *b = s->rx_head;
        s->rx_head = b->next;
        pbuf_free(b->p);
        uk_kfree(b);
    }
    s->rx_tail = NULL;
    s->rx_bytes = 0;
}

/* Addresses */

struct sin {
    u16 family, port; /* port in network order */
    u32 addr;
    u8 zero[8];
};
struct sin6 {
    u16 family, port;
    u32 flowinfo;
    u8 addr[16];
    u32 scope_id;
};

/* A Linux address for s's domain into lwIP's (IPv4-mapped IPv6 becomes IPv4); -errno when malformed. */
long uk_net_addr_in(const struct sock *s, const struct uk_sockaddr *a, u32 len, ip_addr_t *ip, u16 *port)
{
    if (s->domain == UK_AF_INET) {
        const struct sin *in = (const void *)a;
        if (len < sizeof(*in))
            return -EINVAL;
        if (a->family != UK_AF_INET)
            return -EAFNOSUPPORT;
        ip_addr_set_ip4_u32_val(*ip, in->addr);
        *port = lwip_ntohs(in->port);
        return 0;
    }
    const struct sin6 *in6 = (const void *)a;
    if (len < sizeof(*in6) || a->family != UK_AF_INET6)
        return len < sizeof(*in6) ? -EINVAL : -EAFNOSUPPORT;
    ip6_addr_t v6;
    uk_memcpy(v6.addr, in6->addr, 16);
    *port = lwip_ntohs(in6->port);
    if (ip6_addr_isipv4mappedipv6(&v6)) {
        if (s->v6only)
            return -ENETUNREACH;
        ip_addr_set_ip4_u32_val(*ip, v6.addr[3]);
        return 0;
    }
    ip_addr_copy_from_ip6(*ip, v6);
    ip6_addr_clear_zone(ip_2_ip6(ip));
    if (ip6_addr_has_scope(ip_2_ip6(ip), IP6_UNKNOWN) && in6->scope_id)
        ip6_addr_set_zone(ip_2_ip6(ip), (u8)in6->scope_id);
    return 0;
}

/* lwIP's address as s's domain reports it (IPv4 peers of an IPv6 socket as ::ffff:a.b.c.d); the length. */
u32 uk_net_addr_out(const struct sock *s, const ip_addr_t *ip, u16 port, struct uk_sockaddr *a)
{
    uk_memset(a, 0, sizeof(*a));
    if (s->domain == UK_AF_INET) {
        struct sin *in = (void *)a;
        in->family = UK_AF_INET;
        in->port = lwip_htons(port);
        in->addr = IP_IS_V4(ip) ? ip4_addr_get_u32(ip_2_ip4(ip)) : 0;
        return sizeof(*in);
    }
    struct sin6 *in6 = (void *)a;
    in6->family = UK_AF_INET6;
    in6->port = lwip_htons(port);
    if (IP_IS_V4(ip) && !ip_addr_isany(ip)) {
        u32 mapped[4] = {0, 0, lwip_htonl(0xffff), ip4_addr_get_u32(ip_2_ip4(ip))};
        uk_memcpy(in6->addr, mapped, 16);
    } else if (IP_IS_V6(ip)) {
        uk_memcpy(in6->addr, ip_2_ip6(ip)->addr, 16);
        in6->scope_id = ip6_addr_zone(ip_2_ip6(ip));
    }
    return sizeof(*in6);
}

long uk_net_errno(err_t e)
{
    switch (e) {
    case ERR_OK: return 0;
    case ERR_MEM: return -ENOMEM;
    case ERR_BUF: return -ENOBUFS;
    case ERR_TIMEOUT: return -ETIMEDOUT;
    case ERR_RTE: return -ENETUNREACH;
    case ERR_INPROGRESS: return -EINPROGRESS;
    case ERR_VAL: return -EINVAL;
    case ERR_WOULDBLOCK: return -EAGAIN;
    case ERR_USE: return -EADDRINUSE;
    case ERR_ALREADY: return -EALREADY;
    case ERR_ISCONN: return -EISCONN;
    case ERR_CONN: return -ENOTCONN;
    case ERR_IF: return -ENETDOWN;
    case ERR_ABRT: return -ECONNABORTED;
    case ERR_RST: return -ECONNRESET;
    case ERR_CLSD: return -ENOTCONN;
    default: return -EIO;
    }
}
