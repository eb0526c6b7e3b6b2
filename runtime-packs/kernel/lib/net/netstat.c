/* netstat.c - /proc/net's socket tables in Linux's formats (tcp, tcp6, udp, udp6: every lwIP PCB, as
 * IPGlobalProperties.GetActiveTcpListeners/Connections and netstat read them) and the socket counts of
 * /proc/net/sockstat and sockstat6. A socket is listed where Linux lists it: AF_INET ones in tcp/udp, AF_INET6
 * ones (dual-stack included, their IPv4 peers as ::ffff:a.b.c.d) in tcp6/udp6. */
#include <lwip/priv/tcp_priv.h>
#include <lwip/tcp.h>
#include <lwip/udp.h>
#include <uk/procfs.h>
#include <uk/socket.h>
#include "ifinfo.h"
#include "sock.h"

/* Linux's TCP states (include/net/tcp_states.h) by lwIP's enum tcp_state */
static const u8 linux_state[] = {
    [CLOSED] = 7,     [LISTEN] = 10,    [SYN_SENT] = 2, [SYN_RCVD] = 3, [ESTABLISHED] = 1, [FIN_WAIT_1] = 4,
    [FIN_WAIT_2] = 5, [CLOSE_WAIT] = 8, [CLOSING] = 11, [LAST_ACK] = 9, [TIME_WAIT] = 6,
};
#define UDP_UNCONNECTED 7 /* TCP_CLOSE, as Linux shows unconnected UDP sockets */

/* Whether a PCB belongs in the IPv6 table: its socket's domain, or (no socket: TIME_WAIT, connections not yet
 * accepted) its address type. */
static bool v6_table(const ip_addr_t *local, const struct sock *s)
{
    return s ? s->domain == UK_AF_INET6 : !IP_IS_V4(local);
}

/* local or remote address:port, as the table of its family prints it */
static void endpoint(struct uk_procfs_out *o, const ip_addr_t *a, u16 port, bool v6)
{
    if (!v6) {
        uk_procfs_printf(o, " %08X:%04X", IP_IS_V4(a) ? ip4_addr_get_u32(ip_2_ip4(a)) : 0u, port);
        return;
    }
    u32 w[4] = {0, 0, 0, 0};
    if (IP_IS_V4(a) && !ip_addr_isany(a)) { /* ::ffff:a.b.c.d */
        w[2] = PP_HTONL(0xffffu);
        w[3] = ip4_addr_get_u32(ip_2_ip4(a));
    } else if (IP_IS_V6(a)) {
        for (int k = 0; k < 4; k++)
            w[k] = ip_2_ip6(a)->addr[k];
    }
    uk_procfs_printf(o, " %08X%08X%08X%08X:%04X", w[0], w[1], w[2], w[3], port);
}

static void header(struct uk_procfs_out *o, bool v6)
{
    if (v6)
        uk_procfs_printf(o, "  sl  local_address                         remote_address                        st "
                            "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
    else
        uk_procfs_printf(o, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
                            "timeout inode\n");
}

static void row(struct uk_procfs_out *o, int *sl, const ip_addr_t *l, u16 lport, const ip_addr_t *r, u16 rport,
                u8 state, const struct sock *s, bool v6)
{
    uk_procfs_printf(o, "%4d:", (*sl)++);
    endpoint(o, l, lport, v6);
    endpoint(o, r, rport, v6);
    u32 rx = s ? (u32)UK_MIN(s->rx_bytes, (usize)0xffffffffu) : 0;
    uk_procfs_printf(o, " %02X 00000000:%08X 00:00000000 00000000     0        0 0 1 0000000000000000\n", state, rx);
}

static void tcp_list(struct uk_procfs_out *o, int *sl, struct tcp_pcb *p, bool v6)
{
    for (; p; p = p->next)
        if (v6_table(&p->local_ip, p->callback_arg) == v6)
            row(o, sl, &p->local_ip, p->local_port, &p->remote_ip, p->remote_port, linux_state[p->state],
                p->callback_arg, v6);
}

static void tcp_table(struct uk_procfs_out *o, bool v6)
{
    int sl = 0;
    header(o, v6);
    for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l; l = l->next) {
        ip_addr_t none;
        ip_addr_set_zero(&none);
        if (v6_table(&l->local_ip, l->callback_arg) == v6)
            row(o, &sl, &l->local_ip, l->local_port, &none, 0, linux_state[LISTEN], NULL, v6);
    }
    tcp_list(o, &sl, tcp_bound_pcbs, v6);
    tcp_list(o, &sl, tcp_active_pcbs, v6);
    tcp_list(o, &sl, tcp_tw_pcbs, v6);
}

