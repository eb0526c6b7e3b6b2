/* tty.c - the console's line discipline, as a Linux tty in canonical mode: input arrives from the
 * UART's interrupt, is echoed, edited (backspace) and handed to readers a line at a time; ^D at the
 * start of a line is end of file, ^C sends SIGINT to the program. Readers block until a line is ready. */
#include <uk/console.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/syscall.h>
#include <uk/tty.h>

#define RING 4096
#define LINE 1024

static char ring[RING];
static usize head, len;
static char line[LINE];
static usize line_len;
static int eof_marks; /* ^D at the start of a line: one read returns 0 for each */
static struct uk_waitq readers;

static void push(const char *s, usize n)
{
    for (usize i = 0; i < n && len < RING; i++, len++)
        ring[(head + len) % RING] = s[i];
}

void uk_tty_input(const char *buf, usize n)
{
    for (usize i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\r' || c == '\n') {
            line[line_len++] = '\n';
            push(line, line_len);
            line_len = 0;
            uk_console_write("\n", 1);
        } else if (c == 0x7f || c == 0x08) {
            if (line_len) {
                line_len--;
                uk_console_write("\b \b", 3);
            }
        } else if (c == 0x04) {
            if (line_len) {
                push(line, line_len);
                line_len = 0;
            } else {
                eof_marks++;
            }
        } else if (c == 0x03) {
            line_len = 0;
            uk_console_write("^C\n", 3);
            uk_signal_send(1, UK_SIGINT);
        } else if (line_len < LINE - 1) {
            line[line_len++] = c;
            uk_console_write(&c, 1);
        }
    }
    uk_waitq_wake_all(&readers);
    uk_poll_notify();
}

bool uk_tty_readable(void) { return len > 0 || eof_marks > 0; }

long uk_tty_read(void *ubuf, usize n, bool nonblock)
{
    while (!len && !eof_marks) {
        if (nonblock)
            return -EAGAIN;
        uk_waitq_wait(&readers, 0);
        if (!len && !eof_marks && uk_thread_current()->interrupted)
            return -EINTR;
    }
    if (!len) {
        eof_marks--;
        return 0;
    }
    /* Canonical mode: at most one line per read. */
    usize take = 0;
    while (take < len && take < n) {
        char c = ring[(head + take) % RING];
        take++;
        if (c == '\n')
            break;
    }
    char tmp[256];
    for (usize done = 0; done < take;) {
        usize chunk = UK_MIN(take - done, sizeof(tmp));
        for (usize i = 0; i < chunk; i++)
            tmp[i] = ring[(head + done + i) % RING];
        if (!uk_user_copy_to((u8 *)ubuf + done, tmp, chunk))
            return -EFAULT;
        done += chunk;
    }
    head = (head + take) % RING;
    len -= take;
    return (long)take;
}
