/* tty.c - the console as a Linux tty in canonical mode: input arrives from the UART's interrupt, is
 * echoed, edited (backspace) and handed to readers a line at a time; ^D at the start of a line is end of
 * file, ^C sends SIGINT to the program. Readers block until a line is ready; the readers' wait queue is
 * also where pollers wait. Registered in devfs as /dev/console and /dev/tty; fds 0-2 start on it. */
#include <uk/console.h>
#include <uk/devfs.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/poll.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/signal.h>
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
    uk_waitq_wake(&readers, UK_POLLIN);
}

static bool readable(void) { return len > 0 || eof_marks > 0; }

static long tty_read(struct uk_file *f, void *ubuf, usize n, u64 *pos)
{
    (void)pos;
    bool nonblock = f->flags & UK_O_NONBLOCK;
    while (!len && !eof_marks) {
        if (nonblock)
            return -EAGAIN;
        uk_waitq_wait(&readers, 0);
        if (!readable() && uk_thread_current()->interrupted && uk_signal_pending())
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

static long tty_write(struct uk_file *f, const void *ubuf, usize len, u64 *pos)
{
    (void)f, (void)pos;
    char tmp[512];
    usize done = 0;
    while (done < len) {
        usize n = UK_MIN(len - done, sizeof(tmp));
        if (!uk_user_copy_from(tmp, (const u8 *)ubuf + done, n))
            return done ? (long)done : -EFAULT;
        uk_console_write(tmp, n);
        done += n;
    }
    return (long)len;
}

static u32 tty_poll(struct uk_file *f, struct uk_poll_table *pt)
{
    (void)f;
    uk_poll_wait(pt, &readers);
    return (readable() ? UK_POLLIN : 0) | UK_POLLOUT;
}

#define TCGETS 0x5401
#define TIOCGWINSZ 0x5413

/* The serial console is not presented as a terminal: programs then write plain text. */
static long tty_ioctl(struct uk_file *f, unsigned long req, long arg)
{
    (void)f, (void)req, (void)arg;
    return -ENOTTY;
}

static const struct uk_file_ops tty_ops = {
    .read = tty_read, .write = tty_write, .ioctl = tty_ioctl, .poll = tty_poll, .type = UK_S_IFCHR};

static struct uk_device console_dev = {.name = "console", .mode = UK_S_IFCHR | 0600, .fops = &tty_ops};
static struct uk_device tty_dev = {.name = "tty", .mode = UK_S_IFCHR | 0666, .fops = &tty_ops};

void uk_tty_init(void)
{
    if (uk_devfs_register(&console_dev) || uk_devfs_register(&tty_dev))
        uk_panic("cannot register the console in /dev");
}

struct uk_file *uk_tty_open_console(void) { return uk_file_new(&tty_ops, UK_O_RDWR, NULL); }
