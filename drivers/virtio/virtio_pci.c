/* virtio_pci.c - the virtio-pci transport (virtio 1.x section 4.1): modern devices through their vendor
 * capabilities (common configuration, notification, ISR and device configuration regions in memory
 * BARs), legacy and transitional devices without them through the registers of I/O BAR 0. Interrupts
 * by MSI-X where the architecture takes messages (x86: every queue and configuration change on one
 * vector), else INTx (arm64 virt: the host bridge's interrupt map, shared lines, ISR read to acknowledge).
 * uk_virtio_pci_attach_bus hands a bus's virtio functions to their drivers and lists the others. */
#include <uk/arch.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/pci.h>
#include <uk/print.h>
#include <uk/virtio.h>

#define VENDOR_VIRTIO 0x1af4
#define CAP_VENDOR 0x09
enum { CFG_COMMON = 1, CFG_NOTIFY = 2, CFG_ISR = 3, CFG_DEVICE = 4 };
/* common configuration (modern) */
#define C_DFSELECT 0
#define C_DF 4
#define C_GFSELECT 8
#define C_GF 12
#define C_MSIX_CONFIG 16
#define C_STATUS 20
#define C_GENERATION 21
#define C_Q_SELECT 22
#define C_Q_SIZE 24
#define C_Q_MSIX 26
#define C_Q_ENABLE 28
#define C_Q_NOTIFY_OFF 30
#define C_Q_DESC 32
#define C_Q_DRIVER 40
#define C_Q_DEVICE 48
/* legacy registers in I/O BAR 0 */
#define L_HOST_FEATURES 0
#define L_GUEST_FEATURES 4
#define L_Q_PFN 8
#define L_Q_SIZE 12
#define L_Q_SELECT 14
#define L_Q_NOTIFY 16
#define L_STATUS 18
#define L_ISR 19
#define L_MSIX_CONFIG 20
#define L_Q_MSIX 22
#define NO_VECTOR 0xffff
#define MAX_DEVICES 32
#define MAX_QUEUES 64

struct vpci {
    struct uk_pci_dev pci;
    struct uk_pci_region common, notify, isr, device, legacy;
    u32 notify_mult, notify_len, device_len;
    u16 notify_off[MAX_QUEUES];
    bool msix, msix_reported;
};

static struct uk_virtio_dev devices[MAX_DEVICES];
static struct vpci vpcis[MAX_DEVICES];
static int ndevices;

static struct vpci *P(struct uk_virtio_dev *d) { return d->transport_data; }
static u32 crd(struct uk_virtio_dev *d, u32 off, int w) { return uk_pci_region_read(&P(d)->common, off, w); }
static void cwr(struct uk_virtio_dev *d, u32 off, int w, u32 v) { uk_pci_region_write(&P(d)->common, off, w, v); }
static u32 lrd(struct uk_virtio_dev *d, u32 off, int w) { return uk_pci_region_read(&P(d)->legacy, off, w); }
static void lwr(struct uk_virtio_dev *d, u32 off, int w, u32 v) { uk_pci_region_write(&P(d)->legacy, off, w, v); }

static u64 device_features(struct uk_virtio_dev *d)
{
    if (d->legacy)
        return lrd(d, L_HOST_FEATURES, 4);
    cwr(d, C_DFSELECT, 4, 0);
    u64 f = crd(d, C_DF, 4);
    cwr(d, C_DFSELECT, 4, 1);
    return f | (u64)crd(d, C_DF, 4) << 32;
}

static void driver_features(struct uk_virtio_dev *d, u64 f)
{
    if (d->legacy) {
        lwr(d, L_GUEST_FEATURES, 4, (u32)f);
        return;
    }
    cwr(d, C_GFSELECT, 4, 0);
    cwr(d, C_GF, 4, (u32)f);
    cwr(d, C_GFSELECT, 4, 1);
    cwr(d, C_GF, 4, (u32)(f >> 32));
}

static u8 get_status(struct uk_virtio_dev *d) { return (u8)(d->legacy ? lrd(d, L_STATUS, 1) : crd(d, C_STATUS, 1)); }

static void set_status(struct uk_virtio_dev *d, u8 s)
{
    if (d->legacy)
        lwr(d, L_STATUS, 1, s);
    else
        cwr(d, C_STATUS, 1, s);
    if (!s) /* a reset completes when the device reads back 0 */
        for (int spin = 0; get_status(d) && spin < 1000000; spin++)
            uk_cpu_pause();
}

