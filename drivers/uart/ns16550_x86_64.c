/* ns16550_x86_64.c - 16550 UART on an x86 I/O port: polled output a byte at a time, input read by the
 * console's interrupt handler. */
#include <uk/arch.h>
#include <uk/uart.h>

#define REG_DATA 0
#define REG_IER 1
#define REG_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

void uk_uart_ns16550_init(u16 base)
{
    uk_outb(base + REG_IER, 0x00);  /* no interrupts (yet) */
    uk_outb(base + REG_LCR, 0x80);  /* divisor latch */
    uk_outb(base + REG_DATA, 0x01); /* 115200 baud */
    uk_outb(base + REG_IER, 0x00);
    uk_outb(base + REG_LCR, 0x03); /* 8N1 */
    /* FCR stays as the firmware left it: toggling the FIFO enable bit clears the receive buffer and
     * would drop input that arrived before boot. */
    uk_outb(base + REG_MCR, 0x03); /* DTR, RTS */
}

/* One byte at a time, each once the transmit holding register is empty: without the FIFO (left off, see
 * above) a byte written while the VMM still holds the previous one (its host side is full) replaces it.
 * Returns once the transmitter is empty too: QEMU reports the holding register empty while its last byte
 * still waits for the host, and an exit right after would lose it. The waits have no bound: the console's
 * frames must not lose a byte when the host reads slowly. */
void uk_uart_ns16550_write(u16 base, const char *buf, usize len)
{
    for (usize i = 0; i < len; i++) {
        while (!(uk_inb(base + REG_LSR) & LSR_THRE))
            uk_cpu_pause();
        uk_outb(base + REG_DATA, (u8)buf[i]);
    }
    while (!(uk_inb(base + REG_LSR) & LSR_TEMT))
        uk_cpu_pause();
}

usize uk_uart_ns16550_read(u16 base, char *buf, usize len)
{
    usize n = 0;
    while (n < len && (uk_inb(base + REG_LSR) & LSR_DR))
        buf[n++] = (char)uk_inb(base + REG_DATA);
    return n;
}

/* FCR: FIFOs enabled and both cleared, receive interrupt at 14 bytes (or after the character timeout). */
void uk_uart_ns16550_enable_fifo(u16 base) { uk_outb(base + REG_FCR, 0xc7); }

/* Receive interrupts on; OUT2 gates the UART's interrupt line on PC hardware. */
void uk_uart_ns16550_enable_rx_irq(u16 base)
{
    uk_outb(base + REG_MCR, 0x0b);
    uk_outb(base + REG_IER, 0x01);
}
