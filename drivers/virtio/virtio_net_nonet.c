/* virtio_net_nonet.c - virtio-net in an image without a network stack (lib/nonet): the device is found, named
 * in the boot log and left alone, so the kernel boots whether or not the VMM attached a NIC.
 * runtime-packs/Makefile links this file instead of virtio_net*.c into libukcore-nonet.a. */
#include <uk/print.h>
#include <uk/virtio.h>

long uk_virtio_net_attach(struct uk_virtio_dev *d)
{
    uk_pr_info("virtio: %s: network device left alone: this image has no network stack\n", d->where);
    return 0;
}
