/* console.h - the boot console: the platform's UART (drivers/uart), used by the kernel log and, through
 * the tty (lib/tty), by fds 0-2. */
#ifndef UK_CONSOLE_H
#define UK_CONSOLE_H
#include <uk/types.h>

void uk_console_init(void);
void uk_console_write(const char *buf, usize len);

/* Platform: console input by interrupt, once interrupt routing is up. */
void uk_console_irq_init(void);

#endif
