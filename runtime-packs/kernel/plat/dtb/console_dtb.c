/* console_dtb.c - the console of device-tree platforms: the PL011 the device tree names (QEMU virt),
 * with LF → CRLF. Until the real page tables exist it is reached through the early direct map. */
#include <uk/console.h>
#include <uk/fdt.h>
#include <uk/irq.h>
#include <uk/mm.h>
#include <uk/tty.h>

static struct uk_fdt_dev uart;
static u8 *base;

void uk_console_init(void)
{
    if (uk_fdt_find_compatible("arm,pl011", 0, &uart))
        base = uk_phys_to_virt(uart.base);
}

/* Maps the UART into the kernel's own tables (after uk_paging_init, before they are activated). */
void uk_dtb_console_map(void)
{
    if (base)
        base = uk_mmio_map(uart.base, UK_PAGE_SIZE);
}

void uk_console_write(const char *buf, usize len)
{
    if (!base)
        return;
    usize start = 0;
    for (usize i = 0; i < len; i++) {
        if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r')) {
            uk_pl011_write(base, buf + start, i - start);
            uk_pl011_write(base, "\r", 1);
            start = i;
        }
    }
    uk_pl011_write(base, buf + start, len - start);
}

static void uart_interrupt(void *arg)
{
    (void)arg;
    char buf[64];
    usize n;
    while ((n = uk_pl011_read(base, buf, sizeof(buf))))
        uk_tty_input(buf, n);
}

void uk_console_irq_init(void)
{
    if (!base)
        return;
    uart_interrupt(NULL); /* input that arrived before boot */
    if (uart.irq >= 0 && uk_irq_register(uart.irq, uart_interrupt, NULL))
        uk_pl011_enable_rx_irq(base);
}