static void read_config(struct uk_virtio_dev *d, u32 off, void *buf, u32 len)
{
    struct vpci *p = P(d);
    if (d->legacy) {
        u32 base = p->msix ? 24 : 20; /* the MSI-X vector registers come first when MSI-X is on */
        for (u32 i = 0; i < len; i++)
            ((u8 *)buf)[i] = (u8)lrd(d, base + off + i, 1);
        return;
    }
    u32 gen;
    do { /* a consistent snapshot: the generation did not change while reading */
        gen = crd(d, C_GENERATION, 1);
        for (u32 i = 0; i < len; i++)
            ((u8 *)buf)[i] = off + i < p->device_len ? (u8)uk_pci_region_read(&p->device, off + i, 1) : 0;
    } while (gen != crd(d, C_GENERATION, 1));
}

static u16 queue_max(struct uk_virtio_dev *d, u16 index)
{
    if (index >= MAX_QUEUES)
        return 0;
    if (d->legacy) {
        lwr(d, L_Q_SELECT, 2, index);
        return (u16)lrd(d, L_Q_SIZE, 2);
    }
    cwr(d, C_Q_SELECT, 2, index);
    if (crd(d, C_Q_ENABLE, 2))
        return 0;
    u32 max = crd(d, C_Q_SIZE, 2);
    return (u16)(max > 32768 ? 32768 : max);
}

static long queue_enable(struct uk_virtio_dev *d, struct uk_virtq *q)
{
    struct vpci *p = P(d);
    if (d->legacy) {
        lwr(d, L_Q_SELECT, 2, q->index);
        if (p->msix) {
            lwr(d, L_MSIX_CONFIG, 2, 0);
            lwr(d, L_Q_MSIX, 2, 0);
            if (lrd(d, L_Q_MSIX, 2) == NO_VECTOR)
                return -EIO;
        }
        lwr(d, L_Q_PFN, 4, (u32)(q->area_pa / UK_PAGE_SIZE));
        return 0;
    }
    cwr(d, C_Q_SELECT, 2, q->index);
    cwr(d, C_Q_SIZE, 2, q->size);
    if (p->msix) {
        cwr(d, C_MSIX_CONFIG, 2, 0);
        cwr(d, C_Q_MSIX, 2, 0);
        if (crd(d, C_Q_MSIX, 2) == NO_VECTOR)
            return -EIO;
    }
    cwr(d, C_Q_DESC, 4, (u32)q->desc_pa);
    cwr(d, C_Q_DESC + 4, 4, (u32)(q->desc_pa >> 32));
    cwr(d, C_Q_DRIVER, 4, (u32)q->avail_pa);
    cwr(d, C_Q_DRIVER + 4, 4, (u32)(q->avail_pa >> 32));
    cwr(d, C_Q_DEVICE, 4, (u32)q->used_pa);
    cwr(d, C_Q_DEVICE + 4, 4, (u32)(q->used_pa >> 32));
    p->notify_off[q->index] = (u16)crd(d, C_Q_NOTIFY_OFF, 2);
    if ((u64)p->notify_off[q->index] * p->notify_mult + 2 > p->notify_len)
        return -EIO; /* the queue's doorbell lies outside the notification region */
    cwr(d, C_Q_ENABLE, 2, 1);
    return 0;
}

static void notify(struct uk_virtio_dev *d, u16 index)
{
    struct vpci *p = P(d);
    if (d->legacy)
        lwr(d, L_Q_NOTIFY, 2, index);
    else
        uk_pci_region_write(&p->notify, p->notify_off[index] * p->notify_mult, 2, index);
}

/* INTx: reading the ISR acknowledges it. MSI-X: the ISR is not used; each interrupt reports "used
 * buffers" once, so the driver's acknowledge-until-zero loop runs once per message. */
static u32 ack_interrupt(struct uk_virtio_dev *d)
{
    struct vpci *p = P(d);
    if (p->msix) {
        p->msix_reported = !p->msix_reported;
        return p->msix_reported ? 1 : 0;
    }
    return d->legacy ? lrd(d, L_ISR, 1) : uk_pci_region_read(&p->isr, 0, 1);
}

