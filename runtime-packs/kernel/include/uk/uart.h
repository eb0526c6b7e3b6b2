/* uart.h - UART drivers (drivers/uart): a 16550 on I/O ports (x86) or on MMIO with registers one byte
 * apart (Firecracker arm64), and the PL011 (QEMU virt). */
#ifndef UK_UART_H
#define UK_UART_H
#include <uk/types.h>

void uk_uart_ns16550_init(u16 base);
void uk_uart_ns16550_write(u16 base, const char *buf, usize len);
usize uk_uart_ns16550_read(u16 base, char *buf, usize len);
void uk_uart_ns16550_enable_rx_irq(u16 base);
/* Receive and transmit FIFOs on (and emptied): input then arrives up to 14 bytes per interrupt. */
void uk_uart_ns16550_enable_fifo(u16 base);

void uk_uart_ns16550_mmio_init(u8 *base);
void uk_uart_ns16550_mmio_write(u8 *base, const char *buf, usize len);
usize uk_uart_ns16550_mmio_read(u8 *base, char *buf, usize len);
void uk_uart_ns16550_mmio_enable_rx_irq(u8 *base);

void uk_uart_pl011_write(u8 *base, const char *buf, usize len);
usize uk_uart_pl011_read(u8 *base, char *buf, usize len);
void uk_uart_pl011_enable_rx_irq(u8 *base);
/* The 16-byte FIFOs on (emptied): fewer receive interrupts. */
void uk_uart_pl011_enable_fifo(u8 *base);

#endif
