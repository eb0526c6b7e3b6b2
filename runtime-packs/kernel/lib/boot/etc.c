/* etc.c - the files of /etc that libc and runtimes read, as Linux's init would leave them: one user and
 * group (root, the program's identity; X.509 stores need a home), loopback names for getaddrinfo, the
 * host name. Ordinary files of the root file system (a program may rewrite them; bundled files of the
 * same name replace them), their first contents read in place from the kernel image. */
#include <uk/boot.h>
#include <uk/klibc.h>
#include <uk/print.h>
#include <uk/ramfs.h>

static const struct {
    const char *path, *text;
} files[] = {
    {"/etc/passwd", "root:x:0:0:root:/:/sbin/nologin\n"},
    {"/etc/group", "root:x:0:\n"},
    {"/etc/hosts", "127.0.0.1 localhost unikraft\n::1 localhost ip6-localhost\n"},
    {"/etc/hostname", "unikraft\n"},
};

void uk_boot_etc_files(void)
{
    for (usize i = 0; i < UK_ARRAY_SIZE(files); i++) {
        struct uk_vnode *vn = uk_vfs_mkpath(files[i].path, UK_S_IFREG | 0644);
        if (!vn || uk_ramfs_set_contents(vn, files[i].text, uk_strlen(files[i].text)))
            uk_panic("cannot write %s", files[i].path);
    }
}
