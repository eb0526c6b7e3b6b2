/* net.c - what keeps lwIP running without a thread of its own (NO_SYS): one kernel timer armed for lwIP's
 * next timeout (TCP's 250 ms timers, ARP, ND6, DHCP), and delivery of looped-back packets (127.0.0.1,
 * ::1), both redone after every call into the stack through uk_net_kick, which also has the drivers send what they
 * held back to merge. */
#include <lwip/netif.h>
#include <lwip/timeouts.h>
#include <uk/netif.h>
#include <uk/sched.h>
#include <uk/socket.h>
#include <uk/time.h>

static struct uk_ktimer timer;
static bool kicking;

static void expired(struct uk_ktimer *t)
{
    sys_check_timeouts();
    uk_net_kick();
}

void uk_net_kick(void)
{
    if (kicking) /* loopback delivery calls back into the socket layer, which kicks again */
        return;
    kicking = true;
    netif_poll_all();
    uk_netif_flush(); /* what drivers held back to merge */
    kicking = false;
    u32 ms = sys_timeouts_sleeptime();
    u64 at = ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE ? 0 : uk_time_monotonic_ns() + (u64)ms * 1000000ULL;
    /* an earlier timeout moves the timer; a later one lets it fire early and find nothing due */
    if (at && (!timer.deadline || at < timer.deadline)) {
        timer.fn = expired;
        uk_ktimer_set(&timer, at);
    }
}
