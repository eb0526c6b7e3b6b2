/* console.h - the boot console: the platform's UART (drivers/uart). The platform puts bytes on it and
 * feeds its input to the tty (lib/tty), which implements uk_console_write: the kernel log, with LF → CRLF
 * on a plain console, or as frames of its own when the console is framed. */
#ifndef UK_CONSOLE_H
#define UK_CONSOLE_H
#include <uk/types.h>

void uk_console_init(void);
/* Platform: bytes to the UART unchanged; returns once the UART has taken all of them. */
void uk_console_put(const char *buf, usize len);
/* Platform: the console is framed from now on. Nothing is on its way in (the host sends input only after the
 * marker that follows), so the UART may empty its FIFOs to turn them on. */
void uk_console_framed(void);
/* The kernel log's text (lib/tty). */
void uk_console_write(const char *buf, usize len);

/* Platform: console input by interrupt, once interrupt routing is up. */
void uk_console_irq_init(void);

#endif
