#!/usr/bin/env python3
"""gen_seeds.py - writes the seed corpus of the "net" target (corpus/net/) in net_fuzz.c's record format: real
frames a network hands a guest (ARP, DHCP offer and ack, TCP handshake, data, FIN and RST to the listener and to
the established connection, UDP over IPv4 and IPv6, ICMP echo, IPv6 neighbour and router discovery, IPv4 and IPv6
fragments) and a hostile device's used elements. Run it again after changing the format; the files are committed."""
import os
import struct
import sys

GUEST_MAC = bytes.fromhex("525400123456")
EN1_MAC = bytes.fromhex("525400123457")
GW_MAC = bytes.fromhex("52550a000202")
GUEST, GW, PEER = bytes([10, 0, 2, 15]), bytes([10, 0, 2, 2]), bytes([10, 0, 2, 2])
LL_GUEST = bytes.fromhex("fe80000000000000505400fffe123456")
LL_GW = bytes.fromhex("fe80000000000000505500fffe000202")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ident=1, frag=0x4000, total=None):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total or 20 + len(payload), ident, frag, 64, proto, 0, src, dst)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def ipv6(src, dst, nh, payload, hops=64):
    return struct.pack("!IHBB", 6 << 28, len(payload), nh, hops) + src + dst + payload


def l4sum(src, dst, proto, seg):
    if len(src) == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, proto, len(seg))
    else:
        pseudo = src + dst + struct.pack("!IxxxB", len(seg), proto)
    return csum(pseudo + seg)


