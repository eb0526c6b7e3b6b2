/* pipe.c - pipes: a 64 KiB ring per pipe, blocking reads and writes, end of file when the last
 * writer closes and EPIPE when no reader is left. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/syscall.h>
#include <uk/vfs.h>

#define PIPE_SIZE 65536
#define O_NONBLOCK 04000

struct pipe {
    u8 *buf;
    usize head, len;
    int readers, writers;
    struct uk_waitq rq, wq;
};

static long pipe_read(struct uk_file *f, void *ubuf, usize n)
{
    struct pipe *p = f->data;
    while (!p->len) {
        if (!p->writers)
            return 0;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        uk_waitq_wait(&p->rq, 0);
    }
    usize done = 0;
    while (done < n && p->len) {
        usize chunk = UK_MIN(UK_MIN(n - done, p->len), PIPE_SIZE - p->head);
        if (!uk_user_copy_to((u8 *)ubuf + done, p->buf + p->head, chunk))
            return done ? (long)done : -EFAULT;
        p->head = (p->head + chunk) % PIPE_SIZE;
        p->len -= chunk;
        done += chunk;
    }
    uk_waitq_wake_all(&p->wq);
    uk_poll_notify();
    return (long)done;
}

static long pipe_write(struct uk_file *f, const void *ubuf, usize n)
{
    struct pipe *p = f->data;
    usize done = 0;
    while (done < n) {
        if (!p->readers) {
            uk_signal_send(uk_thread_current()->tid, UK_SIGPIPE);
            return done ? (long)done : -EPIPE;
        }
        if (p->len == PIPE_SIZE) {
            if (f->flags & O_NONBLOCK)
                return done ? (long)done : -EAGAIN;
            uk_waitq_wait(&p->wq, 0);
            continue;
        }
        usize tail = (p->head + p->len) % PIPE_SIZE;
        usize chunk = UK_MIN(UK_MIN(n - done, PIPE_SIZE - p->len), PIPE_SIZE - tail);
        if (!uk_user_copy_from(p->buf + tail, (const u8 *)ubuf + done, chunk))
            return done ? (long)done : -EFAULT;
        p->len += chunk;
        done += chunk;
        uk_waitq_wake_all(&p->rq);
        uk_poll_notify();
    }
    return (long)done;
}

static void pipe_free_if_done(struct pipe *p)
{
    if (!p->readers && !p->writers) {
        uk_kfree(p->buf);
        uk_kfree(p);
    }
}

static void close_reader(struct uk_file *f)
{
    struct pipe *p = f->data;
    p->readers--;
    uk_waitq_wake_all(&p->wq);
    uk_poll_notify();
    pipe_free_if_done(p);
}

static void close_writer(struct uk_file *f)
{
    struct pipe *p = f->data;
    p->writers--;
    uk_waitq_wake_all(&p->rq);
    uk_poll_notify();
    pipe_free_if_done(p);
}

static const struct uk_file_ops read_ops = {pipe_read, NULL, close_reader, UK_S_IFIFO};
static const struct uk_file_ops write_ops = {NULL, pipe_write, close_writer, UK_S_IFIFO};

/* POLLIN/POLLOUT, and POLLHUP on a read end without writers (POLLERR on a write end without readers). */
short uk_pipe_events(struct uk_file *f)
{
    struct pipe *p = f->data;
    if (f->ops == &read_ops)
        return (short)((p->len || !p->writers ? 0x1 : 0) | (!p->writers ? 0x10 : 0));
    return (short)((p->len < PIPE_SIZE || !p->readers ? 0x4 : 0) | (!p->readers ? 0x8 : 0));
}

long uk_fd_install(struct uk_file *f);
void uk_fd_uninstall(long fd);

long sys_pipe2(long ufds, long flags)
{
    if (flags & ~(O_NONBLOCK | 02000000 /* O_CLOEXEC */))
        return -EINVAL;
    struct pipe *p = uk_kzalloc(sizeof(*p));
    struct uk_file *r = uk_kzalloc(sizeof(*r)), *w = uk_kzalloc(sizeof(*w));
    u8 *buf = uk_kmalloc(PIPE_SIZE);
    if (!p || !r || !w || !buf) {
        uk_kfree(p), uk_kfree(r), uk_kfree(w), uk_kfree(buf);
        return -ENOMEM;
    }
    p->buf = buf;
    p->readers = p->writers = 1;
    *r = (struct uk_file){.ops = &read_ops, .flags = (int)(flags & O_NONBLOCK), .data = p};
    *w = (struct uk_file){.ops = &write_ops, .flags = (int)(flags & O_NONBLOCK) | 1, .data = p};
    long rfd = uk_fd_install(r);
    long wfd = rfd < 0 ? rfd : uk_fd_install(w);
    if (wfd < 0) {
        if (rfd >= 0)
            uk_fd_uninstall(rfd);
        uk_kfree(p), uk_kfree(r), uk_kfree(w), uk_kfree(buf);
        return -EMFILE;
    }
    int fds[2] = {(int)rfd, (int)wfd};
    if (!uk_user_copy_to((void *)ufds, fds, sizeof(fds)))
        return -EFAULT;
    return 0;
}

long sys_pipe(long ufds) { return sys_pipe2(ufds, 0); }
