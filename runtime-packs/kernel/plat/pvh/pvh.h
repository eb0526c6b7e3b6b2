/* pvh.h - what the x86 PVH platform files share: the power-off that the VMM-specific exit files
 * (plat/qemu, plat/firecracker) build on. */
#ifndef UK_PLAT_PVH_H
#define UK_PLAT_PVH_H
#include <uk/types.h>

/* Stops the VM with code; announce prints the exit line the launcher reads first. */
UK_NORETURN void uk_plat_pvh_exit(int code, bool announce);

#endif
