/* irq.h - device interrupts: a driver registers a handler for its interrupt line; the architecture
 * routes the line to the CPU (uk_arch_irq_route: IOAPIC on x86, GIC on arm64). Handlers run with
 * interrupts off. */
#ifndef UK_IRQ_H
#define UK_IRQ_H
#include <uk/types.h>

typedef void (*uk_irq_handler)(void *arg);
/* Routes interrupt line irq to handler; false when the line cannot be routed. Lines may be shared: every
 * handler of a line runs on each of its interrupts. */
bool uk_irq_register(int irq, uk_irq_handler handler, void *arg);
/* Runs the handler of line irq (called by the architecture's interrupt code). */
void uk_irq_dispatch(int irq);

#endif
