/* sock.h - what the socket layer's files share (lib/net): the socket object behind a socket file, its
 * receive queues, address conversion between Linux sockaddrs and lwIP, and the per-protocol halves
 * (tcp.c, udp.c) under the common file operations and options of socket.c. */
#ifndef UK_NET_SOCK_H
#define UK_NET_SOCK_H
#include <lwip/ip.h>
#include <lwip/ip_addr.h>
#include <uk/file.h>
#include <uk/mm.h>
#include <uk/socket.h>
#include <uk/types.h>

struct tcp_pcb;
struct udp_pcb;
struct pbuf;

/* A received chunk: TCP data (one arrival) or a UDP datagram with its sender. */
struct rxbuf {
    struct rxbuf *next;
    struct pbuf *p;
    u32 off; /* bytes of p already read (TCP) */
    ip_addr_t from;
    u16 port;
};

enum sock_state { S_NEW, S_BOUND, S_LISTENING, S_CONNECTING, S_CONNECTED, S_CLOSED };

struct sock {
    struct uk_file *file;
    const struct proto *proto;
    int domain, type, protocol;
    enum sock_state state;
    union {
        struct tcp_pcb *tcp;
        struct udp_pcb *udp;
    } pcb;
    /* received data, oldest first */
    struct rxbuf *rx_head, *rx_tail;
    usize rx_bytes;
    bool eof;                 /* TCP: the peer's FIN */
    bool shut_rd, shut_wr;    /* shutdown() */
    int err;                  /* pending error (SO_ERROR), positive errno */
    struct sock *accept_head; /* listening: connections not yet accepted */
    struct sock *accept_tail;
    struct sock *accept_next;
    int accept_count, backlog;
    /* options */
    bool v6only, reuseaddr, reuseport, keepalive, nodelay, broadcast;
    bool linger_on;
    int linger_s;
    u32 rcvbuf, sndbuf;
    u64 rcvtimeo_ns, sndtimeo_ns; /* 0: none */
    /* UDP: the connected peer (sendto without an address) */
    bool has_peer;
    u32 events; /* counts uk_net_notify calls: a wait that started after one returns at once */
};

/* A protocol's half of the socket operations; -errno on failure. Buffers are the user's (iov). */
struct proto {
    long (*bind)(struct sock *s, const ip_addr_t *ip, u16 port);
    long (*listen)(struct sock *s, int backlog);
    long (*accept)(struct sock *s, bool nonblock, struct sock **out);
    long (*connect)(struct sock *s, const ip_addr_t *ip, u16 port, bool nonblock);
    long (*disconnect)(struct sock *s); /* connect(AF_UNSPEC) */
    long (*send)(struct sock *s, const struct uk_iov *iov, int niov, int flags, const ip_addr_t *to, u16 port,
                 bool nonblock);
    long (*recv)(struct sock *s, const struct uk_iov *iov, int niov, int flags, ip_addr_t *from, u16 *port,
                 int *msg_flags, bool nonblock);
    long (*shutdown)(struct sock *s, int how);
    long (*local)(struct sock *s, ip_addr_t *ip, u16 *port);
    long (*peer)(struct sock *s, ip_addr_t *ip, u16 *port);
    u32 (*poll)(struct sock *s);
    void (*close)(struct sock *s);
    /* Options that reach the PCB (nodelay, keepalive, reuse): applied again whenever the PCB changes. */
    void (*apply)(struct sock *s);
};

extern const struct proto uk_net_tcp, uk_net_udp;
/* tcp_io.c: TCP's send and receive (struct proto's send/recv) */
long uk_net_tcp_send(struct sock *s, const struct uk_iov *iov, int niov, int flags, const ip_addr_t *to, u16 port,
                     bool nonblock);
long uk_net_tcp_recv(struct sock *s, const struct uk_iov *iov, int niov, int flags, ip_addr_t *from, u16 *port,
                     int *msg_flags, bool nonblock);
