/* syscall.h - the Linux syscall ABI as the kernel implements it: each syscall is a sys_<name>()
 * returning a value or -errno, listed once in lib/syscall/table.c by its Linux number. */
#ifndef UK_SYSCALL_H
#define UK_SYSCALL_H
#include <uk/arch.h>
#include <uk/types.h>

#if defined(__x86_64__)
#include <uk/syscall_nr_x86_64.h>
#else
#include <uk/syscall_nr_arm64.h>
#endif

typedef long (*uk_syscall_fn)(long, long, long, long, long, long);

/* The current thread's user frame (top of its kernel stack). */
struct uk_trapframe *uk_syscall_frame(void);

/* Files: the fd table (lib/syscall/sys_file.c). */
struct uk_file;
struct uk_file_ops {
    long (*read)(struct uk_file *f, void *buf, usize len);
    long (*write)(struct uk_file *f, const void *buf, usize len);
    void (*close)(struct uk_file *f);
    int mode; /* S_IFCHR, S_IFREG, ... for fstat */
};
struct uk_vnode;
struct uk_file {
    const struct uk_file_ops *ops;
    int refs;
    int flags;
    void *data;
    struct uk_vnode *vn; /* filesystem files: the node, and the offset */
    u64 pos;
};
void uk_files_init(void);
long uk_fd_install(struct uk_file *f);
struct uk_file *uk_fd_get(long fd);
/* A file's readiness changed: wake threads in poll(). */
void uk_poll_notify(void);

#define UK_SYSCALL_DECL(name) long sys_##name()
#endif
