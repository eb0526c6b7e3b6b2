/* sys_fdobj.c - syscalls that make file objects that are not in the file tree: pipe2, eventfd2 and
 * epoll_create1 (later socket), each installed in the fd table. */
#include <uk/epoll.h>
#include <uk/errno.h>
#include <uk/eventfd.h>
#include <uk/fd.h>
#include <uk/mm.h>
#include <uk/pipe.h>
#include <uk/syscall.h>

/* Installs f (dropping the caller's reference) with close-on-exec as asked; the fd or -EMFILE. */
static long install(struct uk_file *f, bool cloexec)
{
    long fd = uk_fd_install(f, 0);
    uk_file_put(f);
    if (fd >= 0)
        uk_fd_set_cloexec(fd, cloexec);
    return fd;
}

long sys_pipe2(long ufds, long flags)
{
    if (flags & ~(UK_O_NONBLOCK | UK_O_CLOEXEC | 040000 /* O_DIRECT */))
        return -EINVAL;
    struct uk_file *r, *w;
    long err = uk_pipe_create((int)flags, &r, &w);
    if (err)
        return err;
    long rfd = install(r, flags & UK_O_CLOEXEC);
    if (rfd < 0) {
        uk_file_put(w);
        return rfd;
    }
    long wfd = install(w, flags & UK_O_CLOEXEC);
    if (wfd < 0) {
        uk_fd_close(rfd);
        return wfd;
    }
    int fds[2] = {(int)rfd, (int)wfd};
    if (!uk_user_copy_to((void *)ufds, fds, sizeof(fds))) {
        uk_fd_close(rfd);
        uk_fd_close(wfd);
        return -EFAULT;
    }
    return 0;
}

long sys_pipe(long ufds) { return sys_pipe2(ufds, 0); }

long sys_eventfd2(long initval, long flags)
{
    if (flags & ~(UK_EFD_SEMAPHORE | UK_O_NONBLOCK | UK_O_CLOEXEC))
        return -EINVAL;
    struct uk_file *f;
    long r = uk_eventfd_create((u32)initval, (int)flags, &f);
    return r ? r : install(f, flags & UK_O_CLOEXEC);
}

long sys_eventfd(long initval) { return sys_eventfd2(initval, 0); }

long sys_epoll_create1(long flags)
{
    if (flags & ~UK_O_CLOEXEC)
        return -EINVAL;
    struct uk_file *f;
    long r = uk_epoll_create(&f);
    return r ? r : install(f, flags & UK_O_CLOEXEC);
}

/* x86_64's older form: the size hint only has to be positive. */
long sys_epoll_create(long size) { return (int)size <= 0 ? -EINVAL : sys_epoll_create1(0); }
