/* sys_poll.c - poll, ppoll, select and pselect6: the user's descriptor lists and timeouts translated
 * for uk_poll (lib/fd/poll.c), which waits over the files' poll operations; epoll_ctl and the
 * epoll_wait family, translated for lib/fd/epoll.c. */
#include <uk/epoll.h>
#include <uk/errno.h>
#include <uk/fd.h>
#include <uk/mm.h>
#include <uk/poll.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/syscall.h>
#include <uk/time.h>

struct timespec_k {
    s64 sec, nsec;
};

static long poll_user(long ufds, long nfds, s64 timeout_ns)
{
    if (nfds < 0 || nfds > UK_FD_MAX)
        return -EINVAL;
    usize size = (usize)nfds * sizeof(struct uk_pollfd);
    struct uk_pollfd *fds = nfds ? uk_kmalloc(size) : NULL;
    if (nfds && !fds)
        return -ENOMEM;
    long r =
        size && !uk_user_copy_from(fds, (const void *)ufds, size) ? -EFAULT : uk_poll(fds, (usize)nfds, timeout_ns);
    if (r >= 0 && size && !uk_user_copy_to((void *)ufds, fds, size))
        r = -EFAULT;
    uk_kfree(fds);
    return r;
}

long sys_poll(long ufds, long nfds, long timeout_ms)
{
    int ms = (int)timeout_ms; /* an int in the ABI */
    return poll_user(ufds, nfds, ms < 0 ? -1 : ms * 1000000L);
}

/* A user timespec as a timeout: -1 for none (NULL), -EINVAL for a bad one. */
static long read_timeout(long uts, s64 *ns)
{
    if (!uts) {
        *ns = -1;
        return 0;
    }
    struct timespec_k t;
    if (!uk_user_copy_from(&t, (const void *)uts, sizeof(t)))
        return -EFAULT;
    if (t.sec < 0 || t.nsec < 0 || t.nsec >= (s64)UK_NSEC_PER_SEC)
        return -EINVAL;
    *ns = t.sec > 1000000000L ? (s64)1 << 62 : t.sec * (s64)UK_NSEC_PER_SEC + t.nsec;
    return 0;
}

/* The signal mask a wait runs with (ppoll, pselect6, epoll_pwait; umask NULL: the thread's own): 0, or
 * -EINVAL for a size other than the kernel's sigset_t, or -EFAULT. */
static long read_sigmask(long umask, long size, u64 *mask)
{
    if (!umask)
        return 0;
    if (size != sizeof(*mask))
        return -EINVAL;
    return uk_user_copy_from(mask, (const void *)umask, sizeof(*mask)) ? 0 : -EFAULT;
}

/* ppoll: the timeout, and the caller's signal mask in place of the thread's for the wait. */
long sys_ppoll(long ufds, long nfds, long uts, long umask, long size)
{
    s64 ns;
    u64 mask;
    long r = read_timeout(uts, &ns);
    if (r || (r = read_sigmask(umask, size, &mask)))
        return r;
    if (umask)
        uk_signal_wait_mask_begin(mask);
    r = poll_user(ufds, nfds, ns);
    if (umask)
        uk_signal_wait_mask_end(r == -EINTR);
    return r;
}

#define FDSET_WORDS (UK_FD_MAX / 64)

/* select over fd_sets, as poll requests: readable = POLLIN|HUP|ERR, writable = POLLOUT|ERR,
 * exceptional = POLLPRI. */
static long select_sets(long nfds, long urd, long uwr, long uex, s64 timeout_ns)
{
    if (nfds < 0 || nfds > UK_FD_MAX)
        return -EINVAL;
    u64 in[3][FDSET_WORDS] = {{0}}, out[3][FDSET_WORDS] = {{0}};
    long user[3] = {urd, uwr, uex};
    usize bytes = (usize)UK_ALIGN_UP(nfds, 64) / 8;
    for (int s = 0; s < 3; s++)
        if (user[s] && bytes && !uk_user_copy_from(in[s], (const void *)user[s], bytes))
            return -EFAULT;
    struct uk_pollfd *fds = nfds ? uk_kzalloc((usize)nfds * sizeof(*fds)) : NULL;
    if (nfds && !fds)
        return -ENOMEM;
    usize n = 0;
    for (long fd = 0; fd < nfds; fd++) {
        u64 bit = 1UL << (fd % 64);
        short ev = (short)(((in[0][fd / 64] & bit) ? UK_POLLIN : 0) | ((in[1][fd / 64] & bit) ? UK_POLLOUT : 0) |
                           ((in[2][fd / 64] & bit) ? UK_POLLPRI : 0));
        if (ev)
            fds[n++] = (struct uk_pollfd){.fd = (int)fd, .events = ev};
    }
    long r = uk_poll(fds, n, timeout_ns);
    long count = 0;
    for (usize i = 0; r > 0 && i < n; i++) {
        int fd = fds[i].fd;
        u64 bit = 1UL << (fd % 64);
        short re = fds[i].revents;
        if (re & UK_POLLNVAL) {
            r = -EBADF;
            break;
        }
        bool hits[3] = {(re & (UK_POLLIN | UK_POLLHUP | UK_POLLERR)) && (fds[i].events & UK_POLLIN),
                        (re & (UK_POLLOUT | UK_POLLERR)) && (fds[i].events & UK_POLLOUT),
                        (re & UK_POLLPRI) && (fds[i].events & UK_POLLPRI)};
        for (int s = 0; s < 3; s++)
            if (hits[s]) {
                out[s][fd / 64] |= bit;
                count++;
            }
    }
    uk_kfree(fds);
    if (r < 0)
        return r;
    for (int s = 0; s < 3; s++)
        if (user[s] && bytes && !uk_user_copy_to((void *)user[s], out[s], bytes))
            return -EFAULT;
    return count;
}

