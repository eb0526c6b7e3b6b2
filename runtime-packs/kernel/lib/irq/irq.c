/* irq.c - the table of device interrupt handlers and their dispatch. */
#include <uk/arch.h>
#include <uk/irq.h>
#include <uk/print.h>

#define MAX_IRQS 256 /* x86: IOAPIC pins; arm64: GIC INTIDs (SPIs from 32) */

static struct {
    uk_irq_handler fn;
    void *arg;
} handlers[MAX_IRQS];

bool uk_irq_register(int irq, uk_irq_handler handler, void *arg)
{
    if (irq < 0 || irq >= MAX_IRQS || handlers[irq].fn)
        return false;
    handlers[irq].fn = handler;
    handlers[irq].arg = arg;
    if (!uk_arch_irq_route(irq)) {
        handlers[irq].fn = NULL;
        return false;
    }
    return true;
}

void uk_irq_dispatch(int irq)
{
    if (irq >= 0 && irq < MAX_IRQS && handlers[irq].fn)
        handlers[irq].fn(handlers[irq].arg);
    else
        uk_pr_warn("unexpected interrupt on line %d\n", irq);
}
