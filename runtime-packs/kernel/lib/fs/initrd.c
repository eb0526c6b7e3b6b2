/* initrd.c - files the SDK bundled into the image: a cpio "newc" archive that the link step places in
 * the kernel's read-only data (image.h), unpacked into the root file system at boot. Each file's
 * contents stay in the image (uk_ramfs_set_contents) until a program writes to it. */
#include <uk/errno.h>
#include <uk/image.h>
#include <uk/initrd.h>
#include <uk/klibc.h>
#include <uk/print.h>
#include <uk/ramfs.h>

static u64 hex8(const char *p)
{
    u64 v = 0;
    for (int i = 0; i < 8; i++) {
        char c = p[i];
        v = v * 16 + (c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : 0);
    }
    return v;
}

/* One entry's name: terminated inside its namesize, which the archive bounds; NULL otherwise. */
static const char *entry_name(const char *name, u64 namesize, const char *end)
{
    if (namesize == 0 || namesize > (u64)(end - name) || name[namesize - 1] != 0)
        return NULL;
    return name;
}

int uk_initrd_unpack_archive(const char *p, const char *end)
{
    int files = 0;
    while (end - p >= 110 && !uk_strncmp(p, "070701", 6)) {
        u64 mode = hex8(p + 14), size = hex8(p + 54), namesize = hex8(p + 94);
        const char *name = entry_name(p + 110, namesize, end);
        if (!name) {
            uk_pr_warn("initrd: an entry's name is not inside the archive: the rest is ignored\n");
            break;
        }
        uptr data_off = UK_ALIGN_UP((uptr)(name + namesize), 4) - (uptr)p;
        if (data_off > (uptr)(end - p) || size > (u64)(end - p) - data_off)
            break;
        const char *data = p + data_off;
        if (!uk_strcmp(name, "TRAILER!!!"))
            break;
        char path[UK_PATH_MAX];
        if (uk_snprintf(path, sizeof(path), "/%s", name) >= (int)sizeof(path)) {
            uk_pr_warn("initrd: a name longer than %d bytes: skipped\n", UK_PATH_MAX - 2);
        } else if ((mode & UK_S_IFMT) == UK_S_IFDIR) {
            uk_vfs_mkpath(path, UK_S_IFDIR | (mode & 07777));
        } else if ((mode & UK_S_IFMT) == UK_S_IFREG) {
            struct uk_vnode *vn = uk_vfs_mkpath(path, UK_S_IFREG | (mode & 07777));
            if (vn && !uk_ramfs_set_contents(vn, data, size))
                files++;
        }
        uptr next = UK_ALIGN_UP(data_off + size, 4);
        if (next >= (uptr)(end - p))
            break;
        p += next;
    }
    return files;
}

void uk_initrd_unpack(void)
{
    const char *p = __uk_initrd_start, *end = __uk_initrd_end;
    if ((uptr)end <= (uptr)p)
        return;
    uk_pr_debug("initrd: %d bundled file(s)\n", uk_initrd_unpack_archive(p, end));
}
