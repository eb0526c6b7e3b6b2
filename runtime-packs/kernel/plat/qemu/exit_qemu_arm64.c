/* exit_qemu_arm64.c - power-off on QEMU virt: semihosting SYS_EXIT with the code, which QEMU (started
 * with -semihosting-config enable=on) turns into its own exit status; a panic exits with 255 after
 * saying so on the console. Without semihosting the instruction traps and is skipped (traps_arm64.c),
 * and PSCI powers the VM off instead. */
#include <uk/mm.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/stats.h>
#include "../dtb/dtb.h"

#define SEMIHOSTING_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/* No boot timer is known on this VMM's arm64 machine: the timeline (uk.log=debug) measures the boot. */
void uk_plat_boot_done(void) {}

UK_NORETURN void uk_plat_exit(int code)
{
    uk_stats_print();
    uk_pmm_report("exit");
    if (code == UK_EXIT_PANIC)
        uk_printk("[uk] exit: kernel panic\n");
    volatile u64 block[2] = {ADP_STOPPED_APPLICATION_EXIT, code == UK_EXIT_PANIC ? 255 : (u64)code};
    register u64 x0 __asm__("x0") = SEMIHOSTING_SYS_EXIT;
    register u64 x1 __asm__("x1") = (u64)block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    uk_plat_dtb_power_off();
}

/* QEMU virt plugs the first -device into the highest virtio-mmio window. */
const bool uk_plat_dtb_mmio_top_down = true;
