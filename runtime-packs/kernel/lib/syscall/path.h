/* path.h - what the path syscalls (sys_fs.c, sys_dir.c) share: a user path copied in, the directory a
 * *at() call starts from, and a path resolved from (dirfd, user path). Each returns 0 or -errno. */
#ifndef UK_SYSCALL_PATH_H
#define UK_SYSCALL_PATH_H
#include <uk/vfs.h>

#define AT_FDCWD (-100)

long uk_sys_user_path(long upath, char *buf);
long uk_sys_start_dir(long dirfd, const char *path, struct uk_vnode **dir);
long uk_sys_resolve(long dirfd, long upath, struct uk_vnode **out);

#endif
