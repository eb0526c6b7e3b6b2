/* sys_socket.c - the socket syscalls: the program's addresses, lengths, iovecs and options are checked
 * and copied here, then the socket layer (lib/net) does the work on kernel copies. Linux's errors for
 * bad descriptors (EBADF), descriptors that are not sockets (ENOTSOCK) and bad pointers (EFAULT). */
#include <uk/errno.h>
#include <uk/fd.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/socket.h>
#include <uk/syscall.h>

struct msghdr_k {
    u64 name;
    u32 namelen, pad0;
    u64 iov;
    u64 iovlen;
    u64 control;
    u64 controllen;
    s32 flags, pad1;
};

/* The socket at fd, held (uk_file_put when done); NULL with *err set. */
static struct uk_file *sock_of(long fd, long *err)
{
    struct uk_file *f = uk_fd_hold(fd);
    if (!f) {
        *err = -EBADF;
        return NULL;
    }
    if (!uk_is_socket(f)) {
        uk_file_put(f);
        *err = -ENOTSOCK;
        return NULL;
    }
    return f;
}

static long addr_in(struct uk_sockaddr *a, long uaddr, long len)
{
    if (len < 0 || len > (long)sizeof(*a))
        return -EINVAL;
    uk_memset(a, 0, sizeof(*a));
    return uk_user_copy_from(a, (const void *)uaddr, (usize)len) ? 0 : -EFAULT;
}

/* Copies an address out: at most the program's *ulen bytes, then the full length into *ulen. */
static long addr_out(const struct uk_sockaddr *a, u32 len, long uaddr, long ulen)
{
    if (!uaddr)
        return 0;
    s32 room;
    if (!uk_user_copy_from(&room, (const void *)ulen, sizeof(room)))
        return -EFAULT;
    if (room < 0)
        return -EINVAL;
    if (!uk_user_copy_to((void *)uaddr, a, UK_MIN((u32)room, len)) || !uk_user_copy_to((void *)ulen, &len, sizeof(len)))
        return -EFAULT;
    return 0;
}

long sys_socket(long domain, long type, long protocol)
{
    struct uk_file *f;
    long r = uk_socket_create((int)domain, (int)type, (int)protocol, &f);
    return r ? r : uk_fd_install_new(f, type & UK_SOCK_CLOEXEC);
}

long sys_socketpair(long domain, long type, long protocol, long usv)
{
    return domain == UK_AF_INET || domain == UK_AF_INET6 ? -EOPNOTSUPP : -EAFNOSUPPORT;
}

/* bind and connect: an address in, a call on the socket. */
static long with_address(long fd, long uaddr, long len, long (*call)(struct uk_file *, const struct uk_sockaddr *, u32))
{
    struct uk_sockaddr a;
    long r = addr_in(&a, uaddr, len);
    struct uk_file *f = r ? NULL : sock_of(fd, &r);
    if (!f)
        return r;
    r = call(f, &a, (u32)len);
    uk_file_put(f);
    return r;
}

long sys_bind(long fd, long uaddr, long len) { return with_address(fd, uaddr, len, uk_socket_bind); }

long sys_listen(long fd, long backlog)
{
    long r;
    struct uk_file *f = sock_of(fd, &r);
    if (!f)
        return r;
    r = uk_socket_listen(f, (int)backlog);
    uk_file_put(f);
    return r;
}

long sys_accept4(long fd, long uaddr, long ulen, long flags)
{
    if (flags & ~(UK_SOCK_NONBLOCK | UK_SOCK_CLOEXEC))
        return -EINVAL;
    long r;
    struct uk_file *f = sock_of(fd, &r), *c;
    if (!f)
        return r;
    struct uk_sockaddr a;
    u32 len = 0;
    r = uk_socket_accept(f, (int)flags, &c, &a, &len);
    uk_file_put(f);
    if (r)
        return r;
    if ((r = addr_out(&a, len, uaddr, ulen))) {
        uk_file_put(c);
        return r;
    }
    return uk_fd_install_new(c, flags & UK_SOCK_CLOEXEC);
}

long sys_accept(long fd, long uaddr, long ulen) { return sys_accept4(fd, uaddr, ulen, 0); }

long sys_connect(long fd, long uaddr, long len) { return with_address(fd, uaddr, len, uk_socket_connect); }

static long name(long fd, long uaddr, long ulen, bool peer)
{
    long r;
    struct uk_file *f = sock_of(fd, &r);
    if (!f)
        return r;
    struct uk_sockaddr a;
    u32 len;
    r = uk_socket_name(f, peer, &a, &len);
    uk_file_put(f);
    return r ? r : addr_out(&a, len, uaddr, ulen);
}

long sys_getsockname(long fd, long uaddr, long ulen) { return name(fd, uaddr, ulen, false); }
long sys_getpeername(long fd, long uaddr, long ulen) { return name(fd, uaddr, ulen, true); }

