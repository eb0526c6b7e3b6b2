/* sys_poll.c - poll and ppoll: readiness of pipes, the console and files, and waiting for it. Any
 * readiness change (uk_poll_notify) wakes every poller, which rescans its descriptors. */
#include <uk/errno.h>
#include <uk/mm.h>
#include <uk/sched.h>
#include <uk/syscall.h>
#include <uk/time.h>
#include <uk/tty.h>
#include <uk/vfs.h>

#define MAX_FDS 1024
extern const struct uk_file_ops uk_console_ops, uk_eventfd_ops;
short uk_eventfd_events(struct uk_file *f);

struct pollfd_k {
    int fd;
    short events, revents;
};

short uk_pipe_events(struct uk_file *f);

/* POLLIN/POLLOUT of a file: pipes by their buffer, the console by its line discipline; files and
 * other devices are always ready. */
static short file_events(struct uk_file *f)
{
    if (f->ops->mode == UK_S_IFIFO)
        return uk_pipe_events(f);
    if (f->ops == &uk_eventfd_ops)
        return uk_eventfd_events(f);
    if (f->ops == &uk_console_ops)
        return (uk_tty_readable() ? 0x1 : 0) | 0x4;
    return 0x1 | 0x4;
}

/* Readiness changes (pipe data, console input, a closed end) wake every poller, which then rescans. */
static struct uk_waitq pollers;

void uk_poll_notify(void) { uk_waitq_wake_all(&pollers); }

static long poll_scan(long ufds, long nfds)
{
    long ready = 0;
    for (long i = 0; i < nfds; i++) {
        struct pollfd_k p;
        if (!uk_user_copy_from(&p, (u8 *)ufds + i * sizeof(p), sizeof(p)))
            return -EFAULT;
        p.revents = 0;
        if (p.fd >= 0) {
            struct uk_file *f = uk_fd_get(p.fd);
            p.revents = f ? (short)((p.events | 0x18 /* POLLERR|POLLHUP */) & file_events(f)) : 0x20 /* POLLNVAL */;
        }
        if (p.revents)
            ready++;
        if (!uk_user_copy_to((u8 *)ufds + i * sizeof(p), &p, sizeof(p)))
            return -EFAULT;
    }
    return ready;
}

long sys_poll(long ufds, long nfds, long timeout_ms)
{
    if (nfds < 0 || nfds > MAX_FDS)
        return -EINVAL;
    u64 deadline = timeout_ms > 0 ? uk_time_monotonic_ns() + (u64)timeout_ms * 1000000 : 0;
    for (;;) {
        long ready = poll_scan(ufds, nfds);
        if (ready || timeout_ms == 0)
            return ready;
        if (deadline && uk_time_monotonic_ns() >= deadline)
            return 0;
        uk_waitq_wait(&pollers, deadline);
        if (uk_thread_current()->interrupted)
            return -EINTR;
    }
}

long sys_ppoll(long ufds, long nfds, long ts)
{
    long ms = -1;
    if (ts) {
        s64 t[2];
        if (!uk_user_copy_from(t, (void *)ts, sizeof(t)))
            return -EFAULT;
        ms = t[0] * 1000 + t[1] / 1000000;
    }
    return sys_poll(ufds, nfds, ms);
}