static void udp_table(struct uk_procfs_out *o, bool v6)
{
    int sl = 0;
    header(o, v6);
    for (struct udp_pcb *p = udp_pcbs; p; p = p->next) {
        const struct sock *s = p->recv_arg;
        if (v6_table(&p->local_ip, s) != v6)
            continue;
        bool connected = p->flags & UDP_FLAGS_CONNECTED;
        row(o, &sl, &p->local_ip, p->local_port, &p->remote_ip, connected ? p->remote_port : 0,
            connected ? linux_state[ESTABLISHED] : UDP_UNCONNECTED, s, v6);
    }
}

static void tcp4_file(struct uk_procfs_out *o, void *arg) { tcp_table(o, false); }
static void tcp6_file(struct uk_procfs_out *o, void *arg) { tcp_table(o, true); }
static void udp4_file(struct uk_procfs_out *o, void *arg) { udp_table(o, false); }
static void udp6_file(struct uk_procfs_out *o, void *arg) { udp_table(o, true); }

/* PCBs in each table: TCP (in use, of which in TIME_WAIT) and UDP, per family. */
struct counts {
    int tcp[2], tw[2], udp[2];
};

static void count_tcp(struct counts *c, struct tcp_pcb *p, bool tw)
{
    for (; p; p = p->next) {
        int v6 = v6_table(&p->local_ip, p->callback_arg);
        c->tcp[v6] += !tw;
        c->tw[v6] += tw;
    }
}

static struct counts count(void)
{
    struct counts c = {{0, 0}, {0, 0}, {0, 0}};
    for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l; l = l->next)
        c.tcp[v6_table(&l->local_ip, l->callback_arg)]++;
    count_tcp(&c, tcp_bound_pcbs, false);
    count_tcp(&c, tcp_active_pcbs, false);
    count_tcp(&c, tcp_tw_pcbs, true);
    for (struct udp_pcb *p = udp_pcbs; p; p = p->next)
        c.udp[v6_table(&p->local_ip, p->recv_arg)]++;
    return c;
}

static void sockstat_file(struct uk_procfs_out *o, void *arg)
{
    struct counts c = count();
    uk_procfs_printf(o,
                     "sockets: used %d\nTCP: inuse %d orphan 0 tw %d alloc %d mem 0\nUDP: inuse %d mem 0\n"
                     "UDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n",
                     c.tcp[0] + c.tcp[1] + c.udp[0] + c.udp[1], c.tcp[0], c.tw[0] + c.tw[1], c.tcp[0] + c.tcp[1],
                     c.udp[0]);
}

static void sockstat6_file(struct uk_procfs_out *o, void *arg)
{
    struct counts c = count();
    uk_procfs_printf(o, "TCP6: inuse %d\nUDP6: inuse %d\nUDPLITE6: inuse 0\nRAW6: inuse 0\nFRAG6: inuse 0 memory 0\n",
                     c.tcp[1], c.udp[1]);
}

void uk_net_netstat_files_init(void)
{
    uk_procfs_add("/proc/net/tcp", tcp4_file, NULL);
    uk_procfs_add("/proc/net/tcp6", tcp6_file, NULL);
    uk_procfs_add("/proc/net/udp", udp4_file, NULL);
    uk_procfs_add("/proc/net/udp6", udp6_file, NULL);
    uk_procfs_add("/proc/net/sockstat", sockstat_file, NULL);
    uk_procfs_add("/proc/net/sockstat6", sockstat6_file, NULL);
}
