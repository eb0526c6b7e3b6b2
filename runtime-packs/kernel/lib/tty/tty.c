/* tty.c - the console and the program's standard streams. Two modes, chosen on the command line:
 *
 * plain (the default, for images booted by hand): the UART is a terminal in canonical mode. Input arrives
 * from the UART's interrupt, is echoed, edited (backspace) and handed to readers a line at a time; ^D at
 * the start of a line is end of file, ^C sends SIGINT to the program. Output gets LF → CRLF. fds 0-2,
 * /dev/console and /dev/tty all are this terminal, and the kernel log shares it.
 *
 * framed (uk.console=framed, which the launcher passes): the UART carries frames, so that one serial line
 * holds several streams: [type][length, 16-bit little endian][payload]. The guest sends 'O' (stdout), 'E'
 * (stderr), 'K' (kernel log), 'T' (the terminal's own output: echo, writes to /dev/tty and /dev/console)
 * and 'A' (its length is the number of stdin bytes the program consumed, no payload: the host's credit);
 * the host sends 'I' (stdin bytes) and 'D' (stdin ended, no payload). The first frame follows the marker
 * UK_TTY_FRAMED_MARKER; what comes before it is plain kernel log. Payloads are the bytes written, without
 * LF → CRLF: the host's terminal, if any, does its own output processing. uk.tty=DIGITS names the fds
 * (0, 1, 2) that are the host's terminal: stdin then keeps the line discipline above, else its reads
 * return the bytes that arrived, unchanged, and 0 once the host's stdin ended.
 *
 * The kernel runs with interrupts masked on its one CPU, so a frame is never interleaved with another. */
#include <uk/console.h>
#include <uk/devfs.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/poll.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/stats.h>
#include <uk/tty.h>

#define RING 65536
#define LINE 1024
#define FRAME_MAX 4096

/* Input: lines (canonical) or raw bytes (stdin redirected), in arrival order. */
static char ring[RING];
static usize head, len;
static char line[LINE];
static usize line_len;
static int eof_marks;    /* ^D at the start of a line: one read returns 0 for each */
static bool input_ended; /* framed: the host's stdin ended; reads return 0 once the ring is empty */
static struct uk_waitq readers;

static bool framed;
static u8 terminal_fds = 7; /* bit n: fd n is the terminal */

static bool stdin_is_terminal(void) { return !framed || (terminal_fds & 1); }

/* Bytes to the UART as frames of at most FRAME_MAX bytes. */
static void frame(char type, const char *buf, usize n)
{
    do {
        usize k = UK_MIN(n, (usize)FRAME_MAX);
        char hdr[3] = {type, (char)(k & 0xff), (char)(k >> 8)};
        uk_console_put(hdr, sizeof(hdr));
        uk_console_put(buf, k);
        buf += k;
        n -= k;
    } while (n);
}

/* Bytes of stream type to the UART: framed, or as they are on a plain console. */
static void emit(char type, const char *buf, usize n)
{
    if (framed)
        frame(type, buf, n);
    else
        uk_console_put(buf, n);
}

/* The same with LF → CRLF when crlf. */
static void out(char type, bool crlf, const char *buf, usize n)
{
    if (!crlf) {
        emit(type, buf, n);
        return;
    }
    char tmp[FRAME_MAX + 2];
    usize k = 0;
    for (usize i = 0; i < n; i++) {
        if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r'))
            tmp[k++] = '\r';
        tmp[k++] = buf[i];
        if (k >= FRAME_MAX) {
            emit(type, tmp, k);
            k = 0;
        }
    }
    if (k)
        emit(type, tmp, k);
}

static void echo(const char *s, usize n) { out('T', !framed, s, n); }

void uk_console_write(const char *buf, usize n)
{
    if (n)
        out('K', !framed, buf, n);
}

void uk_tty_configure(bool framed_mode, u8 terminals)
{
    terminal_fds = terminals & 7;
    if (framed_mode && !framed) {
        uk_console_framed();
        uk_console_put(UK_TTY_FRAMED_MARKER, sizeof(UK_TTY_FRAMED_MARKER) - 1);
        framed = true;
    }
}

static void push(const char *s, usize n)
{
    for (usize i = 0; i < n && len < RING; i++, len++)
        ring[(head + len) % RING] = s[i];
}

/* The canonical line discipline over bytes typed at the terminal. */
static void discipline(const char *buf, usize n)
{
    for (usize i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\r' || c == '\n') {
            line[line_len++] = '\n';
            push(line, line_len);
            line_len = 0;
            echo("\n", 1);
        } else if (c == 0x7f || c == 0x08) {
            if (line_len) {
                line_len--;
                echo("\b \b", 3);
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
            echo("^C\n", 3);
            uk_signal_send(1, UK_SIGINT);
        } else if (line_len < LINE - 1) {
            line[line_len++] = c;
            echo(&c, 1);
        }
    }
}

/* Tells the host that n more stdin bytes left its window (consumed, or taken by the line discipline). */
static void credit(usize n)
{
    while (n) {
        usize k = UK_MIN(n, (usize)0xffff);
        char hdr[3] = {'A', (char)(k & 0xff), (char)(k >> 8)};
        uk_console_put(hdr, sizeof(hdr));
        n -= k;
    }
}