/* lwIP's error as a negative errno */
long uk_net_errno(err_t e);

/* The lwIP so_options bits s's options ask for (SOF_REUSEADDR, SOF_KEEPALIVE, SOF_BROADCAST). */
u8 uk_net_so_options(const struct sock *s);
#define UK_NET_SOF_MASK (SOF_REUSEADDR | SOF_KEEPALIVE | SOF_BROADCAST)
/* The lwIP PCB type for s: IPv4 only, IPv6 only, or both (AF_INET6 without IPV6_V6ONLY). */
u8 uk_net_iptype(const struct sock *s);
/* A socket object (and its file) for an accepted connection of listener l; NULL when memory is short. */
struct sock *uk_net_sock_new(int domain, int type, int protocol, const struct proto *proto);
void uk_net_sock_free(struct sock *s);
/* The socket's readiness changed: wakes its waiters and epoll. */
void uk_net_notify(struct sock *s, u32 events);
/* Waits on s's queue until woken, the deadline (0: none) or a signal: 0, -EAGAIN (deadline) or -EINTR.
 * Returns 0 at once when the stack's pending work (loopback delivery) changed s meanwhile. */
long uk_net_wait(struct sock *s, u64 deadline_ns);
/* The deadline for a blocking call with timeout ns (0: none). */
u64 uk_net_deadline(u64 timeout_ns);
/* A Linux address for s's domain into lwIP's; -errno when malformed (-ENETUNREACH: an IPv4-mapped address on
 * an IPV6_V6ONLY socket). */
long uk_net_addr_in(const struct sock *s, const struct uk_sockaddr *a, u32 len, ip_addr_t *ip, u16 *port);
/* lwIP's address as s's domain reports it; the sockaddr's length. */
u32 uk_net_addr_out(const struct sock *s, const ip_addr_t *ip, u16 port, struct uk_sockaddr *a);
/* netlink.c: AF_NETLINK sockets (and the AF_UNIX datagram socket libc opens for interface ioctls); the calls of
 * socket.c hand these files over. */
bool uk_nl_is(const struct uk_file *f);
long uk_nl_create(int domain, int type, int protocol, struct uk_file **out);
long uk_nl_bind(struct uk_file *f, const struct uk_sockaddr *a, u32 len);
long uk_nl_connect(struct uk_file *f, const struct uk_sockaddr *a, u32 len);
long uk_nl_name(struct uk_file *f, bool peer, struct uk_sockaddr *a, u32 *len);
long uk_nl_sendmsg(struct uk_file *f, const struct uk_iov *iov, int niov, int flags, const struct uk_sockaddr *to,
                   u32 tolen);
long uk_nl_recvmsg(struct uk_file *f, const struct uk_iov *iov, int niov, int flags, struct uk_sockaddr *from,
                   u32 *fromlen, int *msg_flags);
long uk_nl_setopt(struct uk_file *f, int level, int name, const void *val, u32 len);
long uk_nl_getopt(struct uk_file *f, int level, int name, void *val, u32 *len);
/* ifioctl.c: the interface ioctls (SIOCGIFINDEX, SIOCGIFNAME, SIOCGIFMTU, …) any socket takes; -ENOTTY for
 * other requests. */
long uk_net_ifioctl(unsigned long req, long arg);

/* UDP datagrams by family ([0] IPv4, [1] IPv6) that lwIP's MIB-II counts as one (snmp.c splits them): handed to a
 * socket (seen), dropped there because its receive buffer was full, and sent from a socket. */
struct uk_net_udp_counts {
    u32 seen[2], rcvbuf_errors[2], out[2];
};
extern struct uk_net_udp_counts uk_net_udp_counts;

/* Receive-queue helpers */
void uk_net_rx_push(struct sock *s, struct rxbuf *b);
void uk_net_rx_drop_all(struct sock *s);

#endif
