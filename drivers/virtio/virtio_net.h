/* virtio_net.h - what the parts of the virtio-net driver share: the device's wire format (virtio 1.x section
 * 5.1), the device, and its receive path (virtio_net_rx.c: the buffer pool, frames handed to lwIP without a
 * copy) and transmit path (virtio_net_tx.c: slots) under the driver proper (virtio_net.c: features, interrupts,
 * the link); a device the command line leaves to the program (net.raw=) is a character device instead (virtio_net_raw.c). */
#ifndef UK_VIRTIO_NET_PRIVATE_H
#define UK_VIRTIO_NET_PRIVATE_H
#include <lwip/pbuf.h>
#include <uk/netif.h>
#include <uk/sched.h>
#include <uk/types.h>
#include <uk/virtio.h>

#define NET_F_CSUM 0       /* the device completes the checksums of frames we send */
#define NET_F_GUEST_CSUM 1 /* we accept frames whose checksums are partial or already checked */
#define NET_F_MTU 3
#define NET_F_MAC 5
#define NET_F_GUEST_TSO4 7 /* we accept TCP segments larger than the MTU (needs GUEST_CSUM) */
#define NET_F_GUEST_TSO6 8
#define NET_F_HOST_TSO4 11 /* the device segments TCP frames larger than the MTU we send (needs CSUM) */
#define NET_F_HOST_TSO6 12
#define NET_F_MRG_RXBUF 15
#define NET_F_STATUS 16
#define NET_S_LINK_UP 1

/* net_hdr.flags */
#define NET_HDR_F_NEEDS_CSUM 1 /* checksum partial: the pseudo-header sum, rest left to the receiver */
#define NET_HDR_F_DATA_VALID 2 /* checksums already verified */
/* net_hdr.gso_type */
#define NET_HDR_GSO_TCPV4 1
#define NET_HDR_GSO_TCPV6 4

#define RXQ 0
#define TXQ 1
#define QUEUE_MAX 256
#define MAX_MTU 9000
#define FRAME_OVERHEAD 18 /* Ethernet header and a VLAN tag */
#define MRG_BUF_SIZE 2048 /* receive buffers with MRG_RXBUF (a frame may span several) */
#define MAX_PARTS 64      /* buffers of one received frame at most (a 64 KiB segment takes 33) */
#define TSO_SLOTS 8       /* transmit slots of 64 KiB for merged TCP segments (HOST_TSO) */

/* The header before every frame: 10 bytes, 12 with num_buffers (VERSION_1 or MRG_RXBUF). */
struct net_hdr {
    u8 flags, gso_type;
    u16 hdr_len, gso_size, csum_start, csum_offset, num_buffers;
} __attribute__((packed));

struct vnet;
struct vnet_raw;

/* A TCP frame being merged from lwIP's consecutive segments of one connection (HOST_TSO): in transmit slot k
 * (-1: none), len bytes so far, headers of hlen bytes (TCP's at l4), segments of mss bytes, the next one's
 * sequence number expected. */
struct vnet_tso {
    int k;
    u32 len, l4, hlen, mss, next_seq, segs;
    bool v6;
};

/* A receive buffer lent to lwIP: the pbuf it travels in, freed back to the pool by lwIP's pbuf_free. */
struct vnet_rxbuf {
    struct pbuf_custom pc; /* first: the free callback gets the pbuf */
    struct vnet *v;
    u16 k;
};

