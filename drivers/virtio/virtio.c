/* virtio.c - what every virtio device goes through: the standard start (reset, feature negotiation,
 * FEATURES_OK), the drivers by device type, and one boot-log line per device found, driven or not. */
#include <uk/arch.h>
#include <uk/errno.h>
#include <uk/print.h>
#include <uk/virtio.h>

static const struct {
    u32 id;
    const char *name;
    long (*attach)(struct uk_virtio_dev *d);
} types[] = {
    {1, "network", uk_virtio_net_attach},
    {2, "block", uk_virtio_blk_attach},
    {3, "console", NULL},
    {4, "entropy", NULL},
    {5, "balloon", NULL},
    {9, "9p", NULL},
    {16, "gpu", NULL},
    {18, "input", NULL},
    {19, "vsock", NULL},
    {26, "fs", NULL},
};

long uk_virtio_start(struct uk_virtio_dev *d, u64 wanted, u64 (*select)(u64 features))
{
    const struct uk_virtio_transport *t = d->transport;
    t->set_status(d, 0);
    t->set_status(d, UK_VIRTIO_S_ACKNOWLEDGE);
    t->set_status(d, UK_VIRTIO_S_ACKNOWLEDGE | UK_VIRTIO_S_DRIVER);
    u64 offered = t->device_features(d);
    if (!d->legacy)
        wanted |= UK_VIRTIO_BIT(UK_VIRTIO_F_VERSION_1);
    else
        wanted &= 0xffffffffULL;
    d->features = offered & wanted;
    if (select)
        d->features = select(d->features) & offered;
    t->driver_features(d, d->features);
    if (!d->legacy) {
        if (!(d->features & UK_VIRTIO_BIT(UK_VIRTIO_F_VERSION_1))) {
            uk_pr_warn("virtio: %s offers no VERSION_1 on a modern interface\n", d->where);
            t->set_status(d, UK_VIRTIO_S_FAILED);
            return -ENODEV;
        }
        t->set_status(d, UK_VIRTIO_S_ACKNOWLEDGE | UK_VIRTIO_S_DRIVER | UK_VIRTIO_S_FEATURES_OK);
        if (!(t->get_status(d) & UK_VIRTIO_S_FEATURES_OK)) {
            uk_pr_warn("virtio: %s refused features %#lx\n", d->where, d->features);
            t->set_status(d, UK_VIRTIO_S_FAILED);
            return -ENODEV;
        }
    }
    return 0;
}

void uk_virtio_ready(struct uk_virtio_dev *d)
{
    u8 s = UK_VIRTIO_S_ACKNOWLEDGE | UK_VIRTIO_S_DRIVER | UK_VIRTIO_S_DRIVER_OK;
    d->transport->set_status(d, d->legacy ? s : s | UK_VIRTIO_S_FEATURES_OK);
}

void uk_virtio_attach(struct uk_virtio_dev *d)
{
    static bool told;
    if (!told && uk_arch_emulated_by_tcg()) {
        told = true;
        uk_pr_info("virtio: QEMU TCG: queue handshakes ordered through device reads\n");
    }
    for (usize i = 0; i < UK_ARRAY_SIZE(types); i++) {
        if (types[i].id != d->device_id)
            continue;
        if (!types[i].attach) {
            uk_pr_info("virtio: %s: %s device, no driver: left alone\n", d->where, types[i].name);
            return;
        }
        long r = types[i].attach(d);
        if (r)
            uk_pr_warn("virtio: %s: %s device failed to start (%ld)\n", d->where, types[i].name, r);
        return;
    }
    uk_pr_info("virtio: %s: device type %u, no driver: left alone\n", d->where, d->device_id);
}

const char *uk_virtio_feature_list(const struct uk_virtio_dev *d, const struct uk_virtio_feature_name *names, usize n,
                                   char *buf, usize size)
{
    usize at = 0;
    buf[0] = 0;
    for (usize i = 0; i < n && at < size; i++)
        if (uk_virtio_has(d, names[i].bit))
            at += (usize)uk_snprintf(buf + at, size - at, "%s%s", at ? "," : "", names[i].name);
    return buf;
}
