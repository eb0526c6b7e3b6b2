/* netif.h - network interfaces (lib/net): an Ethernet driver hands its device to the network layer, which makes
 * it an lwIP interface en0, en1, … (in the order added) with ARP, IPv6 link-local and SLAAC addresses, and an
 * IPv4 address from the kernel command line (net.ip=, net.<name>.ip=) or DHCP; it logs each interface once
 * configured and writes /etc/resolv.conf. The driver feeds received frames to netif->input and calls
 * uk_net_kick() afterwards; lwIP calls the driver's transmit for each frame to send. */
#ifndef UK_NETIF_H
#define UK_NETIF_H
#include <uk/types.h>

struct netif;
struct pbuf;

/* Per-interface counters (the fields of Linux's /proc/net/dev). Errors: malformed frames from the device;
 * dropped: frames lost for lack of memory (rx) or of room in the device's queue (tx). */
struct uk_netif_stats {
    u64 rx_packets, rx_bytes, rx_errors, rx_dropped;
    u64 tx_packets, tx_bytes, tx_errors, tx_dropped;
};

/* What an Ethernet driver describes and provides. */
struct uk_netif_dev {
    const char *where; /* the device, for the boot log ("virtio mmio@0xfeb00e00 irq 12 v2") */
    u8 mac[6];
    bool has_mac; /* false: the interface gets a random locally administered address */
    u16 mtu;      /* 0: 1500 */
    bool link_up;
    /* Sends one frame (the pbuf chain p, tot_len at most mtu + 18 bytes), copying it before returning: lwIP's
     * linkoutput. ERR_OK, or ERR_MEM when the device's queue is full (the frame is dropped; TCP sends the
     * segment again once uk_netif_tx_ready says the queue has room). */
    s8 (*transmit)(struct netif *n, struct pbuf *p);
    /* Sends what transmit accepted but held back (to merge TCP segments into one large frame); called after every
     * call into lwIP. NULL: transmit holds nothing back. */
    void (*flush)(struct netif *n);
    /* Whether frames transmit accepted still wait for the device to take them (the exit drain waits for them, as
     * Linux sends a datagram queued by a process that has exited). NULL: transmit hands every frame over at once. */
    bool (*tx_busy)(struct netif *n);
    void *priv; /* the driver's, as netif->state */
    struct uk_netif_stats stats;
};

/* Adds dev as the next interface (en0, en1, …): configured from the command line, else by DHCP; the first is
 * the default route. The lwIP interface, NULL when memory is short. */
struct netif *uk_netif_add(struct uk_netif_dev *dev);
/* Asks, before a driver negotiates with its device, whether the command line leaves the next interface name to
 * the program (net.raw=en1): then true, name gets it ("en1", consumed), and the driver must not uk_netif_add the
 * device but offer its frames itself (as /dev/net/<name>); false leaves the name to the next uk_netif_add. */
bool uk_netif_take_raw(char name[8]);
/* "en0", … */
const char *uk_netif_name(struct netif *n);
/* The device a driver added as interface n; NULL for lo (and interfaces still being added). */
struct uk_netif_dev *uk_netif_dev_of(struct netif *n);
/* At boot, after lwIP starts: the network's files (/proc/net/..., /sys/class/net/lo); each interface a driver
 * adds gets its own (/sys/class/net/en0/...). */
void uk_net_files_init(void);
/* The device's link went up or down. */
void uk_netif_set_link(struct netif *n, bool up);
/* The device's transmit queue has room again after an ERR_MEM: sends what TCP held back. */
void uk_netif_tx_ready(struct netif *n);
/* Has every interface send what its driver's transmit held back (uk_netif_dev.flush): uk_net_kick calls it after
 * every call into lwIP. */
void uk_netif_flush(void);

/* A net.* option of the kernel command line (net.ip=, net.gw=, net.dns=, net.<name>.ip=, …, net.wait=, net.raw=): NULL
 * when taken, else what is wrong with it. Called while the command line is parsed, before anything else. */
const char *uk_net_option(const char *token);
/* At the end of the boot: writes /etc/resolv.conf from net.dns=, then waits (at most net.wait= seconds) until
 * every interface without net.ip= has its DHCP lease, so the program starts with its network configured. */
void uk_net_boot_wait(void);

#endif
