/* console.h - the boot console: the platform's UART, used by the kernel log and by fds 0-2. */
#ifndef UK_CONSOLE_H
#define UK_CONSOLE_H
#include <uk/types.h>

void uk_console_init(void);
void uk_console_write(const char *buf, usize len);

/* 16550 driver (drivers/uart) on an I/O port base. */
void ns16550_init(u16 base);
void ns16550_write(u16 base, const char *buf, usize len);
usize ns16550_read(u16 base, char *buf, usize len);
void ns16550_enable_rx_irq(u16 base);
/* PL011 driver (drivers/uart) on a mapped MMIO base. */
void uk_pl011_write(u8 *base, const char *buf, usize len);
usize uk_pl011_read(u8 *base, char *buf, usize len);
void uk_pl011_enable_rx_irq(u8 *base);
/* 16550 on MMIO, registers one byte apart (drivers/uart, arm64). */
void uk_ns16550_mmio_init(u8 *base);
void uk_ns16550_mmio_write(u8 *base, const char *buf, usize len);
usize uk_ns16550_mmio_read(u8 *base, char *buf, usize len);
void uk_ns16550_mmio_enable_rx_irq(u8 *base);
/* Platform: console input by interrupt, once interrupt routing is up. */
void uk_console_irq_init(void);

#endif