long sys_sendto(long fd, long ubuf, long len, long flags, long uaddr, long alen)
{
    struct uk_sockaddr a;
    long r = uaddr ? addr_in(&a, uaddr, alen) : 0;
    struct uk_file *f = r ? NULL : sock_of(fd, &r);
    if (!f)
        return r;
    struct uk_iov iov = {(void *)ubuf, (usize)len};
    r = uk_socket_sendmsg(f, &iov, 1, (int)flags, uaddr ? &a : NULL, (u32)alen);
    uk_file_put(f);
    return r;
}

long sys_recvfrom(long fd, long ubuf, long len, long flags, long uaddr, long ulen)
{
    long r;
    struct uk_file *f = sock_of(fd, &r);
    if (!f)
        return r;
    struct uk_iov iov = {(void *)ubuf, (usize)len};
    struct uk_sockaddr a;
    u32 alen = 0;
    r = uk_socket_recvmsg(f, &iov, 1, (int)flags, &a, &alen, NULL);
    uk_file_put(f);
    if (r >= 0 && uaddr) {
        long e = addr_out(&a, alen, uaddr, ulen);
        if (e)
            return e;
    }
    return r;
}

/* Reads a msghdr and its iovec array (kernel copy in *iov, freed by the caller). */
static long msg_in(long umsg, struct msghdr_k *m, struct uk_iov **iov)
{
    if (!uk_user_copy_from(m, (const void *)umsg, sizeof(*m)))
        return -EFAULT;
    if (m->iovlen > UK_IOV_MAX)
        return -EMSGSIZE;
    return uk_iov_import((const void *)m->iov, m->iovlen, iov);
}

long sys_sendmsg(long fd, long umsg, long flags)
{
    struct msghdr_k m;
    struct uk_iov *iov;
    long r = msg_in(umsg, &m, &iov);
    if (r)
        return r;
    struct uk_sockaddr a;
    if (m.name && (r = addr_in(&a, (long)m.name, m.namelen))) {
        uk_kfree(iov);
        return r;
    }
    struct uk_file *f = sock_of(fd, &r);
    if (f) {
        r = uk_socket_sendmsg(f, iov, (int)m.iovlen, (int)flags, m.name ? &a : NULL, m.namelen);
        uk_file_put(f);
    }
    uk_kfree(iov);
    return r;
}

long sys_recvmsg(long fd, long umsg, long flags)
{
    struct msghdr_k m;
    struct uk_iov *iov;
    long r = msg_in(umsg, &m, &iov);
    if (r)
        return r;
    struct uk_file *f = sock_of(fd, &r);
    if (!f) {
        uk_kfree(iov);
        return r;
    }
    struct uk_sockaddr a;
    u32 alen = 0;
    int mflags = 0;
    r = uk_socket_recvmsg(f, iov, (int)m.iovlen, (int)flags, &a, &alen, &mflags);
    uk_file_put(f);
    uk_kfree(iov);
    if (r < 0)
        return r;
    /* the sender's address (none for streams), no control messages, the flags */
    u32 namelen = m.name ? (u32)UK_MIN(m.namelen, alen) : 0;
    struct msghdr_k *um = (struct msghdr_k *)umsg;
    u64 zero = 0;
    if ((namelen && !uk_user_copy_to((void *)m.name, &a, namelen)) ||
        !uk_user_copy_to(&um->namelen, m.name ? &alen : (u32 *)&zero, sizeof(u32)) ||
        !uk_user_copy_to(&um->controllen, &zero, sizeof(zero)) || !uk_user_copy_to(&um->flags, &mflags, sizeof(int)))
        return -EFAULT;
    return r;
}

long sys_shutdown(long fd, long how)
{
    long r;
    struct uk_file *f = sock_of(fd, &r);
    if (!f)
        return r;
    r = uk_socket_shutdown(f, (int)how);
    uk_file_put(f);
    return r;
}

long sys_setsockopt(long fd, long level, long optname, long uval, long len)
{
    u8 val[128];
    if (len < 0)
        return -EINVAL;
    if (len > (long)sizeof(val))
        len = sizeof(val); /* longer values (filters, multicast lists) are not taken */
    if (!uk_user_copy_from(val, (const void *)uval, (usize)len))
        return -EFAULT;
    long r;
    struct uk_file *f = sock_of(fd, &r);
    if (!f)
        return r;
    r = uk_socket_setopt(f, (int)level, (int)optname, val, (u32)len);
    uk_file_put(f);
    return r;
}

long sys_getsockopt(long fd, long level, long optname, long uval, long ulen)
{
    s32 room;
    if (!uk_user_copy_from(&room, (const void *)ulen, sizeof(room)))
        return -EFAULT;
    if (room < 0)
        return -EINVAL;
    long r;
    struct uk_file *f = sock_of(fd, &r);
    if (!f)
        return r;
    u8 val[128];
    u32 len = (u32)UK_MIN(room, (s32)sizeof(val));
    r = uk_socket_getopt(f, (int)level, (int)optname, val, &len);
    uk_file_put(f);
    if (r)
        return r;
    if (!uk_user_copy_to((void *)uval, val, len) || !uk_user_copy_to((void *)ulen, &len, sizeof(len)))
        return -EFAULT;
    return 0;
}
