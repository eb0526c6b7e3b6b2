/* procfs.h - the generated files of /proc and /sys that runtimes read, rendered from the kernel's state
 * when opened. */
#ifndef UK_PROCFS_H
#define UK_PROCFS_H

#include <uk/types.h>

/* Mounts procfs at /proc and a sysfs at /sys. */
void uk_procfs_init(void);

/* Where a generator writes a file's text: uk_procfs_printf appends and counts what did not fit, and the file is
 * rendered again into a larger buffer when len ends up at or beyond size. */
struct uk_procfs_out {
    char *buf;
    usize size, len;
};
void uk_procfs_printf(struct uk_procfs_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends n copies of c (padding columns). */
void uk_procfs_pad(struct uk_procfs_out *o, char c, usize n);

/* Writes a file's contents when it is opened; arg is what uk_procfs_add was given. */
typedef void (*uk_procfs_gen)(struct uk_procfs_out *o, void *arg);

/* Adds a read-only generated file at an absolute path under /proc or /sys ("/proc/net/dev"), making the
 * directories on the way. Layers above lib/fs add the files they own this way; a path that cannot be made is a
 * panic (the names are the kernel's own). */
void uk_procfs_add(const char *path, uk_procfs_gen gen, void *arg);

#endif
