/* vnet_dev.c - a virtio-net device played by the harness (virtio 1.x section 5.1 and 2.7): its own transport
 * (features, status, configuration space, queues, notifications, interrupt cause) under the real virtio core,
 * virtqueues and driver. It reads the chains the driver posts from the real rings and writes frames and used
 * elements back as a VMM would, or, on the fuzzer's request, the broken values a hostile VMM could write. */
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include "host.h"
#include "net.h"

#define F_MAC 5
#define F_MRG_RXBUF 15
#define F_STATUS 16
#define DESC_F_NEXT 1
#define MAX_FRAME (65536 + 128)

static struct fz_vnet *of(struct uk_virtio_dev *d) { return d->transport_data; }

static u64 t_device_features(struct uk_virtio_dev *d) { return of(d)->offered; }
static void t_driver_features(struct uk_virtio_dev *d, u64 f)
{
    if (f & ~of(d)->offered)
        fz_host_crash("the driver accepted a feature the device did not offer");
}
static u8 t_get_status(struct uk_virtio_dev *d) { return of(d)->status; }
static void t_set_status(struct uk_virtio_dev *d, u8 s) { of(d)->status = s; }
static void t_read_config(struct uk_virtio_dev *d, u32 off, void *buf, u32 len)
{
    if (off + len > sizeof(of(d)->config))
        fz_host_crash("the driver read beyond the configuration space");
    uk_memcpy(buf, of(d)->config + off, len);
}
static u16 t_queue_max(struct uk_virtio_dev *d, u16 index) { return index < 2 ? of(d)->queue_size : 0; }
static long t_queue_enable(struct uk_virtio_dev *d, struct uk_virtq *q)
{
    of(d)->q[q->index] = q;
    return 0;
}

static u16 avail_idx(const struct uk_virtq *q) { return q->avail[1]; }
static u16 avail_head(const struct uk_virtq *q, u16 pos) { return q->avail[2 + pos % q->size]; }

/* Copies n bytes between buf and the chain at head, from byte off of the chain on; the bytes done. */
static u32 chain_copy(struct uk_virtq *q, u16 head, u32 off, u8 *buf, u32 n, bool to_chain)
{
    u32 done = 0;
    u16 i = head;
    for (u16 hops = 0; hops < q->size && done < n; hops++) {
        struct uk_virtq_desc *d = &q->desc[i % q->size];
        if (off < d->len) {
            u32 k = UK_MIN(d->len - off, n - done);
            u8 *mem = uk_phys_to_virt(d->addr) + off;
            if (to_chain)
                uk_memcpy(mem, buf + done, k);
            else
                uk_memcpy(buf + done, mem, k);
            done += k;
            off = 0;
        } else {
            off -= d->len;
        }
        if (!(d->flags & DESC_F_NEXT))
            break;
        i = d->next;
    }
    return done;
}

static u32 chain_len(struct uk_virtq *q, u16 head)
{
    u32 len = 0;
    u16 i = head;
    for (u16 hops = 0; hops < q->size; hops++) {
        len += q->desc[i % q->size].len;
        if (!(q->desc[i % q->size].flags & DESC_F_NEXT))
            break;
        i = q->desc[i % q->size].next;
    }
    return len;
}

static void publish(struct uk_virtq *q, u32 id, u32 len)
{
    u16 idx = q->used[1];
    q->used_ring[idx % q->size].id = id;
    q->used_ring[idx % q->size].len = len;
    q->used[1] = (u16)(idx + 1);
}

static void interrupt(struct fz_vnet *v, u32 cause)
{
    v->isr |= cause;
    fz_irq_raise(v->dev.irq);
}

static u8 *tx_frame;
static u16 stalled_heads[1024];

/* What a VMM's host stack demands of a frame to segment (HOST_TSO): a partial checksum, a segment size, headers
 * inside the frame, IP lengths that cover the frame exactly, and (IPv4) a valid header checksum. */
