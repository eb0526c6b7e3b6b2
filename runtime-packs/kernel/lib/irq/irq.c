/* irq.c - the table of device interrupt handlers and their dispatch. A line may be shared (PCI INTx):
 * every handler registered on it runs, and each asks its own device whether it interrupted. */
#include <uk/arch.h>
#include <uk/irq.h>
#include <uk/print.h>

#define MAX_IRQS 256 /* x86: IOAPIC pins, then MSI lines; arm64: GIC INTIDs (SPIs from 32) */
#define MAX_SHARED 8

static struct {
    uk_irq_handler fn;
    void *arg;
} handlers[MAX_IRQS][MAX_SHARED];

bool uk_irq_register(int irq, uk_irq_handler handler, void *arg)
{
    if (irq < 0 || irq >= MAX_IRQS)
        return false;
    int n = 0;
    while (n < MAX_SHARED && handlers[irq][n].fn)
        n++;
    if (n == MAX_SHARED)
        return false;
    handlers[irq][n].fn = handler;
    handlers[irq][n].arg = arg;
    if (!n && !uk_arch_irq_route(irq)) {
        handlers[irq][0].fn = NULL;
        return false;
    }
    return true;
}

void uk_irq_dispatch(int irq)
{
    if (irq < 0 || irq >= MAX_IRQS || !handlers[irq][0].fn) {
        uk_pr_warn("unexpected interrupt on line %d\n", irq);
        return;
    }
    for (int i = 0; i < MAX_SHARED && handlers[irq][i].fn; i++)
        handlers[irq][i].fn(handlers[irq][i].arg);
}