def tcp(src, dst, sport, dport, seq, ack, flags, data=b"", opts=b""):
    off = (20 + len(opts)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, 65535, 0, 0) + opts + data
    c = l4sum(src, dst, 6, seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def udp(src, dst, sport, dport, data):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = l4sum(src, dst, 17, seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def icmp(typ, code, body):
    m = struct.pack("!BBH", typ, code, 0) + body
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def icmp6(src, dst, typ, code, body):
    m = struct.pack("!BBH", typ, code, 0) + body
    c = l4sum(src, dst, 58, m)
    return m[:2] + struct.pack("!H", c) + m[4:]


def v4(proto_payload, proto, src=PEER, dst=GUEST, dst_mac=GUEST_MAC):
    return eth(dst_mac, GW_MAC, 0x0800, ipv4(src, dst, proto, proto_payload))


# Records (net_fuzz.c)
def FRAME(frame, dev=0, flags=1, chunk=0):
    return bytes([0, dev, flags, chunk]) + struct.pack("!H", len(frame)) + frame


def USED(dev, queue, ident, length):
    return bytes([1, dev, queue]) + struct.pack("!HI", ident, length)


def POKE(dev, k, off, data):
    return bytes([2, dev, k]) + struct.pack("!HB", off, len(data)) + data


def SKIP(dev, queue, n):
    return bytes([3, dev, queue]) + struct.pack("!H", n)


def LINK(dev, up):
    return bytes([4, dev, up])


def STALL(dev, on):
    return bytes([5, dev, on])


def TIME(ms):
    return bytes([6]) + struct.pack("!H", ms)


ACCEPT = bytes([7])


def RECV(slot, n=2048, flags=0):
    return bytes([8, slot]) + struct.pack("!HB", n, flags)


def SEND(slot, data):
    return bytes([9, slot]) + struct.pack("!H", len(data)) + data


def SHUTDOWN(slot, how):
    return bytes([10, slot, how])


def CLOSE(slot):
    return bytes([11, slot])


def OPT(slot, which):
    return bytes([12, slot, which])


def POLL(slot):
    return bytes([13, slot])


REL = 1 | 2  # checksums fixed, seq/ack relative to the connection


def to80(flags, data=b"", seq=0, ack=0, sport=5555, opts=b""):
    return v4(tcp(PEER, GUEST, sport, 80, seq, ack, flags, data, opts), 6)


def to40000(flags, data=b"", seq=0, ack=0):
    return v4(tcp(PEER, GUEST, 8080, 40000, seq, ack, flags, data), 6)


MSS = bytes.fromhex("020405b4") + bytes.fromhex("01030307")  # MSS 1460, window scale 7


def dhcp(msgtype, xid=0):
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 2, 1, 6, 0, xid, 0, 0, b"\0" * 4, bytes([10, 0, 3, 15]),
                        bytes([10, 0, 3, 2]), b"\0" * 4, EN1_MAC + b"\0" * 10, b"", b"")
    opts = bytes([99, 130, 83, 99, 53, 1, msgtype, 54, 4, 10, 0, 3, 2, 51, 4]) + struct.pack("!I", 86400)
    opts += bytes([1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 3, 2, 6, 8, 10, 0, 3, 3, 8, 8, 8, 8, 255])
    u = udp(bytes([10, 0, 3, 2]), bytes([255] * 4), 67, 68, bootp + opts)
    return eth(b"\xff" * 6, GW_MAC, 0x0800, ipv4(bytes([10, 0, 3, 2]), bytes([255] * 4), 17, u))


def seeds():
    s = {}
    arp_req = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + GW_MAC + GW + b"\0" * 6 + GUEST
    s["arp-request"] = FRAME(eth(b"\xff" * 6, GW_MAC, 0x0806, arp_req + b"\0" * 18))
    arp_rep = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + GW_MAC + bytes([10, 0, 2, 3]) + GUEST_MAC + GUEST
    s["arp-reply"] = FRAME(eth(GUEST_MAC, GW_MAC, 0x0806, arp_rep + b"\0" * 18))
    s["dhcp-offer-ack"] = (FRAME(dhcp(2), dev=1, flags=5) + TIME(1000) + FRAME(dhcp(5), dev=1, flags=5) +
                           TIME(3000))
    s["dhcp-nak"] = FRAME(dhcp(2), dev=1, flags=5) + TIME(1000) + FRAME(dhcp(6), dev=1, flags=5)
    http = b"GET / HTTP/1.1\r\nHost: 10.0.2.15\r\n\r\n"
    s["tcp-listener-session"] = (FRAME(to80(0x02, seq=1000, opts=MSS)) + FRAME(to80(0x10), flags=REL) + ACCEPT +
                                 FRAME(to80(0x18, http), flags=REL) + RECV(3) + SEND(3, b"HTTP/1.1 200 OK\r\n\r\n") +
                                 FRAME(to80(0x10), flags=REL) + FRAME(to80(0x11), flags=REL) + RECV(3) + CLOSE(3) +
                                 FRAME(to80(0x10), flags=REL) + TIME(200))
    s["tcp-listener-rst"] = (FRAME(to80(0x02, seq=77, opts=MSS)) + FRAME(to80(0x10), flags=REL) +
                             FRAME(to80(0x18, b"data"), flags=REL) + FRAME(to80(0x04), flags=REL) + ACCEPT + RECV(3))
    s["tcp-syn-flood"] = b"".join(FRAME(to80(0x02, seq=i * 1000, sport=6000 + i)) for i in range(8)) + TIME(3000)
    s["tcp-connected-data"] = (FRAME(to40000(0x18, b"hello from the peer"), flags=REL) + RECV(2, 5) +
                               RECV(2, 100, 1) + RECV(2) + SEND(2, b"x" * 3000) + FRAME(to40000(0x10), flags=REL) +
                               FRAME(to40000(0x11), flags=REL) + RECV(2) + SHUTDOWN(2, 1) +
                               FRAME(to40000(0x10), flags=REL) + TIME(11000))
    s["tcp-connected-rst"] = FRAME(to40000(0x04), flags=REL) + RECV(2) + POLL(2)
    s["tcp-out-of-order"] = (FRAME(to40000(0x18, b"B" * 100, seq=100), flags=REL) +
                             FRAME(to40000(0x18, b"A" * 100), flags=REL) + RECV(2, 300, 4) + TIME(500))
    s["tcp-zero-window-retransmit"] = (OPT(2, 2) + SEND(2, b"y" * 60000) + TIME(1000) + TIME(3000) +
                                       FRAME(to40000(0x10), flags=REL) + OPT(2, 0) + CLOSE(2))
    s["udp-v4"] = (FRAME(v4(udp(PEER, GUEST, 9999, 7, b"ping over udp"), 17)) + RECV(1, 4, 2) +
                   FRAME(v4(udp(PEER, GUEST, 9999, 7, b"second"), 17)) + RECV(1) + SEND(1, b"reply"))
    v6src = bytes.fromhex("fe800000000000000000000000000099")
    s["udp-v6"] = (FRAME(eth(GUEST_MAC, GW_MAC, 0x86DD, ipv6(v6src, LL_GUEST, 17, udp(v6src, LL_GUEST, 9999, 7,
                                                                                         b"v6 datagram")))) + RECV(1))
    s["icmp-echo"] = FRAME(v4(icmp(8, 0, struct.pack("!HH", 1, 1) + b"abcdefgh" * 4), 1))
    ns = icmp6(LL_GW, bytes.fromhex("ff0200000000000000000001ff123456"), 135, 0,
               b"\0" * 4 + LL_GUEST + bytes([1, 1]) + GW_MAC)
    s["ipv6-neighbour-solicitation"] = FRAME(eth(bytes.fromhex("3333ff123456"), GW_MAC, 0x86DD,
                                                 ipv6(LL_GW, bytes.fromhex("ff0200000000000000000001ff123456"), 58,
                                                      ns, 255)))
    prefix = bytes([3, 4, 64, 0xC0]) + struct.pack("!II", 86400, 14400) + b"\0" * 4 + bytes.fromhex(
        "fec00000000000000000000000000000")
    ra_body = struct.pack("!BBHII", 64, 0, 1800, 0, 0) + bytes([1, 1]) + GW_MAC + prefix + bytes(
        [5, 1, 0, 0]) + struct.pack("!I", 1500)
    allnodes = bytes.fromhex("ff020000000000000000000000000001")
    ra = icmp6(LL_GW, allnodes, 134, 0, ra_body)
    s["ipv6-router-advertisement"] = FRAME(eth(bytes.fromhex("333300000001"), GW_MAC, 0x86DD,
                                               ipv6(LL_GW, allnodes, 58, ra, 255))) + TIME(5000)
    echo6 = icmp6(LL_GW, LL_GUEST, 128, 0, struct.pack("!HH", 7, 1) + b"v6 ping")
    s["icmpv6-echo"] = FRAME(eth(GUEST_MAC, GW_MAC, 0x86DD, ipv6(LL_GW, LL_GUEST, 58, echo6)))
    # IPv4 fragments of a UDP datagram (the L4 checksum covers the whole datagram)
    dgram = udp(PEER, GUEST, 9999, 7, b"F" * 2000)
    f1 = eth(GUEST_MAC, GW_MAC, 0x0800, ipv4(PEER, GUEST, 17, dgram[:1480], ident=77, frag=0x2000))
    f2 = eth(GUEST_MAC, GW_MAC, 0x0800, ipv4(PEER, GUEST, 17, dgram[1480:], ident=77, frag=1480 // 8))
    s["ipv4-fragments"] = FRAME(f2) + FRAME(f1) + RECV(1, 4096) + FRAME(f1) + TIME(20000)
    # IPv6 fragments (fragment header, next header 44)
    d6 = udp(v6src, LL_GUEST, 9999, 7, b"G" * 1800)
    fh1 = struct.pack("!BBHI", 17, 0, 0 | 1, 0x1234) + d6[:1232]
    fh2 = struct.pack("!BBHI", 17, 0, 1232, 0x1234) + d6[1232:]
    s["ipv6-fragments"] = (FRAME(eth(GUEST_MAC, GW_MAC, 0x86DD, ipv6(v6src, LL_GUEST, 44, fh1))) +
                           FRAME(eth(GUEST_MAC, GW_MAC, 0x86DD, ipv6(v6src, LL_GUEST, 44, fh2))) + RECV(1, 4096))
    # MRG_RXBUF: one frame over many small buffers; a jumbo frame longer than the MTU
    s["mrg-multi-buffer"] = FRAME(v4(udp(PEER, GUEST, 9999, 7, b"M" * 1400), 17), chunk=4) + RECV(1, 2000)
    s["oversized-frame"] = FRAME(v4(udp(PEER, GUEST, 9999, 7, b"J" * 8000), 17)) + FRAME(
        v4(udp(PEER, GUEST, 9999, 7, b"j" * 8000), 17), dev=1)
    # A hostile device: zero and huge lengths, ids of no chain, num_buffers beyond what is posted, stale elements
    s["hostile-used"] = (USED(0, 0, 0x8000, 0) + USED(0, 0, 0x8001, 0xFFFFFFFF) + USED(0, 0, 300, 60) +
                         USED(1, 0, 0x8000, 5) + USED(0, 1, 7, 0) + USED(0, 0, 0x8002, 2049))
    # regressions: a used element naming the data descriptor of a split chain (not its head) freed it twice;
    # an ARP frame shorter than an ARP header was read past its end by lwIP
    s["regress-used-not-a-head"] = USED(1, 0, 1, 20) + USED(1, 0, 3, 0) + FRAME(v4(udp(PEER, GUEST, 1, 7, b"ok"), 17),
                                                                             dev=1) + RECV(1)
    s["regress-short-arp"] = FRAME(eth(GUEST_MAC, GW_MAC, 0x0806, arp_rep[:11]), flags=0)
    s["hostile-num-buffers"] = (POKE(0, 0, 10, struct.pack("<H", 200)) + USED(0, 0, 0x8000, 100) +
                                POKE(0, 0, 10, struct.pack("<H", 3)) + USED(0, 0, 0x8000, 100) +
                                POKE(0, 0, 10, struct.pack("<H", 0)) + USED(0, 0, 0x8000, 100))
    s["hostile-stale-used"] = FRAME(v4(udp(PEER, GUEST, 1, 7, b"s"), 17)) + SKIP(0, 0, 300) + SKIP(1, 0, 3) + SKIP(
        0, 1, 2)
    s["tx-queue-full"] = (STALL(0, 1) + b"".join(SEND(2, b"z" * 1400) for _ in range(40)) + TIME(300) + STALL(0, 0) +
                          TIME(300) + FRAME(to40000(0x10), flags=REL))
    s["link-down-up"] = LINK(0, 0) + SEND(2, b"while down") + TIME(500) + LINK(0, 1) + TIME(500)
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "net")
    os.makedirs(out, exist_ok=True)
    for name, data in seeds().items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(seeds()), out))


if __name__ == "__main__":
    main()