static void check_gso(const u8 *h, const u8 *f, u32 len)
{
    u8 type = h[1];
    u32 hdr_len = (u32)h[2] | (u32)h[3] << 8, gso_size = (u32)h[4] | (u32)h[5] << 8;
    if (!type)
        return;
    if (type != 1 && type != 4)
        fz_host_crash("the driver sent a frame of an unknown GSO type");
    if (!(h[0] & 1) || !gso_size || hdr_len < 14 + 20 + 20 || hdr_len + gso_size >= len)
        fz_host_crash("the driver sent a GSO frame without a partial checksum, a segment size or whole headers");
    if (type == 1) {
        u32 sum = 0;
        for (u32 i = 0; i < 20; i += 2)
            sum += fz_get16(f + 14 + i);
        while (sum >> 16)
            sum = (sum & 0xffff) + (sum >> 16);
        if (fz_get16(f + 12) != 0x0800 || 14u + fz_get16(f + 16) != len || sum != 0xffff)
            fz_host_crash("the driver sent a TCPv4 GSO frame whose IPv4 length or header checksum is wrong");
    } else if (fz_get16(f + 12) != 0x86dd || 54u + fz_get16(f + 18) != len) {
        fz_host_crash("the driver sent a TCPv6 GSO frame whose IPv6 payload length is wrong");
    }
}

static void t_notify(struct uk_virtio_dev *d, u16 index)
{
    struct fz_vnet *v = of(d);
    struct uk_virtq *q = v->q[index];
    if (index != FZ_TXQ || !q)
        return;
    if (!tx_frame)
        tx_frame = fz_host_alloc(MAX_FRAME, 16);
    u32 hl = fz_vnet_hdr_len(v);
    while (v->seen[FZ_TXQ] != avail_idx(q)) {
        u16 head = avail_head(q, v->seen[FZ_TXQ]++);
        u32 len = chain_len(q, head);
        if (len < hl || len > MAX_FRAME)
            fz_host_crash("the driver transmitted a chain without a whole header, or longer than any frame");
        chain_copy(q, head, 0, tx_frame, len, false);
        check_gso(tx_frame, tx_frame + hl, len - hl);
        if (v->on_tx)
            v->on_tx(v, tx_frame + hl, len - hl);
        if (v->tx_stall && v->stalled < UK_ARRAY_SIZE(stalled_heads))
            stalled_heads[v->stalled++] = head;
        else
            publish(q, head, 0); /* no interrupt: completions are collected at the next transmit */
    }
    /* EVENT_IDX: the next chain this device wants to hear about (avail_event, after the used ring) */
    *(volatile u16 *)((volatile u8 *)q->used + 4 + 8 * (usize)q->size) = v->seen[FZ_TXQ];
}

static u32 t_ack_interrupt(struct uk_virtio_dev *d)
{
    u32 cause = of(d)->isr;
    of(d)->isr = 0;
    return cause;
}

static const struct uk_virtio_transport transport = {
    .name = "fuzz",
    .device_features = t_device_features,
    .driver_features = t_driver_features,
    .get_status = t_get_status,
    .set_status = t_set_status,
    .read_config = t_read_config,
    .queue_max = t_queue_max,
    .queue_enable = t_queue_enable,
    .notify = t_notify,
    .ack_interrupt = t_ack_interrupt,
};

void fz_vnet_create(struct fz_vnet *v, int irq, bool modern, u64 features, const u8 mac[6])
{
    v->dev.transport = &transport;
    v->dev.transport_data = v;
    v->dev.device_id = 1;
    v->dev.legacy = !modern;
    v->dev.irq = irq;
    uk_snprintf(v->dev.where, sizeof(v->dev.where), "fuzz irq %d %s", irq, modern ? "modern" : "legacy");
    v->offered =
        features | (modern ? UK_VIRTIO_BIT(UK_VIRTIO_F_VERSION_1) : 0) | UK_VIRTIO_BIT(F_MAC) | UK_VIRTIO_BIT(F_STATUS);
    v->queue_size = 256;
    uk_memcpy(v->config, mac, 6);
    v->config[6] = 1; /* link up */
    uk_virtio_attach(&v->dev);
    if (!v->q[FZ_RXQ] || !v->q[FZ_TXQ] || !(v->status & 4))
        fz_host_crash("the virtio-net driver did not start the harness's device");
}

u32 fz_vnet_hdr_len(const struct fz_vnet *v) { return !v->dev.legacy || uk_virtio_has(&v->dev, F_MRG_RXBUF) ? 12 : 10; }

