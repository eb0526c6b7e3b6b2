/* virtio_mmio.c - the virtio-mmio transport, versions 1 (legacy: QEMU microvm by default) and 2 (QEMU
 * with force-legacy=false, arm64 virt, Firecracker): registers in one 512-byte-or-larger window, feature
 * words selected 32 bits at a time, queues given to the device by page frame (v1) or by the three ring
 * addresses (v2), configuration space at 0x100. */
#include <uk/arch.h>
#include <uk/errno.h>
#include <uk/irq.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/virtio.h>

#define MAGIC 0x000
#define VERSION 0x004
#define DEVICE_ID 0x008
#define DEVICE_FEATURES 0x010
#define DEVICE_FEATURES_SEL 0x014
#define DRIVER_FEATURES 0x020
#define DRIVER_FEATURES_SEL 0x024
#define GUEST_PAGE_SIZE 0x028 /* v1 */
#define QUEUE_SEL 0x030
#define QUEUE_NUM_MAX 0x034
#define QUEUE_NUM 0x038
#define QUEUE_ALIGN 0x03c /* v1 */
#define QUEUE_PFN 0x040   /* v1 */
#define QUEUE_READY 0x044 /* v2 */
#define QUEUE_NOTIFY 0x050
#define INTERRUPT_STATUS 0x060
#define INTERRUPT_ACK 0x064
#define STATUS 0x070
#define QUEUE_DESC_LOW 0x080
#define QUEUE_DRIVER_LOW 0x090
#define QUEUE_DEVICE_LOW 0x0a0
#define CONFIG 0x100
#define MAGIC_VALUE 0x74726976 /* "virt" */

#define MAX_DEVICES 32

struct mmio {
    u8 *regs;
    u32 version;
};

static struct uk_virtio_dev devices[MAX_DEVICES];
static struct mmio windows[MAX_DEVICES];
static int ndevices;

static u32 rd(struct uk_virtio_dev *d, u32 off)
{
    return uk_mmio_read32(((struct mmio *)d->transport_data)->regs + off);
}
static void wr(struct uk_virtio_dev *d, u32 off, u32 v)
{
    uk_mmio_write32(((struct mmio *)d->transport_data)->regs + off, v);
}

static u64 device_features(struct uk_virtio_dev *d)
{
    wr(d, DEVICE_FEATURES_SEL, 0);
    u64 f = rd(d, DEVICE_FEATURES);
    if (!d->legacy) {
        wr(d, DEVICE_FEATURES_SEL, 1);
        f |= (u64)rd(d, DEVICE_FEATURES) << 32;
    }
    return f;
}

static void driver_features(struct uk_virtio_dev *d, u64 f)
{
    wr(d, DRIVER_FEATURES_SEL, 0);
    wr(d, DRIVER_FEATURES, (u32)f);
    if (!d->legacy) {
        wr(d, DRIVER_FEATURES_SEL, 1);
        wr(d, DRIVER_FEATURES, (u32)(f >> 32));
    }
}

static u8 get_status(struct uk_virtio_dev *d) { return (u8)rd(d, STATUS); }

static void set_status(struct uk_virtio_dev *d, u8 s)
{
    wr(d, STATUS, s);
    if (!s) /* a reset completes when the device reads back 0 */
        for (int spin = 0; rd(d, STATUS) && spin < 1000000; spin++)
            uk_cpu_pause();
}

static void read_config(struct uk_virtio_dev *d, u32 off, void *buf, u32 len)
{
    u8 *regs = ((struct mmio *)d->transport_data)->regs + CONFIG + off;
    for (u32 i = 0; i < len; i++)
        ((u8 *)buf)[i] = uk_mmio_read8(regs + i);
}

static u16 queue_max(struct uk_virtio_dev *d, u16 index)
{
    wr(d, QUEUE_SEL, index);
    if (!d->legacy && rd(d, QUEUE_READY))
        return 0;
    u32 max = rd(d, QUEUE_NUM_MAX);
    return (u16)(max > 32768 ? 32768 : max);
}

static long queue_enable(struct uk_virtio_dev *d, struct uk_virtq *q)
{
    wr(d, QUEUE_SEL, q->index);
    wr(d, QUEUE_NUM, q->size);
    if (d->legacy) {
        wr(d, QUEUE_ALIGN, UK_PAGE_SIZE);
        wr(d, QUEUE_PFN, (u32)(q->area_pa / UK_PAGE_SIZE));
        return 0;
    }
    wr(d, QUEUE_DESC_LOW, (u32)q->desc_pa);
    wr(d, QUEUE_DESC_LOW + 4, (u32)(q->desc_pa >> 32));
    wr(d, QUEUE_DRIVER_LOW, (u32)q->avail_pa);
    wr(d, QUEUE_DRIVER_LOW + 4, (u32)(q->avail_pa >> 32));
    wr(d, QUEUE_DEVICE_LOW, (u32)q->used_pa);
    wr(d, QUEUE_DEVICE_LOW + 4, (u32)(q->used_pa >> 32));
    wr(d, QUEUE_READY, 1);
    return 0;
}

static void notify(struct uk_virtio_dev *d, u16 index) { wr(d, QUEUE_NOTIFY, index); }

static u32 ack_interrupt(struct uk_virtio_dev *d)
{
    u32 cause = rd(d, INTERRUPT_STATUS);
    if (cause)
        wr(d, INTERRUPT_ACK, cause);
    return cause;
}

static const struct uk_virtio_transport mmio_transport = {
    .name = "mmio",
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

void uk_virtio_mmio_probe(u64 base, u64 size, int irq)
{
    if (ndevices == MAX_DEVICES) {
        uk_pr_warn("virtio: more than %d mmio devices: mmio@%#lx left alone\n", MAX_DEVICES, base);
        return;
    }
    u8 *regs = uk_mmio_map(base, UK_MAX(size, (u64)UK_PAGE_SIZE));
    u32 magic = uk_mmio_read32(regs + MAGIC), version = uk_mmio_read32(regs + VERSION);
    if (magic != MAGIC_VALUE || (version != 1 && version != 2)) {
        uk_pr_warn("virtio: mmio@%#lx is not a virtio-mmio device (magic %#x, version %u)\n", base, magic, version);
        return;
    }
    u32 id = uk_mmio_read32(regs + DEVICE_ID);
    if (!id)
        return; /* an empty slot */
    struct mmio *w = &windows[ndevices];
    struct uk_virtio_dev *d = &devices[ndevices++];
    *w = (struct mmio){.regs = regs, .version = version};
    *d = (struct uk_virtio_dev){
        .transport = &mmio_transport, .transport_data = w, .device_id = id, .legacy = version == 1, .irq = irq};
    uk_snprintf(d->where, sizeof(d->where), "mmio@%#lx irq %d v%u", base, irq, version);
    if (d->legacy)
        wr(d, GUEST_PAGE_SIZE, UK_PAGE_SIZE);
    uk_virtio_attach(d);
}
