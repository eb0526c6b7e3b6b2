/* snmp.c - /proc/net/snmp and /proc/net/snmp6 in Linux's formats, from lwIP's counters, as
 * IPGlobalProperties' GetIPv4/IPv6GlobalStatistics, GetTcp/Udp/IcmpV4/V6Statistics and netstat -s read them.
 * snmp: the MIB-II counters (IPv4; TCP for both families as on Linux; UDP over IPv4), in the column layout of
 * Linux 6.1, whose fields .NET reads by position. snmp6: "name value" rows from lwIP's IPv6 and ICMPv6 counts.
 * lwIP counts UDP once for both families; the socket layer counts what reaches its IPv6 sockets (udp.c), so
 * each family gets its own datagrams; lwIP's no-port and error counts, which it does not split, stay on Udp:. */
#include <lwip/priv/tcp_priv.h>
#include <lwip/stats.h>
#include <lwip/tcp.h>
#include <uk/klibc.h>
#include <uk/procfs.h>
#include "ifinfo.h"
#include "sock.h"

#define M (lwip_stats.mib2)

/* Connections Linux counts as established: ESTABLISHED and CLOSE_WAIT. */
static u32 curr_estab(void)
{
    u32 n = 0;
    for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
        n += p->state == ESTABLISHED || p->state == CLOSE_WAIT;
    return n;
}

/* A header line and a value line for one protocol: "Name: a b c\nName: 1 2 3\n". */
static void pair(struct uk_procfs_out *o, const char *proto, const char *names, const u32 *v, int n)
{
    uk_procfs_printf(o, "%s: %s\n%s:", proto, names, proto);
    for (int k = 0; k < n; k++)
        uk_procfs_printf(o, " %u", v[k]);
    uk_procfs_printf(o, "\n");
}

/* IcmpMsg: the ICMP types seen, in and out, as Linux lists them (only types with a count; none: no lines). */
static void icmp_msg(struct uk_procfs_out *o)
{
    static const u8 in_types[] = {0, 3, 4, 5, 8, 11, 12, 13, 14, 17, 18}, out_types[] = {0, 3, 8, 11};
    const u32 in[] = {M.icmpinechoreps,      M.icmpindestunreachs, M.icmpinsrcquenchs,  M.icmpinredirects,
                      M.icmpinechos,         M.icmpintimeexcds,    M.icmpinparmprobs,   M.icmpintimestamps,
                      M.icmpintimestampreps, M.icmpinaddrmasks,    M.icmpinaddrmaskreps};
    const u32 out[] = {M.icmpoutechoreps, M.icmpoutdestunreachs, M.icmpoutechos, M.icmpouttimeexcds};
    bool any = false;
    for (usize k = 0; k < sizeof(in) / sizeof(in[0]); k++)
        any |= in[k] != 0;
    for (usize k = 0; k < sizeof(out) / sizeof(out[0]); k++)
        any |= out[k] != 0;
    if (!any)
        return;
    uk_procfs_printf(o, "IcmpMsg:");
    for (usize k = 0; k < sizeof(in) / sizeof(in[0]); k++)
        if (in[k])
            uk_procfs_printf(o, " InType%u", in_types[k]);
    for (usize k = 0; k < sizeof(out) / sizeof(out[0]); k++)
        if (out[k])
            uk_procfs_printf(o, " OutType%u", out_types[k]);
    uk_procfs_printf(o, "\nIcmpMsg:");
    for (usize k = 0; k < sizeof(in) / sizeof(in[0]); k++)
        if (in[k])
            uk_procfs_printf(o, " %u", in[k]);
    for (usize k = 0; k < sizeof(out) / sizeof(out[0]); k++)
        if (out[k])
            uk_procfs_printf(o, " %u", out[k]);
    uk_procfs_printf(o, "\n");
}

