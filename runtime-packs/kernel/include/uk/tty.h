/* tty.h - the console and the program's standard streams (lib/tty): a terminal with a line discipline
 * on the plain UART, or, framed, several streams multiplexed on it (tty.c describes the frames). */
#ifndef UK_TTY_H
#define UK_TTY_H
#include <uk/file.h>
#include <uk/types.h>

/* What the guest sends once before its first frame; what precedes it is plain kernel log. */
#define UK_TTY_FRAMED_MARKER "\0UKFRAMED1\0"

/* Registers console and tty in devfs. */
void uk_tty_init(void);
/* From the command line: framed mode (uk.console=framed) and which of fds 0-2 are the host's terminal
 * (uk.tty=, bit n for fd n). Framed mode starts with the marker and stays on. */
void uk_tty_configure(bool framed, u8 terminals);
/* Driver side: bytes received (interrupt context). */
void uk_tty_input(const char *buf, usize n);
/* A new open file for standard descriptor fd (0-2); NULL when memory is short. */
struct uk_file *uk_tty_open_stdio(int fd);

#endif
