/* inotify.h - inotify instances: watches on nodes of the file tree and a queue of events to read. */
#ifndef UK_INOTIFY_H
#define UK_INOTIFY_H
#include <uk/file.h>
#include <uk/vfs.h>

/* inotify(7) mask bits, as Linux numbers them */
#define UK_IN_ALL_EVENTS 0x00000fff
#define UK_IN_IGNORED 0x00008000
#define UK_IN_ONLYDIR 0x01000000
#define UK_IN_DONT_FOLLOW 0x02000000
#define UK_IN_EXCL_UNLINK 0x04000000
#define UK_IN_MASK_CREATE 0x10000000
#define UK_IN_MASK_ADD 0x20000000
#define UK_IN_ONESHOT 0x80000000

/* A new inotify instance (flags: UK_O_NONBLOCK); 0 or -ENOMEM. */
long uk_inotify_create(int flags, struct uk_file **out);
/* Watches vn for the events of mask (IN_* bits): the watch descriptor, the same one again for a node already
 * watched (whose mask is replaced, or extended with UK_IN_MASK_ADD); -EINVAL when f is no inotify instance or
 * the mask names no event, -EEXIST for UK_IN_MASK_CREATE on a watched node, -ENOSPC past the watch limit. */
long uk_inotify_add_watch(struct uk_file *f, struct uk_vnode *vn, u32 mask);
/* Removes watch wd and queues its IN_IGNORED event; -EINVAL when f is no inotify instance or wd no watch of it. */
long uk_inotify_rm_watch(struct uk_file *f, int wd);

#endif
