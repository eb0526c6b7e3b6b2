/* nonet.c - the network layer of an image without one (libukcore-nonet.a, UnikraftNetworking=false or a program
 * that opens no socket): what lib/net and lib/lwip give the rest of the kernel, without lwIP, sockets or
 * interfaces. As on a Linux kernel built without the protocols, socket() fails with EAFNOSUPPORT for every
 * family, so no socket file ever exists and the other socket calls find none (ENOTSOCK, EBADF); net.* options
 * are accepted and ignored with one warning, and a virtio-net device is left alone (drivers/virtio/
 * virtio_net_nonet.c). runtime-packs/Makefile links this library instead of lib/net, lib/lwip and lwIP. */
#include <uk/errno.h>
#include <uk/lwip.h>
#include <uk/netif.h>
#include <uk/print.h>
#include <uk/socket.h>

void uk_lwip_init(void) {}

void uk_net_files_init(void) {}

void uk_net_boot_wait(void) {}

void uk_net_exit_drain(void) {}

const char *uk_net_option(const char *token)
{
    static bool told;
    if (!told) {
        told = true;
        uk_pr_warn("'%s' and the other net.* options are ignored: this image has no network stack (the program opens "
                   "no socket; UnikraftNetworking=true links one)\n",
                   token);
    }
    return NULL;
}

long uk_socket_create(int domain, int type, int protocol, struct uk_file **out) { return -EAFNOSUPPORT; }

bool uk_is_socket(const struct uk_file *f) { return false; }

/* Unreachable: without socket files the syscalls stop at ENOTSOCK before calling these. */
long uk_socket_bind(struct uk_file *f, const struct uk_sockaddr *a, u32 len) { return -ENOTSOCK; }

long uk_socket_listen(struct uk_file *f, int backlog) { return -ENOTSOCK; }

long uk_socket_accept(struct uk_file *f, int flags, struct uk_file **out, struct uk_sockaddr *peer, u32 *len)
{
    return -ENOTSOCK;
}

long uk_socket_connect(struct uk_file *f, const struct uk_sockaddr *a, u32 len) { return -ENOTSOCK; }

long uk_socket_sendmsg(struct uk_file *f, const struct uk_iov *iov, int niov, int flags, const struct uk_sockaddr *to,
                       u32 tolen)
{
    return -ENOTSOCK;
}

long uk_socket_recvmsg(struct uk_file *f, const struct uk_iov *iov, int niov, int flags, struct uk_sockaddr *from,
                       u32 *fromlen, int *msg_flags)
{
    return -ENOTSOCK;
}

long uk_socket_shutdown(struct uk_file *f, int how) { return -ENOTSOCK; }

long uk_socket_name(struct uk_file *f, bool peer, struct uk_sockaddr *a, u32 *len) { return -ENOTSOCK; }

long uk_socket_setopt(struct uk_file *f, int level, int name, const void *val, u32 len) { return -ENOTSOCK; }

long uk_socket_getopt(struct uk_file *f, int level, int name, void *val, u32 *len) { return -ENOTSOCK; }
