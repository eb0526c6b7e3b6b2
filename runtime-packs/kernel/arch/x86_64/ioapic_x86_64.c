/* ioapic_x86_64.c - routes ISA and PCI interrupt lines (global system interrupts) through the I/O APICs at
 * their architectural addresses: the first at 0xfec00000 (QEMU microvm and q35, Firecracker) for GSIs 0-23, and
 * QEMU microvm's second at 0xfec10000 for GSIs 24-47, which it has unless started with ioapic2=off and on
 * which its virtio-mmio devices then sit. The second is probed only when a device asks for a GSI above the
 * first's inputs. */
#include <uk/arch.h>
#include <uk/irq.h>
#include <uk/mm.h>
#include <uk/print.h>
#include "x86_64.h"

static const uptr ioapic_base[] = {0xfec00000UL, 0xfec10000UL};
#define NIOAPICS (sizeof(ioapic_base) / sizeof(ioapic_base[0]))

static struct {
    volatile u32 *regs; /* NULL: not probed yet */
    u32 gsi_base, npins;
} ioapics[NIOAPICS];

static u32 ioapic_read(volatile u32 *regs, u32 reg)
{
    regs[0] = reg;
    return regs[4];
}

static void ioapic_write(volatile u32 *regs, u32 reg, u32 v)
{
    regs[0] = reg;
    regs[4] = v;
}

/* Maps and sizes I/O APIC i, whose inputs start at gsi_base; none there leaves it with no inputs. */
static void probe(unsigned i, u32 gsi_base)
{
    ioapics[i].regs = uk_mmio_map(ioapic_base[i], UK_PAGE_SIZE);
    u32 ver = ioapic_read(ioapics[i].regs, 1);
    u32 n = ((ver >> 16) & 0xff) + 1;
    ioapics[i].gsi_base = gsi_base;
    ioapics[i].npins = ver == 0xffffffff || !(ver & 0xff) || n > 240 ? 0 : n;
    if (!ioapics[i].npins && !i)
        uk_pr_warn("no I/O APIC at %#lx: device interrupts are off\n", ioapic_base[i]);
}

bool uk_arch_irq_route(int irq)
{
    if (irq >= UK_MSI_LINE0 && irq < UK_MSI_LINE0 + UK_MSI_LINES)
        return true; /* a message-signalled line: the device's message names the vector */
    if (irq < 0 || irq >= UK_IRQ_PINS)
        return false;
    for (unsigned i = 0; i < NIOAPICS; i++) {
        if (!ioapics[i].regs) {
            if (i && !ioapics[i - 1].npins)
                break;
            probe(i, i ? ioapics[i - 1].gsi_base + ioapics[i - 1].npins : 0);
        }
        u32 pin = (u32)irq - ioapics[i].gsi_base;
        if ((u32)irq < ioapics[i].gsi_base || pin >= ioapics[i].npins)
            continue;
        ioapic_write(ioapics[i].regs, 0x10 + 2 * pin + 1, 0);                  /* destination: APIC 0 */
        ioapic_write(ioapics[i].regs, 0x10 + 2 * pin, UK_VEC_IRQ0 + (u32)irq); /* fixed, edge, high, unmasked */
        return true;
    }
    uk_pr_warn("interrupt line %d: no I/O APIC input serves it; its device stays without interrupts\n", irq);
    return false;
}
