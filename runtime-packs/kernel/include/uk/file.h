/* file.h - open files: the object behind a file descriptor and the operations every kind of file
 * implements (regular and generated files, directories, devices, pipes, eventfds, epoll instances; later
 * sockets). The syscalls work through these operations only, never on a file's type.
 * Each file has a wait queue: when its readiness changes, its implementation wakes the queue. */
#ifndef UK_FILE_H
#define UK_FILE_H
#include <uk/arch.h>
#include <uk/types.h>
#include <uk/vfs.h>
#include <uk/wait.h>

/* poll(2) events, as Linux numbers them */
#define UK_POLLIN 0x001
#define UK_POLLPRI 0x002
#define UK_POLLOUT 0x004
#define UK_POLLERR 0x008
#define UK_POLLHUP 0x010
#define UK_POLLNVAL 0x020
#define UK_POLLRDNORM 0x040
#define UK_POLLWRNORM 0x100
#define UK_POLLRDHUP 0x2000

/* open(2) flags the file layer keeps (Linux values) */
#define UK_O_ACCMODE 03
#define UK_O_RDONLY 00
#define UK_O_WRONLY 01
#define UK_O_RDWR 02
#define UK_O_CREAT 0100
#define UK_O_EXCL 0200
#define UK_O_TRUNC 01000
#define UK_O_APPEND 02000
#define UK_O_NONBLOCK 04000
#define UK_O_DIRECT UK_ARCH_O_DIRECT
#define UK_O_DIRECTORY UK_ARCH_O_DIRECTORY
#define UK_O_CLOEXEC 02000000

struct uk_file;
struct uk_vnode;
struct uk_poll_table;
struct uk_epitem;
struct uk_iov;

struct uk_file_ops {
    /* Read or write at *pos (the file position, or pread/pwrite's offset) and advance it; user buffers. */
    long (*read)(struct uk_file *f, void *ubuf, usize len, u64 *pos);
    long (*write)(struct uk_file *f, const void *ubuf, usize len, u64 *pos);
    /* readv/writev over the program's buffers (iov: a kernel copy of the array) as one call: files whose unit
     * is a message (datagram sockets) receive or send one message over all the buffers. NULL: the syscalls
     * call read/write once per buffer, stopping at the first short one. */
    long (*readv)(struct uk_file *f, const struct uk_iov *iov, int niov, u64 *pos);
    long (*writev)(struct uk_file *f, const struct uk_iov *iov, int niov, u64 *pos);
    /* NULL: -ENOTTY */
    long (*ioctl)(struct uk_file *f, unsigned long req, long arg);
    /* The UK_POLL* events ready now; with pt, also registers the caller on the wait queues whose
     * wake-ups announce a change (uk_poll_wait). NULL: always readable and writable for poll and
     * select, and not watchable by epoll (-EPERM, as Linux for regular files and directories). */
    u32 (*poll)(struct uk_file *f, struct uk_poll_table *pt);
    /* The new position for lseek (uk_file_seek does the usual arithmetic). NULL: -ESPIPE, and
     * pread/pwrite are refused the same way. */
    long (*llseek)(struct uk_file *f, s64 off, int whence);
    /* NULL: nothing to flush */
    long (*fsync)(struct uk_file *f);
    /* The last reference went away. */
    void (*release)(struct uk_file *f);
    u32 type; /* UK_S_IF*: what fstat reports for a file without a node */
};

struct uk_file {
    const struct uk_file_ops *ops;
    int refs;
    int flags; /* UK_O_* status flags */
    u64 pos;
    struct uk_vnode *vn; /* files opened from a path; NULL for pipes, eventfds, sockets */
    void *priv;          /* the implementation's object */
    struct uk_waitq wq;  /* woken when the file's readiness changes */
    /* the epoll registrations watching this file (epoll.h) */
    struct uk_epitem *epitems;
};

/* A new file with one reference; NULL when memory is short. */
struct uk_file *uk_file_new(const struct uk_file_ops *ops, int flags, void *priv);
static inline void uk_file_get(struct uk_file *f) { f->refs++; }
/* Drops a reference; the last one takes the file out of every epoll instance, then releases it (and
 * its node). */
void uk_file_put(struct uk_file *f);
/* Opens node vn through its file system (the file then holds a reference to vn). */
long uk_file_open(struct uk_vnode *vn, int flags, struct uk_file **out);
/* The file operations of an open directory, for every file system: read is -EISDIR, the position is
 * an entry index (getdents64, rewinddir). */
extern const struct uk_file_ops uk_dir_file_ops;
/* lseek arithmetic over a file of the given size: the new position, or -EINVAL. */
long uk_file_seek(struct uk_file *f, s64 off, int whence, u64 size);
/* The file's readiness changed: wakes whoever waits on it. */
static inline void uk_file_notify(struct uk_file *f, u32 events) { uk_waitq_wake(&f->wq, events); }

#endif
