/* port.c - lwIP's hooks into the kernel: its clock (sys_now), random numbers (LWIP_RAND), memory (lwipopts.h's
 * mem_clib_*: the kernel heap), tcp_write's copy of the program's data (LWIP_CHKSUM_COPY) and atoi (arch/cc.h),
 * and starting lwIP at boot. */
#include <lwip/inet_chksum.h>
#include <lwip/init.h>
#include <lwip/netif.h>
#include <lwip/sys.h>
#include <uk/klibc.h>
#include <uk/lwip.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/random.h>
#include <uk/time.h>

/* lwIP's clock: milliseconds, wrapping at 2^32 (lwIP compares timeouts modulo 2^32). */
u32_t sys_now(void) { return (u32_t)(uk_time_monotonic_ns() / 1000000); }

/* Local ports, DHCP transaction ids, IPv6 identifiers: unpredictable (initial sequence numbers: tcp_isn.c). */
u32 uk_lwip_port_rand(void)
{
    u32 r;
    uk_random_bytes(&r, sizeof(r));
    return r;
}

/* The kernel heap's blocks are 16-byte aligned (lwIP asserts MEM_ALIGNMENT). */
void *uk_lwip_port_malloc(usize size) { return uk_kmalloc(size); }

void uk_lwip_port_free(void *p) { uk_kfree(p); }

void *uk_lwip_port_calloc(usize count, usize size)
{
    if (size && count > (usize)-1 / size)
        return NULL;
    return uk_kzalloc(count * size);
}

static bool copy_failed;

/* tcp_write's only callers hand it the program's buffers (tcp_io.c), so lwIP copies them straight from the program
 * into its segments, through the checked user copy, and sums them on the way (as lwIP's own lwip_chksum_copy). */
u16_t uk_lwip_copy_in(void *dst, const void *usrc, u16_t len)
{
    if (!uk_user_copy_from(dst, usrc, len)) {
        uk_memset(dst, 0, len);
        copy_failed = true;
    }
    return (u16_t)~inet_chksum(dst, len); /* the plain sum: inet_chksum complements it */
}

bool uk_lwip_copy_failed(void)
{
    bool r = copy_failed;
    copy_failed = false;
    return r;
}

/* netif_find() parses the number of an interface name ("lo0"): optional sign, decimal digits. */
int uk_lwip_port_atoi(const char *s)
{
    int sign = 1, v = 0;
    if (*s == '-' || *s == '+')
        sign = *s++ == '-' ? -1 : 1;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return sign * v;
}

void uk_lwip_init(void)
{
    u64 start = uk_time_monotonic_ns();
    lwip_init();
    /* Loopback packets never leave memory: lo neither computes nor checks checksums, as on Linux. */
    struct netif *lo = netif_find("lo0");
    UK_ASSERT(lo);
    NETIF_SET_CHECKSUM_CTRL(lo, NETIF_CHECKSUM_DISABLE_ALL);
    uk_pr_info("lwIP %s: lo 127.0.0.1 ::1 (started in %lu us)\n", LWIP_VERSION_STRING,
               (uk_time_monotonic_ns() - start) / 1000);
}
