#!/usr/bin/env python3
"""web.py - the measuring half of bench/web.sh, run inside the script's network namespace: the template's web app
(`dotnet new unikernel-web`) as a unikernel, in the Linux microVM of compare.sh/net.sh and as a native process, one
after the other. For each: the time from launch to its first successful HTTP response (cold start, R boots),
requests/s and latency with wrk at 1, 16 and 256 connections for the app's small JSON response (GET /), and for the
VMs the smallest -m that still serves; image sizes. Prints Markdown tables and a verdict against the Linux microVM of
the same run (also web.md) and draws web.png."""
import argparse, os, re, socket, statistics, subprocess, sys, threading, time

sys.path.insert(0, os.path.dirname(__file__))
from benchlib import (COLORS, LINUX_MACHINE, host_tsc_khz, initramfs, kvm_accel, link_static, linux_cmd,  # noqa: E402
                      nativeaot_dir, pyplot, smallest, toolchain, uk_cmd)

MEM = "512M"
GUEST, HOST, PREFIX, PORT = "10.77.0.2", "10.77.0.1", 24, 8080
MAC = "52:54:00:77:00:02"   # web.sh gives the host a permanent neighbour entry for it: no ARP wait in a cold start
MODULES = ["virtio_ring.ko", "virtio.ko", "virtio_mmio.ko", "failover.ko", "net_failover.ko", "virtio_net.ko"]
# The template logs every request on the console; under load that measures the console, so the benchmark turns the
# request log off the ASP.NET Core way (configuration from the environment), the same for all three.
ENV = {"Logging__LogLevel__Microsoft.AspNetCore.HttpLogging": "Warning"}
REQUEST = f"GET / HTTP/1.1\r\nHost: {GUEST}\r\nConnection: close\r\n\r\n".encode()
WRK = re.compile(r"Requests/sec:\s*([\d.]+)")
WRK_LAT = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
WRK_ERR = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)|Non-2xx or 3xx responses: (\d+)")

class Variant:
    """A column: cmd(mem) the argv of the server, host (the address clients dial), size (bytes of what boots)."""
    def __init__(self, key, label, na=None, cmd=None, host=None, size=None, vm=True, note=""):
        self.key, self.label, self.na, self.cmd, self.host, self.size, self.vm, self.note = \
            key, label, na, cmd, host, size, vm, note
        self.cold, self.wrk, self.min_mem, self.errors, self.load = [], {}, None, [], []

def first_response(host, deadline):
    """Seconds (time.monotonic) at which GET / first answers 200 on host:8080, or None by deadline. Each attempt is a
    new connection with a short connect timeout: a SYN the guest drops before its stack is up is not retransmitted."""
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, PORT), timeout=0.05) as s:
                s.settimeout(10)
                s.sendall(REQUEST)
                reply = b""
                while chunk := s.recv(65536):
                    reply += chunk
                if reply.startswith(b"HTTP/1.1 200"):
                    return time.monotonic()
        except OSError:
            time.sleep(0.01)
    return None

class Server:
    """The variant's server, started now; its output is collected by a thread (the reason when it fails)."""
    def __init__(self, v, mem):
        env = dict(os.environ, **ENV) if not v.vm else None
        self.host, self.start = v.host, time.monotonic()
        cmd = v.cmd(mem)
        # The native app's content root (where appsettings.json is) is its working directory, as with `dotnet run`.
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  env=env, cwd=None if v.vm else os.path.dirname(cmd[0]))
        self.lines = []
        threading.Thread(target=lambda: self.lines.extend(l.decode(errors="replace").rstrip() for l in self.p.stdout),
                         daemon=True).start()

    def serving(self, timeout):
        """Seconds from launch to the first 200, or None."""
        done = first_response(self.host, time.monotonic() + timeout)
        return done - self.start if done else None

    def stop(self):
        self.p.kill()
        self.p.wait()

    def tail(self):
        return " / ".join(l for l in self.lines[-4:] if l.strip()) or "no output"

