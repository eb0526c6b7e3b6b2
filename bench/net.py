#!/usr/bin/env python3
"""net.py - the measuring half of bench/net.sh, run inside the script's network namespace: bench/apps/NetSink as a
unikernel, in the Linux microVM of compare.sh and as a native process, one after the other. For each it starts the
server, waits for its LISTENING line, and runs the load generator (netload, compiled by net.sh): for each N, N
clients each send S bytes of zeros to the sink (aggregate bytes/s until the sink has counted them all), then 1-byte
round trips against the echo port, then the other direction (clients each ask the source port for S bytes); then it ends
the program through its control port. The unikernel runs a second time with the NIC's HOST_TSO off, for the sending
direction only: what merging lwIP's segments into 64 KiB frames (drivers/virtio/virtio_net_tso.c) is worth. Prints Markdown tables and a
verdict against the Linux microVM of the same run (also net.md) and draws net.png."""
import argparse, os, re, statistics, subprocess, sys, threading, time

sys.path.insert(0, os.path.dirname(__file__))
from benchlib import (COLORS, LINUX_MACHINE, linux_initramfs, host_tsc_khz, kvm_accel, linux_cmd,  # noqa: E402
                      pyplot, uk_cmd)

# MirageOS's set-up used -m 1G; both VMs get the same.
MEM = "1G"
GUEST, HOST, PREFIX = "10.77.0.2", "10.77.0.1", 24
# Both VMs get the same NIC: virtio-net over virtio-mmio on the tap device, with the same MAC, so the host's ARP
# entry for the guest stays right from one VM to the next.
MAC = "52:54:00:77:00:02"
SINK, ECHO, CONTROL, SOURCE = 8080, 8081, 8082, 8083
# In load order (the guest loads /modules/*.ko by name, retrying any that lacks another's symbols).
MODULES = ["virtio_ring.ko", "virtio.ko", "virtio_mmio.ko", "failover.ko", "net_failover.ko", "virtio_net.ko"]
# MirageOS on Unikraft's published result for this benchmark (unikraft-qemu, hardware KVM, virtio-net-pci on a tap
# without vhost; other hardware, not this run): a reference, not judged.
MIRAGE = (3.3e8, 3.9e8)
WARMUP = 1 << 20
# virtio-net feature bits (virtio 1.2, 5.1.3) named in the notes: what each guest's driver negotiated.
FEATURES = {0: "CSUM", 1: "GUEST_CSUM", 2: "CTRL_GUEST_OFFLOADS", 3: "MTU", 5: "MAC", 6: "GSO", 7: "GUEST_TSO4",
            8: "GUEST_TSO6", 9: "GUEST_ECN", 10: "GUEST_UFO", 11: "HOST_TSO4", 12: "HOST_TSO6", 13: "HOST_ECN",
            14: "HOST_UFO", 15: "MRG_RXBUF", 16: "STATUS", 17: "CTRL_VQ", 18: "CTRL_RX", 19: "CTRL_VLAN",
            21: "GUEST_ANNOUNCE", 22: "MQ", 23: "CTRL_MAC_ADDR", 27: "ANY_LAYOUT", 28: "INDIRECT_DESC",
            29: "EVENT_IDX", 32: "VERSION_1"}
LISTENING = re.compile(r"NETSINK: LISTENING")
SINKLINE = re.compile(r"NETLOAD (?:sink|source) connections=(\d+) bytes=(\d+) seconds=([\d.]+) bytes_per_s=([\d.]+) "
                      r"slowest_s=([\d.]+) fastest_s=([\d.]+)")
RRLINE = re.compile(r"NETLOAD rr round_trips=(\d+) seconds=([\d.]+) per_s=([\d.]+) p50_us=([\d.]+) p99_us=([\d.]+)")

