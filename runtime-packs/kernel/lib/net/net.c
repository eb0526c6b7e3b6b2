/* net.c - what keeps lwIP running without a thread of its own (NO_SYS): one kernel timer armed for lwIP's
 * next timeout (TCP's 250 ms timers, ARP, ND6, DHCP), and delivery of looped-back packets (127.0.0.1,
 * ::1), both redone after every call into the stack through uk_net_kick, which also has the drivers send what they
 * held back to merge. */
#include <lwip/netif.h>
#include <lwip/priv/tcp_priv.h>
#include <lwip/timeouts.h>
#include <uk/arch.h>
#include <uk/netif.h>
#include <uk/print.h>
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

#define EXIT_DRAIN_NS 3000000000ULL

/* Connections with data (or a FIN) sent or queued that the peer has not acknowledged. */
static int unacknowledged(void)
{
    int n = 0;
    for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
        n += p->unsent || p->unacked || p->state == FIN_WAIT_1 || p->state == CLOSING || p->state == LAST_ACK;
    return n;
}

/* Interfaces whose device has not yet taken every frame handed to it (a UDP reply sent just before exit). */
static int tx_waiting(void)
{
    int n = 0;
    struct netif *nif;
    NETIF_FOREACH(nif)
    {
        struct uk_netif_dev *dev = uk_netif_dev_of(nif);
        n += dev && dev->tx_busy && dev->tx_busy(nif);
    }
    return n;
}

#define TX_POLL_NS 200000ULL /* the devices' transmit queues are polled: they interrupt only when full */

static void drain_timer_fn(struct uk_ktimer *t) { (void)t; }

void uk_net_exit_drain(void)
{
    uk_net_kick();
    int n = unacknowledged(), frames = tx_waiting();
    if (!n && !frames)
        return;
    u64 start = uk_time_monotonic_ns(), deadline = start + EXIT_DRAIN_NS;
    struct uk_ktimer timer = {.fn = drain_timer_fn};
    /* Interrupts (the NICs' and the timer's, which runs lwIP's timeouts and retransmissions) are taken only while
     * idle, as at boot (uk_net_boot_wait). */
    for (;;) {
        bool tcp = unacknowledged(), tx = tx_waiting();
        u64 now = uk_time_monotonic_ns();
        if ((!tcp && !tx) || now >= deadline)
            break;
        uk_ktimer_set(&timer, tx && now + TX_POLL_NS < deadline ? now + TX_POLL_NS : deadline);
        uk_arch_wait_for_interrupt();
    }
    uk_ktimer_set(&timer, 0);
    int left = unacknowledged(), unsent = tx_waiting();
    if (left)
        uk_pr_warn("net: exit: %d connection(s) still had unacknowledged data after %lu ms; it is lost\n", left,
                   (u64)(EXIT_DRAIN_NS / 1000000));
    if (unsent)
        uk_pr_warn("net: exit: %d interface(s) still had frames their device had not sent after %lu ms\n", unsent,
                   (u64)(EXIT_DRAIN_NS / 1000000));
    if (!left && !unsent)
        uk_pr_debug("net: exit: waited %lu us until %d connection(s) had their data acknowledged and %d interface(s) "
                    "their frames sent\n",
                    (uk_time_monotonic_ns() - start) / 1000, n, frames);
}
