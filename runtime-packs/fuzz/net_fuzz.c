/* net_fuzz.c - libFuzzer target "net": hostile input through the path of a received frame, from the device to
 * the program. Two virtio-net devices played by the harness (vnet_dev.c) sit under the real virtio core, split
 * virtqueues and virtio-net driver (drivers/virtio), lwIP with the kernel's options and port (lib/lwip), and the
 * socket layer (lib/net) with sockets the harness opened: a TCP listener on [::]:80 (dual stack), a UDP socket
 * on [::]:7, and a TCP connection from 10.0.2.15:40000 to 10.0.2.2:8080. en0 (modern device, MRG_RXBUF,
 * EVENT_IDX) has 10.0.2.15/24 from the command line; en1 (legacy device, header in its own descriptor) runs DHCP.
 *
 * An input is a list of records, each an op byte and its operands (big-endian):
 *   0 FRAME   dev flags chunk len16 bytes  a frame as a correct device delivers it (chunk: data bytes per
 *                                          buffer with MRG_RXBUF, 0 = full); flags: 1 fix the checksums,
 *                                          2 TCP seq/ack relative to the connection's (what each side sent
 *                                          last), 4 DHCP xid = en1's
 *   1 USED    dev queue id16 len32         a used element: id & 0x8000 = the (id & 0xff)-th chain still posted,
 *                                          else the raw id; any length
 *   2 POKE    dev k off16 n bytes          bytes into the k-th posted receive buffer (headers: num_buffers)
 *   3 SKIP    dev queue n16                the used index moves by n over stale elements
 *   4 LINK    dev up                       5 STALL dev on (transmit completions held back)
 *   6 TIME    ms16                         time passes; lwIP's timers run
 *   7 ACCEPT                               8 RECV slot len16 flags (MSG_PEEK 1, MSG_TRUNC 2, MSG_WAITALL 4)
 *   9 SEND    slot len16 bytes            10 SHUTDOWN slot how   11 CLOSE slot   12 OPT slot which   13 POLL slot
 * Slots: 0 listener, 1 UDP, 2 the connection, 3-6 accepted connections. Calls never block (non-blocking
 * sockets, MSG_DONTWAIT). After every record: the descriptors of both queues add up, every receive buffer is
 * posted again, and a malformed used element the driver owned was counted as an error. Between inputs the
 * sockets are closed, lwIP's connections, ARP and neighbour caches, reassembly and DHCP start over. */
#include <lwip/dhcp.h>
#include <lwip/etharp.h>
#include <lwip/ip4_frag.h>
#include <lwip/ip6_frag.h>
#include <lwip/nd6.h>
#include <lwip/netif.h>
#include <lwip/priv/tcp_priv.h>
#include <uk/klibc.h>
#include <uk/lwip.h>
#include <uk/netif.h>
#include <uk/print.h>
#include <uk/socket.h>
#include <uk/time.h>
#include "host.h"
#include "net.h"
#include "shim.h"

#define NSLOTS 7
#define NFLOWS 16

