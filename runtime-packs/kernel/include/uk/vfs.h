/* vfs.h - the in-memory filesystem: one tree of nodes holding /tmp and every writable path, the
 * device nodes of /dev, generated /proc and /sys files, and the files bundled into the image. */
#ifndef UK_VFS_H
#define UK_VFS_H
#include <uk/syscall.h>
#include <uk/types.h>

#define UK_S_IFMT 0170000
#define UK_S_IFDIR 0040000
#define UK_S_IFCHR 0020000
#define UK_S_IFREG 0100000
#define UK_S_IFIFO 0010000
#define UK_PATH_MAX 4096

struct uk_vnode {
    u32 mode; /* type and permission bits */
    u64 ino;
    char *name;
    struct uk_vnode *parent, *child, *sibling;
    int refs;       /* open files; a node unlinked while open lives until the last close */
    bool unlinked;
    u64 size;
    u8 **pages;     /* regular files: 4 KiB pages, NULL for holes */
    usize npages;
    const u8 *rodata; /* bundled files: contents in the image, copied on first write */
    /* generated files: contents made at open */
    usize (*generate)(char *buf, usize size);
    const struct uk_file_ops *dev_ops; /* device nodes */
    u64 mtime_ns;
};

void uk_vfs_init(void);
struct uk_vnode *uk_vfs_root(void);
/* Resolves path (absolute, or relative to dir); -errno. With parent_out, resolves all but the last
 * component and returns it in last (a pointer into path). */
long uk_vfs_lookup(struct uk_vnode *dir, const char *path, struct uk_vnode **out);
long uk_vfs_lookup_parent(struct uk_vnode *dir, char *path, struct uk_vnode **parent, char **last);
struct uk_vnode *uk_vfs_child(struct uk_vnode *dir, const char *name);
/* Creates name in dir (mode carries the type); -EEXIST when present. */
long uk_vfs_create(struct uk_vnode *dir, const char *name, u32 mode, struct uk_vnode **out);
long uk_vfs_unlink(struct uk_vnode *vn);
void uk_vfs_put(struct uk_vnode *vn);
long uk_vfs_read(struct uk_vnode *vn, void *ubuf, usize len, u64 off);
long uk_vfs_write(struct uk_vnode *vn, const void *ubuf, usize len, u64 off);
long uk_vfs_truncate(struct uk_vnode *vn, u64 size);
/* Kernel-side creation of a file with contents (bundled files, generated trees). */
struct uk_vnode *uk_vfs_mkpath(const char *path, u32 mode);
void uk_vfs_add_generated(const char *path, usize (*gen)(char *buf, usize size));
void uk_vfs_add_device(const char *path, const struct uk_file_ops *ops);
/* Opens a node as a file (generated files are rendered now). */
long uk_vfs_open(struct uk_vnode *vn, int flags, struct uk_file **out);
extern struct uk_vnode *uk_vfs_cwd;

/* Syscall helpers (lib/syscall/sys_fs.c): a user path copied in, the directory a *at() call starts
 * from, and a path resolved from (dirfd, user path); each returns 0 or -errno. */
long uk_fs_user_path(long upath, char *buf);
long uk_fs_start_dir(long dirfd, const char *path, struct uk_vnode **dir);
long uk_fs_resolve(long dirfd, long upath, struct uk_vnode **out);

/* The files the SDK bundled into the image (a cpio "newc" archive), unpacked at boot. */
void uk_initrd_unpack(void);
void uk_procfs_init(void);
void uk_devfs_init(void);

#endif
