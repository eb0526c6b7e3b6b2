/* virtio.h - the virtio layer (drivers/virtio): devices found on a transport (virtio-mmio versions 1
 * and 2, virtio-pci modern and legacy), the standard initialisation and feature negotiation, split virtqueues with
 * EVENT_IDX and notification suppression, and the device drivers on top (virtio-blk, virtio-net). Transports and
 * drivers are architecture-neutral; platforms only say where devices are (uk_virtio_mmio_probe). */
#ifndef UK_VIRTIO_H
#define UK_VIRTIO_H
#include <uk/types.h>

/* Device-independent feature bits */
#define UK_VIRTIO_F_ANY_LAYOUT 27 /* legacy: headers need not have descriptors of their own */
#define UK_VIRTIO_F_INDIRECT_DESC 28
#define UK_VIRTIO_F_EVENT_IDX 29
#define UK_VIRTIO_F_VERSION_1 32
#define UK_VIRTIO_BIT(f) (1ULL << (f))

/* Device status bits */
#define UK_VIRTIO_S_ACKNOWLEDGE 1
#define UK_VIRTIO_S_DRIVER 2
#define UK_VIRTIO_S_DRIVER_OK 4
#define UK_VIRTIO_S_FEATURES_OK 8
#define UK_VIRTIO_S_FAILED 128

struct uk_virtio_dev;
struct uk_virtq;

/* What a transport does for the core and the drivers. */
struct uk_virtio_transport {
    const char *name; /* "mmio", "pci" */
    u64 (*device_features)(struct uk_virtio_dev *d);
    void (*driver_features)(struct uk_virtio_dev *d, u64 features);
    u8 (*get_status)(struct uk_virtio_dev *d);
    void (*set_status)(struct uk_virtio_dev *d, u8 status);
    void (*read_config)(struct uk_virtio_dev *d, u32 off, void *buf, u32 len);
    /* The largest size the device allows for queue index (0: no such queue). */
    u16 (*queue_max)(struct uk_virtio_dev *d, u16 index);
    /* Hands the rings of q (sized, allocated) to the device; 0 or -errno. */
    long (*queue_enable)(struct uk_virtio_dev *d, struct uk_virtq *q);
    void (*notify)(struct uk_virtio_dev *d, u16 index);
    /* Reads and acknowledges the interrupt cause: bit 0 used buffers, bit 1 configuration change. */
    u32 (*ack_interrupt)(struct uk_virtio_dev *d);
};

struct uk_virtio_dev {
    const struct uk_virtio_transport *transport;
    void *transport_data;
    u32 device_id;
    bool legacy;           /* a pre-1.0 (legacy) interface: no FEATURES_OK, 32 feature bits, guest-page rings */
    bool fixed_queue_size; /* queues have the device's size (legacy PCI): uk_virtq_init takes it as is */
    u64 features;          /* negotiated */
    int irq;
    char where[48]; /* "mmio@0xfeb00e00 irq 12 v1", for the boot log */
    void *driver_data;
};

/* The standard start of a device: reset, ACKNOWLEDGE|DRIVER, features = offered & wanted (VERSION_1 added
 * on modern transports) — then select(features), when given, drops the ones that depend on others not offered —
 * FEATURES_OK checked. The driver then sets up its queues and calls
 * uk_virtio_ready. 0 or -errno (the device is then marked FAILED). */
long uk_virtio_start(struct uk_virtio_dev *d, u64 wanted, u64 (*select)(u64 features));
void uk_virtio_ready(struct uk_virtio_dev *d);
static inline bool uk_virtio_has(const struct uk_virtio_dev *d, int feature)
{
    return d->features & UK_VIRTIO_BIT(feature);
}
/* The negotiated features among names, comma-separated into buf (for the drivers' boot-log lines). */
struct uk_virtio_feature_name {
    int bit;
    const char *name;
};
const char *uk_virtio_feature_list(const struct uk_virtio_dev *d, const struct uk_virtio_feature_name *names, usize n,
                                   char *buf, usize size);
