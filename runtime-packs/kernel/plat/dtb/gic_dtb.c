/* gic_dtb.c - where the device tree puts the interrupt controller and the virtual timer's interrupt. */
#include <uk/arch.h>
#include <uk/fdt.h>

bool uk_plat_gic(struct uk_plat_gic *out)
{
    struct uk_fdt_dev d;
    if (uk_fdt_find_compatible("arm,gic-v3", 0, &d))
        out->version = 3;
    else if (uk_fdt_find_compatible("arm,cortex-a15-gic", 0, &d) || uk_fdt_find_compatible("arm,gic-400", 0, &d))
        out->version = 2;
    else
        return false;
    out->dist = d.base;
    out->cpu = d.base2;
    return d.base && d.base2;
}

/* The timer node lists the secure, non-secure, virtual and hypervisor timer interrupts, in that order. */
int uk_plat_timer_irq(void)
{
    struct uk_fdt_dev t;
    if (uk_fdt_find_compatible("arm,armv8-timer", 0, &t) || uk_fdt_find_compatible("arm,armv7-timer", 0, &t)) {
        int irq = uk_fdt_irq(t.node, 2);
        if (irq > 0)
            return irq;
    }
    return 27; /* the architected virtual timer PPI */
}
