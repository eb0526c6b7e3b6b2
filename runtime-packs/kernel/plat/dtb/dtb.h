/* dtb.h - what the device-tree platform files share: the console's early mapping, the PSCI power-off
 * that the VMM-specific exit files (plat/qemu, plat/firecracker) build on, and the PCIe host bridge. */
#ifndef UK_PLAT_DTB_H
#define UK_PLAT_DTB_H
#include <uk/types.h>

void uk_plat_dtb_console_map(void);
/* Whether the VMM gives its first virtio-mmio device the highest window (QEMU virt) or the lowest
 * (Firecracker); set by plat/qemu and plat/firecracker. */
extern const bool uk_plat_dtb_mmio_top_down;
UK_NORETURN void uk_plat_dtb_power_off(void);
struct uk_pci_host;
/* The PCIe host bridge the tree describes (pci_dtb.c); false when there is none. */
bool uk_plat_dtb_pci_host(struct uk_pci_host *h);
/* The power key (powerkey_dtb.c): the VMM's shutdown request as SIGTERM. */
void uk_plat_dtb_powerkey_init(void);

#endif
