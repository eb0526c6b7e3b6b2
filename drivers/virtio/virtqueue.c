/* virtqueue.c - split virtqueues (virtio 1.x section 2.7): descriptor table, available and used rings in
 * one physically contiguous block laid out as legacy devices require (used ring on the next page), a
 * free list of descriptors, and notification suppression both ways through EVENT_IDX (or the rings'
 * flags without it). Suppression is a handshake (we publish an index, then read the device's; the device does the
 * reverse): both sides need a full barrier between the write and the read, or each may miss the other's update
 * and a notification or an interrupt is lost for good. Under QEMU's TCG with one vCPU the CPU's barrier is not
 * kept (uk_arch_emulated_by_tcg), so there the write is followed by a read of a device register, which TCG
 * performs under the lock the device models hold. */
#include <uk/arch.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/virtio.h>

#define DESC_F_NEXT 1
#define DESC_F_WRITE 2
#define DESC_F_INDIRECT 4
#define AVAIL_F_NO_INTERRUPT 1
#define USED_F_NO_NOTIFY 1

/* avail: flags, idx, ring[size], used_event; used: flags, idx, ring[size], avail_event */
#define AVAIL_FLAGS(q) ((q)->avail[0])
#define AVAIL_IDX(q) ((q)->avail[1])
#define AVAIL_RING(q, i) ((q)->avail[2 + (i)])
#define USED_EVENT(q) ((q)->avail[2 + (q)->size])
#define USED_FLAGS(q) ((q)->used[0])
#define USED_IDX(q) ((q)->used[1])
#define AVAIL_EVENT(q) (*(volatile u16 *)((volatile u8 *)(q)->used + 4 + 8 * (usize)(q)->size))

/* A full barrier between our write and our read of the other side's index (see above). */
static void order(struct uk_virtq *q)
{
    uk_mb();
    if (q->device_fence)
        (void)q->dev->transport->get_status(q->dev);
}

long uk_virtq_init(struct uk_virtio_dev *d, u16 index, u16 max_size, struct uk_virtq *q)
{
    u16 size = d->transport->queue_max(d, index);
    if (!size)
        return -ENOENT;
    if (max_size && size > max_size && !d->fixed_queue_size)
        size = max_size;
    if (size & (size - 1)) /* split rings are a power of two long */
        size = (u16)(1u << (31 - __builtin_clz(size)));
    usize desc_bytes = 16UL * size, avail_bytes = 6 + 2UL * size, used_bytes = 6 + 8UL * size;
    usize used_off = UK_ALIGN_UP(desc_bytes + avail_bytes, UK_PAGE_SIZE);
    usize pages = UK_ALIGN_UP(used_off + used_bytes, UK_PAGE_SIZE) / UK_PAGE_SIZE;
    u64 pa = uk_pmm_alloc(pages, UK_MEM_DEVICES);
    void **cookies = uk_kzalloc(size * sizeof(void *));
    if (!pa || !cookies) {
        if (pa)
            uk_pmm_free(pa, pages, UK_MEM_DEVICES);
        uk_kfree(cookies);
        return -ENOMEM;
    }
    u8 *va = uk_phys_to_virt(pa);
    uk_memset(va, 0, pages * UK_PAGE_SIZE);
    *q = (struct uk_virtq){
        .dev = d,
        .index = index,
        .size = size,
        .desc = (struct uk_virtq_desc *)va,
        .avail = (volatile u16 *)(va + desc_bytes),
        .used = (volatile u16 *)(va + used_off),
        .used_ring = (volatile struct uk_virtq_used_elem *)(va + used_off + 4),
        .desc_pa = pa,
        .avail_pa = pa + desc_bytes,
        .used_pa = pa + used_off,
        .area_pa = pa,
        .area_pages = pages,
        .num_free = size,
        .event_idx = uk_virtio_has(d, UK_VIRTIO_F_EVENT_IDX),
        .device_fence = uk_arch_emulated_by_tcg(),
        .cookies = cookies,
    };
    for (u16 i = 0; i < size; i++)
        q->desc[i].next = (u16)(i + 1);
    long r = d->transport->queue_enable(d, q);
    if (r) {
        uk_pmm_free(pa, pages, UK_MEM_DEVICES);
        uk_kfree(cookies);
    }
    return r;
}

/* Puts head (its descriptors written) in the available ring. */
static void publish(struct uk_virtq *q, u16 head, void *cookie)
{
    q->cookies[head] = cookie;
    AVAIL_RING(q, q->avail_idx % q->size) = head;
    q->avail_idx++;
    uk_wmb(); /* the ring entry before the index that publishes it */
    AVAIL_IDX(q) = q->avail_idx;
}