class Variant:
    """A column: cmd (argv of the server), host (the address the clients dial), or na (why it cannot run)."""
    def __init__(self, key, label, na=None, cmd=None, host=None, note=""):
        self.key, self.label, self.na, self.cmd, self.host, self.note = key, label, na, cmd, host, note
        # N -> [(bytes/s, seconds, fastest connection's seconds)] per run (sink: clients send, source: the server
        # sends); rr -> (per_s, p50_us, p99_us)
        self.sink, self.source, self.rr, self.load, self.info, self.done, self.errors = {}, {}, None, [], [], [], []
        self.source_only = False  # measured in the sending direction only
        self.failures = {}   # clients count or "rr" -> why its measurement failed

    @property
    def failed(self):
        return "; ".join([f"{point_name(p)}: {why}" for p, why in self.failures.items()] + self.errors)

class Server:
    """A server process whose output is collected by a thread (and can be waited on for a line)."""
    def __init__(self, cmd):
        self.lines, self.cond, self.ended = [], threading.Condition(), False
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.p.stdout:
            with self.cond:
                self.lines.append(raw.decode(errors="replace").rstrip("\r\n"))
                self.cond.notify_all()
        with self.cond:
            self.ended = True
            self.cond.notify_all()

    def wait_for(self, pattern, timeout):
        """The first line matching pattern, or None once the output has ended or timeout seconds have passed."""
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                hit = next((l for l in self.lines if pattern.search(l)), None)
                left = end - time.monotonic()
                if hit or left <= 0 or self.ended:
                    return hit
                self.cond.wait(left)

    def tail(self, n=6):
        with self.cond:
            return " / ".join(l for l in self.lines[-n:] if l.strip()) or "no output"

    def stop(self, timeout):
        """Waits timeout seconds for the process to end, then kills it; its exit status (None when killed)."""
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return None

def describe(line):
    """A guest's report of its NIC for the notes; Linux's sysfs feature bit string becomes names."""
    m = re.search(r"virtio_features=([01]+)", line)
    if not m:
        return line.strip()
    names = [FEATURES.get(i, f"bit {i}") for i, b in enumerate(m.group(1)) if b == "1"]
    return line[:m.start()] + "virtio features " + " ".join(names)

def nic(tap, properties=""):
    return ["-netdev", f"tap,id=net0,ifname={tap},script=no,downscript=no,vhost=off",
            "-device", f"virtio-net-device,netdev=net0,mac={MAC}{properties}"]

