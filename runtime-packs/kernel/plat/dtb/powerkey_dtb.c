/* powerkey_dtb.c - the VMM's power key on device-tree platforms reaches the program as SIGTERM. QEMU virt
 * (booted without firmware, so without ACPI) describes a "gpio-keys" node whose key with linux,code
 * KEY_POWER (116; Linux's gpio-keys binding) is line 3 of an ARM PL061 GPIO controller (its "gpios":
 * controller phandle, line, flags); system_powerdown raises that line for 100 ms. The PL061 (PrimeCell
 * GPIO technical reference manual, DDI 0190) interrupts on the rising edge of the line, through the GIC.
 * Firecracker's arm64 VMs have no such key. */
#include <uk/arch.h>
#include <uk/fdt.h>
#include <uk/irq.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/signal.h>
#include "dtb.h"

#define KEY_POWER 116
#define GPIODIR 0x400 /* 1: output */
#define GPIOIS 0x404  /* 1: level-sensitive, 0: edge */
#define GPIOIBE 0x408 /* 1: both edges */
#define GPIOIEV 0x40c /* 1: rising edge / high level */
#define GPIOIE 0x410  /* 1: the line interrupts */
#define GPIOMIS 0x418 /* masked interrupt status */
#define GPIOIC 0x41c  /* write 1: clear the edge */

static u8 *gpio;
static u32 key_bit;

static u32 rd(u32 off) { return uk_mmio_read32(gpio + off); }
static void wr(u32 off, u32 v) { uk_mmio_write32(gpio + off, v); }

static void gpio_interrupt(void *arg)
{
    (void)arg;
    u32 mis = rd(GPIOMIS);
    wr(GPIOIC, mis);
    if (mis & key_bit)
        uk_signal_shutdown_request("power key");
}

/* The PL061 that the power key's "gpios" names, and the line. */
static bool find_key(struct uk_fdt_dev *ctl, u32 *line)
{
    for (int node = uk_fdt_next_node(-1); node >= 0; node = uk_fdt_next_node(node)) {
        u32 len;
        const u8 *gpios = uk_fdt_prop(node, "gpios", &len);
        if (uk_fdt_u32(node, "linux,code", 0) != KEY_POWER || !gpios || len < 8)
            continue;
        int phandle_node = uk_fdt_node_by_phandle((u32)uk_fdt_cells(gpios, 1));
        for (int i = 0; uk_fdt_find_compatible("arm,pl061", i, ctl); i++) {
            if (ctl->node == phandle_node) {
                *line = (u32)uk_fdt_cells(gpios + 4, 1);
                return true;
            }
        }
    }
    return false;
}

void uk_plat_dtb_powerkey_init(void)
{
    struct uk_fdt_dev ctl;
    u32 line;
    if (!find_key(&ctl, &line))
        return;
    if (line > 7 || !ctl.base || ctl.irq < 0) {
        uk_pr_warn("power key: cannot use line %u of the GPIO controller at %#lx\n", line, ctl.base);
        return;
    }
    gpio = uk_mmio_map(ctl.base, UK_PAGE_SIZE);
    key_bit = 1u << line;
    wr(GPIOIE, rd(GPIOIE) & ~key_bit);
    wr(GPIODIR, rd(GPIODIR) & ~key_bit);
    wr(GPIOIS, rd(GPIOIS) & ~key_bit);
    wr(GPIOIBE, rd(GPIOIBE) & ~key_bit);
    wr(GPIOIEV, rd(GPIOIEV) | key_bit);
    wr(GPIOIC, key_bit);
    if (!uk_irq_register(ctl.irq, gpio_interrupt, NULL)) {
        uk_pr_warn("power key: cannot route interrupt %d\n", ctl.irq);
        return;
    }
    wr(GPIOIE, rd(GPIOIE) | key_bit);
    uk_pr_info("power key: GPIO %u of the PL061 at %#lx, interrupt %d\n", line, ctl.base, ctl.irq);
}
