/* pl011_arm64.c - the Arm PL011 UART (QEMU virt's console): polled output through the transmit FIFO,
 * input read by the console's interrupt handler (receive and receive-timeout interrupts). */
#include <uk/arch.h>
#include <uk/uart.h>

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTLCR_H 0x2c
#define UARTIMSC 0x38
#define UARTICR 0x44
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define INT_RX (1u << 4)
#define INT_RT (1u << 6)
#define LCRH_FEN (1u << 4)
#define LCRH_WLEN8 (3u << 5)

void uk_uart_pl011_write(u8 *base, const char *buf, usize len)
{
    for (usize i = 0; i < len; i++) {
        for (int spin = 0; (uk_mmio_read32(base + UARTFR) & FR_TXFF) && spin < 1000000; spin++)
            uk_cpu_pause();
        uk_mmio_write32(base + UARTDR, (u8)buf[i]);
    }
}

/* The interrupt is cleared before the FIFO is drained, never after: QEMU raises the receive interrupt
 * only when the FIFO goes from empty to one byte, so a byte that arrived between the last "empty" and
 * a later clear would lose its interrupt, and every byte behind it would wait forever (seen under
 * load: console input stopped mid-line). Cleared first, such a byte raises a fresh interrupt. */
usize uk_uart_pl011_read(u8 *base, char *buf, usize len)
{
    usize n = 0;
    uk_mmio_write32(base + UARTICR, INT_RX | INT_RT);
    while (n < len && !(uk_mmio_read32(base + UARTFR) & FR_RXFE))
        buf[n++] = (char)uk_mmio_read32(base + UARTDR);
    return n;
}

void uk_uart_pl011_enable_rx_irq(u8 *base) { uk_mmio_write32(base + UARTIMSC, INT_RX | INT_RT); }

void uk_uart_pl011_enable_fifo(u8 *base) { uk_mmio_write32(base + UARTLCR_H, LCRH_WLEN8 | LCRH_FEN); }
