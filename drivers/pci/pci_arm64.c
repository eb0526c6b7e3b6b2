/* pci_arm64.c - the arm64 parts of the PCI bus: no configuration ports (hosts are ECAM), I/O BARs are
 * memory-mapped through the host's I/O window (uk_pci_arch_io_map), and no
 * message interrupts yet (GICv2m/ITS): functions use INTx through the host's interrupt map. */
#include <uk/arch.h>
#include <uk/mm.h>
#include <uk/pci.h>

bool uk_pci_arch_conf_read(u8 bus, u8 slot, u8 func, u32 off, u32 *v) { return false; }

bool uk_pci_arch_conf_write(u8 bus, u8 slot, u8 func, u32 off, u32 v) { return false; }

void *uk_pci_arch_io_map(u64 cpu, u32 length) { return uk_mmio_map(cpu, length); }

u32 uk_pci_arch_port_read(u64 port, int width) { return 0xffffffffu; }

void uk_pci_arch_port_write(u64 port, int width, u32 v) {}

bool uk_pci_arch_msi(int *line, u64 *addr, u32 *data) { return false; }