def boot(v, mem, timeout):
    s = Server(v, mem)
    return s, s.serving(timeout)

def wrk(a, v, c):
    """wrk against the running server with c connections: (requests/s, p50 ms, p99 ms, errors) or a reason."""
    cmd = ["wrk", f"-t{min(2, c)}", f"-c{c}", f"-d{a.seconds}s", "--latency", "--timeout", "5s",
           f"http://{v.host}:{PORT}/"]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=a.seconds + 60)
    except subprocess.TimeoutExpired:
        return f"wrk did not finish in {a.seconds + 60} s"
    m = WRK.search(r.stdout)
    if r.returncode != 0 or not m:
        return f"wrk exited with {r.returncode}: {(r.stderr or r.stdout).strip()[-200:]}"
    scale = {"us": 1e-3, "ms": 1, "s": 1e3}
    lat = {p: float(x) * scale[u] for p, x, u in WRK_LAT.findall(r.stdout)}
    errors = sum(int(x) for g in WRK_ERR.findall(r.stdout) for x in g if x)
    return float(m.group(1)), lat.get("50"), lat.get("99"), errors

def measure(v, a):
    """Cold starts, then wrk at each connection count in one more boot, then (VMs, full mode) the smallest -m."""
    if v.na:
        return
    v.load.append(os.getloadavg()[0])
    timeout = 120 if v.key == "linux" else 60
    for r in range(a.runs):
        s, t = boot(v, MEM, timeout)
        s.stop()
        if t is None:
            v.errors.append(f"boot {r + 1} did not serve within {timeout} s ({s.tail()})")
            return
        v.cold.append(t)
        print(f"    {v.label}: first response {t * 1000:.0f} ms after launch", file=sys.stderr)
    s, t = boot(v, MEM, timeout)
    try:
        if t is None:
            v.errors.append(f"the load boot did not serve ({s.tail()})")
            return
        subprocess.run(["wrk", "-t1", "-c4", "-d1s", f"http://{v.host}:{PORT}/"], capture_output=True, timeout=60)
        for c in a.connections:
            got = wrk(a, v, c)
            if isinstance(got, str):
                v.errors.append(f"{c} connections: {got}")
                continue
            v.wrk[c] = got
            print(f"    {v.label}: {c} connections: {got[0]:,.0f} requests/s", file=sys.stderr)
    finally:
        s.stop()
    if v.vm and not a.quick:
        def serves(mib):
            s, t = boot(v, f"{mib}M", timeout)
            s.stop()
            print(f"    {v.label}: -m {mib}M {'serves' if t else 'does not serve'}", file=sys.stderr)
            return t is not None
        v.min_mem = smallest(serves, 8, int(MEM[:-1]))
    v.load.append(os.getloadavg()[0])