struct vnet {
    struct uk_ktimer poll; /* first: the poll timer's callback finds its device from it */
    struct uk_virtio_dev *dev;
    struct uk_virtq rx, tx;
    struct netif *netif;  /* NULL for a raw device */
    struct vnet_raw *raw; /* a raw device's character device (virtio_net_raw.c), else NULL */
    struct uk_netif_dev nd;
    u32 hdr_len, rx_size, tx_size; /* header; bytes per receive buffer and per transmit slot */
    bool mrg, split;               /* split: the header has a descriptor of its own (legacy without ANY_LAYOUT) */
    bool csum_tx, csum_rx;         /* CSUM, GUEST_CSUM negotiated */
    u16 chksum_flags;              /* lwIP's checksum work on this interface (NETIF_CHECKSUM_*) */
    /* Receive: nbuf buffers, up to nrx posted to the device at a time, the others free or lent to lwIP. */
    u8 *rx_bufs;
    u64 rx_pa;
    struct vnet_rxbuf *rxb;
    u16 nbuf, nrx, rx_posted, *rx_free, rx_nfree;
    /* Transmit: one slot per descriptor (chain), a stack of free ones: nsmall of tx_size bytes, and with HOST_TSO
     * the others (ntx - nsmall) of tso_size bytes for merged TCP segments. */
    u8 *tx_bufs, *tso_bufs;
    u64 tx_pa, tso_pa;
    u16 ntx, nsmall, *tx_free, tx_nfree, *tso_free, tso_nfree;
    u32 tso_size;
    bool tso4, tso6;
    struct vnet_tso tso; /* the frame being merged (virtio_net_tso.c) */
    bool tx_waiting;     /* a frame found the queue full: interrupt when there is room */
    bool polled;
};

/* Allocates the receive pool and posts the device's share (at attach, after the queues). 0 or -ENOMEM. */
long uk_virtio_net_rx_setup(struct vnet *v);
/* Hands every frame the device finished to lwIP and posts free buffers again; true when there was one. */
bool uk_virtio_net_rx_drain(struct vnet *v);
/* Copies the frame in receive buffers parts[0..n) (lengths lens, the first starting with the header) to dst
 * (NULL: nowhere) and frees the buffers. */
void uk_virtio_net_rx_gather(struct vnet *v, const u16 *parts, const u32 *lens, u32 n, u8 *dst);

/* Takes every finished transmit slot back. */
void uk_virtio_net_tx_reclaim(struct vnet *v);
/* lwIP's linkoutput (uk_netif_dev.transmit): copies the frame into a slot and sends it; ERR_MEM when full. */
s8 uk_virtio_net_transmit(struct netif *n, struct pbuf *p);
/* A free transmit slot for a frame, -1 when the queue is full: the device then interrupts once it has room
 * (uk_virtio_net_raw_notify, or uk_netif_tx_ready for an interface). */
int uk_virtio_net_tx_slot(struct vnet *v);
/* Where slot k's frame goes (after the header). */
u8 *uk_virtio_net_tx_frame(struct vnet *v, u16 k);
/* Where slot k starts (its header). */
u8 *uk_virtio_net_tx_slot_base(struct vnet *v, u16 k);
/* Sends the len-byte frame in slot k (header zeroed; no offload for raw devices); mss: a TCP frame the device cuts
 * into segments of mss bytes (HOST_TSO), 0 for a frame sent as it is. */
void uk_virtio_net_tx_send(struct vnet *v, u16 k, u32 len, u32 mss);
/* A free slot for a merged TCP frame, -1 when all are in use. */
int uk_virtio_net_tso_slot(struct vnet *v);

/* HOST_TSO (virtio_net_tso.c): takes lwIP's frame p into the frame being merged, or starts one with it; false
 * when p is not a TCP segment that can be merged (the frame being merged is then sent first). */
bool uk_virtio_net_tso_add(struct vnet *v, struct pbuf *p);
/* Sends the frame being merged, if any: after every call into lwIP (uk_netif_dev.flush). */
void uk_virtio_net_tso_flush(struct vnet *v);
/* Gives slot k back unsent. */
void uk_virtio_net_tx_unslot(struct vnet *v, u16 k);

/* Makes v the character device /dev/net/<name> (after the queues are set up). 0 or -ENOMEM. */
long uk_virtio_net_raw_attach(struct vnet *v, const char *name);
/* A checked frame of a raw device, in receive buffers as for uk_virtio_net_rx_gather: queued for the program or
 * dropped (counted); its buffers are free again either way. */
void uk_virtio_net_raw_receive(struct vnet *v, const u16 *parts, const u32 *lens, u32 n, u32 total);
/* The raw device's readiness changed (room to transmit, the link): wakes its readers, writers and pollers. */
void uk_virtio_net_raw_notify(struct vnet *v, u32 events);

#endif
