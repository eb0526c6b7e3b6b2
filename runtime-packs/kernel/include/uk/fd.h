/* fd.h - the file descriptor table of the one process: numbers 0-1023 naming open files. */
#ifndef UK_FD_H
#define UK_FD_H
#include <uk/file.h>
#include <uk/types.h>

#define UK_FD_MAX 1024

/* Installs f at the lowest free number >= min (taking a reference); the number, or -EMFILE. */
long uk_fd_install(struct uk_file *f, int min);
/* Installs a new file (taking over the caller's reference) at the lowest free number, close-on-exec as
 * asked; the number, or -EMFILE (the file is then released). */
long uk_fd_install_new(struct uk_file *f, bool cloexec);
/* Installs f at exactly fd, closing what was there; fd, or -EBADF. */
long uk_fd_install_at(struct uk_file *f, int fd);
/* The file at fd, NULL when none. Borrowed: valid until the caller blocks (another thread may then
 * close fd); code that may block takes uk_fd_hold instead. */
struct uk_file *uk_fd_get(long fd);
/* The file at fd with a reference the caller drops with uk_file_put; NULL when none. */
struct uk_file *uk_fd_hold(long fd);
/* Closes fd; -EBADF when nothing is open there. */
long uk_fd_close(long fd);
/* close-on-exec flag (kept for F_GETFD; there is no exec) */
bool uk_fd_cloexec(long fd);
void uk_fd_set_cloexec(long fd, bool on);

#endif