def prepare(a, accel):
    """The three variants (the Linux VM's /init shim and the app linked and packed here)."""
    image = os.path.join(a.out, "uk", "WebApp.qemu")
    uk_na = a.uk_na or (None if os.path.exists(image) else "n/a (not published)")
    env = " ".join(f"env.{k}={v}" for k, v in ENV.items())
    append = f"net.ip={GUEST}/{PREFIX} net.gw={HOST} {env} --"
    nic = ["-netdev", f"tap,id=net0,ifname={a.tap},script=no,downscript=no,vhost=off",
           "-device", f"virtio-net-device,netdev=net0,mac={MAC}"]
    uk = Variant("uk", "unikernel", na=uk_na, host=GUEST, size=None if uk_na else os.path.getsize(image),
                 cmd=lambda mem: uk_cmd(image, accel, mem, append) + nic,
                 note=f"QEMU microvm (acpi=off), {accel.upper()}, virtio-net over virtio-mmio on the tap device (vhost "
                      f"off), kernel options `{append[:-3]}`; the image as `dotnet publish -r unikraft-qemu-x64` makes it")
    lx_na, lx_cmd, size, kernel = a.linux_na or uk_na, None, None, ""
    if not lx_na:
        lx_na, kernel, cpio = linux_guest(a)
    if not lx_na:
        khz = host_tsc_khz() if accel == "tcg" else None
        params = f"tsc_early_khz={khz} tsc=reliable" if khz else ""
        args = ["--ip", f"{GUEST}/{PREFIX}", *[w for k, v in ENV.items() for w in ("--env", f"{k}={v}")], "/app"]
        lx_cmd = lambda mem: linux_cmd("x86_64", kernel, cpio, accel, mem, params=params, args=args,
                                       machine=LINUX_MACHINE, qemu_args=nic)
        size = os.path.getsize(kernel) + os.path.getsize(cpio)
    lx = Variant("linux", "Linux microVM", na=lx_na, cmd=lx_cmd, host=GUEST, size=size,
                 note=f"Debian's {os.path.basename(kernel)[len('vmlinuz-'):] or 'cloud'} kernel on QEMU {LINUX_MACHINE}, "
                      f"{accel.upper()}, the same NIC (virtio-net-device on the same tap, same MAC); the initramfs holds "
                      "the same NativeAOT object linked statically with musl as /app, appsettings.json, the virtio-net "
                      "modules and /init (bench/apps/LinuxInit/linuxinit.c, static): it mounts /proc and /sys, loads "
                      "the modules, gives eth0 its address and executes /app; the kernel's TSC as block.sh/net.sh give it")
    native = os.path.join(a.out, "native", "WebApp")
    nat_na = a.native_na or (None if os.path.exists(native) else "n/a (not published)")
    nat = Variant("native", "native process", na=nat_na, cmd=lambda mem: [native], host="127.0.0.1", vm=False,
                  size=None if nat_na else os.path.getsize(native),
                  note="the app published for linux-x64 (NativeAOT, glibc), over the namespace's loopback, on the host CPU")
    return [uk, lx, nat]

def linux_guest(a):
    """(None, kernel, cpio) for the Linux microVM, or (why not, None, None)."""
    out = os.path.join(a.out, "linux")
    obj = os.path.join(a.app, "obj", "Release", "net10.0", "unikraft-qemu-x64", "native", "WebApp.o")
    pack = os.path.join(a.root, "artifacts", "runtime-packs", "unikraft-qemu-x64")
    kernels = sorted(f for f in os.listdir(out) if f.startswith("vmlinuz-")) if os.path.isdir(out) else []
    if not kernels:
        return f"n/a (no Debian kernel in {os.path.relpath(out, a.root)})", None, None
    app, cpio = os.path.join(out, "WebApp.init"), os.path.join(out, "WebApp.cpio")
    try:
        nativeaot_dir(obj, "x64")
        link_static("x86_64", obj, toolchain("x86_64", pack, out), app, crypto=True)
    except (subprocess.CalledProcessError, OSError, SystemExit) as e:
        return f"n/a (the static link of the app failed: {e})", None, None
    files = [("app", app, 0o755), ("appsettings.json", os.path.join(a.app, "appsettings.json"))]
    files += [(f"modules/{i}-{m}", os.path.join(out, "modules", m)) for i, m in enumerate(MODULES)]
    initramfs(os.path.join(a.out, "linuxinit"), cpio, files)
    return None, os.path.join(out, kernels[-1]), cpio

def ms(x):
    return f"{x * 1000:,.0f} ms" if x >= 0.1 else f"{x * 1000:.1f} ms"

def cold_cell(v):
    if not v.cold:
        return v.na or "failed"
    return f"{ms(statistics.median(v.cold))} ({ms(min(v.cold))}–{ms(max(v.cold))})"

def wrk_cell(v, c):
    if c not in v.wrk:
        return v.na or "failed"
    rps, p50, p99, errors = v.wrk[c]
    lat = f" (p50 {p50:.2f} ms, p99 {p99:.2f} ms)" if p50 is not None and p99 is not None else ""
    return f"{rps:,.0f}/s{lat}" + (f", {errors} errors" if errors else "")

