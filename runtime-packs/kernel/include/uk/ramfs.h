/* ramfs.h - the in-memory file system behind /, /tmp and /dev/shm: regular files in 4 KiB frames
 * allocated on write (holes cost nothing; a full memory is -ENOSPC). */
#ifndef UK_RAMFS_H
#define UK_RAMFS_H
#include <uk/types.h>
#include <uk/vfs.h>

/* A new, empty ramfs (its root directory has mode 0755 | dir). NULL when memory is short. */
struct uk_mount *uk_ramfs_new(u32 root_mode);
/* Gives a regular ramfs file read-only contents that live elsewhere in memory (bundled files, /etc
 * texts): read in place, copied into frames on the first write. -EINVAL for other nodes. */
long uk_ramfs_set_contents(struct uk_vnode *vn, const void *data, u64 size);

#endif
