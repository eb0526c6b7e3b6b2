/* vfs.h - the virtual file system: one tree of named nodes (vnodes) over mounted file systems (lib/fs:
 * ramfs at / and /dev/shm, devfs at /dev, procfs at /proc and /sys). The VFS owns names, mounts, lookup
 * and path walks; each file system implements the vnode operations and keeps its own data behind
 * fs_data. Opening a node is the file layer's (lib/fd: uk_file_open), which calls the node's open. */
#ifndef UK_VFS_H
#define UK_VFS_H
#include <uk/types.h>

/* file types (st_mode) */
#define UK_S_IFMT 0170000
#define UK_S_IFSOCK 0140000
#define UK_S_IFREG 0100000
#define UK_S_IFBLK 0060000
#define UK_S_IFDIR 0040000
#define UK_S_IFCHR 0020000
#define UK_S_IFIFO 0010000

#define UK_PATH_MAX 4096
#define UK_NAME_MAX 255

struct uk_vnode;
struct uk_mount;
struct uk_file; /* lib/fd: the VFS itself never opens files */

struct uk_vnode_ops {
    /* Opens the node: a new file (the VFS then sets f->vn). Required. */
    long (*open)(struct uk_vnode *vn, int flags, struct uk_file **out);
    /* Makes a node of type/permissions mode in directory dir: a new vnode from uk_vnode_new (the VFS
     * names and links it). NULL: the file system is read-only (-EROFS). */
    long (*create)(struct uk_vnode *dir, u32 mode, struct uk_vnode **out);
    /* May the node be removed? 0 or -errno. NULL: -EPERM. */
    long (*unlink)(struct uk_vnode *vn);
    /* Sets a regular file's size. NULL: -EINVAL. */
    long (*truncate)(struct uk_vnode *vn, u64 size);
    /* The node is unlinked and unreferenced: free fs_data. NULL: nothing to free. */
    void (*destroy)(struct uk_vnode *vn);
};

struct uk_mount {
    const char *fstype;
    u32 magic;                /* statfs f_type */
    struct uk_vnode *root;    /* the file system's root directory */
    struct uk_vnode *covered; /* the directory it is mounted on; NULL for / */
};

struct uk_vnode {
    u32 mode; /* type and permission bits */
    u64 ino;
    u64 size;
    u64 mtime_ns;
    int refs; /* open files; a node unlinked while open lives until the last close */
    bool unlinked;
    /* names (the VFS's) */
    char *name;
    struct uk_vnode *parent, *child, *sibling;
    struct uk_mount *mounted_here; /* a file system mounted on this directory */
    /* the file system's */
    struct uk_mount *mount;
    const struct uk_vnode_ops *ops;
    void *fs_data;
};

static inline bool uk_vnode_is(const struct uk_vnode *vn, u32 type) { return (vn->mode & UK_S_IFMT) == type; }

/* For file systems: a node of mount m, not yet in the tree. NULL when memory is short. */
struct uk_vnode *uk_vnode_new(struct uk_mount *m, u32 mode, const struct uk_vnode_ops *ops, void *fs_data);
/* For file systems building their own trees: links vn into directory dir as name; -EEXIST, -ENOMEM. */
long uk_vfs_link(struct uk_vnode *dir, const char *name, struct uk_vnode *vn);
/* Mounts m: its root becomes the directory at path (which must exist, or be "/" for the first mount). */
long uk_vfs_mount(const char *path, struct uk_mount *m);

struct uk_vnode *uk_vfs_root(void);
struct uk_vnode *uk_vfs_cwd(void);
void uk_vfs_set_cwd(struct uk_vnode *dir);
/* Resolves path (absolute, or relative to dir); -errno. */
long uk_vfs_lookup(struct uk_vnode *dir, const char *path, struct uk_vnode **out);
/* Resolves all but the last component of path (modified in place); the last one is returned in *last. */
long uk_vfs_lookup_parent(struct uk_vnode *dir, char *path, struct uk_vnode **parent, char **last);
/* The child called name of directory dir (".", ".." and mount points resolved), NULL when none. */
struct uk_vnode *uk_vfs_child(struct uk_vnode *dir, const char *name);
/* The idx-th entry of a directory (".", "..", then the children); false past the end. *cursor (NULL at
 * first) remembers the previous child, so that reading entries idx, idx+1, ... in turn costs O(1) each. */
bool uk_vfs_dirent(struct uk_vnode *dir, u64 idx, struct uk_vnode **cursor, const char **name, struct uk_vnode **vn);
bool uk_vfs_dir_empty(struct uk_vnode *dir);
/* Creates name in dir (mode carries the type); -EEXIST when present. */
long uk_vfs_create(struct uk_vnode *dir, const char *name, u32 mode, struct uk_vnode **out);
long uk_vfs_unlink(struct uk_vnode *vn);
/* Moves vn to newdir/name, replacing a node there (Linux rules); -EXDEV across file systems. */
long uk_vfs_rename(struct uk_vnode *vn, struct uk_vnode *newdir, const char *name);
long uk_vfs_truncate(struct uk_vnode *vn, u64 size);
void uk_vfs_hold(struct uk_vnode *vn);
void uk_vfs_put(struct uk_vnode *vn);
/* The absolute path of dir into buf; its length, or -ENAMETOOLONG. */
long uk_vfs_path(struct uk_vnode *dir, char *buf, usize size);
/* Kernel-side: makes every missing directory of path and the last component with mode; NULL on failure. */
struct uk_vnode *uk_vfs_mkpath(const char *path, u32 mode);

#endif