def table(variants, a, accel, notes):
    where = lambda v: "host CPU" if not v.vm else accel.upper()
    head = "| | accelerator | " + " | ".join(f"{v.label} ({where(v)})" for v in variants) + " |"
    sep = "|---|---|" + "---|" * len(variants)
    acc = f"VMs: {accel.upper()}; native: host CPU"
    rows = [f"| launch to first HTTP response, median of {a.runs} (min–max) | {acc} | " +
            " | ".join(cold_cell(v) for v in variants) + " |"]
    rows += [f"| GET / (small JSON), {c} connection{'s' if c > 1 else ''}: requests/s | {acc} | " +
             " | ".join(wrk_cell(v, c) for v in variants) + " |" for c in a.connections]
    if not a.quick:
        rows.append(f"| smallest -m that serves | {acc} | " + " | ".join(
            (f"{v.min_mem} MiB" if v.min_mem else "failed") if v.vm and not v.na else (v.na or "n/a (no VM)")
            for v in variants) + " |")
    rows.append("| what boots (bytes) | — | " + " | ".join(
        f"{v.size / 1e6:.2f} MB" if v.size else (v.na or "—") for v in variants) + " |")
    title = (f"The template's web app (`dotnet new unikernel-web`), one run of bench/web.sh: {time.strftime('%Y-%m-%d')}, "
             f"{os.cpu_count()} CPUs, both VMs under {accel.upper()} with -m {MEM}; wrk for {a.seconds} s per row.")
    return "\n".join([title, ""] + [f"- {n}" for n in notes] + ["", head, sep] + rows)

def verdict(variants, accel):
    uk, lx = variants[0], variants[1]
    lines = [f"Verdict (same run, both VMs under {accel.upper()}, same QEMU, NIC, tap and memory):"]
    met = True
    if uk.cold and lx.cold:
        ratio = statistics.median(lx.cold) / statistics.median(uk.cold)
        lines.append(f"- cold start: the unikernel serves its first response {ratio:.1f}× sooner than the Linux "
                     "microVM (target: at least 10×).")
        met &= ratio >= 10
    else:
        met = False
    for c in sorted(set(uk.wrk) | set(lx.wrk)):
        if c in uk.wrk and c in lx.wrk:
            r = uk.wrk[c][0] / lx.wrk[c][0]
            lines.append(f"- {c} connection{'s' if c > 1 else ''}: {r:.2f}× the Linux microVM's requests/s.")
            met &= r >= 1
        else:
            met = False
    if uk.min_mem and lx.min_mem:
        lines.append(f"- memory: serves in {uk.min_mem} MiB against {lx.min_mem} MiB.")
    lines.append("- Target (first response at least 10× sooner, and at least as many requests/s at every connection "
                 f"count): {'MET' if met else 'NOT MET'}.")
    return "\n".join(lines)

