/* exit_pvh.c - power-off for x86 PVH guests. In order: the exit line on the isa-debugcon control port
 * (0x402) and the isa-debug-exit port (0xf4), which make QEMU exit with the code (docs/runtime-pack.md),
 * then ACPI's soft-off (poweroff_pvh.c: a QEMU started without isa-debug-exit), then the i8042 reset (0xFE
 * to port 0x64), which ends Firecracker (or QEMU with -no-reboot). Each VMM ignores the ports it does not
 * have. */
#include <uk/arch.h>
#include <uk/mm.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/stats.h>
#include "pvh.h"

#define DEBUGCON_PORT 0x402
#define DEBUG_EXIT_PORT 0xf4

UK_NORETURN void uk_plat_pvh_exit(int code, bool announce)
{
    uk_stats_print();
    uk_pmm_report("exit");
    if (announce && code == UK_EXIT_PANIC)
        uk_printk("[uk] exit: kernel panic\n");
    else if (announce && code != 0)
        uk_printk("[uk] exit: code %d\n", code);
    char line[32];
    int n = code == UK_EXIT_PANIC ? uk_snprintf(line, sizeof(line), "panic\n")
                                  : uk_snprintf(line, sizeof(line), "exit %d\n", code);
    uk_outsb(DEBUGCON_PORT, line, n);
    uk_outl(DEBUG_EXIT_PORT, code == UK_EXIT_PANIC || code > 127 ? 127 : (u32)code);
    /* Still running: a VMM without isa-debug-exit. ACPI's soft-off ends the VM without the code (the exit line
     * on the console still says it). */
    uk_plat_pvh_acpi_poweroff();
    uk_outb(0x64, 0xfe);
    for (;;)
        __asm__ volatile("cli; hlt");
}
