/* i8042_pvh.c - Ctrl-Alt-Del on the VMM's i8042 keyboard controller (ports 0x60/0x64, ISA IRQ 1) as a
 * shutdown request: the program gets SIGTERM. Firecracker's SendCtrlAltDel action puts the make codes of
 * Ctrl, Alt and Delete into its i8042 in scan code set 2 (0x14, 0x11, 0xe0 0x71) and raises IRQ 1; QEMU's
 * PS/2 keyboard (q35; the monitor's `sendkey ctrl-alt-delete`) sends set 2 as well, or set 1 (0x1d, 0x38,
 * 0xe0 0x53) while the controller translates (bit 6 of its configuration byte). Delete pressed while Ctrl
 * and Alt are held is the request. A VMM without the controller (QEMU microvm) answers its status port with
 * 0xff, and nothing is set up. */
#include <uk/arch.h>
#include <uk/irq.h>
#include <uk/print.h>
#include <uk/signal.h>
#include "pvh.h"

#define DATA 0x60
#define STATUS 0x64 /* read: status; write: controller command */
#define ST_OUT_FULL 0x01
#define ST_IN_FULL 0x02
#define ST_AUX 0x20 /* the byte is the mouse's */
#define CMD_READ_CONFIG 0x20
#define CMD_WRITE_CONFIG 0x60
#define CFG_KBD_INT 0x01
#define CFG_KBD_CLOCK_OFF 0x10
#define CFG_TRANSLATE 0x40
#define SPINS 100000

static bool set1; /* the controller translates to scan code set 1 */
static bool extended, released, ctrl, alt;

static bool wait_status(u8 mask, bool set)
{
    for (int i = 0; i < SPINS; i++) {
        if (!!(uk_inb(STATUS) & mask) == set)
            return true;
        uk_cpu_pause();
    }
    return false;
}

/* One byte from the keyboard: tracks Ctrl and Alt, and asks for the shutdown on Delete with both held. */
static void key_byte(u8 b)
{
    if (b == 0xe0) {
        extended = true;
        return;
    }
    if (!set1 && b == 0xf0) {
        released = true;
        return;
    }
    bool up = set1 ? (b & 0x80) : released;
    u8 code = set1 ? (u8)(b & 0x7f) : b;
    if (code == (set1 ? 0x1d : 0x14))
        ctrl = !up; /* left Ctrl, or right Ctrl after 0xe0 */
    else if (code == (set1 ? 0x38 : 0x11))
        alt = !up;
    else if (extended && code == (set1 ? 0x53 : 0x71) && !up && ctrl && alt)
        uk_signal_shutdown_request("Ctrl-Alt-Del");
    extended = released = false;
}

static void keyboard_interrupt(void *arg)
{
    (void)arg;
    for (int i = 0; i < 64; i++) {
        u8 st = uk_inb(STATUS);
        if (!(st & ST_OUT_FULL))
            break;
        u8 b = uk_inb(DATA);
        if (!(st & ST_AUX))
            key_byte(b);
    }
}

void uk_plat_pvh_i8042_init(void)
{
    if (uk_inb(STATUS) == 0xff)
        return; /* no controller */
    for (int i = 0; i < 32 && (uk_inb(STATUS) & ST_OUT_FULL); i++)
        (void)uk_inb(DATA);
    if (!wait_status(ST_IN_FULL, false))
        return;
    uk_outb(STATUS, CMD_READ_CONFIG);
    if (!wait_status(ST_OUT_FULL, true)) {
        uk_pr_info("i8042: the controller does not answer: no Ctrl-Alt-Del\n");
        return;
    }
    u8 cfg = uk_inb(DATA);
    set1 = cfg & CFG_TRANSLATE;
    if (!uk_irq_register(1, keyboard_interrupt, NULL)) {
        uk_pr_warn("i8042: cannot route IRQ 1: no Ctrl-Alt-Del\n");
        return;
    }
    u8 want = (u8)((cfg | CFG_KBD_INT) & ~CFG_KBD_CLOCK_OFF);
    if (want != cfg && wait_status(ST_IN_FULL, false)) {
        uk_outb(STATUS, CMD_WRITE_CONFIG);
        if (wait_status(ST_IN_FULL, false))
            uk_outb(DATA, want);
    }
    uk_pr_info("i8042: Ctrl-Alt-Del is a shutdown request (scan code set %d)\n", set1 ? 1 : 2);
}