def chart(variants, a, accel):
    plt = pyplot()
    if plt is None:
        return
    colors = COLORS
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [3, 2]})
    width = 0.8 / len(variants)
    for i, v in enumerate(variants):
        where = "host CPU" if not v.vm else accel.upper()
        xs = [j + (i - 1) * width for j, c in enumerate(a.connections) if c in v.wrk]
        ys = [v.wrk[c][0] for c in a.connections if c in v.wrk]
        ax.bar(xs, ys, width, color=colors[v.key], label=f"{v.label} ({where})")
        for x, y in zip(xs, ys):
            ax.annotate(f"{y:,.0f}", (x, y), ha="center", va="bottom", fontsize=7)
        if v.cold:
            y = statistics.median(v.cold) * 1000
            bx.bar([i], [y], 0.7, color=colors[v.key])
            bx.annotate(f"{y:,.0f} ms" if y >= 100 else f"{y:.1f} ms", (i, y), ha="center", va="bottom", fontsize=8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(a.connections)), [str(c) for c in a.connections])
    ax.set_xlabel("wrk connections, GET / (small JSON response)")
    ax.set_ylabel("requests/s (log scale)")
    ax.set_title("Requests/s", fontsize=10)
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    bx.set_yscale("log")
    bx.set_xticks(range(len(variants)), [v.label.replace(" ", "\n", 1) for v in variants], fontsize=8)
    bx.set_ylabel("ms (log scale)")
    bx.set_title(f"Launch to first HTTP response (median of {a.runs})", fontsize=10)
    bx.grid(True, axis="y", which="both", alpha=0.3)
    fig.suptitle(f"bench/web.sh, {time.strftime('%Y-%m-%d')}: the unikernel-web template's app as unikernel and Linux "
                 f"microVM under {accel.upper()} on a tap device, and native; {os.cpu_count()} host CPUs", fontsize=10)
    fig.tight_layout()
    path = os.path.join(a.out, "web.png")
    fig.savefig(path, dpi=100)
    print(f"\nChart: {path}")

def main():
    ap = argparse.ArgumentParser()
    for opt in ("--root", "--out", "--tap", "--app"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--accel", default="auto")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", default="1,16,256")
    for opt in ("--uk-na", "--linux-na", "--native-na"):
        ap.add_argument(opt, default="")
    a = ap.parse_args()
    a.connections = [int(c) for c in a.connections.split(",")]
    accel = kvm_accel(a.accel)
    notes = []
    if accel == "kvm":
        # As compare.sh: Debian's kernel does not come up under every KVM (PVM); then both VMs run under TCG.
        probe = prepare(a, accel)[1]
        if not probe.na:
            s, t = boot(probe, MEM, 30)
            s.stop()
            if t is None:
                accel = "tcg"
                notes.append("The Linux guest did not serve under this host's KVM within 30 s, so both VMs ran under TCG.")
    variants = prepare(a, accel)
    for v in variants:
        print(f"==> {v.label}", file=sys.stderr)
        measure(v, a)
    notes += [f"{v.label}: {v.note}." for v in variants]
    notes.append("Configuration, the same for all three: the template's appsettings.json, and the environment variable "
                 + ", ".join(f"`{k}={v}`" for k, v in ENV.items()) + " (the request log off, so that the load measures "
                 "the server rather than the console; unikernel: `env.` kernel options, Linux: /init's --env).")
    notes.append("Cold start: from just before the VMM (or the process) is started to the first complete `200` reply "
                 "to GET /, polled with a new connection every 10 ms (50 ms connect timeout); the host has a "
                 "permanent neighbour entry for the guest's MAC, so no ARP retry paces it. Load: wrk 4.1 (Debian) in "
                 "the same namespace, sharing the host's CPUs with QEMU; 1 thread for 1 connection, 2 otherwise; "
                 "one untimed second of load first.")
    if not a.quick:
        notes.append("Smallest -m: bisection between 8 MiB and the run's -m; a size serves when GET / answers within "
                     "60 s (Linux: 120 s) of launch.")
    notes += [f"**{v.label}**: {e}." for v in variants for e in v.errors]
    loads = [f"{v.label} {v.load[0]:.1f} → {v.load[-1]:.1f}" for v in variants if len(v.load) == 2]
    if loads:
        notes.append(f"The host's load average (1 min) when each variant started and ended: {', '.join(loads)}.")
    text = table(variants, a, accel, notes) + "\n\n" + verdict(variants, accel)
    print()
    print(text)
    with open(os.path.join(a.out, "web.md"), "w") as f:
        f.write(text + "\n")
    if not a.quick:
        chart(variants, a, accel)
    failed = [f"{v.label}: {'; '.join(v.errors)}" for v in variants if v.errors]
    if failed:
        sys.exit(f"bench: failed: {' | '.join(failed)}")

if __name__ == "__main__":
    main()
