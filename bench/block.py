#!/usr/bin/env python3
"""block.py - the measuring half of bench/block.sh, for bench/apps/BlockCopy as a unikernel, in the Linux microVM of
compare.sh, and as a native process on the same image files, in one run: throughput and latency (sequential 1 MiB
reads and writes, random 4 KiB reads and writes one at a time and 8 outstanding), and MirageOS's block benchmark
(copy one disk onto another with buffers of 1 to 2000 sectors, one request at a time and 8 in parallel). Both VMs run
twice: disks opened with O_DIRECT (straight between device and program) and through their kernels' page caches
(what a program gets by default). Each guest
times its own requests (Stopwatch) and prints one BLOCKIO line per test and one BLOCK line per (mode, buffer); this
script checks them, prints two Markdown tables and a verdict against the Linux microVM of the same run (also
written to block.md) and draws block.png."""
import argparse, os, re, subprocess, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from benchlib import (COLORS, LINUX_MACHINE, linux_initramfs, host_tsc_khz, kvm_accel, linux_cmd, pyplot,  # noqa: E402
                      run, uk_cmd)

SIZES = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]
QUICK_SIZES = [1, 50, 2000]
MODES = ["sequential", "parallel"]
IO_MODES = ["direct", "buffered"]
IO_LABEL = {"direct": "O_DIRECT", "buffered": "page cache"}
PARALLEL = 8
# Throughput and latency tests: (name, requests outstanding) -> what the program's --tests takes.
TESTS = [("seqread", 1), ("seqwrite", 1), ("randread", 1), ("randread", PARALLEL), ("randwrite", 1),
         ("randwrite", PARALLEL)]
RANDOM_REQUESTS, QUICK_RANDOM_REQUESTS = 4096, 1024
MEM = "256M"
# In load order (the guest loads /modules/*.ko by name, retrying any that lacks another's symbols).
MODULES = ["virtio_ring.ko", "virtio.ko", "virtio_mmio.ko", "virtio_blk.ko"]
# MirageOS on Unikraft's published unikraft-qemu numbers for this benchmark: only these two points exist (about
# 0.02 s from 500 sectors on); they are drawn as a reference, nothing is interpolated.
# They are for a 50 MiB disk: with another size the column says so instead.
REFERENCE = {1: (1.46, "1.46 s"), 500: (0.02, "≈0.02 s (500 sectors and more)")}
REFERENCE_MIB = 50
LINE = re.compile(r"BLOCK mode=(\w+) sectors=(\d+) bytes=\d+ runs=(\d+) mean_s=([\d.]+) min_s=([\d.]+) "
                  r"max_s=([\d.]+) verified=(\w+)")
IOLINE = re.compile(r"BLOCKIO test=(\w+) depth=(\d+) bytes=(\d+) requests=(\d+) runs=\d+ mean_s=([\d.]+) "
                    r"min_s=([\d.]+) max_s=([\d.]+) lat_mean_us=([\d.]+) lat_p50_us=([\d.]+) lat_p99_us=([\d.]+) "
                    r"verified=(\w+)")

class Variant:
    """A column: make(program arguments) -> argv, or na (why it cannot run)."""
    def __init__(self, key, label, na=None, make=None, note=""):
        self.key, self.label, self.na, self.make, self.note = key, label, na, make, note
        # ("copy", mode, sectors) -> (mean, min, max) seconds; ("io", test, depth) -> (mean, min, max, bytes,
        # requests, latency mean, p50, p99 in µs)
        self.results, self.failed, self.retries, self.clock_us, self.load = {}, None, [], None, []

