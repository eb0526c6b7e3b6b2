/* exit_fc_x86_64.c - power-off on Firecracker, which has no exit device: a non-zero exit code is printed on
 * the console (the only channel to the host there), then the reset ends the VM (plat/pvh/exit_pvh.c;
 * the QEMU ports it also writes let the same image report its code in QEMU microvm tests). */
#include <uk/arch.h>
#include <uk/mm.h>
#include <uk/plat.h>
#include "../pvh/pvh.h"

UK_NORETURN void uk_plat_exit(int code) { uk_plat_pvh_exit(code, true); }

/* Firecracker's boot timer device: the write of 123 to its first byte logs the time since the VM started. */
#define FC_BOOT_TIMER 0xc0000000UL
#define FC_BOOT_DONE 123

void uk_plat_boot_done(void)
{
    volatile u8 *timer = uk_mmio_map(FC_BOOT_TIMER, UK_PAGE_SIZE);
    if (timer)
        *timer = FC_BOOT_DONE;
}

const bool uk_plat_pvh_pci_ports = false; /* Firecracker devices are virtio-mmio */
