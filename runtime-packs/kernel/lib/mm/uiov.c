/* uiov.c - the program's scatter/gather buffers: importing an iovec array from the program (as Linux's
 * import_iovec checks it) and copying between a list of user buffers and kernel memory, piece by piece
 * through the checked user copies, so a bad address anywhere is EFAULT. readv/writev and the socket calls
 * share these. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>

#define MAX_RW_COUNT 0x7ffff000UL /* INT_MAX rounded down to a page: the most one call moves */

long uk_iov_import(const void *uiov, usize cnt, struct uk_iov **out)
{
    if (cnt > UK_IOV_MAX)
        return -EINVAL;
    struct uk_iov *iov = uk_kmalloc(cnt ? cnt * sizeof(*iov) : 1);
    if (!iov)
        return -ENOMEM;
    if (!uk_user_copy_from(iov, uiov, cnt * sizeof(*iov))) {
        uk_kfree(iov);
        return -EFAULT;
    }
    usize total = 0;
    for (usize i = 0; i < cnt; i++) {
        if ((long)iov[i].len < 0) {
            uk_kfree(iov);
            return -EINVAL;
        }
        if (iov[i].len > MAX_RW_COUNT - total)
            iov[i].len = MAX_RW_COUNT - total;
        total += iov[i].len;
    }
    *out = iov;
    return 0;
}

usize uk_iov_len(const struct uk_iov *iov, int n)
{
    usize total = 0;
    for (int i = 0; i < n; i++)
        total += iov[i].len;
    return total;
}

/* Walks len bytes of the iovecs after skip, calling fn on each piece; false when fn fails. */
static bool iov_walk(const struct uk_iov *iov, int n, usize skip, usize len, bool (*fn)(void *u, void *k, usize n),
                     void *k)
{
    for (int i = 0; i < n && len; i++) {
        if (skip >= iov[i].len) {
            skip -= iov[i].len;
            continue;
        }
        usize take = UK_MIN(iov[i].len - skip, len);
        if (!fn((u8 *)iov[i].base + skip, k, take))
            return false;
        k = (u8 *)k + take;
        len -= take;
        skip = 0;
    }
    return !len;
}

static bool from_user(void *u, void *k, usize n) { return uk_user_copy_from(k, u, n); }
static bool to_user(void *u, void *k, usize n) { return uk_user_copy_to(u, k, n); }

bool uk_iov_copy_from(void *dst, const struct uk_iov *iov, int n, usize skip, usize len)
{
    return iov_walk(iov, n, skip, len, from_user, dst);
}

bool uk_iov_copy_to(const struct uk_iov *iov, int n, usize skip, const void *src, usize len)
{
    return iov_walk(iov, n, skip, len, to_user, (void *)src);
}