/* pselect6: the sixth argument points to the signal mask and its size. */
long sys_pselect6(long nfds, long urd, long uwr, long uex, long uts, long usig)
{
    s64 ns;
    u64 mask;
    struct {
        u64 mask, size;
    } sig = {0, 0};
    long r = read_timeout(uts, &ns);
    if (!r && usig && !uk_user_copy_from(&sig, (const void *)usig, sizeof(sig)))
        r = -EFAULT;
    if (r || (r = read_sigmask((long)sig.mask, (long)sig.size, &mask)))
        return r;
    if (sig.mask)
        uk_signal_wait_mask_begin(mask);
    r = select_sets(nfds, urd, uwr, uex, ns);
    if (sig.mask)
        uk_signal_wait_mask_end(r == -EINTR);
    return r;
}

struct timeval_k {
    s64 sec, usec;
};

/* x86_64's select: a struct timeval, which Linux updates to the time left. */
long sys_select(long nfds, long urd, long uwr, long uex, long utv)
{
    s64 ns = -1;
    struct timeval_k tv;
    if (utv) {
        if (!uk_user_copy_from(&tv, (const void *)utv, sizeof(tv)))
            return -EFAULT;
        if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000)
            return -EINVAL;
        ns = tv.sec > 1000000000L ? (s64)1 << 62 : tv.sec * (s64)UK_NSEC_PER_SEC + tv.usec * 1000;
    }
    u64 start = uk_time_monotonic_ns();
    long r = select_sets(nfds, urd, uwr, uex, ns);
    if (utv && ns > 0) {
        u64 spent = uk_time_monotonic_ns() - start;
        s64 left = spent >= (u64)ns ? 0 : ns - (s64)spent;
        tv = (struct timeval_k){left / (s64)UK_NSEC_PER_SEC, left % (s64)UK_NSEC_PER_SEC / 1000};
        uk_user_copy_to((void *)utv, &tv, sizeof(tv));
    }
    return r;
}

/* struct epoll_event as the program lays it out (packed on x86_64 only) */
struct epoll_event_k {
    u32 events;
    u64 data;
} UK_EPOLL_EVENT_PACKED;

long sys_epoll_ctl(long epfd, long op, long fd, long uevent)
{
    struct uk_epoll_event ev = {0};
    struct epoll_event_k k;
    if (op != UK_EPOLL_CTL_DEL) {
        if (!uk_user_copy_from(&k, (const void *)uevent, sizeof(k)))
            return -EFAULT;
        ev = (struct uk_epoll_event){k.events, k.data};
    }
    struct uk_file *ep = uk_fd_get(epfd), *target = uk_fd_get(fd);
    if (!ep || !target)
        return -EBADF;
    return uk_epoll_ctl(ep, (int)op, (int)fd, target, &ev);
}

static bool store_event(void *uevents, int i, const struct uk_epoll_event *ev)
{
    struct epoll_event_k k = {ev->events, ev->data};
    return uk_user_copy_to((struct epoll_event_k *)uevents + i, &k, sizeof(k));
}

/* The wait of every form, with the caller's signal mask (umask) in place of the thread's when given. */
static long epoll_wait_user(long epfd, long uevents, long max, s64 timeout_ns, long umask, long masksize)
{
    u64 mask;
    long r = read_sigmask(umask, masksize, &mask);
    if (r)
        return r;
    if ((int)max <= 0 || (int)max > 0x7fffffff / (int)sizeof(struct epoll_event_k))
        return -EINVAL;
    if (!uk_user_access_ok((void *)uevents, sizeof(struct epoll_event_k), true))
        return -EFAULT;
    struct uk_file *f = uk_fd_hold(epfd);
    if (!f)
        return -EBADF;
    if (umask)
        uk_signal_wait_mask_begin(mask);
    r = uk_file_is_epoll(f) ? uk_epoll_wait(f, (int)max, timeout_ns, store_event, (void *)uevents) : -EINVAL;
    if (umask)
        uk_signal_wait_mask_end(r == -EINTR);
    uk_file_put(f);
    return r;
}

static s64 timeout_ms(long ms) { return (int)ms < 0 ? -1 : (int)ms * 1000000L; }

long sys_epoll_wait(long epfd, long uevents, long max, long ms)
{
    return epoll_wait_user(epfd, uevents, max, timeout_ms(ms), 0, 0);
}

long sys_epoll_pwait(long epfd, long uevents, long max, long ms, long umask, long masksize)
{
    return epoll_wait_user(epfd, uevents, max, timeout_ms(ms), umask, masksize);
}

long sys_epoll_pwait2(long epfd, long uevents, long max, long uts, long umask, long masksize)
{
    s64 ns;
    long r = read_timeout(uts, &ns);
    return r ? r : epoll_wait_user(epfd, uevents, max, ns, umask, masksize);
}
