/* initrd_fuzz.c - libFuzzer target "initrd": the archive of bundled files (cpio "newc") that the link step places
 * in the image, unpacked by lib/fs/initrd.c into a ramfs root (lib/vfs, lib/fs/ramfs.c). The SDK writes the
 * archive, but its names and sizes come from the user's project, and a damaged image must not corrupt the
 * kernel: an input is the archive, placed in a block of exactly its size (ASan sees a read past it). After each
 * input the tree must be a tree of named nodes (no empty, ".", ".." or slashed names; every parent a
 * directory); then the harness removes it, as the files' contents point into the input. */
#include <uk/initrd.h>
#include <uk/klibc.h>
#include <uk/ramfs.h>
#include <uk/vfs.h>
#include "host.h"

/* lib/fd's files reach epoll when closed: no epoll here (the harness opens no file). */
void uk_epoll_file_closed(struct uk_file *f) { (void)f; }

static u32 nodes;

static void check(struct uk_vnode *dir, int depth)
{
    if (depth > UK_PATH_MAX / 2)
        fz_host_crash("the tree is deeper than any path");
    for (struct uk_vnode *c = dir->child; c; c = c->sibling) {
        if (!uk_vnode_is(dir, UK_S_IFDIR))
            fz_host_crash("a node's parent is not a directory");
        if (c->parent != dir)
            fz_host_crash("a child does not name its parent");
        const char *n = c->name;
        if (!n || !*n || !uk_strcmp(n, ".") || !uk_strcmp(n, "..") || uk_strstr(n, "/") || uk_strlen(n) > UK_NAME_MAX)
            fz_host_crash("a node with an impossible name");
        if (++nodes > 1000000)
            fz_host_crash("more nodes than the archive has entries");
        check(c, depth + 1);
    }
}

/* Removes everything below dir, children first. */
static void empty(struct uk_vnode *dir)
{
    while (dir->child) {
        struct uk_vnode *c = dir->child;
        empty(c);
        if (uk_vfs_unlink(c))
            fz_host_crash("a bundled node cannot be removed");
    }
}

int LLVMFuzzerTestOneInput(const u8 *data, usize size)
{
    static bool mounted;
    if (!mounted) {
        struct uk_mount *root = uk_ramfs_new(0755);
        if (!root || uk_vfs_mount("/", root))
            fz_host_crash("no ramfs root");
        mounted = true;
    }
    char *archive = fz_host_alloc(size, 1);
    uk_memcpy(archive, data, size);
    if (uk_initrd_unpack_archive(archive, archive + size) < 0)
        fz_host_crash("a negative number of files");
    nodes = 0;
    check(uk_vfs_root(), 0);
    empty(uk_vfs_root());
    fz_host_free(archive);
    return 0;
}
