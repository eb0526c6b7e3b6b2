/* devices_dtb.c - the devices of arm64 guests: every "virtio,mmio" node of the device tree (QEMU virt
 * lists 32 windows, most of them empty; Firecracker one per device) with its register window and
 * interrupt, probed in the order the VMM was given the devices, so the first disk is vda: QEMU plugs its
 * first -device into the highest window, Firecracker its first drive into the lowest
 * (uk_plat_dtb_mmio_top_down, from plat/qemu or plat/firecracker); then the virtio functions of the
 * PCIe host bridge, in slot order (pci_dtb.c); last the power key (powerkey_dtb.c). */
#include <uk/fdt.h>
#include <uk/pci.h>
#include <uk/plat.h>
#include <uk/virtio.h>
#include "dtb.h"

#define MAX_WINDOWS 64

void uk_plat_probe_devices(void)
{
    struct uk_fdt_dev found[MAX_WINDOWS];
    int all = uk_fdt_find_all_compatible("virtio,mmio", found, MAX_WINDOWS), n = 0;
    for (int i = 0; i < all; i++)
        if (found[i].size)
            found[n++] = found[i];
    /* insertion sort by address, in the VMM's order */
    for (int i = 1; i < n; i++) {
        struct uk_fdt_dev w = found[i];
        int j = i;
        while (j > 0 && (uk_plat_dtb_mmio_top_down ? found[j - 1].base < w.base : found[j - 1].base > w.base)) {
            found[j] = found[j - 1];
            j--;
        }
        found[j] = w;
    }
    for (int i = 0; i < n; i++)
        uk_virtio_mmio_probe(found[i].base, found[i].size, found[i].irq);
    static struct uk_pci_host host;
    if (uk_plat_dtb_pci_host(&host))
        uk_virtio_pci_attach_bus(&host);
    uk_plat_dtb_powerkey_init();
}
