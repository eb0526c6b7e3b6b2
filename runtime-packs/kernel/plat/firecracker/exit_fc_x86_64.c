/* exit_fc_x86_64.c - power-off on Firecracker, which has no exit device: a non-zero exit code is printed on
 * the console (the only channel to the host there), then the reset ends the VM (plat/pvh/exit_pvh.c;
 * the QEMU ports it also writes let the same image report its code in QEMU microvm tests). */
#include <uk/plat.h>
#include "../pvh/pvh.h"

UK_NORETURN void uk_plat_exit(int code) { uk_plat_pvh_exit(code, true); }

const bool uk_plat_pvh_pci_ports = false; /* Firecracker devices are virtio-mmio */
