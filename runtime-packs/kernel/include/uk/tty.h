/* tty.h - the console line discipline (lib/vfs/tty.c) between the UART driver and readers of fd 0. */
#ifndef UK_TTY_H
#define UK_TTY_H
#include <uk/types.h>

/* Driver side: bytes received (interrupt context). */
void uk_tty_input(const char *buf, usize n);
/* Reader side: a line (or what fits), 0 at end of file; blocks unless nonblock. */
long uk_tty_read(void *ubuf, usize n, bool nonblock);
bool uk_tty_readable(void);

#endif