def prepare(a, accel):
    """The three variants with their commands (the Linux VM's /init linked and packed here)."""
    image = os.path.join(a.out, "uk", "NetSink.qemu")
    uk_na = a.uk_na or (None if os.path.exists(image) else "n/a (not published)")
    # uk.log=info: the boot log names the NIC's negotiated features (nothing is logged per connection at info).
    log = "" if "uk.log=" in a.kernel_args else "uk.log=info"
    append = " ".join(w for w in [f"net.ip={GUEST}/{PREFIX} net.gw={HOST}", log, a.kernel_args, "--"] if w)
    uk = Variant("uk", "unikernel", na=uk_na, cmd=uk_cmd(image, accel, MEM, append) + nic(a.tap), host=GUEST,
                 note=f"QEMU microvm (acpi=off), {accel.upper()}, -m {MEM}, virtio-net over virtio-mmio (virtio-net-device) "
                      f"on the tap device (vhost off), kernel options `{append[:-3].strip()}`")

    lx_na, cmd, kernel, params = a.linux_na or uk_na, None, "", ""
    if not lx_na:
        out = os.path.join(a.out, "linux")
        kernel, cpio, lx_na = linux_initramfs(a.root, out, "NetSink", MODULES)
    if not lx_na:
        khz = host_tsc_khz() if accel == "tcg" else None
        params = f"tsc_early_khz={khz} tsc=reliable" if khz else ""
        cmd = linux_cmd("x86_64", os.path.join(out, kernel), cpio, accel, MEM,
                        params=params, args=["--linux-init", "--ip", f"{GUEST}/{PREFIX}"], machine=LINUX_MACHINE,
                        qemu_args=nic(a.tap))
        kernel = kernel[len("vmlinuz-"):]
    lx = Variant("linux", "Linux microVM", na=lx_na, cmd=cmd, host=GUEST,
                 note=f"Debian's {kernel or 'cloud'} kernel on QEMU {LINUX_MACHINE}, {accel.upper()}, -m {MEM}, the same "
                      "NIC (virtio-net-device on the same tap device, same MAC); /init is the same NativeAOT object "
                      "linked statically with musl; it loads virtio_net (and virtio, virtio_mmio, failover, "
                      "net_failover), gives eth0 its address with ioctls and brings it up before listening" +
                      (f"; {params} (as block.sh: the host's TSC, measured, and no clocksource watchdog)" if params else ""))

    native = os.path.join(a.out, "native", "NetSink")
    nat_na = a.native_na or (None if os.path.exists(native) else "n/a (not published)")
    nat = Variant("native", "native process", na=nat_na, cmd=[native], host="127.0.0.1",
                  note="the program published for linux-x64 (NativeAOT, glibc), over the namespace's loopback "
                       "(127.0.0.1): the host kernel's TCP without a NIC, on the host CPU")
    notso = Variant("uk-notso", "unikernel, HOST_TSO off", na=uk_na,
                    cmd=uk_cmd(image, accel, MEM, append) + nic(a.tap, ",host_tso4=off,host_tso6=off"), host=GUEST,
                    note="the unikernel again, its NIC without HOST_TSO4/6 (QEMU's host_tso4=off,host_tso6=off), "
                         "measured in the sending direction only: every segment its own frame")
    notso.source_only = True
    return [uk, lx, nat, notso]

def summarize(stderr):
    """netload's errors on one line: the connections that failed alike counted together (with what each had sent)."""
    kinds, other = {}, []
    for line in stderr.strip().splitlines():
        m = re.match(r"netload: connection (\d+) of (\d+): (.*?)(?: \(after (\d+) of \d+ bytes\))?(: .*)?$", line)
        if m:
            key = (m.group(2), m.group(3) + (m.group(5) or ""))
            kinds.setdefault(key, []).append(int(m.group(4)) if m.group(4) else None)
        else:
            other.append(line)
    parts = []
    for (total, what), sent in kinds.items():
        known = [b for b in sent if b is not None]
        after = f" after {min(known) / 2**20:,.1f}–{max(known) / 2**20:,.1f} MiB written" if known else ""
        parts.append(f"{len(sent)} of {total} connections: {what}{after}")
    return "; ".join(parts + other)[:400]