def make_source(path, size):
    """The source disk: every 512-byte sector starts with its number, so a misplaced sector shows."""
    if os.path.exists(path) and os.path.getsize(path) == size:
        return
    base = bytearray(bytes(range(256)) * 2)
    with open(path + ".tmp", "wb") as f:
        for first in range(0, size // 512, 2048):
            chunk = bytearray()
            for s in range(first, min(first + 2048, size // 512)):
                base[:8] = s.to_bytes(8, "little")
                chunk += base
            f.write(chunk)
    os.replace(path + ".tmp", path)

def zero(path, size):
    with open(path, "wb") as f:
        for _ in range(0, size, 1 << 20):
            f.write(bytes(min(1 << 20, size - f.tell())))

def same(a, b):
    with open(a, "rb") as x, open(b, "rb") as y:
        while True:
            p, q = x.read(1 << 20), y.read(1 << 20)
            if p != q:
                return False
            if not p:
                return True

def drives(src, dst):
    return ["-drive", f"file={src},if=none,id=vd0,format=raw,readonly=on", "-device", "virtio-blk-device,drive=vd0",
            "-drive", f"file={dst},if=none,id=vd1,format=raw", "-device", "virtio-blk-device,drive=vd1"]

def prepare(a, accel, src, dst):
    """The variants with their commands (the Linux VM's /init linked and packed here): the unikernel and the Linux
    microVM once per I/O mode of --io, then the native process."""
    qemu = subprocess.run(["sh", "-c", "command -v qemu-system-x86_64"], capture_output=True).returncode == 0
    image = os.path.join(a.out, "uk", "BlockCopy.qemu")
    uk_na = a.uk_na or (None if qemu else "n/a (no qemu-system-x86_64)")
    if not uk_na and not os.path.exists(image):
        uk_na = "n/a (not published)"
    lx_na = a.linux_na or uk_na
    vmlinuz = cpio = None
    kernel, params = "", ""
    if not lx_na:
        out = os.path.join(a.out, "linux")
        kernel, cpio, lx_na = linux_initramfs(a.root, out, "BlockCopy", MODULES)
    if not lx_na:
        vmlinuz = os.path.join(out, kernel)
        khz = host_tsc_khz() if accel == "tcg" else None
        params = f"tsc_early_khz={khz} tsc=reliable" if khz else ""
        kernel = kernel[len("vmlinuz-"):]
    variants = []
    for io in a.io:
        flag = ["--buffered"] if io == "buffered" else []
        how = ("disks opened with O_DIRECT: requests go straight between the device and the program's pages"
               if io == "direct" else "disks opened without O_DIRECT: reads and writes go through the kernel's page "
               "cache (read-ahead, write-back), as a program's files do by default")
        variants.append(Variant(
            f"uk-{io}", f"unikernel, {IO_LABEL[io]}", na=uk_na,
            make=lambda args, flag=flag: uk_cmd(image, accel, MEM, " ".join(["--", "/dev/vda", "/dev/vdb", *args, *flag]))
            + drives(src, dst),
            note=f"QEMU microvm (acpi=off), {accel.upper()}, -m {MEM}, disks as virtio-blk (virtio-mmio); {how}"))
        variants.append(Variant(
            f"linux-{io}", f"Linux microVM, {IO_LABEL[io]}", na=lx_na,
            make=None if lx_na else (lambda args, flag=flag: linux_cmd(
                "x86_64", vmlinuz, cpio, accel, MEM, params=params,
                args=["/dev/vda", "/dev/vdb", "--linux-init", *args, *flag], machine=LINUX_MACHINE,
                qemu_args=drives(src, dst))),
            note=f"Debian's {kernel or 'cloud'} kernel on QEMU {LINUX_MACHINE}, {accel.upper()}, -m {MEM}, the same "
                 "disks as virtio-blk (virtio-mmio); /init is the same NativeAOT object linked statically with musl; "
                 f"it loads virtio_blk and mounts devtmpfs before timing; {how}" +
                 (f"; {params} (the host's TSC, measured, and no clocksource watchdog: under TCG the PIT calibration "
                  "is unreliable and the watchdog would switch the clock to 4 ms jiffies)" if params else "")))

    native = os.path.join(a.out, "native", "BlockCopy")
    nat_na = a.native_na or (None if os.path.exists(native) else "n/a (not published)")
    flags = [] if a.native_direct else ["--buffered"]
    variants.append(Variant(
        "native", "native process", na=nat_na, make=lambda args: [native, src, dst, *args, *flags],
        note="the program published for linux-x64 (NativeAOT, glibc) on the same image files, " +
             ("opened with O_DIRECT: the host's own disk, bypassing its page cache" if a.native_direct else
              "through the host's page cache (no O_DIRECT): where QEMU's default cache=writeback puts the "
              "VMs' requests too, so this column is the VMs' I/O path without the VM")))
    return variants

def program_args(tests, modes, sizes, runs, requests):
    """BlockCopy's arguments: tests [(name, depth)], copy modes and buffer sizes ("none" for an empty list)."""
    return ["--tests", ",".join(n if n.startswith("seq") else f"{n}:{d}" for n, d in tests) or "none",
            "--random-requests", str(requests), "--sectors", ",".join(map(str, sizes or [1])),
            "--modes", ",".join(modes) or "none", "--runs", str(runs), "--parallel", str(PARALLEL)]

def measure(v, a, src, dst, size, sizes, requests):
    """One boot measures every point; when a guest stops before the end, the points it did not reach are measured
    once more in fresh boots (one for the tests, one per copy mode), and the notes say so."""
    if v.na:
        return
    zero(dst, size)
    v.load.append(os.getloadavg()[0])
    # The slowest point (1 sector, Linux VM, TCG) takes about 0.7 s per MiB and copy: a guest silent for much longer
    # has stopped. The total is a backstop.
    idle = 120 + a.runs * (size >> 20) * 3
    timeout = 900 + a.runs * (size >> 20) * 12 * len(sizes) / len(SIZES)
    todo = [("io", n, d) for n, d in TESTS] + [("copy", m, s) for m in MODES for s in sizes]
    tail = "no output"
    for attempt in range(2):
        tests = [(p[1], p[2]) for p in todo if p[0] == "io"]
        copies = {m: [p[2] for p in todo if p[:2] == ("copy", m)] for m in MODES}
        if attempt == 0:
            boots = [(tests, MODES, sizes)]
        else:
            boots = ([(tests, [], [])] if tests else []) + [([], [m], ss) for m, ss in copies.items() if ss]
        for ts, modes, ss in boots:
            cmd = v.make(program_args(ts, modes, ss, a.runs, requests))
            print(f"==> {v.label}: {' '.join(cmd)}", file=sys.stderr)
            # The program's last line is its verdict; a guest that has not powered off 30 s later is stopped (seen
            # once: the Linux guest, under heavy host load, kept running after it).
            _, took, _, out = run(cmd, "BLOCKCOPY:", timeout=timeout, echo="BLOCK", idle=idle, done="BLOCKCOPY: ")
            step = re.search(r"BLOCKCOPY .*clock_step_us=([\d.]+)", out)
            if step:
                v.clock_us = max(v.clock_us or 0, float(step.group(1)))
            for m in IOLINE.finditer(out):
                test, depth, verified = m.group(1), int(m.group(2)), m.group(11)
                if verified != "yes":
                    v.failed = f"{test} with {depth} outstanding read or left wrong data"
                v.results[("io", test, depth)] = (tuple(float(m.group(i)) for i in (5, 6, 7)) +
                                                  (int(m.group(3)), int(m.group(4))) +
                                                  tuple(float(m.group(i)) for i in (8, 9, 10)))
            for m in LINE.finditer(out):
                mode, sectors, verified = m.group(1), int(m.group(2)), m.group(7)
                if verified != "yes":
                    v.failed = f"the copy with {sectors} sectors ({mode}) differs from the source"
                v.results[("copy", mode, sectors)] = tuple(float(m.group(i)) for i in (4, 5, 6))
            fail = re.search(r"BLOCKCOPY: FAIL (.*)", out)
            if fail and not v.failed:
                v.failed = fail.group(1).strip()[:160]   # the program's own verdict: no second try
            if v.failed:
                return
            if "BLOCKCOPY: DONE" not in out:
                tail = " / ".join(out.strip().splitlines()[-3:]) if out.strip() else "no output"
                print(f"    {v.label}: stopped after {took:.0f} s without finishing: {tail}", file=sys.stderr)
            else:
                print(f"    {v.label}: {took:.0f} s", file=sys.stderr)
        missing = [p for p in todo if p not in v.results]
        if missing and attempt == 0:
            v.retries.append(f"its first boot stopped (no output for {idle} s, or an early end) before {point(missing[0])}"
                             "; that point and the ones after it were measured in fresh boots")
        todo = missing
        if not todo:
            break
    v.load.append(os.getloadavg()[0])
    if todo:
        v.failed = f"stopped twice before {point(todo[0])}, last output: {tail[-160:]}"
    elif not same(src, dst):
        v.failed = "the destination image differs from the source image on the host"

def point(p):
    """A measurement's name: ("io", test, depth) or ("copy", mode, sectors)."""
    if p[0] == "io":
        return test_label(p[1], p[2])
    return f"the {p[1]} copy with {p[2]} sector{'s' if p[2] > 1 else ''}"

def test_label(name, depth):
    kind, what = ("sequential", name[3:]) if name.startswith("seq") else ("random", name[4:])
    api = f"RandomAccess.{what.capitalize()}" + ("Async" if depth > 1 else "")
    size = "1 MiB" if kind == "sequential" else "4 KiB"
    return f"{kind} {what}, {size} requests, {'1 at a time' if depth == 1 else f'{depth} outstanding'} ({api})"

def fmt(x):
    return f"{x:.3g}"

def grouped(x):
    return f"{x:,.0f}" if x >= 100 else fmt(x)

def cell(v, mode, sectors, runs):
    if v.na:
        return v.na
    r = v.results.get(("copy", mode, sectors))
    if r is None:
        return f"failed ({v.failed})" if v.failed else "missing"
    return f"{fmt(r[0])} s" + (f" ({fmt(r[1])}–{fmt(r[2])})" if runs > 1 else "")

def rate(r, sequential):
    """Throughput of a test result: (MiB/s or IOPS at the mean, at the slowest run, at the fastest run), unit."""
    mean, lo, hi, nbytes, requests = r[:5]
    if sequential:
        total = nbytes * requests / 2**20   # the last request may be short; the disk is whole MiB here
        return total / mean, total / hi, total / lo, "MiB/s"
    return requests / mean, requests / hi, requests / lo, "IOPS"

def io_cell(v, name, depth, runs):
    if v.na:
        return v.na
    r = v.results.get(("io", name, depth))
    if r is None:
        return f"failed ({v.failed})" if v.failed else "missing"
    x, lo, hi, unit = rate(r, name.startswith("seq"))
    spread = f" ({grouped(lo)}–{grouped(hi)})" if runs > 1 else ""
    return f"{grouped(x)} {unit}{spread}; {grouped(r[5])} / {grouped(r[6])} / {grouped(r[7])} µs"

def ref_cell(s, size):
    if s not in REFERENCE:
        return ""
    return REFERENCE[s][1] if size == REFERENCE_MIB << 20 else f"(published for a {REFERENCE_MIB} MiB disk)"

def table(variants, a, accel, size, sizes, requests, notes):
    plural = "s" if a.runs > 1 else ""
    lines = [f"Block devices, one run of bench/block.sh{' --quick' if a.quick else ''}: {time.strftime('%Y-%m-%d')}, "
             f"{os.cpu_count()} CPUs, both VMs under {accel.upper()}; a {size >> 20} MiB source disk and a destination "
             f"disk of the same size.", ""]
    lines += [f"- {n}" for n in notes] + [""]
    lines.append(f"Throughput (mean of {a.runs} run{plural}, min–max) and latency per request (mean / median / 99th "
                 f"percentile over all runs), timed inside the guest; random tests: {requests:,} requests per run.")
    lines.append("")
    head = " | ".join(v.label + (" (no VM)" if v.key == "native" else "") for v in variants)
    lines.append(f"| test | VMs' accelerator | {head} |")
    lines.append("|---|---|" + "---|" * len(variants))
    for name, depth in TESTS:
        lines.append(f"| {test_label(name, depth)} | {accel.upper()} | " +
                     " | ".join(io_cell(v, name, depth, a.runs) for v in variants) + " |")
    lines.append("")
    lines.append(f"Copy of the whole disk onto the other (MirageOS's block benchmark), seconds, mean of {a.runs} "
                 f"run{plural} (min–max), timed inside the guest.")
    lines.append("")
    lines.append(f"| buffer | mode | VMs' accelerator | {head} | "
                 "MirageOS on Unikraft, unikraft-qemu (published, not this run) |")
    lines.append("|---|---|---|" + "---|" * (len(variants) + 1))
    for mode in MODES:
        for s in sizes:
            lines.append(f"| {s} sector{'s' if s > 1 else ''} ({s * 512:,} B) | {mode} | {accel.upper()} | " +
                         " | ".join(cell(v, mode, s, a.runs) for v in variants) + f" | {ref_cell(s, size)} |")
    return "\n".join(lines)

def speed(v, key):
    """Higher is better: throughput for a test, 1/seconds for a copy; None when not measured."""
    r = v.results.get(key)
    if r is None:
        return None
    return rate(r, key[1].startswith("seq"))[0] if key[0] == "io" else 1 / r[0]

def versus(a, b, keys):
    """(keys where a is faster, keys where a is slower, ratios a/b) over the keys both measured."""
    pairs = [(k, speed(a, k) / speed(b, k)) for k in keys if speed(a, k) and speed(b, k)]
    return [k for k, r in pairs if r >= 1], [k for k, r in pairs if r < 1], dict(pairs)

def times_text(r):
    return f"{r:.2g}× faster" if r >= 1 else f"{1 / r:.2g}× slower"

def verdict(variants, accel, size, sizes):
    """The unikernel against the Linux microVM of the same run and the same I/O mode (same QEMU, disks, memory,
    accelerator), and against the native process; MirageOS's published points are mentioned, not judged."""
    by = {v.key: v for v in variants}
    nat = by["native"]
    keys = [("io", n, d) for n, d in TESTS] + [("copy", m, s) for m in MODES for s in sizes]
    lines = [f"Verdict (same run, both VMs under {accel.upper()}; speed = throughput, or 1 / copy time):"]
    for io in IO_MODES:
        uk, lx = by.get(f"uk-{io}"), by.get(f"linux-{io}")
        if not uk or not lx:
            continue
        if uk.na or lx.na or not uk.results or not lx.results:
            lines.append(f"- {uk.label} vs {lx.label}: not compared ({uk.na or lx.na or 'a variant measured nothing'}).")
            continue
        faster, slower, ratio = versus(uk, lx, keys)
        lines.append(f"- {uk.label} vs {lx.label}: faster in {len(faster)} of {len(faster) + len(slower)} "
                     f"measurements.")
        io_keys = [k for k in keys if k[0] == "io" and k in ratio]
        if io_keys:
            lines.append("  - throughput and latency tests: " + "; ".join(
                f"{test_label(k[1], k[2]).split(' (')[0]}: {times_text(ratio[k])}" for k in io_keys) + ".")
        for mode in MODES:
            cs = [k for k in keys if k[:2] == ("copy", mode) and k in ratio]
            if cs:
                lines.append(f"  - {mode} copies: " + "; ".join(f"{k[2]} sector{'s' if k[2] > 1 else ''}: "
                                                                 f"{times_text(ratio[k])}" for k in cs) + ".")
    for uk in [v for v in variants if v.key.startswith("uk-")]:
        if not uk.na and not nat.na and uk.results and nat.results:
            faster, slower, ratio = versus(uk, nat, keys)
            rs = sorted(ratio.values())
            big = [k for k in ratio if k[0] == "copy" and k[2] >= 128]
            lines.append(f"- {uk.label} vs the native process (no VM, the host's page cache): faster in {len(faster)} "
                         f"of {len(ratio)} measurements; from {times_text(rs[0])} to {times_text(rs[-1])}"
                         + (f"; copies with 128 sectors and more: from {times_text(min(ratio[k] for k in big))} to "
                            f"{times_text(max(ratio[k] for k in big))}" if big else "")
                         + (" (TCG emulates every guest instruction)." if accel == "tcg" else "."))
    coarse = [v.label for v in variants if (v.clock_us or 0) > 100]
    if coarse:
        lines.append(f"- Not conclusive for short times: the clock of {', '.join(coarse)} steps by more than 100 µs.")
    if size == REFERENCE_MIB << 20:
        ones = [f"{v.label} {fmt(v.results[('copy', 'sequential', 1)][0])} s" for v in variants
                if v.key.startswith("uk-") and ("copy", "sequential", 1) in v.results]
        if ones:
            lines.append(f"- MirageOS on Unikraft (published, other hardware, not this run): 1.46 s for the 1-sector "
                         f"copy; this run under {accel.upper()}: {', '.join(ones)}.")
    return "\n".join(lines)

def chart(variants, a, accel, size, sizes):
    plt = pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    colors = COLORS
    styles = {"direct": "--", "buffered": "-"}
    for ax, mode in zip(axes, MODES):
        for v in variants:
            pts = [(s, v.results[("copy", mode, s)][0]) for s in sizes if ("copy", mode, s) in v.results]
            if pts:
                kind, _, io = v.key.partition("-")
                ax.plot(*zip(*pts), marker="o", ms=4, color=colors[kind], linestyle=styles.get(io, "-"), label=v.label)
            elif v.na or v.failed:
                ax.plot([], [], color=colors[v.key.partition("-")[0]], label=f"{v.label}: n/a" if v.na else
                        f"{v.label}: failed")
        if size == REFERENCE_MIB << 20:
            ref = sorted(REFERENCE.items())
            ax.plot([s for s, _ in ref], [r[0] for _, r in ref], linestyle="none", marker="*", ms=12, color="black",
                    label="MirageOS on Unikraft, unikraft-qemu (published points)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(sizes, [str(s) for s in sizes], fontsize=8)
        ax.minorticks_off()
        ax.set_xlabel("buffer size (512-byte sectors, log scale)")
        ax.set_title(f"{mode}" + (f" ({PARALLEL} requests outstanding)" if mode == "parallel" else
                                  " (one request at a time)"), fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("seconds for the copy (log scale)")
    axes[1].legend(fontsize=8)
    fig.suptitle(f"Copy of a {size >> 20} MiB disk, mean of {a.runs} runs, VMs under {accel.upper()}, "
                 f"{time.strftime('%Y-%m-%d')}", fontsize=10)
    fig.tight_layout()
    path = os.path.join(a.out, "block.png")
    fig.savefig(path, dpi=100)
    print(f"\nChart: {path}")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--accel", default="auto")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--size-mib", type=int, default=50)
    ap.add_argument("--native-direct", action="store_true")
    ap.add_argument("--io", default=",".join(IO_MODES), help="the VMs' I/O modes: direct, buffered or both")
    ap.add_argument("--uk-na", default="")
    ap.add_argument("--linux-na", default="")
    ap.add_argument("--native-na", default="")
    a = ap.parse_args()
    a.io = [m for m in a.io.split(",") if m]
    if not a.io or any(m not in IO_MODES for m in a.io):
        sys.exit("bench: --io takes direct, buffered or direct,buffered")
    if a.size_mib < 1:
        sys.exit("bench: --size-mib must be at least 1")
    sizes = QUICK_SIZES if a.quick else SIZES
    requests = QUICK_RANDOM_REQUESTS if a.quick else RANDOM_REQUESTS
    size = a.size_mib << 20
    src, dst = os.path.join(a.out, "source.img"), os.path.join(a.out, "destination.img")
    make_source(src, size)

    accel = kvm_accel(a.accel)
    notes = []
    variants = prepare(a, accel, src, dst)
    lx = variants[1]
    if accel == "kvm" and not lx.na:
        # As compare.sh: when Debian's kernel does not come up under this host's KVM, both VMs run under TCG.
        probe = lx.make(program_args([], ["sequential"], [2000], 1, 1))
        if "BLOCKCOPY" not in run(probe, "BLOCKCOPY", timeout=30)[3]:
            accel = "tcg"
            variants = prepare(a, accel, src, dst)
            notes.append("The Linux guest did not start under this host's KVM within 30 s, so both VMs ran under TCG.")
    for v in variants:
        measure(v, a, src, dst, size, sizes, requests)

    notes += [f"{v.label}: {v.note}." for v in variants]
    notes += [f"{v.label}: {r}." for v in variants for r in v.retries]
    steps = [f"{v.label} {v.clock_us:g} µs" for v in variants if v.clock_us is not None]
    if steps:
        notes.append("Smallest step of each program's Stopwatch (its clock's resolution, measured in the guest): " +
                     ", ".join(steps) + ".")
    loads = [f"{v.label} {v.load[0]:.1f} → {v.load[-1]:.1f}" for v in variants if len(v.load) == 2]
    if loads:
        notes.append(f"The host's load average (1 min, {os.cpu_count()} CPUs) when each variant started and ended: " +
                     ", ".join(loads) + (": other work shared the machine, and the variants ran one after the other, "
                                         "so they did not share it equally" if max(max(v.load) for v in variants
                                                                                   if v.load) > 1.5 else "") + ".")
    coarse = [v.label for v in variants if (v.clock_us or 0) > 100]
    if coarse:
        notes.append(f"WARNING: {', '.join(coarse)}: a clock that steps by more than 100 µs; its short times and "
                     "its latencies are quantized to that step.")
    notes.append(f"Throughput and latency: sequential tests read or write the whole disk in 1 MiB requests; random "
                 f"tests make {requests:,} requests at 4 KiB-aligned offsets from a seeded generator (the same offsets "
                 f"for every variant), one at a time with RandomAccess.Read/Write or {PARALLEL} outstanding ({PARALLEL} "
                 "workers each awaiting RandomAccess.ReadAsync/WriteAsync). A request's latency is its own Stopwatch "
                 "span as the program sees it. Reads check each request's first sector number; writes write the "
                 "source's content, and the destination is compared with the source afterwards (untimed). No flush "
                 "is timed (QEMU's cache=writeback completes a write once it is in the host's page cache; through a "
                 "page cache, a write completes once it is in the guest's, and the program's fsync at its end, "
                 "untimed, writes everything back before the host compares the images).")
    notes.append(f"Copies: sequential: RandomAccess.Read of one buffer, then RandomAccess.Write of it, and so on; "
                 f"parallel: {PARALLEL} workers, each awaiting RandomAccess.ReadAsync then WriteAsync of its own buffer "
                 f"on the next unclaimed chunk ({PARALLEL} requests outstanding). Before each copy the guest zeroes the "
                 "destination, after it compares it with the source (both untimed); the host compares the two image "
                 "files after each variant. Buffers are page-aligned native memory.")
    if size == REFERENCE_MIB << 20:
        notes.append("MirageOS on Unikraft: its published unikraft-qemu numbers (1.46 s with 1 sector, about 0.02 s "
                     "with 500 sectors and more), measured on other hardware with its own set-up, not in this run: a "
                     "reference for the shape of the curve, not a like-for-like number; no other points are published.")
    text = table(variants, a, accel, size, sizes, requests, notes) + "\n\n" + verdict(variants, accel, size, sizes)
    print()
    print(text)
    with open(os.path.join(a.out, "block.md"), "w") as f:
        f.write(text + "\n")
    if not a.quick:
        chart(variants, a, accel, size, sizes)
    failed = [f"{v.label} ({v.failed})" for v in variants if v.failed]
    if failed:
        sys.exit(f"bench: failed: {'; '.join(failed)}")

if __name__ == "__main__":
    main()
