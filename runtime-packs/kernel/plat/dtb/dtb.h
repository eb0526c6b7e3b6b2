/* dtb.h - what the device-tree platform files share: the console's early mapping and the PSCI
 * power-off that the VMM-specific exit files (plat/qemu, plat/firecracker) build on. */
#ifndef UK_PLAT_DTB_H
#define UK_PLAT_DTB_H
#include <uk/types.h>

void uk_plat_dtb_console_map(void);
UK_NORETURN void uk_plat_dtb_power_off(void);

#endif