long uk_virtq_add_indirect(struct uk_virtq *q, struct uk_virtq_desc *table, const struct uk_virtq_buf *bufs, u16 nout,
                           u16 nin, void *cookie)
{
    u16 n = (u16)(nout + nin);
    if (!n || !q->num_free)
        return -ENOSPC;
    for (u16 k = 0; k < n; k++)
        table[k] =
            (struct uk_virtq_desc){.addr = bufs[k].pa,
                                   .len = bufs[k].len,
                                   .flags = (u16)((k >= nout ? DESC_F_WRITE : 0) | (k + 1 < n ? DESC_F_NEXT : 0)),
                                   .next = (u16)(k + 1 < n ? k + 1 : 0)};
    u16 head = q->free_head;
    struct uk_virtq_desc *dsc = &q->desc[head];
    q->free_head = dsc->next;
    q->num_free--;
    dsc->addr = uk_virt_to_phys(table);
    dsc->len = (u32)(n * sizeof(*table));
    dsc->flags = DESC_F_INDIRECT;
    publish(q, head, cookie);
    return 0;
}

long uk_virtq_add(struct uk_virtq *q, const struct uk_virtq_buf *bufs, u16 nout, u16 nin, void *cookie)
{
    u16 n = (u16)(nout + nin);
    if (!n || n > q->num_free)
        return -ENOSPC;
    u16 head = q->free_head, i = head, last = head;
    for (u16 k = 0; k < n; k++) {
        struct uk_virtq_desc *dsc = &q->desc[i];
        dsc->addr = bufs[k].pa;
        dsc->len = bufs[k].len;
        dsc->flags = (u16)((k >= nout ? DESC_F_WRITE : 0) | (k + 1 < n ? DESC_F_NEXT : 0));
        last = i;
        i = dsc->next;
    }
    q->free_head = q->desc[last].next;
    q->num_free = (u16)(q->num_free - n);
    publish(q, head, cookie);
    return 0;
}

void uk_virtq_kick(struct uk_virtq *q)
{
    order(q); /* publish avail idx before reading whether the device wants to hear about it */
    u16 new = q->avail_idx, old = q->kicked_idx;
    q->kicked_idx = new;
    bool notify;
    if (q->event_idx) {
        u16 event = AVAIL_EVENT(q);
        notify = (u16)(new - event - 1) < (u16)(new - old);
    } else {
        notify = !(USED_FLAGS(q) & USED_F_NO_NOTIFY);
    }
    if (notify)
        q->dev->transport->notify(q->dev, q->index);
}

void *uk_virtq_next_used(struct uk_virtq *q, u32 *len)
{
    u32 id;
    for (;;) {
        if (q->last_used == USED_IDX(q))
            return NULL;
        uk_rmb(); /* the element after the index that announced it */
        volatile struct uk_virtq_used_elem *e = &q->used_ring[q->last_used % q->size];
        id = e->id;
        if (len)
            *len = e->len;
        q->last_used++;
        /* Only the head of a chain in flight can come back: anything else (out of range, not a head, a chain
         * already returned) is a device bug, ignored and counted rather than freeing descriptors twice. */
        if (id < q->size && q->cookies[id])
            break;
        q->bad_used++;
    }
    u16 head = (u16)id;
    void *cookie = q->cookies[head];
    q->cookies[head] = NULL;
    u16 i = head, n = 1;
    while (q->desc[i].flags & DESC_F_NEXT) {
        i = q->desc[i].next;
        n++;
    }
    q->desc[i].next = q->free_head;
    q->free_head = head;
    q->num_free = (u16)(q->num_free + n);
    return cookie;
}

bool uk_virtq_enable_interrupts(struct uk_virtq *q)
{
    if (q->event_idx)
        USED_EVENT(q) = q->last_used; /* interrupt at the next used buffer */
    else
        AVAIL_FLAGS(q) = (u16)(AVAIL_FLAGS(q) & ~AVAIL_F_NO_INTERRUPT);
    order(q);
    return q->last_used != USED_IDX(q);
}

void uk_virtq_disable_interrupts(struct uk_virtq *q)
{
    if (q->event_idx) /* an index already passed: no interrupt until the used index wraps around */
        USED_EVENT(q) = (u16)(q->last_used - 1);
    else
        AVAIL_FLAGS(q) = (u16)(AVAIL_FLAGS(q) | AVAIL_F_NO_INTERRUPT);
}