/* Framed input: the parser's state survives between interrupts (a frame may arrive in pieces). */
static char in_type;
static u8 in_hdr_have;
static u8 in_hdr[2];
static usize in_left;

static void framed_input(const char *buf, usize n)
{
    usize typed = 0;
    for (usize i = 0; i < n;) {
        if (in_left == 0 && in_hdr_have < 3) {
            if (in_hdr_have == 0)
                in_type = buf[i];
            else
                in_hdr[in_hdr_have - 1] = (u8)buf[i];
            i++;
            if (++in_hdr_have < 3)
                continue;
            in_left = in_hdr[0] | (usize)in_hdr[1] << 8;
            if (in_type == 'D')
                input_ended = true;
            if (in_left)
                continue;
            in_hdr_have = 0;
            continue;
        }
        usize k = UK_MIN(in_left, n - i);
        if (in_type == 'I') {
            if (stdin_is_terminal()) {
                discipline(buf + i, k);
                typed += k;
            } else {
                if (len + k > RING)
                    uk_pr_warn("console: stdin beyond the host's window, %lu bytes lost\n", len + k - RING);
                push(buf + i, k);
            }
        }
        i += k;
        in_left -= k;
        if (!in_left)
            in_hdr_have = 0;
    }
    if (typed)
        credit(typed);
}

void uk_tty_input(const char *buf, usize n)
{
    if (framed)
        framed_input(buf, n);
    else
        discipline(buf, n);
    uk_waitq_wake(&readers, UK_POLLIN);
}

static bool readable(void) { return len > 0 || eof_marks > 0 || input_ended; }

static long tty_read(struct uk_file *f, void *ubuf, usize n, u64 *pos)
{
    (void)pos;
    bool nonblock = f->flags & UK_O_NONBLOCK;
    while (!readable()) {
        if (nonblock)
            return -EAGAIN;
        uk_waitq_wait(&readers, 0);
        if (!readable() && uk_thread_current()->interrupted && uk_signal_pending())
            return -EINTR;
    }
    if (!len) {
        if (eof_marks)
            eof_marks--;
        return 0;
    }
    /* Canonical mode: at most one line per read; raw: whatever is there. */
    bool canonical = stdin_is_terminal();
    usize take = 0;
    while (take < len && take < n) {
        char c = ring[(head + take) % RING];
        take++;
        if (c == '\n' && canonical)
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
    if (framed && !canonical)
        credit(take);
    return (long)take;
}

/* The stream a file writes to: priv is 1 for stdout, 2 for stderr, NULL for the terminal itself. */
static long tty_write(struct uk_file *f, const void *ubuf, usize n, u64 *pos)
{
    (void)pos;
    int fd = (int)(uptr)f->priv;
    char type = fd == 1 ? 'O' : fd == 2 ? 'E' : 'T';
    if (fd)
        uk_timeline_mark(UK_TL_OUTPUT);
    char tmp[FRAME_MAX];
    usize done = 0;
    while (done < n) {
        usize k = UK_MIN(n - done, sizeof(tmp));
        if (!uk_user_copy_from(tmp, (const u8 *)ubuf + done, k))
            return done ? (long)done : -EFAULT;
        out(type, !framed, tmp, k);
        done += k;
    }
    return (long)n;
}

static u32 tty_poll(struct uk_file *f, struct uk_poll_table *pt)
{
    (void)f;
    uk_poll_wait(pt, &readers);
    return (readable() ? UK_POLLIN : 0) | UK_POLLOUT;
}

/* The terminal does not answer termios requests, so programs take it for plain text (no escape
 * sequences, no line editing of their own): the line discipline above stays the only one. */
static long tty_ioctl(struct uk_file *f, unsigned long req, long arg)
{
    (void)f, (void)req, (void)arg;
    return -ENOTTY;
}

static const struct uk_file_ops tty_ops = {
    .read = tty_read, .write = tty_write, .ioctl = tty_ioctl, .poll = tty_poll, .type = UK_S_IFCHR};
/* A redirected stream: the same, but it looks like the pipe it is on the host. */
static const struct uk_file_ops stream_ops = {
    .read = tty_read, .write = tty_write, .ioctl = tty_ioctl, .poll = tty_poll, .type = UK_S_IFIFO};

static struct uk_device console_dev = {.name = "console", .mode = UK_S_IFCHR | 0600, .fops = &tty_ops};
static struct uk_device tty_dev = {.name = "tty", .mode = UK_S_IFCHR | 0666, .fops = &tty_ops};

void uk_tty_init(void)
{
    if (uk_devfs_register(&console_dev) || uk_devfs_register(&tty_dev))
        uk_panic("cannot register the console in /dev");
}

struct uk_file *uk_tty_open_stdio(int fd)
{
    bool terminal = !framed || (terminal_fds & (1u << fd));
    return uk_file_new(terminal ? &tty_ops : &stream_ops, UK_O_RDWR, (void *)(uptr)fd);
}