def netload(a, *args, timeout):
    """Runs the load generator; (its stdout, None) or (None, why it failed)."""
    cmd = [os.path.join(a.out, "netload"), *map(str, args)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"`netload {' '.join(map(str, args))}` did not finish in {timeout:.0f} s"
    if r.returncode != 0:
        return None, summarize(r.stderr) or f"netload exited with {r.returncode}"
    return r.stdout, None

def point_name(p):
    if isinstance(p, tuple):
        return f"source, {p[1]} client{'s' if p[1] > 1 else ''}"
    return "round trips" if p == "rr" else f"{p} client{'s' if p > 1 else ''}"

def measure_point(v, a, size, p):
    """One measurement (a clients count, or "rr") on the running server; None, or why it failed."""
    if p == "rr":
        out, err = netload(a, "rr", v.host, ECHO, a.rr_seconds, 60, timeout=a.rr_seconds + 120)
        m = RRLINE.search(out or "")
        if err or not m:
            return err or "no result line"
        v.rr = (float(m.group(3)), float(m.group(4)), float(m.group(5)))
        print(f"    {v.label}: {v.rr[0]:.0f} round trips/s", file=sys.stderr)
        return None
    mode, port, n, into = ("source", SOURCE, p[1], v.source) if isinstance(p, tuple) else ("sink", SINK, p, v.sink)
    for r in range(a.runs):
        # A peer that stops making progress fails netload after 60 s; the timeout is a backstop.
        out, err = netload(a, mode, v.host, port, n, size, 60, timeout=300 + n * size / 1e6)
        m = SINKLINE.search(out or "")
        if err or not m:
            return f"run {r + 1}: {err or 'no result line'}"
        into.setdefault(n, []).append((float(m.group(4)), float(m.group(3)), float(m.group(6))))
        print(f"    {v.label}: {point_name(p)}: {float(m.group(4)):.3g} B/s ({float(m.group(3)):.1f} s)",
              file=sys.stderr)
    return None

def measure(v, a, size, clients, sources):
    """Every point in one boot of the server; when a point fails (the failure and the guest's last lines are kept),
    the points after it are measured in a fresh boot, so one stall does not hide the rest."""
    if v.na:
        return
    v.load.append(os.getloadavg()[0])
    todo = [("src", n) for n in sources]
    if not v.source_only:
        todo = list(clients) + ["rr"] + todo
    while todo:
        print(f"==> {v.label}: {' '.join(v.cmd)}", file=sys.stderr)
        server = Server(v.cmd)
        try:
            # The Linux guest boots in ~10 s under TCG; more on a loaded host.
            if not server.wait_for(LISTENING, 180):
                v.failures[todo[0]] = f"no LISTENING line (exit status {server.p.poll()}): {server.tail()}"
                return
            v.info = [describe(l) for l in server.lines if l.startswith("NETSINK linux") or "network device" in l]
            # Untimed: the first connection (ARP, the thread pool's first threads, first calls).
            _, err = netload(a, "sink", v.host, SINK, 1, WARMUP, 60, timeout=120)
            if err:
                v.failures[todo.pop(0)] = f"the warm-up transfer before it failed: {err}; guest's last lines: {server.tail()}"
                continue
            while todo:
                p = todo.pop(0)
                err = measure_point(v, a, size, p)
                if err:
                    v.failures[p] = f"{err}; guest's last lines: {server.tail()}"
                    print(f"    {v.label}: {point_name(p)}: FAILED: {v.failures[p]}", file=sys.stderr)
                    break
        finally:
            netload(a, "quit", v.host, CONTROL, timeout=30)
            status = server.stop(30)
            done = next((l for l in server.lines if l.startswith("NETSINK: DONE")), None)
            if done:
                v.done.append(done)
                if "errors=0" not in done:
                    v.errors.append(f"the server counted connection errors: {done}")
            elif not v.failures:
                v.errors.append(f"the program did not end cleanly (status {status}): {server.tail()}")
    v.load.append(os.getloadavg()[0])

def rate(x):
    """bytes/s as '3.45e8 B/s (345 MB/s)'."""
    return f"{x:.3g} B/s ({x / 1e6:,.0f} MB/s)" if x >= 1e7 else f"{x:.3g} B/s ({x / 1e6:.3g} MB/s)"

def mean_rate(v, n, source=False):
    runs = (v.source if source else v.sink).get(n)
    return statistics.mean(r[0] for r in runs) if runs else None

def sink_cell(v, n, runs, source=False):
    if v.na:
        return v.na
    rs = (v.source if source else v.sink).get(n)
    if not rs:
        return "**failed** (see the notes)" if (("src", n) if source else n) in v.failures else "not reached"
    x = statistics.mean(r[0] for r in rs)
    spread = f", {min(r[0] for r in rs):.3g}–{max(r[0] for r in rs):.3g}" if runs > 1 else ""
    return rate(x) + spread

def rr_cell(v):
    if v.na:
        return v.na
    if not v.rr:
        return "**failed** (see the notes)" if "rr" in v.failures else "not reached"
    return f"{v.rr[0]:,.0f} /s (p50 {v.rr[1]:,.0f} µs, p99 {v.rr[2]:,.0f} µs)"

def table(variants, a, accel, size, clients, sources, notes):
    mib = size >> 20
    lines = [f"TCP, one run of bench/net.sh{' --quick' if a.quick else ''}: {time.strftime('%Y-%m-%d')}, "
             f"{os.cpu_count()} CPUs, both VMs under {accel.upper()}; each client sends {mib} MiB of zeros"
             f"{' (MirageOS: 512 MiB)' if mib != 512 else ''}.", ""]
    lines += [f"- {n}" for n in notes] + [""]
    plural = f"mean of {a.runs} runs, min–max" if a.runs > 1 else "one run"
    lines.append(f"TCP sink, aggregate bytes/s from the first connect until the sink has counted every byte ({plural}):")
    lines.append("")
    lines.append(f"| clients | accelerator | unikernel ({accel.upper()}) | Linux microVM ({accel.upper()}) | "
                 "native process (host CPU, loopback) | MirageOS on Unikraft (published, hardware KVM, not this run) |")
    lines.append("|---|---|---|---|---|---|")
    for n in clients:
        lines.append(f"| {n} | VMs: {accel.upper()}; native: host CPU | " +
                     " | ".join(sink_cell(v, n, a.runs) for v in variants[:3]) + " | 3.3–3.9e8 B/s |")
    lines.append("")
    lines.append(f"TCP round trips: one connection, 1 byte each way, TCP_NODELAY, for {a.rr_seconds} s:")
    lines.append("")
    lines.append(f"| test | accelerator | unikernel ({accel.upper()}) | Linux microVM ({accel.upper()}) | "
                 "native process (host CPU, loopback) |")
    lines.append("|---|---|---|---|---|")
    lines.append(f"| 1-byte ping-pong | VMs: {accel.upper()}; native: host CPU | " +
                 " | ".join(rr_cell(v) for v in variants[:3]) + " |")
    uk, lx, nat, notso = variants
    lines.append("")
    lines.append(f"TCP source (the server sends): each client asks for {mib} MiB; aggregate bytes/s from the first "
                 f"connect until every client has every byte ({plural}):")
    lines.append("")
    lines.append(f"| clients | accelerator | unikernel ({accel.upper()}) | unikernel, HOST_TSO off ({accel.upper()}) | "
                 f"Linux microVM ({accel.upper()}) | native process (host CPU, loopback) |")
    lines.append("|---|---|---|---|---|---|")
    for n in sources:
        lines.append(f"| {n} | VMs: {accel.upper()}; native: host CPU | " +
                     " | ".join(sink_cell(v, n, a.runs, source=True) for v in (uk, notso, lx, nat)) + " |")
    return "\n".join(lines)

def verdict(variants, accel, clients, sources):
    uk, lx, nat, notso = variants
    lines = [f"Verdict (same run, both VMs under {accel.upper()}, same QEMU, NIC, tap and memory):"]
    if uk.na or lx.na:
        lines.append(f"- unikernel vs Linux microVM: not compared ({uk.na or lx.na}).")
        return "\n".join(lines)
    parts, met = [], True
    for n in clients:
        x, y = mean_rate(uk, n), mean_rate(lx, n)
        if x is None or y is None:
            parts.append(f"N={n}: not measured")
            met = False
            continue
        met &= x >= y
        parts.append(f"N={n}: {x / y:.2f}×")
    if uk.rr and lx.rr:
        met &= uk.rr[0] >= lx.rr[0]
        parts.append(f"round trips: {uk.rr[0] / lx.rr[0]:.2f}×")
    else:
        parts.append("round trips: not measured")
        met = False
    lines.append(f"- unikernel / Linux microVM: {'; '.join(parts)}.")
    lines.append(f"- Target (the unikernel matches or beats the Linux microVM at every N and in round trips): "
                 f"{'MET' if met else 'NOT MET'}.")
    if not nat.na:
        xs = [(mean_rate(uk, n), mean_rate(nat, n)) for n in clients]
        xs = [x / y for x, y in xs if x and y]
        if xs:
            lines.append(f"- unikernel / native process over loopback: {min(xs):.3g}× to {max(xs):.3g}× "
                         f"(native runs on the host CPU{', the VMs under TCG, which emulates every instruction' if accel == 'tcg' else ''}).")
    best = max((mean_rate(uk, n) or 0 for n in clients), default=0)
    if best:
        lines.append(f"- MirageOS on Unikraft (published, hardware KVM, other hardware, not this run): 3.3–3.9e8 B/s; "
                     f"this run's unikernel at best {best:.3g} B/s under {accel.upper()}.")
    parts = []
    for n in sources:
        x, y, z = mean_rate(uk, n, True), mean_rate(lx, n, True), mean_rate(notso, n, True)
        if x and y:
            parts.append(f"N={n}: {x / y:.2f}× the Linux microVM" + (f", {x / z:.2f}× itself without HOST_TSO" if z else ""))
    if parts:
        lines.append(f"- Sending (the server sends; not part of the target): unikernel {'; '.join(parts)}.")
    return "\n".join(lines)

def chart(variants, a, accel, size, clients):
    plt = pyplot()
    if plt is None:
        return
    colors = COLORS
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [3, 1]})
    width = 0.8 / len(variants)
    top = max([mean_rate(v, n) or 0 for v in variants for n in clients] + [MIRAGE[1]])
    for i, v in enumerate(variants):
        xs = [j + (i - 1) * width for j, n in enumerate(clients) if mean_rate(v, n)]
        ys = [mean_rate(v, n) for n in clients if mean_rate(v, n)]
        where = "host CPU, loopback" if v.key == "native" else accel.upper()
        label = f"{v.label} ({where})" + ("" if ys else (": n/a" if v.na else ": failed"))
        ax.bar(xs, ys, width, color=colors[v.key], label=label)
        for x, y in zip(xs, ys):
            ax.annotate(f"{y / 1e6:,.0f}", (x, y), ha="center", va="bottom", fontsize=7)
        for j, n in enumerate(clients):
            if n in v.failures:
                ax.annotate("failed", (j + (i - 1) * width, MIRAGE[0] / 8), ha="center", fontsize=7,
                            color=colors[v.key], fontweight="bold")
        if v.rr:
            bx.bar([i], [v.rr[0]], 0.7, color=colors[v.key])
            bx.annotate(f"{v.rr[0]:,.0f}", (i, v.rr[0]), ha="center", va="bottom", fontsize=8)
        elif "rr" in v.failures:
            bx.annotate("failed", (i, 1), ha="center", fontsize=8, color=colors[v.key])
    ax.axhspan(*MIRAGE, color="gray", alpha=0.3)
    ax.axhline(statistics.mean(MIRAGE), color="black", linestyle="--", linewidth=1,
               label="MirageOS on Unikraft, 3.3–3.9e8 B/s (published, hardware KVM, not this run)")
    ax.set_yscale("log")
    ax.set_ylim(top=top * 40)
    ax.set_xticks(range(len(clients)), [str(n) for n in clients])
    ax.set_xlabel("clients, each sending %d MiB of zeros at once" % (size >> 20))
    ax.set_ylabel("aggregate bytes/s (log scale; labels: MB/s)")
    ax.set_title("TCP sink (port 8080)", fontsize=10)
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", ncol=2)
    bx.set_yscale("log")
    bx.set_ylim(top=max([v.rr[0] for v in variants if v.rr] + [1]) * 3)
    bx.set_xticks(range(len(variants)), [v.label.replace(" ", "\n", 1) for v in variants], fontsize=8)
    bx.set_ylabel("round trips/s (log scale)")
    bx.set_title("1-byte TCP ping-pong, 1 connection", fontsize=10)
    bx.grid(True, axis="y", which="both", alpha=0.3)
    fig.suptitle(f"bench/net.sh, {time.strftime('%Y-%m-%d')}: NetSink (C#) as unikernel and Linux microVM under "
                 f"{accel.upper()} on a tap device, and native over loopback; {os.cpu_count()} host CPUs", fontsize=10)
    fig.tight_layout()
    path = os.path.join(a.out, "net.png")
    fig.savefig(path, dpi=100)
    print(f"\nChart: {path}")

