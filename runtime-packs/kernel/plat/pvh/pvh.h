/* pvh.h - what the x86 PVH platform files share with the VMM-specific files (plat/qemu,
 * plat/firecracker): the power-off they build on and whether to look for a PCI bus. */
#ifndef UK_PLAT_PVH_H
#define UK_PLAT_PVH_H
#include <uk/types.h>

/* Stops the VM with code; announce prints the exit line the launcher reads first. */
UK_NORETURN void uk_plat_pvh_exit(int code, bool announce);
/* Whether the VMM may give the guest a PCI bus behind ports 0xcf8/0xcfc (QEMU q35; not Firecracker). */
extern const bool uk_plat_pvh_pci_ports;

#endif