bool fz_vnet_rx(struct fz_vnet *v, const u8 *frame, u32 len, u32 chunk)
{
    struct uk_virtq *q = v->q[FZ_RXQ];
    bool mrg = uk_virtio_has(&v->dev, F_MRG_RXBUF);
    u32 hl = fz_vnet_hdr_len(v);
    u16 heads[64];
    u32 sizes[64], n = 0, done = 0, avail = (u16)(avail_idx(q) - v->seen[FZ_RXQ]);
    /* Plan first: which chains take which part; a frame that does not fit is dropped as a device would. */
    do {
        if (n == avail || n == UK_ARRAY_SIZE(heads) || (n && !mrg))
            return false;
        heads[n] = avail_head(q, (u16)(v->seen[FZ_RXQ] + n));
        u32 room = chain_len(q, heads[n]) - (n ? 0 : hl);
        if (chunk && mrg)
            room = UK_MIN(room, chunk);
        sizes[n] = UK_MIN(room, len - done);
        done += sizes[n++];
    } while (done < len);
    u8 hdr[12] = {0};
    hdr[10] = (u8)n; /* num_buffers, little-endian (used with VERSION_1 or MRG_RXBUF) */
    done = 0;
    for (u32 k = 0; k < n; k++) {
        u32 off = 0;
        if (!k)
            off = chain_copy(q, heads[0], 0, hdr, hl, true);
        chain_copy(q, heads[k], off, (u8 *)frame + done, sizes[k], true);
        done += sizes[k];
        publish(q, heads[k], off + sizes[k]);
    }
    v->seen[FZ_RXQ] = (u16)(v->seen[FZ_RXQ] + n);
    interrupt(v, 1);
    return true;
}

void fz_vnet_raw_used(struct fz_vnet *v, int queue, u32 id, u32 len)
{
    publish(v->q[queue & 1], id, len);
    interrupt(v, 1);
}

u32 fz_vnet_chain_len(const struct fz_vnet *v, int queue, u16 head) { return chain_len(v->q[queue & 1], head); }

int fz_vnet_pending_head(const struct fz_vnet *v, int queue, u16 k)
{
    const struct uk_virtq *q = v->q[queue & 1];
    if ((u16)(avail_idx(q) - v->seen[queue & 1]) <= k)
        return -1;
    return avail_head(q, (u16)(v->seen[queue & 1] + k));
}

void fz_vnet_poke(struct fz_vnet *v, u16 k, u16 off, const u8 *bytes, u16 n)
{
    int head = fz_vnet_pending_head(v, FZ_RXQ, k);
    if (head >= 0)
        chain_copy(v->q[FZ_RXQ], (u16)head, off, (u8 *)bytes, n, true);
}

void fz_vnet_skip_used(struct fz_vnet *v, int queue, u16 n)
{
    struct uk_virtq *q = v->q[queue & 1];
    q->used[1] = (u16)(q->used[1] + n);
    interrupt(v, 1);
}

void fz_vnet_set_link(struct fz_vnet *v, bool up)
{
    v->config[6] = up;
    interrupt(v, 2);
}

void fz_vnet_stall_tx(struct fz_vnet *v, bool on)
{
    v->tx_stall = on;
    if (on || !v->stalled)
        return;
    for (u16 k = 0; k < v->stalled; k++)
        publish(v->q[FZ_TXQ], stalled_heads[k], 0);
    v->stalled = 0;
    interrupt(v, 1);
}

static void check_queue(const struct uk_virtq *q, bool all_posted, u32 per_chain)
{
    u8 seen[1024] = {0};
    u32 inflight = 0, chains = 0;
    for (u16 h = 0; h < q->size; h++) {
        if (!q->cookies[h])
            continue;
        chains++;
        u16 i = h;
        for (u16 hops = 0;; hops++) {
            if (hops == q->size || seen[i]++)
                fz_host_crash("a descriptor belongs to two chains the driver has in flight");
            inflight++;
            if (!(q->desc[i].flags & DESC_F_NEXT))
                break;
            i = q->desc[i].next;
        }
    }
    u16 i = q->free_head;
    for (u16 k = 0; k < q->num_free; k++) {
        if (i >= q->size || seen[i]++)
            fz_host_crash("the free descriptor list is corrupt (a descriptor twice, or in flight)");
        i = q->desc[i].next;
    }
    if (inflight + q->num_free != q->size)
        fz_host_crash("descriptors leaked: in flight and free do not add up to the queue's size");
    if (all_posted && chains * per_chain != q->size)
        fz_host_crash("receive buffers leaked: not every buffer is posted again");
}

void fz_vnet_check(const struct fz_vnet *v)
{
    bool split = v->dev.legacy && !uk_virtio_has(&v->dev, UK_VIRTIO_F_ANY_LAYOUT);
    check_queue(v->q[FZ_RXQ], true, split ? 2 : 1);
    check_queue(v->q[FZ_TXQ], false, 1);
}
