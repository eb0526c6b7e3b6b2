/* ns16550_mmio_arm64.c - 16550 UART on memory-mapped registers, one byte apart (Firecracker arm64's
 * console): polled output through the 16-byte FIFO, input read by the console's interrupt handler. */
#include <uk/arch.h>
#include <uk/uart.h>

#define REG_DATA 0
#define REG_IER 1
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define FIFO_DEPTH 16

void uk_uart_ns16550_mmio_init(u8 *base)
{
    uk_mmio_write8(base + REG_IER, 0x00);
    uk_mmio_write8(base + REG_LCR, 0x03); /* 8N1; the VMM's UART has no baud rate to set */
    uk_mmio_write8(base + REG_MCR, 0x0b); /* DTR, RTS, OUT2 (the interrupt gate) */
}

void uk_uart_ns16550_mmio_write(u8 *base, const char *buf, usize len)
{
    while (len) {
        usize n = len < FIFO_DEPTH ? len : FIFO_DEPTH;
        for (int spin = 0; !(uk_mmio_read8(base + REG_LSR) & LSR_THRE) && spin < 1000000; spin++)
            uk_cpu_pause();
        for (usize i = 0; i < n; i++)
            uk_mmio_write8(base + REG_DATA, (u8)buf[i]);
        buf += n;
        len -= n;
    }
}

usize uk_uart_ns16550_mmio_read(u8 *base, char *buf, usize len)
{
    usize n = 0;
    while (n < len && (uk_mmio_read8(base + REG_LSR) & LSR_DR))
        buf[n++] = (char)uk_mmio_read8(base + REG_DATA);
    return n;
}

void uk_uart_ns16550_mmio_enable_rx_irq(u8 *base) { uk_mmio_write8(base + REG_IER, 0x01); }
