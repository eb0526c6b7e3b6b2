/* tty.h - the console as a Linux terminal in canonical mode (lib/tty): the UART driver hands it input,
 * readers of /dev/console and fds 0-2 get lines. */
#ifndef UK_TTY_H
#define UK_TTY_H
#include <uk/file.h>
#include <uk/types.h>

/* Registers console and tty in devfs. */
void uk_tty_init(void);
/* Driver side: bytes received (interrupt context). */
void uk_tty_input(const char *buf, usize n);
/* A new open file on the console (for fds 0-2); NULL when memory is short. */
struct uk_file *uk_tty_open_console(void);

#endif
