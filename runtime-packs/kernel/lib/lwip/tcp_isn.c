/* tcp_isn.c - TCP initial sequence numbers as RFC 6528 defines them (lwipopts.h's LWIP_HOOK_TCP_ISN): a clock
 * that advances once every 4 microseconds (the kernel's monotonic clock) plus a keyed hash of the connection's
 * addresses and ports (SipHash-2-4 under a 128-bit key drawn from the kernel's random bytes once, at the first
 * connection). An attacker off the path cannot predict the numbers (lwIP's own are a counter: n, n+1, ...), and a
 * port pair used again starts above where its last connection started, so a peer still holding that connection
 * in TIME_WAIT takes the new SYN (RFC 6191), as it does from Linux. */
#include <lwip/ip_addr.h>
#include <uk/klibc.h>
#include <uk/random.h>
#include <uk/siphash.h>
#include <uk/time.h>
#include "uk_lwip_hooks.h"

static u8 key[16];
static bool keyed;

/* An address into msg as its family byte and its 4 or 16 bytes; the bytes written. */
static usize put_addr(u8 *msg, const ip_addr_t *a)
{
    msg[0] = IP_GET_TYPE(a);
    if (IP_IS_V6(a)) {
        uk_memcpy(msg + 1, ip_2_ip6(a)->addr, 16);
        return 17;
    }
    u32 v4 = ip4_addr_get_u32(ip_2_ip4(a));
    uk_memcpy(msg + 1, &v4, 4);
    return 5;
}

u32_t uk_lwip_tcp_isn(const struct ip_addr *local, u16_t lport, const struct ip_addr *remote, u16_t rport)
{
    if (!keyed) {
        uk_random_bytes(key, sizeof(key));
        keyed = true;
    }
    u8 msg[2 * 17 + 4];
    usize n = put_addr(msg, local);
    n += put_addr(msg + n, remote);
    msg[n++] = (u8)(lport >> 8);
    msg[n++] = (u8)lport;
    msg[n++] = (u8)(rport >> 8);
    msg[n++] = (u8)rport;
    u32 ticks = (u32)(uk_time_monotonic_ns() / 4000); /* M: 250,000 a second, wrapping every 4.77 hours */
    return ticks + (u32)uk_siphash24(key, msg, n);
}
