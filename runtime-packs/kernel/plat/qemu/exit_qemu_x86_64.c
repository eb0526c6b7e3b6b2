/* exit_qemu_x86_64.c - power-off on QEMU: the launcher reads the exit code from the control port, so nothing
 * is printed (see plat/pvh/exit_pvh.c). */
#include <uk/plat.h>
#include "../pvh/pvh.h"

UK_NORETURN void uk_plat_exit(int code) { uk_plat_pvh_exit(code, false); }

void uk_plat_boot_done(void) {} /* QEMU has no boot timer: the timeline (uk.log=debug) measures the boot */

const bool uk_plat_pvh_pci_ports = true; /* q35 has one; microvm answers the probe with no device */