static void snmp_file(struct uk_procfs_out *o, void *arg)
{
    const struct uk_net_udp_counts *u = &uk_net_udp_counts;
    /* Forwarding: 2 is "not a router" (RFC 1213) */
    const u32 ip[] = {IP_FORWARD ? 1 : 2,
                      IP_DEFAULT_TTL,
                      M.ipinreceives,
                      M.ipinhdrerrors,
                      M.ipinaddrerrors,
                      M.ipforwdatagrams,
                      M.ipinunknownprotos,
                      M.ipindiscards,
                      M.ipindelivers,
                      M.ipoutrequests,
                      M.ipoutdiscards,
                      M.ipoutnoroutes,
                      0,
                      M.ipreasmreqds,
                      M.ipreasmoks,
                      M.ipreasmfails,
                      M.ipfragoks,
                      M.ipfragfails,
                      M.ipfragcreates};
    pair(o, "Ip",
         "Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards "
         "InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs "
         "FragFails FragCreates",
         ip, sizeof(ip) / sizeof(ip[0]));
    const u32 icmp[] = {M.icmpinmsgs,
                        M.icmpinerrors,
                        0,
                        M.icmpindestunreachs,
                        M.icmpintimeexcds,
                        M.icmpinparmprobs,
                        M.icmpinsrcquenchs,
                        M.icmpinredirects,
                        M.icmpinechos,
                        M.icmpinechoreps,
                        M.icmpintimestamps,
                        M.icmpintimestampreps,
                        M.icmpinaddrmasks,
                        M.icmpinaddrmaskreps,
                        M.icmpoutmsgs,
                        M.icmpouterrors,
                        M.icmpoutdestunreachs,
                        M.icmpouttimeexcds,
                        0,
                        0,
                        0,
                        M.icmpoutechos,
                        M.icmpoutechoreps,
                        0,
                        0,
                        0,
                        0};
    pair(o, "Icmp",
         "InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos "
         "InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors OutDestUnreachs "
         "OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps "
         "OutAddrMasks OutAddrMaskReps",
         icmp, sizeof(icmp) / sizeof(icmp[0]));
    icmp_msg(o);
    /* RtoAlgorithm 1 (other), RtoMin/RtoMax in ms and MaxConn -1 (no limit), as Linux reports them */
    uk_procfs_printf(o,
                     "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets "
                     "CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors\n"
                     "Tcp: 1 200 120000 -1 %u %u %u %u %u %u %u %u %u %u 0\n",
                     M.tcpactiveopens, M.tcppassiveopens, M.tcpattemptfails, M.tcpestabresets, curr_estab(),
                     M.tcpinsegs, M.tcpoutsegs, M.tcpretranssegs, M.tcpinerrs, M.tcpoutrsts);
    const u32 udp[] = {M.udpindatagrams - u->seen[1] - u->rcvbuf_errors[0],
                       M.udpnoports,
                       M.udpinerrors + u->rcvbuf_errors[0],
                       M.udpoutdatagrams - u->out[1],
                       u->rcvbuf_errors[0],
                       0,
                       0,
                       0,
                       0};
    static const char udp_names[] =
        "InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors";
    static const u32 none[9];
    pair(o, "Udp", udp_names, udp, 9);
    pair(o, "UdpLite", udp_names, none, 9);
}

/* One "name value" row of snmp6, the name (prefix and rest) padded to 32 columns and a tab before the value, as
 * Linux prints them. */
static void row2(struct uk_procfs_out *o, const char *prefix, const char *name, u32 v)
{
    usize n = uk_strlen(prefix) + uk_strlen(name);
    uk_procfs_printf(o, "%s%s", prefix, name);
    uk_procfs_pad(o, ' ', n < 32 ? 32 - n : 0);
    uk_procfs_printf(o, "\t%u\n", v);
}

static void row(struct uk_procfs_out *o, const char *name, u32 v) { row2(o, "", name, v); }

