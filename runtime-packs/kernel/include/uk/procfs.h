/* procfs.h - the generated files of /proc and /sys that runtimes read, rendered from the kernel's state
 * when opened. */
#ifndef UK_PROCFS_H
#define UK_PROCFS_H

/* Mounts procfs at /proc and a sysfs at /sys. */
void uk_procfs_init(void);

#endif
