/* netlink.h - what the netlink socket (netlink.c) and its route family (rtnetlink.c) share: Linux's message
 * framing (struct nlmsghdr, attributes, 4-byte alignment) and the reply a request builds, datagram by datagram,
 * on the requesting socket's receive queue. */
#ifndef UK_NET_NETLINK_H
#define UK_NET_NETLINK_H
#include <uk/file.h>
#include <uk/types.h>

#define UK_NETLINK_ROUTE 0
#define UK_SOL_NETLINK 270

#define NLMSG_ALIGN(n) (((n) + 3u) & ~3u)
#define NLMSG_HDRLEN 16u
#define NLM_F_REQUEST 0x1
#define NLM_F_MULTI 0x2
#define NLM_F_ACK 0x4
#define NLM_F_ROOT 0x100
#define NLM_F_MATCH 0x200
#define NLM_F_DUMP (NLM_F_ROOT | NLM_F_MATCH)
#define NLM_F_CAPPED 0x100 /* on an NLMSG_ERROR: the request is not echoed after its header */
#define NLMSG_NOOP 1
#define NLMSG_ERROR 2
#define NLMSG_DONE 3
#define NLMSG_MIN_TYPE 0x10

struct nlmsghdr_k {
    u32 len;
    u16 type, flags;
    u32 seq, pid;
};

struct rtattr_k {
    u16 len, type;
};

/* A queued reply datagram, and a netlink socket (netlink.c; its data path in netlink_io.c). */
struct nldgram {
    struct nldgram *next;
    u32 len;
    u8 data[];
};

struct nlsock {
    struct uk_file *file;
    struct nlsock *next; /* every netlink socket, for port ids */
    int domain, type, protocol;
    u32 portid, groups;
    bool bound;
    struct nldgram *head, *tail;
    u32 rcvbuf, sndbuf;
    u64 rcvtimeo_ns;
};

/* struct sockaddr_nl */
struct sockaddr_nl_k {
    u16 family, pad;
    u32 pid, groups;
};

/* A sockaddr_nl from the program's address: -EINVAL when short or not AF_NETLINK. */
struct uk_sockaddr;
long uk_nl_addr_in(const struct uk_sockaddr *a, u32 len, struct sockaddr_nl_k *nl);
/* Gives an unbound socket its port id (autobinding, as a send or connect does on Linux). */
void uk_nl_autobind(struct nlsock *s);

/* A reply under construction: messages are built one at a time in msg and packed into datagrams of at most
 * NL_DGRAM_MAX bytes, each queued on the socket when full (and at the end). */
#define NL_DGRAM_MAX 4096u
#define NL_MSG_MAX 1024u
struct nlreply {
    struct nlsock *to;
    u32 seq, portid;
    u32 dlen;
    u8 dgram[NL_DGRAM_MAX];
    long err; /* -ENOBUFS once memory ran out: the reply is incomplete */
    u32 mlen;
    u8 msg[NL_MSG_MAX];
};

/* Starts a message (header, then fixed bytes of body, zeroed); returns the body. */
void *uk_nl_begin(struct nlreply *r, u16 type, u16 flags, u32 body);
/* Appends an attribute to the current message. */
void uk_nl_attr(struct nlreply *r, u16 type, const void *data, u32 len);
/* Finishes the current message (sets its length, moves it into the datagram). */
void uk_nl_end(struct nlreply *r);
/* Queues the datagram built so far (if any). */
void uk_nl_flush(struct nlreply *r);
/* netlink.c: queues r's datagram on r->to (-ENOBUFS in r->err when memory is short). */
void uk_nl_queue(struct nlreply *r);
/* NLMSG_DONE of a dump (with its 4-byte status 0), and NLMSG_ERROR with err (0: an acknowledgement) echoing
 * the request's header (and for errors its payload, up to what fits). */
void uk_nl_done(struct nlreply *r);
void uk_nl_error(struct nlreply *r, long err, const struct nlmsghdr_k *req);

/* rtnetlink.c: answers one NETLINK_ROUTE request (the dumps and gets of links and addresses) into r: 0, or
 * -errno for the NLMSG_ERROR the caller then sends (-EOPNOTSUPP for what it does not implement). */
long uk_rtnl_request(struct nlreply *r, const struct nlmsghdr_k *h);

#endif
