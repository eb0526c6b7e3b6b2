/* exit_qemu.c - power-off on QEMU: the exit line on the isa-debugcon control port (0x402), then the
 * isa-debug-exit port (0xf4) so QEMU exits with (v << 1) | 1. See docs/runtime-pack.md. */
#include <uk/arch.h>
#include <uk/plat.h>
#include <uk/print.h>

#define DEBUGCON_PORT 0x402
#define DEBUG_EXIT_PORT 0xf4

UK_NORETURN void uk_plat_exit(int code)
{
    char line[32];
    int n = code == UK_EXIT_PANIC ? uk_snprintf(line, sizeof(line), "panic\n")
                                  : uk_snprintf(line, sizeof(line), "exit %d\n", code);
    uk_outsb(DEBUGCON_PORT, line, n);
    uk_outl(DEBUG_EXIT_PORT, code == UK_EXIT_PANIC || code > 127 ? 127 : (u32)code);
    /* No debug-exit device: reset through the keyboard controller (QEMU -no-reboot exits). */
    uk_outb(0x64, 0xfe);
    for (;;)
        __asm__ volatile("cli; hlt");
}
