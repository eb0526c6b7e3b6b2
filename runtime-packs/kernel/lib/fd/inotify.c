/* inotify.c - inotify instances as files. A watch holds a reference to its node, one watch descriptor per node
 * and instance (Linux's rule), and read returns queued events as struct inotify_event records: whole records
 * only, -EINVAL when the buffer cannot take the first one, blocking (or -EAGAIN) while the queue is empty; poll
 * reports POLLIN while events wait. Removing a watch queues IN_IGNORED, as on Linux. The file tree does not
 * report its changes yet, so no other event is queued: a watcher (.NET's FileSystemWatcher, configuration
 * reload on change) starts and waits, and sees none of the changes made inside the VM. */
#include <uk/errno.h>
#include <uk/inotify.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/poll.h>
#include <uk/sched.h>
#include <uk/signal.h>

#define MAX_WATCHES 8192 /* Linux's default fs.inotify.max_user_watches is larger; a VM has few files */
#define FIONREAD 0x541b

struct watch {
    struct watch *next;
    struct uk_vnode *vn;
    int wd;
    u32 mask;
};

/* struct inotify_event as read(2) returns it; the name (none here) would follow, NUL-padded to len bytes. */
struct inotify_event {
    s32 wd;
    u32 mask;
    u32 cookie;
    u32 len;
};

struct event {
    struct event *next;
    struct inotify_event ev;
};

struct inotify {
    struct watch *watches;
    int nwatches;
    int last_wd;
    struct event *head, **tail;
    usize queued_bytes;
};

static const struct uk_file_ops inotify_ops;

static bool interrupted(void) { return uk_thread_current()->interrupted && uk_signal_pending(); }

static struct inotify *instance(struct uk_file *f) { return f->ops == &inotify_ops ? f->priv : NULL; }

static long queue(struct uk_file *f, int wd, u32 mask)
{
    struct inotify *in = f->priv;
    struct event *e = uk_kzalloc(sizeof(*e));
    if (!e)
        return -ENOMEM;
    e->ev.wd = wd;
    e->ev.mask = mask;
    *in->tail = e;
    in->tail = &e->next;
    in->queued_bytes += sizeof(e->ev) + e->ev.len;
    uk_file_notify(f, UK_POLLIN);
    return 0;
}

static long ino_read(struct uk_file *f, void *ubuf, usize len, u64 *pos)
{
    (void)pos;
    struct inotify *in = f->priv;
    while (!in->head) {
        if (f->flags & UK_O_NONBLOCK)
            return -EAGAIN;
        uk_waitq_wait(&f->wq, 0);
        if (!in->head && interrupted())
            return -EINTR;
    }
    usize done = 0;
    while (in->head) {
        struct event *e = in->head;
        usize size = sizeof(e->ev) + e->ev.len;
        if (len - done < size)
            break;
        if (!uk_user_copy_to((char *)ubuf + done, &e->ev, sizeof(e->ev)))
            return done ? (long)done : -EFAULT;
        done += size;
        in->head = e->next;
        if (!in->head)
            in->tail = &in->head;
        in->queued_bytes -= size;
        uk_kfree(e);
    }
    return done ? (long)done : -EINVAL;
}

static u32 ino_poll(struct uk_file *f, struct uk_poll_table *pt)
{
    struct inotify *in = f->priv;
    uk_poll_wait(pt, &f->wq);
    return in->head ? UK_POLLIN | UK_POLLRDNORM : 0;
}

static long ino_ioctl(struct uk_file *f, unsigned long req, long arg)
{
    struct inotify *in = f->priv;
    if (req != FIONREAD)
        return -ENOTTY;
    int n = (int)in->queued_bytes;
    return uk_user_copy_to((void *)arg, &n, sizeof(n)) ? 0 : -EFAULT;
}

static void ino_release(struct uk_file *f)
{
    struct inotify *in = f->priv;
    while (in->watches) {
        struct watch *w = in->watches;
        in->watches = w->next;
        uk_vfs_put(w->vn);
        uk_kfree(w);
    }
    while (in->head) {
        struct event *e = in->head;
        in->head = e->next;
        uk_kfree(e);
    }
    uk_kfree(in);
}

static const struct uk_file_ops inotify_ops = {
    .read = ino_read, .poll = ino_poll, .ioctl = ino_ioctl, .release = ino_release, .type = 0 /* anonymous inode */};

long uk_inotify_create(int flags, struct uk_file **out)
{
    struct inotify *in = uk_kzalloc(sizeof(*in));
    struct uk_file *f = in ? uk_file_new(&inotify_ops, UK_O_RDONLY | (flags & UK_O_NONBLOCK), in) : NULL;
    if (!f) {
        uk_kfree(in);
        return -ENOMEM;
    }
    in->tail = &in->head;
    *out = f;
    return 0;
}

long uk_inotify_add_watch(struct uk_file *f, struct uk_vnode *vn, u32 mask)
{
    struct inotify *in = instance(f);
    if (!in || !(mask & UK_IN_ALL_EVENTS) || ((mask & UK_IN_MASK_ADD) && (mask & UK_IN_MASK_CREATE)))
        return -EINVAL;
    if ((mask & UK_IN_ONLYDIR) && !uk_vnode_is(vn, UK_S_IFDIR))
        return -ENOTDIR;
    u32 keep = mask & (UK_IN_ALL_EVENTS | UK_IN_ONESHOT | UK_IN_EXCL_UNLINK);
    for (struct watch *w = in->watches; w; w = w->next) {
        if (w->vn != vn)
            continue;
        if (mask & UK_IN_MASK_CREATE)
            return -EEXIST;
        w->mask = (mask & UK_IN_MASK_ADD) ? w->mask | keep : keep;
        return w->wd;
    }
    if (in->nwatches >= MAX_WATCHES)
        return -ENOSPC;
    struct watch *w = uk_kzalloc(sizeof(*w));
    if (!w)
        return -ENOMEM;
    w->vn = vn;
    w->wd = ++in->last_wd;
    w->mask = keep;
    uk_vfs_hold(vn);
    w->next = in->watches;
    in->watches = w;
    in->nwatches++;
    return w->wd;
}

long uk_inotify_rm_watch(struct uk_file *f, int wd)
{
    struct inotify *in = instance(f);
    if (!in)
        return -EINVAL;
    for (struct watch **link = &in->watches; *link; link = &(*link)->next) {
        struct watch *w = *link;
        if (w->wd != wd)
            continue;
        *link = w->next;
        in->nwatches--;
        uk_vfs_put(w->vn);
        uk_kfree(w);
        return queue(f, wd, UK_IN_IGNORED);
    }
    return -EINVAL;
}
