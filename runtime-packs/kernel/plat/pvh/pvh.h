/* pvh.h - what the x86 PVH platform files share with the VMM-specific files (plat/qemu,
 * plat/firecracker): the power-off they build on, whether to look for a PCI bus, ACPI tables and
 * the shutdown requests. */
#ifndef UK_PLAT_PVH_H
#define UK_PLAT_PVH_H
#include <uk/types.h>

/* Stops the VM with code; announce prints the exit line the launcher reads first. */
UK_NORETURN void uk_plat_pvh_exit(int code, bool announce);
/* The ACPI RSDP's physical address from the PVH start info (0: none given; acpi_pvh.c then looks for it). */
extern u64 uk_plat_pvh_rsdp;
/* The ACPI table with signature sig (4 characters, e.g. "FACP", "APIC") and its length; NULL when the VMM
 * gives none or its checksum is wrong. The DSDT: uk_plat_pvh_acpi_dsdt. */
const u8 *uk_plat_pvh_acpi_table(const char *sig, u32 *len);
const u8 *uk_plat_pvh_acpi_dsdt(u32 *len);
/* Reads the PVH start info at start_info_pa (pvh_info.c): the RAM regions and max_phys into bi, the command line
 * into cmdline (size bytes, terminated; bi->cmdline points to it), the RSDP's address into uk_plat_pvh_rsdp. Stops
 * the boot with a message on a start info without PVH magic or memory map, or a longer line. */
struct uk_bootinfo;
void uk_plat_pvh_read_start_info(u64 start_info_pa, struct uk_bootinfo *bi, char *cmdline, usize size);
/* len bytes of physical memory at pa as the boot reads them (pvh.c: the identity map of the low 4 GiB); NULL when
 * they are not all there. */
const void *uk_plat_pvh_phys(u64 pa, usize len);
/* Little-endian fields of ACPI tables. */
static inline u32 uk_plat_pvh_le32(const u8 *p)
{
    return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}
/* Probes the virtio-mmio transports the DSDT lists (virtio_acpi_pvh.c); returns how many it found. */
int uk_plat_pvh_acpi_virtio_probe(void);
/* The VMM's shutdown requests (power_pvh.c: ACPI power button or GED; i8042_pvh.c: Ctrl-Alt-Del) as SIGTERM. */
void uk_plat_pvh_power_init(void);
/* ACPI's soft-off (poweroff_pvh.c): read from the FADT and DSDT at boot, tried at exit when the VMM has no
 * isa-debug-exit device; does nothing without ACPI. */
void uk_plat_pvh_acpi_poweroff_init(void);
void uk_plat_pvh_acpi_poweroff(void);
void uk_plat_pvh_i8042_init(void);
/* Whether the VMM may give the guest a PCI bus behind ports 0xcf8/0xcfc (QEMU q35; not Firecracker). */
extern const bool uk_plat_pvh_pci_ports;

#endif
