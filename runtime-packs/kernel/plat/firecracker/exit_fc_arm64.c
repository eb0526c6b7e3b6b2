/* exit_fc_arm64.c - power-off on Firecracker arm64, which has no exit device: a non-zero exit code is
 * printed on the console (the only channel to the host there), then PSCI SYSTEM_OFF ends the VM. */
#include <uk/mm.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/stats.h>
#include "../dtb/dtb.h"

/* No boot timer is known on this VMM's arm64 machine: the timeline (uk.log=debug) measures the boot. */
void uk_plat_boot_done(void) {}

UK_NORETURN void uk_plat_exit(int code)
{
    uk_stats_print();
    uk_pmm_report("exit");
    if (code == UK_EXIT_PANIC)
        uk_printk("[uk] exit: kernel panic\n");
    else if (code != 0)
        uk_printk("[uk] exit: code %d\n", code);
    uk_plat_dtb_power_off();
}

/* Firecracker gives its first device the lowest virtio-mmio window. */
const bool uk_plat_dtb_mmio_top_down = false;
