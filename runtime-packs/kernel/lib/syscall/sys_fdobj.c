/* sys_fdobj.c - syscalls that make file objects that are not in the file tree: pipe2, eventfd2,
 * epoll_create1 and inotify_init1 (sockets: sys_socket.c), each installed in the fd table; and the watches
 * of an inotify instance. */
#include <uk/epoll.h>
#include <uk/errno.h>
#include <uk/eventfd.h>
#include <uk/fd.h>
#include <uk/inotify.h>
#include <uk/mm.h>
#include <uk/pipe.h>
#include <uk/syscall.h>
#include "path.h"

long sys_pipe2(long ufds, long flags)
{
    if (flags & ~(UK_O_NONBLOCK | UK_O_CLOEXEC | UK_O_DIRECT))
        return -EINVAL;
    struct uk_file *r, *w;
    long err = uk_pipe_create((int)flags, &r, &w);
    if (err)
        return err;
    long rfd = uk_fd_install_new(r, flags & UK_O_CLOEXEC);
    if (rfd < 0) {
        uk_file_put(w);
        return rfd;
    }
    long wfd = uk_fd_install_new(w, flags & UK_O_CLOEXEC);
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
    return r ? r : uk_fd_install_new(f, flags & UK_O_CLOEXEC);
}

long sys_eventfd(long initval) { return sys_eventfd2(initval, 0); }

long sys_epoll_create1(long flags)
{
    if (flags & ~UK_O_CLOEXEC)
        return -EINVAL;
    struct uk_file *f;
    long r = uk_epoll_create(&f);
    return r ? r : uk_fd_install_new(f, flags & UK_O_CLOEXEC);
}

/* x86_64's older form: the size hint only has to be positive. */
long sys_epoll_create(long size) { return (int)size <= 0 ? -EINVAL : sys_epoll_create1(0); }

long sys_inotify_init1(long flags)
{
    if (flags & ~(UK_O_NONBLOCK | UK_O_CLOEXEC))
        return -EINVAL;
    struct uk_file *f;
    long r = uk_inotify_create((int)flags, &f);
    return r ? r : uk_fd_install_new(f, flags & UK_O_CLOEXEC);
}

long sys_inotify_init(void) { return sys_inotify_init1(0); }

long sys_inotify_add_watch(long fd, long upath, long mask)
{
    struct uk_file *f = uk_fd_hold(fd);
    if (!f)
        return -EBADF;
    struct uk_vnode *vn;
    long r = uk_sys_resolve(AT_FDCWD, upath, &vn);
    if (!r)
        r = uk_inotify_add_watch(f, vn, (u32)mask);
    uk_file_put(f);
    return r;
}

long sys_inotify_rm_watch(long fd, long wd)
{
    struct uk_file *f = uk_fd_get(fd);
    return f ? uk_inotify_rm_watch(f, (int)wd) : -EBADF;
}
