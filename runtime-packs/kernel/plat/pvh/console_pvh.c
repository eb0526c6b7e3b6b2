/* console_pvh.c - the console of x86 PVH guests (QEMU and Firecracker): COM1. */
#include <uk/console.h>
#include <uk/irq.h>
#include <uk/tty.h>
#include <uk/uart.h>

#define COM1 0x3f8
#define COM1_IRQ 4

void uk_console_init(void) { uk_uart_ns16550_init(COM1); }

void uk_console_put(const char *buf, usize len) { uk_uart_ns16550_write(COM1, buf, len); }

void uk_console_framed(void) { uk_uart_ns16550_enable_fifo(COM1); }

static void com1_interrupt(void *arg)
{
    (void)arg;
    char buf[64];
    usize n;
    while ((n = uk_uart_ns16550_read(COM1, buf, sizeof(buf))))
        uk_tty_input(buf, n);
}

/* Input by interrupt (ISA IRQ 4), once interrupt routing is up. */
void uk_console_irq_init(void)
{
    com1_interrupt(NULL); /* input that arrived before boot */
    if (uk_irq_register(COM1_IRQ, com1_interrupt, NULL))
        uk_uart_ns16550_enable_rx_irq(COM1);
}