static void snmp6_file(struct uk_procfs_out *o, void *arg)
{
    const struct stats_proto *ip = &lwip_stats.ip6, *icmp = &lwip_stats.icmp6;
    const struct uk_net_udp_counts *u = &uk_net_udp_counts;
    /* every input error lwIP counts also counts as a drop; what is neither a header nor a protocol error was
     * discarded (a bad version, no route to forward, no interface for the address) */
    u32 hdr = ip->lenerr + ip->opterr, other = ip->drop - hdr - ip->proterr;
    static const char *const zero_ip[] = {"Ip6InTooBigErrors", "Ip6InNoRoutes", "Ip6InAddrErrors"};
    row(o, "Ip6InReceives", ip->recv);
    row(o, "Ip6InHdrErrors", hdr);
    for (usize k = 0; k < sizeof(zero_ip) / sizeof(zero_ip[0]); k++)
        row(o, zero_ip[k], 0);
    row(o, "Ip6InUnknownProtos", ip->proterr);
    row(o, "Ip6InTruncatedPkts", 0);
    row(o, "Ip6InDiscards", other);
    row(o, "Ip6InDelivers", ip->recv - ip->drop);
    row(o, "Ip6OutForwDatagrams", ip->fw);
    row(o, "Ip6OutRequests", ip->xmit - ip->fw);
    row(o, "Ip6OutDiscards", 0);
    row(o, "Ip6OutNoRoutes", ip->rterr);
    /* lwIP's IPv6 fragment counts are off (IP6_FRAG_STATS) */
    static const char *const zero_frag[] = {"Ip6ReasmTimeout", "Ip6ReasmReqds", "Ip6ReasmOKs",   "Ip6ReasmFails",
                                            "Ip6FragOKs",      "Ip6FragFails",  "Ip6FragCreates"};
    for (usize k = 0; k < sizeof(zero_frag) / sizeof(zero_frag[0]); k++)
        row(o, zero_frag[k], 0);
    /* nor multicast, octet and ECN counts */
    static const char *const zero_more[] = {"Ip6InMcastPkts",   "Ip6OutMcastPkts",   "Ip6InOctets",
                                            "Ip6OutOctets",     "Ip6InMcastOctets",  "Ip6OutMcastOctets",
                                            "Ip6InBcastOctets", "Ip6OutBcastOctets", "Ip6InNoECTPkts",
                                            "Ip6InECT1Pkts",    "Ip6InECT0Pkts",     "Ip6InCEPkts"};
    for (usize k = 0; k < sizeof(zero_more) / sizeof(zero_more[0]); k++)
        row(o, zero_more[k], 0);
    row(o, "Icmp6InMsgs", icmp->recv);
    row(o, "Icmp6InErrors", icmp->chkerr + icmp->lenerr);
    row(o, "Icmp6OutMsgs", icmp->xmit);
    row(o, "Icmp6OutErrors", icmp->err + icmp->memerr + icmp->rterr);
    row(o, "Icmp6InCsumErrors", icmp->chkerr);
    /* lwIP keeps no per-type ICMPv6 counts */
    static const char *const types[] = {"DestUnreachs",
                                        "PktTooBigs",
                                        "TimeExcds",
                                        "ParmProblems",
                                        "Echos",
                                        "EchoReplies",
                                        "GroupMembQueries",
                                        "GroupMembResponses",
                                        "GroupMembReductions",
                                        "RouterSolicits",
                                        "RouterAdvertisements",
                                        "NeighborSolicits",
                                        "NeighborAdvertisements",
                                        "Redirects",
                                        "MLDv2Reports"};
    for (int dir = 0; dir < 2; dir++)
        for (usize k = 0; k < sizeof(types) / sizeof(types[0]); k++)
            row2(o, dir ? "Icmp6Out" : "Icmp6In", types[k], 0);
    row(o, "Udp6InDatagrams", u->seen[1] - u->rcvbuf_errors[1]);
    row(o, "Udp6NoPorts", 0);
    row(o, "Udp6InErrors", u->rcvbuf_errors[1]);
    row(o, "Udp6OutDatagrams", u->out[1]);
    row(o, "Udp6RcvbufErrors", u->rcvbuf_errors[1]);
    static const char *const zero_udp[] = {"Udp6SndbufErrors",     "Udp6InCsumErrors",     "Udp6IgnoredMulti",
                                           "Udp6MemErrors",        "UdpLite6InDatagrams",  "UdpLite6NoPorts",
                                           "UdpLite6InErrors",     "UdpLite6OutDatagrams", "UdpLite6RcvbufErrors",
                                           "UdpLite6SndbufErrors", "UdpLite6InCsumErrors", "UdpLite6MemErrors"};
    for (usize k = 0; k < sizeof(zero_udp) / sizeof(zero_udp[0]); k++)
        row(o, zero_udp[k], 0);
}

void uk_net_snmp_files_init(void)
{
    uk_procfs_add("/proc/net/snmp", snmp_file, NULL);
    uk_procfs_add("/proc/net/snmp6", snmp6_file, NULL);
}
