/* net.h - the network harness's parts (net_fuzz.c, vnet_dev.c, frames.c, shim_net.c): a virtio-net device
 * played by the harness on the real virtqueues of drivers/virtio, and frame helpers. */
#ifndef FZ_NET_H
#define FZ_NET_H
#include <uk/netif.h>
#include <uk/types.h>
#include <uk/virtio.h>

/* Raises interrupt line irq: runs the handler a driver registered (uk_irq_register), if any. */
void fz_irq_raise(int irq);

#define FZ_RXQ 0
#define FZ_TXQ 1

/* A virtio-net device as a VMM would present it, on a transport of the harness's own. */
struct fz_vnet {
    struct uk_virtio_dev dev;
    u64 offered;    /* feature bits offered */
    u8 status;      /* device status register */
    u8 config[12];  /* mac, status (link), max_virtqueue_pairs, mtu */
    u16 queue_size; /* what queue_max reports */
    struct uk_virtq *q[2];
    u16 seen[2];             /* the device's position in each available ring */
    u32 isr;                 /* interrupt cause: 1 used buffers, 2 configuration */
    bool tx_stall;           /* transmitted chains are kept (not used) until the stall ends */
    u16 stalled;             /* chains kept meanwhile */
    struct uk_netif_dev *nd; /* the driver's counters (uk_netif_add's argument) */
    /* Called with every frame the driver transmits (after the virtio-net header). */
    void (*on_tx)(struct fz_vnet *v, const u8 *frame, u32 len);
};

/* Sets the device up as device_id 1 on interrupt line irq and hands it to the virtio core (uk_virtio_attach),
 * which starts the real driver. modern: VERSION_1 (else legacy); features: the other bits offered. */
void fz_vnet_create(struct fz_vnet *v, int irq, bool modern, u64 features, const u8 mac[6]);
/* The virtio-net header's length the device uses (12 with VERSION_1 or MRG_RXBUF, else 10). */
u32 fz_vnet_hdr_len(const struct fz_vnet *v);
/* Delivers a well-formed frame through the receive queue as a correct device would: header and data written
 * into posted buffers (at most chunk bytes of data per buffer with MRG_RXBUF, 0: as many as fit), used
 * elements published, interrupt raised. False when the device had to drop it (no buffers, too long). */
bool fz_vnet_rx(struct fz_vnet *v, const u8 *frame, u32 len, u32 chunk);
/* Hostile device behaviour, for the fuzzer: */
/* a used element naming chain id with length len, whatever the driver posted */
void fz_vnet_raw_used(struct fz_vnet *v, int queue, u32 id, u32 len);
/* writes bytes into the first buffer of the k-th chain the device has not consumed yet (its header: num_buffers) */
void fz_vnet_poke(struct fz_vnet *v, u16 k, u16 off, const u8 *bytes, u16 n);
/* advances the used index by n without writing elements (the device republishes stale ones) */
void fz_vnet_skip_used(struct fz_vnet *v, int queue, u16 n);
/* the bytes the chain at head holds */
u32 fz_vnet_chain_len(const struct fz_vnet *v, int queue, u16 head);
/* the head of the k-th chain posted but not consumed, -1 when there is none */
int fz_vnet_pending_head(const struct fz_vnet *v, int queue, u16 k);
/* link status change (configuration interrupt) */
void fz_vnet_set_link(struct fz_vnet *v, bool up);
/* transmit completions held back (on) or all given back now (off) */
void fz_vnet_stall_tx(struct fz_vnet *v, bool on);
/* Every buffer the driver owns is posted again and the free descriptors add up; crashes otherwise. */
void fz_vnet_check(const struct fz_vnet *v);

/* Frames (frames.c). Where the TCP or UDP header of an Ethernet frame (IPv4, or IPv6 without extension
 * headers, not a fragment) is, and its fields in host order. */
struct fz_l4 {
    u8 proto; /* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6 */
    u32 l4_off, l4_len;
    u16 sport, dport;
    u32 seq, ack; /* TCP */
    u8 flags;     /* TCP */
    u32 payload;  /* TCP: data bytes */
};
bool fz_frame_l4(const u8 *f, u32 len, struct fz_l4 *out);
/* Recomputes the IPv4 header checksum and the TCP, UDP, ICMP or ICMPv6 checksum of a frame. */
void fz_frame_fix_checksums(u8 *f, u32 len);
static inline u16 fz_get16(const u8 *p) { return (u16)(p[0] << 8 | p[1]); }
static inline u32 fz_get32(const u8 *p) { return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3]; }
static inline void fz_put16(u8 *p, u16 v) { p[0] = (u8)(v >> 8), p[1] = (u8)v; }
static inline void fz_put32(u8 *p, u32 v) { fz_put16(p, (u16)(v >> 16)), fz_put16(p + 2, (u16)v); }

#endif
