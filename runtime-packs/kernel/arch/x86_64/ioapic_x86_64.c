/* ioapic_x86_64.c - routes ISA and PCI interrupt lines through the I/O APIC at its architectural
 * address (QEMU microvm, q35 and Firecracker all place the first one at 0xfec00000). */
#include <uk/arch.h>
#include <uk/irq.h>
#include <uk/mm.h>
#include <uk/print.h>
#include "x86_64.h"

#define IOAPIC_BASE 0xfec00000UL

static volatile u32 *ioapic;
static u32 npins;

static u32 ioapic_read(u32 reg)
{
    ioapic[0] = reg;
    return ioapic[4];
}

static void ioapic_write(u32 reg, u32 v)
{
    ioapic[0] = reg;
    ioapic[4] = v;
}

bool uk_arch_irq_route(int irq)
{
    if (irq >= UK_MSI_LINE0 && irq < UK_MSI_LINE0 + UK_MSI_LINES)
        return true; /* a message-signalled line: the device's message names the vector */
    if (!ioapic) {
        ioapic = uk_mmio_map(IOAPIC_BASE, UK_PAGE_SIZE);
        u32 ver = ioapic_read(1);
        npins = ((ver >> 16) & 0xff) + 1;
        if (ver == 0xffffffff || npins > 240) {
            uk_pr_warn("no I/O APIC at %#lx: device interrupts are off\n", IOAPIC_BASE);
            npins = 0;
        }
    }
    if (irq < 0 || (u32)irq >= npins || irq >= UK_IRQ_PINS)
        return false;
    ioapic_write(0x10 + 2 * irq + 1, 0);                  /* destination: APIC 0 */
    ioapic_write(0x10 + 2 * irq, UK_VEC_IRQ0 + (u32)irq); /* fixed, edge, high, unmasked */
    return true;
}
