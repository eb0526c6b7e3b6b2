/* console_dtb.c - the console of device-tree platforms: the UART the device tree names, a PL011 (QEMU
 * virt) or a 16550 on MMIO (Firecracker, which adds it when the command line has console=). Until the real page
 * tables exist it is reached through the early direct map. */
#include <uk/console.h>
#include <uk/fdt.h>
#include <uk/irq.h>
#include <uk/mm.h>
#include <uk/tty.h>
#include <uk/uart.h>

static struct uk_fdt_dev uart;
static u8 *base;
static bool is_16550;

void uk_console_init(void)
{
    if (uk_fdt_find_compatible("arm,pl011", 0, &uart)) {
        base = uk_phys_to_virt(uart.base);
    } else if (uk_fdt_find_compatible("ns16550a", 0, &uart) || uk_fdt_find_compatible("ns16550", 0, &uart)) {
        base = uk_phys_to_virt(uart.base);
        is_16550 = true;
        uk_uart_ns16550_mmio_init(base);
    }
}

static void uart_write(const char *buf, usize len)
{
    if (is_16550)
        uk_uart_ns16550_mmio_write(base, buf, len);
    else
        uk_uart_pl011_write(base, buf, len);
}

/* Maps the UART into the kernel's own tables (after uk_paging_init, before they are activated). */
void uk_plat_dtb_console_map(void)
{
    if (base)
        base = uk_mmio_map(uart.base, UK_PAGE_SIZE);
}

void uk_console_put(const char *buf, usize len)
{
    if (base)
        uart_write(buf, len);
}

/* The PL011's FIFO; Firecracker's 16550 buffers input on its own. */
void uk_console_framed(void)
{
    if (base && !is_16550)
        uk_uart_pl011_enable_fifo(base);
}

static void uart_interrupt(void *arg)
{
    (void)arg;
    char buf[64];
    usize n;
    while (
        (n = is_16550 ? uk_uart_ns16550_mmio_read(base, buf, sizeof(buf)) : uk_uart_pl011_read(base, buf, sizeof(buf))))
        uk_tty_input(buf, n);
}

void uk_console_irq_init(void)
{
    if (!base)
        return;
    uart_interrupt(NULL); /* input that arrived before boot */
    if (uart.irq < 0 || !uk_irq_register(uart.irq, uart_interrupt, NULL))
        return;
    if (is_16550)
        uk_uart_ns16550_mmio_enable_rx_irq(base);
    else
        uk_uart_pl011_enable_rx_irq(base);
}