/* A transport found a device: logs it and hands it to the driver of its type, or leaves it alone. */
void uk_virtio_attach(struct uk_virtio_dev *d);

/* Split virtqueues */
struct uk_virtq_desc {
    u64 addr;
    u32 len;
    u16 flags, next;
};
struct uk_virtq_used_elem {
    u32 id, len;
};
struct uk_virtq {
    struct uk_virtio_dev *dev;
    u16 index, size;
    struct uk_virtq_desc *desc;
    volatile u16 *avail; /* flags, idx, ring[size], used_event */
    volatile u16 *used;  /* flags, idx, then elements, then avail_event */
    volatile struct uk_virtq_used_elem *used_ring;
    u64 desc_pa, avail_pa, used_pa, area_pa; /* area: one block holding all three (legacy layout) */
    usize area_pages;
    u16 free_head, num_free, last_used, avail_idx, kicked_idx;
    bool event_idx;
    bool device_fence; /* order through a device register read (QEMU TCG: virtqueue.c) */
    void **cookies;    /* per chain head in flight, NULL otherwise */
    u64 bad_used;      /* used elements naming no chain in flight (a device bug), ignored */
};
/* A buffer of a request, by physical address. */
struct uk_virtq_buf {
    u64 pa;
    u32 len;
};
/* Allocates queue index (at most max_size entries, 0: the device's maximum) and enables it. */
long uk_virtq_init(struct uk_virtio_dev *d, u16 index, u16 max_size, struct uk_virtq *q);
/* Queues one chain: nout buffers the device reads, then nin it writes. -ENOSPC when the queue lacks
 * descriptors. cookie (not NULL) comes back from uk_virtq_next_used. */
long uk_virtq_add(struct uk_virtq *q, const struct uk_virtq_buf *bufs, u16 nout, u16 nin, void *cookie);
/* The same chain as one ring descriptor pointing at an indirect table (VIRTIO_F_INDIRECT_DESC negotiated): table
 * has room for nout + nin descriptors, is 16-byte aligned and physically contiguous, and stays untouched until the
 * chain comes back. -ENOSPC when the ring has no free descriptor. */
long uk_virtq_add_indirect(struct uk_virtq *q, struct uk_virtq_desc *table, const struct uk_virtq_buf *bufs, u16 nout,
                           u16 nin, void *cookie);
/* Tells the device about new chains, unless it asked not to be told (EVENT_IDX / NO_NOTIFY). */
void uk_virtq_kick(struct uk_virtq *q);
/* The next chain the device finished (its descriptors freed), NULL when none; *len = bytes written. Used
 * elements that name no chain in flight are skipped and counted (bad_used). */
void *uk_virtq_next_used(struct uk_virtq *q, u32 *len);
/* Re-enables used-buffer interrupts after draining; true when more used buffers arrived meanwhile. */
bool uk_virtq_enable_interrupts(struct uk_virtq *q);
/* Asks the device not to interrupt for this queue's used buffers (a hint: an interrupt may still come). */
void uk_virtq_disable_interrupts(struct uk_virtq *q);

/* Transports */
/* A virtio-mmio window at physical base (size bytes) raising interrupt irq (x86: I/O APIC pin; arm64: GIC
 * INTID). Empty windows (device ID 0) are skipped. */
void uk_virtio_mmio_probe(u64 base, u64 size, int irq);
struct uk_pci_host;
/* Scans a PCI host bridge: its virtio functions go to their drivers, in bus order (QEMU gives its
 * -device list ascending slots); the others are listed and left alone. */
void uk_virtio_pci_attach_bus(struct uk_pci_host *host);

/* Drivers */
long uk_virtio_blk_attach(struct uk_virtio_dev *d);
/* Network devices: the network interfaces en0, en1, … in the order found (netif.h). */
long uk_virtio_net_attach(struct uk_virtio_dev *d);

#endif
