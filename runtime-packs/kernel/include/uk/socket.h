/* socket.h - sockets (lib/net): AF_INET and AF_INET6 stream and datagram sockets over lwIP's raw API, and
 * AF_NETLINK (NETLINK_ROUTE) sockets that describe the network interfaces, each an open file (read, write, poll, ioctl, close through its file operations, so poll, select,
 * epoll and the fd table treat it as any file). The syscalls (lib/syscall/sys_socket.c) copy addresses
 * and options in and out of the program; these calls take kernel copies and the program's buffers as
 * iovecs. Linux's numbers and semantics throughout. */
#ifndef UK_SOCKET_H
#define UK_SOCKET_H
#include <uk/file.h>
#include <uk/mm.h> /* struct uk_iov */
#include <uk/types.h>

#define UK_AF_UNSPEC 0
#define UK_AF_UNIX 1
#define UK_AF_INET 2
#define UK_AF_INET6 10
#define UK_AF_NETLINK 16

#define UK_SOCK_STREAM 1
#define UK_SOCK_DGRAM 2
#define UK_SOCK_RAW 3
#define UK_SOCK_TYPE_MASK 0xf
#define UK_SOCK_NONBLOCK 04000
#define UK_SOCK_CLOEXEC 02000000

#define UK_MSG_OOB 0x1
#define UK_MSG_PEEK 0x2
#define UK_MSG_DONTROUTE 0x4
#define UK_MSG_CTRUNC 0x8
#define UK_MSG_TRUNC 0x20
#define UK_MSG_DONTWAIT 0x40
#define UK_MSG_EOR 0x80
#define UK_MSG_WAITALL 0x100
#define UK_MSG_ERRQUEUE 0x2000
#define UK_MSG_NOSIGNAL 0x4000
#define UK_MSG_MORE 0x8000

#define UK_SHUT_RD 0
#define UK_SHUT_WR 1
#define UK_SHUT_RDWR 2

/* Option levels and names (asm-generic: the same on x86_64 and arm64) */
#define UK_SOL_SOCKET 1
#define UK_SO_REUSEADDR 2
#define UK_SO_TYPE 3
#define UK_SO_ERROR 4
#define UK_SO_DONTROUTE 5
#define UK_SO_BROADCAST 6
#define UK_SO_SNDBUF 7
#define UK_SO_RCVBUF 8
#define UK_SO_KEEPALIVE 9
#define UK_SO_OOBINLINE 10
#define UK_SO_LINGER 13
#define UK_SO_REUSEPORT 15
#define UK_SO_PASSCRED 16
#define UK_SO_RCVLOWAT 18
#define UK_SO_SNDLOWAT 19
#define UK_SO_RCVTIMEO 20
#define UK_SO_SNDTIMEO 21
#define UK_SO_ACCEPTCONN 30
#define UK_SO_SNDBUFFORCE 32
#define UK_SO_RCVBUFFORCE 33
#define UK_SO_PROTOCOL 38
#define UK_SO_DOMAIN 39
#define UK_IPPROTO_IP 0
#define UK_IPPROTO_TCP 6
#define UK_IPPROTO_UDP 17
#define UK_IPPROTO_IPV6 41
#define UK_TCP_NODELAY 1
#define UK_TCP_MAXSEG 2
#define UK_TCP_KEEPIDLE 4
#define UK_TCP_KEEPINTVL 5
#define UK_TCP_KEEPCNT 6
#define UK_TCP_FASTOPEN 23
#define UK_IP_TOS 1
#define UK_IP_TTL 2
#define UK_IPV6_UNICAST_HOPS 16
#define UK_IPV6_V6ONLY 26

/* struct sockaddr_storage: AF_INET is sockaddr_in (16 bytes), AF_INET6 sockaddr_in6 (28). */
struct uk_sockaddr {
    u16 family;
    u8 data[126];
};

long uk_socket_create(int domain, int type, int protocol, struct uk_file **out);
bool uk_is_socket(const struct uk_file *f);
long uk_socket_bind(struct uk_file *f, const struct uk_sockaddr *a, u32 len);
long uk_socket_listen(struct uk_file *f, int backlog);
/* A new connection; flags: UK_SOCK_NONBLOCK (for the new file). peer/len may be NULL. */
long uk_socket_accept(struct uk_file *f, int flags, struct uk_file **out, struct uk_sockaddr *peer, u32 *len);
long uk_socket_connect(struct uk_file *f, const struct uk_sockaddr *a, u32 len);
/* Bytes sent or -errno; to may be NULL. */
long uk_socket_sendmsg(struct uk_file *f, const struct uk_iov *iov, int niov, int flags, const struct uk_sockaddr *to,
                       u32 tolen);
/* Bytes received (the datagram's length with MSG_TRUNC) or -errno; from/fromlen/msg_flags may be NULL. */
long uk_socket_recvmsg(struct uk_file *f, const struct uk_iov *iov, int niov, int flags, struct uk_sockaddr *from,
                       u32 *fromlen, int *msg_flags);
long uk_socket_shutdown(struct uk_file *f, int how);
/* The local (peer false) or remote address; *len is the full length. */
long uk_socket_name(struct uk_file *f, bool peer, struct uk_sockaddr *a, u32 *len);
long uk_socket_setopt(struct uk_file *f, int level, int name, const void *val, u32 len);
/* val has room for *len bytes (at most 128); *len becomes the option's length. */
long uk_socket_getopt(struct uk_file *f, int level, int name, void *val, u32 *len);

/* The network stack's clock and loopback: called after every call into lwIP, so its timers are armed for
 * the next timeout and packets to 127.0.0.1/::1 are delivered. */
void uk_net_kick(void);
/* At exit_group: what the program has written to TCP connections (and closed) but the peers have not acknowledged
 * yet, and datagrams still on a device's transmit queue, which Linux would go on sending after the process is gone,
 * are sent before the VM powers off: the network runs until every connection's data is acknowledged and every
 * device has taken its frames, for at most 3 s. */
void uk_net_exit_drain(void);

#endif
