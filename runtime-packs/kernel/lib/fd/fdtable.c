/* fdtable.c - the file descriptor table of the one process: each slot holds a reference to an open
 * file and its close-on-exec flag. */
#include <uk/errno.h>
#include <uk/fd.h>

static struct {
    struct uk_file *file;
    bool cloexec;
} fds[UK_FD_MAX];

static bool valid(long fd) { return fd >= 0 && fd < UK_FD_MAX; }

long uk_fd_install(struct uk_file *f, int min)
{
    for (int fd = min < 0 ? 0 : min; fd < UK_FD_MAX; fd++) {
        if (!fds[fd].file) {
            uk_file_get(f);
            fds[fd].file = f;
            fds[fd].cloexec = false;
            return fd;
        }
    }
    return -EMFILE;
}

long uk_fd_install_at(struct uk_file *f, int fd)
{
    if (!valid(fd))
        return -EBADF;
    uk_file_get(f);
    struct uk_file *old = fds[fd].file;
    fds[fd].file = f;
    fds[fd].cloexec = false;
    if (old)
        uk_file_put(old);
    return fd;
}

struct uk_file *uk_fd_get(long fd) { return valid(fd) ? fds[fd].file : NULL; }

struct uk_file *uk_fd_hold(long fd)
{
    struct uk_file *f = uk_fd_get(fd);
    if (f)
        uk_file_get(f);
    return f;
}

long uk_fd_close(long fd)
{
    struct uk_file *f = uk_fd_get(fd);
    if (!f)
        return -EBADF;
    fds[fd].file = NULL;
    uk_file_put(f);
    return 0;
}

bool uk_fd_cloexec(long fd) { return valid(fd) && fds[fd].cloexec; }

void uk_fd_set_cloexec(long fd, bool on)
{
    if (valid(fd) && fds[fd].file)
        fds[fd].cloexec = on;
}

long uk_fd_install_new(struct uk_file *f, bool cloexec)
{
    long fd = uk_fd_install(f, 0);
    uk_file_put(f);
    if (fd >= 0)
        uk_fd_set_cloexec(fd, cloexec);
    return fd;
}