static const struct uk_virtio_transport pci_transport = {
    .name = "pci",
    .device_features = device_features,
    .driver_features = driver_features,
    .get_status = get_status,
    .set_status = set_status,
    .read_config = read_config,
    .queue_max = queue_max,
    .queue_enable = queue_enable,
    .notify = notify,
    .ack_interrupt = ack_interrupt,
};

/* Maps the regions the vendor capabilities describe; false when a required one is missing. */
static bool modern_regions(struct vpci *p)
{
    const struct uk_pci_dev *d = &p->pci;
    bool have[5] = {false};
    for (u8 cap = uk_pci_find_cap(d, CAP_VENDOR, 0); cap; cap = uk_pci_find_cap(d, CAP_VENDOR, cap)) {
        u8 type = (u8)uk_pci_read(d, cap + 3u, 1), bar = (u8)uk_pci_read(d, cap + 4u, 1);
        u32 off = uk_pci_read(d, cap + 8u, 4), len = uk_pci_read(d, cap + 12u, 4);
        if (type < CFG_COMMON || type > CFG_DEVICE || have[type] || bar > 5)
            continue;
        struct uk_pci_region *r = type == CFG_COMMON   ? &p->common
                                  : type == CFG_NOTIFY ? &p->notify
                                  : type == CFG_ISR    ? &p->isr
                                                       : &p->device;
        if (!uk_pci_region(d, bar, off, len, r))
            continue;
        if (type == CFG_NOTIFY) {
            p->notify_mult = uk_pci_read(d, cap + 16u, 4);
            p->notify_len = len;
        }
        if (type == CFG_DEVICE)
            p->device_len = len;
        have[type] = true;
    }
    return have[CFG_COMMON] && have[CFG_NOTIFY] && have[CFG_ISR];
}

/* A virtio function: the modern interface when its capabilities are usable, else the legacy one. */
static void attach(const struct uk_pci_dev *pd)
{
    if (ndevices == MAX_DEVICES) {
        uk_pr_warn("virtio: more than %d pci devices: %s left alone\n", MAX_DEVICES, pd->where);
        return;
    }
    struct vpci *p = &vpcis[ndevices];
    *p = (struct vpci){.pci = *pd};
    u32 id = pd->device >= 0x1040 ? pd->device - 0x1040u : pd->subsystem;
    uk_pci_enable(&p->pci);
    bool modern = modern_regions(p);
    if (!modern && (pd->device >= 0x1040 || !uk_pci_region(&p->pci, 0, 0, 20, &p->legacy))) {
        uk_pr_warn("virtio: %s: neither a usable modern nor a legacy interface: left alone\n", pd->where);
        return;
    }
    int irq = pd->intx;
    long r = uk_pci_msix_enable(&p->pci, &irq);
    p->msix = !r;
    if (r && irq < 0)
        uk_pr_warn("virtio: %s: no interrupt (MSI-X: %ld, no INTx line): the driver polls\n", pd->where, r);
    struct uk_virtio_dev *d = &devices[ndevices++];
    *d = (struct uk_virtio_dev){.transport = &pci_transport,
                                .transport_data = p,
                                .device_id = id,
                                .legacy = !modern,
                                .fixed_queue_size = !modern, /* a legacy device's queue size cannot be changed */
                                .irq = irq};
    uk_snprintf(d->where, sizeof(d->where), "%s %s %s %d", pd->where, modern ? "modern" : "legacy",
                p->msix ? "msi-x" : "intx", irq);
    uk_virtio_attach(d);
}

void uk_virtio_pci_attach_bus(struct uk_pci_host *host)
{
    struct uk_pci_dev found[MAX_DEVICES];
    int n = uk_pci_scan(host, found, MAX_DEVICES);
    if (n > MAX_DEVICES)
        uk_pr_warn("pci: %d functions, the first %d are looked at\n", n, MAX_DEVICES);
    for (int i = 0; i < n && i < MAX_DEVICES; i++) {
        const struct uk_pci_dev *d = &found[i];
        if (d->vendor == VENDOR_VIRTIO && d->device >= 0x1000 && d->device <= 0x107f)
            attach(d);
        else
            uk_pr_info("pci: %s: %04x:%04x class %06x, no driver: left alone\n", d->where, d->vendor, d->device,
                       d->class);
    }
}