def main():
    ap = argparse.ArgumentParser()
    for opt in ("--root", "--out", "--tap"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--accel", default="auto")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--size-mib", type=int, default=512)
    ap.add_argument("--clients", default="1,2,3,4,8")
    ap.add_argument("--sources", default="1,4")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--rr-seconds", type=int, default=10)
    ap.add_argument("--kernel-args", default="")
    for opt in ("--uk-na", "--linux-na", "--native-na"):
        ap.add_argument(opt, default="")
    a = ap.parse_args()
    clients = [int(n) for n in a.clients.split(",")]
    sources = [int(n) for n in a.sources.split(",") if n]
    size = a.size_mib << 20
    accel = kvm_accel(a.accel)
    notes = []
    variants = prepare(a, accel)
    lx = variants[1]
    if accel == "kvm" and not lx.na:
        # As compare.sh: when Debian's kernel does not come up under this host's KVM, both VMs run under TCG.
        probe = Server(lx.cmd)
        up = probe.wait_for(LISTENING, 30)
        probe.p.kill()
        probe.p.wait()
        if not up:
            accel = "tcg"
            variants = prepare(a, accel)
            notes.append("The Linux guest did not start under this host's KVM within 30 s, so both VMs ran under TCG.")
    for v in variants:
        measure(v, a, size, clients, sources)

    notes += [f"{v.label}: {v.note}." for v in variants]
    notes += [f"{v.label} reported: `{i}`." for v in variants for i in v.info]
    notes += [f"{v.label} reported at its end: `{d}`." for v in variants for d in v.done]
    notes += [f"**{v.label} failed** at {point_name(p)}: {why}." + (" The points after it were measured in a fresh "
              "boot." if p != "rr" else "") for v in variants for p, why in v.failures.items()]
    notes += [f"**{v.label}**: {e}." for v in variants for e in v.errors]
    loads = [f"{v.label} {v.load[0]:.1f} → {v.load[-1]:.1f}" for v in variants if len(v.load) == 2]
    if loads:
        notes.append(f"The host's load average (1 min, {os.cpu_count()} CPUs) when each variant started and ended: " +
                     ", ".join(loads) + (": other work shared the machine, and the variants ran one after the other, "
                                         "so they did not share it equally" if max(max(v.load) for v in variants
                                                                                   if v.load) > 1.5 else "") + ".")
    notes.append("Load: netload (bench/apps/NetLoad/netload.c, gcc -O2) in the same namespace; N threads released "
                 "together each connect, send their bytes in 256 KiB send() calls, shut down their sending side and "
                 "read the sink's 8-byte count of what it received, which must equal what was sent. The time runs "
                 "from just before the first connect to the last count. The clients share the host's CPUs with QEMU. "
                 "Before the measurements one untimed 1 MiB transfer warms each server up.")
    notes.append("MirageOS on Unikraft: 3.3–3.9e8 B/s published for unikraft-qemu with hardware KVM, -m 1G, "
                 "virtio-net-pci on a tap device without vhost, clients `dd if=/dev/zero bs=64M count=8 | nc`: "
                 "other hardware and set-up, not this run; shown for reference, not judged.")
    text = (table(variants, a, accel, size, clients, sources, notes) + "\n\n" +
            verdict(variants, accel, clients, sources))
    print()
    print(text)
    with open(os.path.join(a.out, "net.md"), "w") as f:
        f.write(text + "\n")
    if not a.quick:
        chart(variants[:3], a, accel, size, clients)
    failed = [f"{v.label} ({v.failed})" for v in variants if v.failed]
    if failed:
        sys.exit(f"bench: failed: {'; '.join(failed)}")

if __name__ == "__main__":
    main()