static const u8 mac0[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, mac1[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x57};
static const u8 gw_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
static const u8 guest_ip[4] = {10, 0, 2, 15}, gw_ip[4] = {10, 0, 2, 2};

static struct fz_vnet devs[2];
static struct netif *netifs[2];
static struct uk_file *slots[NSLOTS];
static bool responder; /* during set-up: the harness answers ARP for 10.0.2.2 and the SYN to 10.0.2.2:8080 */
static u8 deferred[4][128];
static u32 deferred_len[4], ndeferred;

/* What each side of a TCP connection sent last (from the guest's frames): the base of relative seq/ack. */
static struct flow {
    u16 guest_port, peer_port;
    u32 guest_next, peer_next;
    bool used;
} flows[NFLOWS];
static u32 next_flow;

/* The driver hands its counters to lib/net through uk_netif_add (--wrap): the harness keeps them. */
struct netif *__real_uk_netif_add(struct uk_netif_dev *dev);
static struct uk_netif_dev *last_nd;
struct netif *__wrap_uk_netif_add(struct uk_netif_dev *dev)
{
    last_nd = dev;
    return __real_uk_netif_add(dev);
}

static struct flow *flow_of(u16 guest_port, u16 peer_port, bool add)
{
    for (u32 i = 0; i < NFLOWS; i++)
        if (flows[i].used && flows[i].guest_port == guest_port && flows[i].peer_port == peer_port)
            return &flows[i];
    if (!add)
        return NULL;
    struct flow *f = &flows[next_flow++ % NFLOWS];
    *f = (struct flow){.guest_port = guest_port, .peer_port = peer_port, .used = true};
    return f;
}

static void defer(const u8 *frame, u32 len)
{
    if (ndeferred < UK_ARRAY_SIZE(deferred) && len <= sizeof(deferred[0])) {
        uk_memcpy(deferred[ndeferred], frame, len);
        deferred_len[ndeferred++] = len;
    }
}

/* The set-up's peer 10.0.2.2: an ARP reply, and the SYN-ACK of the connection to port 8080. */
static void respond(const u8 *f, u32 len, const struct fz_l4 *l4, bool is_l4)
{
    u8 out[128] = {0};
    uk_memcpy(out, f + 6, 6);
    uk_memcpy(out + 6, gw_mac, 6);
    if (len >= 42 && fz_get16(f + 12) == 0x0806 && fz_get16(f + 20) == 1 && !uk_memcmp(f + 38, gw_ip, 4)) {
        fz_put16(out + 12, 0x0806);
        const u8 arp[8] = {0, 1, 8, 0, 6, 4, 0, 2};
        uk_memcpy(out + 14, arp, 8);
        uk_memcpy(out + 22, gw_mac, 6);
        uk_memcpy(out + 28, gw_ip, 4);
        uk_memcpy(out + 32, f + 22, 10); /* the asker's MAC and IP */
        defer(out, 60);
    } else if (is_l4 && l4->proto == 6 && l4->dport == 8080 && l4->flags == 0x02) {
        fz_put16(out + 12, 0x0800);
        u8 *ip = out + 14, *tcp = ip + 20;
        const u8 iph[12] = {0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0};
        uk_memcpy(ip, iph, 12);
        uk_memcpy(ip + 12, gw_ip, 4);
        uk_memcpy(ip + 16, guest_ip, 4);
        fz_put16(tcp, 8080);
        fz_put16(tcp + 2, l4->sport);
        fz_put32(tcp + 4, 0x10000);
        fz_put32(tcp + 8, l4->seq + 1);
        tcp[12] = 5 << 4;
        tcp[13] = 0x12;
        fz_put16(tcp + 14, 65535);
        fz_frame_fix_checksums(out, 54);
        defer(out, 60);
    }
}

static void on_tx(struct fz_vnet *v, const u8 *f, u32 len)
{
    struct fz_l4 l4;
    bool is_l4 = fz_frame_l4(f, len, &l4);
    if (is_l4 && l4.proto == 6) {
        struct flow *fl = flow_of(l4.sport, l4.dport, true);
        fl->guest_next = l4.seq + l4.payload + !!(l4.flags & 2) + !!(l4.flags & 1);
        if (l4.flags & 0x10)
            fl->peer_next = l4.ack;
    }
    if (responder && v == &devs[0])
        respond(f, len, &l4, is_l4);
}

static void deliver_deferred(void)
{
    for (u32 i = 0; i < ndeferred; i++)
        fz_vnet_rx(&devs[0], deferred[i], deferred_len[i], 0);
    ndeferred = 0;
}

static u32 sockaddr(struct uk_sockaddr *a, int family, const u8 *ip, u16 port)
{
    uk_memset(a, 0, sizeof(*a));
    a->family = (u16)family;
    fz_put16(a->data, port);
    if (family == UK_AF_INET) {
        if (ip)
            uk_memcpy(a->data + 2, ip, 4);
        return 16;
    }
    return 28; /* [::] */
}

static struct uk_file *open_socket(int family, int type, u16 port, bool listen)
{
    struct uk_file *f;
    struct uk_sockaddr a;
    int zero = 0, one = 1;
    if (uk_socket_create(family, type | UK_SOCK_NONBLOCK, 0, &f))
        fz_host_crash("harness: socket() failed");
    if (family == UK_AF_INET6)
        uk_socket_setopt(f, UK_IPPROTO_IPV6, UK_IPV6_V6ONLY, &zero, sizeof(zero));
    uk_socket_setopt(f, UK_SOL_SOCKET, UK_SO_REUSEADDR, &one, sizeof(one));
    if (uk_socket_bind(f, &a, sockaddr(&a, family, NULL, port)) || (listen && uk_socket_listen(f, 4)))
        fz_host_crash("harness: bind() or listen() failed");
    return f;
}

/* Everything of the previous input goes; the sockets, caches and DHCP start again as at boot. */
static void reset(void)
{
    for (int i = 0; i < NSLOTS; i++)
        if (slots[i]) {
            uk_file_put(slots[i]);
            slots[i] = NULL;
        }
    for (int d = 0; d < 2; d++) {
        fz_vnet_stall_tx(&devs[d], false);
        if (!devs[d].config[6])
            fz_vnet_set_link(&devs[d], true);
    }
    while (tcp_active_pcbs)
        tcp_abort(tcp_active_pcbs);
    while (tcp_tw_pcbs)
        tcp_abort(tcp_tw_pcbs);
    if (tcp_listen_pcbs.pcbs)
        fz_host_crash("a listening PCB outlived its socket");
    for (int i = 0; i <= IP_REASS_MAXAGE; i++)
        ip_reass_tmr();
    for (int i = 0; i <= IPV6_REASS_MAXAGE; i++)
        ip6_reass_tmr();
    for (int d = 0; d < 2; d++) {
        etharp_cleanup_netif(netifs[d]);
        nd6_cleanup_netif(netifs[d]);
        for (int k = 1; k < LWIP_IPV6_NUM_ADDRESSES; k++)
            netif_ip6_addr_set_state(netifs[d], k, IP6_ADDR_INVALID);
    }
    dhcp_release_and_stop(netifs[1]);
    fz_random_seed(42);
    dhcp_start(netifs[1]);
    uk_memset(flows, 0, sizeof(flows));
    slots[0] = open_socket(UK_AF_INET6, UK_SOCK_STREAM, 80, true);
    slots[1] = open_socket(UK_AF_INET6, UK_SOCK_DGRAM, 7, false);
    slots[2] = open_socket(UK_AF_INET, UK_SOCK_STREAM, 40000, false);
    struct uk_sockaddr a;
    responder = true;
    long r = uk_socket_connect(slots[2], &a, sockaddr(&a, UK_AF_INET, gw_ip, 8080));
    for (int i = 0; i < 4 && ndeferred; i++)
        deliver_deferred();
    responder = false;
    if (r != -115 /* EINPROGRESS */ || !(slots[2]->ops->poll(slots[2], NULL) & UK_POLLOUT))
        fz_host_crash("harness: the connection to 10.0.2.2:8080 was not established");
}

static void init(void)
{
    fz_total_pages = 0;         /* receive pools of the smallest size: their copying path stays reachable */
    uk_loglevel = UK_LOG_DEBUG; /* every message is formatted (and printed with UKFUZZ_LOG=1) */
    if (uk_net_option("net.ip=10.0.2.15/24") || uk_net_option("net.gw=10.0.2.2"))
        fz_host_crash("harness: net.* options refused");
    uk_lwip_init();
    devs[0].on_tx = devs[1].on_tx = on_tx;
    /* en0: merged buffers, EVENT_IDX, and the checksum and segmentation offloads of transmit (CSUM, HOST_TSO4/6) */
    fz_vnet_create(&devs[0], 1, true,
                   UK_VIRTIO_BIT(0) | UK_VIRTIO_BIT(11) | UK_VIRTIO_BIT(12) | UK_VIRTIO_BIT(15) |
                       UK_VIRTIO_BIT(UK_VIRTIO_F_EVENT_IDX),
                   mac0);
    devs[0].nd = last_nd;
    fz_vnet_create(&devs[1], 2, false, 0, mac1);
    devs[1].nd = last_nd;
    netifs[0] = netif_get_by_index(2);
    netifs[1] = netif_get_by_index(3);
    if (!netifs[0] || !netifs[1])
        fz_host_crash("harness: en0 and en1 are missing");
    fz_time_advance(3 * UK_NSEC_PER_SEC); /* duplicate address detection of the link-local addresses */
}

/* The input, consumed front to back. */
struct input {
    const u8 *p;
    usize n;
};
static u8 take8(struct input *in) { return in->n ? (in->n--, *in->p++) : 0; }
static u16 take16(struct input *in) { return (u16)(take8(in) << 8 | take8(in)); }
static u32 take32(struct input *in) { return (u32)take16(in) << 16 | take16(in); }
static const u8 *take(struct input *in, usize *n)
{
    *n = UK_MIN(*n, in->n);
    const u8 *p = in->p;
    in->p += *n;
    in->n -= *n;
    return p;
}

static u8 frame[65536];

static void op_frame(struct input *in)
{
    struct fz_vnet *v = &devs[take8(in) & 1];
    u8 flags = take8(in), chunk = take8(in);
    usize len = take16(in);
    const u8 *data = take(in, &len);
    uk_memcpy(frame, data, len);
    struct fz_l4 l4;
    if ((flags & 6) && fz_frame_l4(frame, (u32)len, &l4)) {
        struct flow *fl = l4.proto == 6 ? flow_of(l4.dport, l4.sport, false) : NULL;
        if ((flags & 2) && fl) {
            fz_put32(frame + l4.l4_off + 4, l4.seq + fl->peer_next);
            fz_put32(frame + l4.l4_off + 8, l4.ack + fl->guest_next);
        }
        struct dhcp *d = netif_dhcp_data(netifs[1]);
        if ((flags & 4) && l4.proto == 17 && l4.dport == 68 && d && l4.l4_len >= 16)
            fz_put32(frame + l4.l4_off + 12, d->xid);
    }
    if (flags & 1)
        fz_frame_fix_checksums(frame, (u32)len);
    fz_vnet_rx(v, frame, (u32)len, chunk * 16u);
}

static void op_used(struct input *in)
{
    struct fz_vnet *v = &devs[take8(in) & 1];
    int q = take8(in) & 1;
    u16 id = take16(in);
    u32 len = take32(in);
    if (id & 0x8000) {
        int head = fz_vnet_pending_head(v, q, id & 0xff);
        id = head < 0 ? 0xffff : (u16)head;
    }
    struct uk_virtq *vq = v->q[q];
    bool owned = id < vq->size && vq->cookies[id];
    u64 errors = v->nd->stats.rx_errors;
    bool malformed = q == FZ_RXQ && (!owned || len < fz_vnet_hdr_len(v) || len > fz_vnet_chain_len(v, q, id));
    fz_vnet_raw_used(v, q, id, len);
    if (malformed && v->nd->stats.rx_errors == errors)
        fz_host_crash("the driver took a malformed used element without counting an error");
}

static void op_socket(int op, struct input *in)
{
    if (op == 7) {
        for (int i = 3; i < NSLOTS; i++)
            if (!slots[i]) {
                struct uk_sockaddr peer;
                u32 len = sizeof(peer);
                if (uk_socket_accept(slots[0], UK_SOCK_NONBLOCK, &slots[i], &peer, &len))
                    slots[i] = NULL;
                return;
            }
        return;
    }
    int s = take8(in) % NSLOTS;
    struct uk_file *f = slots[s];
    static u8 buf[65536];
    switch (op) {
    case 8: {
        usize len = take16(in);
        u8 fl = take8(in);
        int flags =
            UK_MSG_DONTWAIT | (fl & 1 ? UK_MSG_PEEK : 0) | (fl & 2 ? UK_MSG_TRUNC : 0) | (fl & 4 ? UK_MSG_WAITALL : 0);
        u8 *ubuf = fz_host_alloc(len ? len : 1, 16); /* exactly len bytes: ASan sees any overrun */
        struct uk_iov iov = {ubuf, len};
        struct uk_sockaddr from;
        u32 fromlen = sizeof(from);
        int mflags;
        if (f)
            uk_socket_recvmsg(f, &iov, 1, flags, &from, &fromlen, &mflags);
        fz_host_free(ubuf);
        return;
    }
    case 9: {
        usize len = take16(in);
        const u8 *data = take(in, &len);
        uk_memcpy(buf, data, len);
        struct uk_iov iov = {buf, len};
        struct uk_sockaddr to;
        u32 tolen = sockaddr(&to, UK_AF_INET, gw_ip, 9);
        if (f)
            uk_socket_sendmsg(f, &iov, 1, UK_MSG_DONTWAIT | UK_MSG_NOSIGNAL, s == 1 ? NULL : &to, s == 1 ? 0 : tolen);
        return;
    }
    case 10: {
        int how = take8(in) % 3;
        if (f)
            uk_socket_shutdown(f, how);
        return;
    }
    case 11:
        if (f && s)
            uk_file_put(f), slots[s] = NULL;
        return;
    case 12: {
        static const struct {
            int level, name, value[2];
            u32 len;
        } opts[] = {{UK_SOL_SOCKET, UK_SO_LINGER, {1, 0}, 8},  {UK_IPPROTO_TCP, UK_TCP_NODELAY, {1}, 4},
                    {UK_SOL_SOCKET, UK_SO_RCVBUF, {256}, 4},   {UK_SOL_SOCKET, UK_SO_KEEPALIVE, {1}, 4},
                    {UK_IPPROTO_TCP, UK_TCP_KEEPIDLE, {1}, 4}, {UK_SOL_SOCKET, UK_SO_BROADCAST, {1}, 4}};
        u8 which = take8(in) % UK_ARRAY_SIZE(opts);
        if (f)
            uk_socket_setopt(f, opts[which].level, opts[which].name, opts[which].value, opts[which].len);
        return;
    }
    default:
        if (f)
            f->ops->poll(f, NULL);
    }
}

static void run(const u8 *data, usize size)
{
    struct input in = {data, size};
    while (in.n) {
        u8 op = take8(&in) % 14;
        switch (op) {
        case 0: op_frame(&in); break;
        case 1: op_used(&in); break;
        case 2: {
            struct fz_vnet *v = &devs[take8(&in) & 1];
            u8 k = take8(&in);
            u16 off = take16(&in);
            usize n = take8(&in);
            const u8 *b = take(&in, &n);
            fz_vnet_poke(v, k, off, b, (u16)n);
            break;
        }
        case 3: {
            struct fz_vnet *v = &devs[take8(&in) & 1];
            int q = take8(&in) & 1;
            fz_vnet_skip_used(v, q, take16(&in));
            break;
        }
        case 4: {
            struct fz_vnet *v = &devs[take8(&in) & 1];
            fz_vnet_set_link(v, take8(&in) & 1);
            break;
        }
        case 5: {
            struct fz_vnet *v = &devs[take8(&in) & 1];
            fz_vnet_stall_tx(v, take8(&in) & 1);
            break;
        }
        case 6: fz_time_advance((u64)take16(&in) * 1000000ULL); break;
        default: op_socket(op, &in);
        }
        fz_vnet_check(&devs[0]);
        fz_vnet_check(&devs[1]);
    }
}

int LLVMFuzzerTestOneInput(const u8 *data, usize size)
{
    static bool ready;
    if (!ready) {
        init();
        ready = true;
    }
    reset();
    run(data, size);
    return 0;
}
