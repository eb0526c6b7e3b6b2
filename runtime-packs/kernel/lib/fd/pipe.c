/* pipe.c - pipes: a 64 KiB ring per pipe, blocking reads and writes, end of file when the last
 * writer closes and EPIPE (with SIGPIPE) when no reader is left. Both ends are files; every change of
 * the ring or of the ends wakes the pipe's wait queue, on which readers, writers and pollers wait. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/pipe.h>
#include <uk/poll.h>
#include <uk/sched.h>
#include <uk/signal.h>

#define PIPE_SIZE 65536

struct pipe {
    u8 *buf;
    usize head, len;
    int readers, writers;
    struct uk_waitq wq;
};

static bool interrupted(void) { return uk_thread_current()->interrupted && uk_signal_pending(); }

static long pipe_read(struct uk_file *f, void *ubuf, usize n, u64 *pos)
{
    (void)pos;
    struct pipe *p = f->priv;
    while (!p->len) {
        if (!p->writers)
            return 0;
        if (f->flags & UK_O_NONBLOCK)
            return -EAGAIN;
        uk_waitq_wait(&p->wq, 0);
        if (!p->len && interrupted())
            return -EINTR;
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
    uk_waitq_wake(&p->wq, UK_POLLOUT);
    return (long)done;
}

static long pipe_write(struct uk_file *f, const void *ubuf, usize n, u64 *pos)
{
    (void)pos;
    struct pipe *p = f->priv;
    usize done = 0;
    while (done < n) {
        if (!p->readers) {
            uk_signal_send(uk_thread_current()->tid, UK_SIGPIPE);
            return done ? (long)done : -EPIPE;
        }
        if (p->len == PIPE_SIZE) {
            if (f->flags & UK_O_NONBLOCK)
                return done ? (long)done : -EAGAIN;
            uk_waitq_wait(&p->wq, 0);
            if (p->len == PIPE_SIZE && interrupted())
                return done ? (long)done : -EINTR;
            continue;
        }
        usize tail = (p->head + p->len) % PIPE_SIZE;
        usize chunk = UK_MIN(UK_MIN(n - done, PIPE_SIZE - p->len), PIPE_SIZE - tail);
        if (!uk_user_copy_from(p->buf + tail, (const u8 *)ubuf + done, chunk))
            return done ? (long)done : -EFAULT;
        p->len += chunk;
        done += chunk;
        uk_waitq_wake(&p->wq, UK_POLLIN);
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

static void release_reader(struct uk_file *f)
{
    struct pipe *p = f->priv;
    p->readers--;
    uk_waitq_wake(&p->wq, UK_POLLERR);
    pipe_free_if_done(p);
}

static void release_writer(struct uk_file *f)
{
    struct pipe *p = f->priv;
    p->writers--;
    uk_waitq_wake(&p->wq, UK_POLLHUP);
    pipe_free_if_done(p);
}

/* As Linux: POLLIN while data is buffered, POLLHUP once no writer is left (a read then returns 0);
 * POLLOUT while there is room, POLLERR once no reader is left. */
static u32 poll_reader(struct uk_file *f, struct uk_poll_table *pt)
{
    struct pipe *p = f->priv;
    uk_poll_wait(pt, &p->wq);
    return (p->len ? UK_POLLIN : 0) | (!p->writers ? UK_POLLHUP : 0);
}

static u32 poll_writer(struct uk_file *f, struct uk_poll_table *pt)
{
    struct pipe *p = f->priv;
    uk_poll_wait(pt, &p->wq);
    return (p->len < PIPE_SIZE || !p->readers ? UK_POLLOUT : 0) | (!p->readers ? UK_POLLERR : 0);
}

static const struct uk_file_ops read_ops = {
    .read = pipe_read, .poll = poll_reader, .release = release_reader, .type = UK_S_IFIFO};
static const struct uk_file_ops write_ops = {
    .write = pipe_write, .poll = poll_writer, .release = release_writer, .type = UK_S_IFIFO};

long uk_pipe_create(int flags, struct uk_file **read_end, struct uk_file **write_end)
{
    struct pipe *p = uk_kzalloc(sizeof(*p));
    u8 *buf = uk_kmalloc(PIPE_SIZE);
    struct uk_file *r = p ? uk_file_new(&read_ops, UK_O_RDONLY | (flags & UK_O_NONBLOCK), p) : NULL;
    struct uk_file *w = r ? uk_file_new(&write_ops, UK_O_WRONLY | (flags & UK_O_NONBLOCK), p) : NULL;
    if (!p || !buf || !r || !w) {
        uk_kfree(p), uk_kfree(buf), uk_kfree(r), uk_kfree(w);
        return -ENOMEM;
    }
    p->buf = buf;
    p->readers = p->writers = 1;
    *read_end = r;
    *write_end = w;
    return 0;
}
