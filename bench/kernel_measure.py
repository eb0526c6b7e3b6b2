#!/usr/bin/env python3
"""kernel_measure.py - the measuring half of bench/kernel.sh: runs each Micro mode RUNS times in the
unikernel and natively, takes the medians, and prints a Markdown table with the ratio; then boots an
idle unikernel and reads the CPU time its QEMU process used."""
import argparse, os, re, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from benchlib import kvm_accel, uk_cmd  # noqa: E402

def result(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
    m = re.search(r"RESULT (\S+) (\S+) (\S+)", out)
    if not m:
        sys.exit(f"bench: no RESULT line from {cmd[0]}: {out[-500:]}")
    return float(m.group(2)), m.group(3)

def vm(image, accel, args):
    return uk_cmd(image, accel, "512M", "-- " + " ".join(args))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True)
    ap.add_argument("--native", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--accel", default="auto")
    a = ap.parse_args()
    accel = kvm_accel(a.accel)
    rows = []
    for mode, label in [("syscall", "syscall round trip (sched_yield)"),
                        ("switch", "thread switch (futex ping-pong)"),
                        ("alloc", "GC-heavy allocation, 20M objects")]:
        uk = [result(vm(a.image, accel, [mode])) for _ in range(a.runs)]
        nat = [result([a.native, mode]) for _ in range(a.runs)]
        u, n = statistics.median(v for v, _ in uk), statistics.median(v for v, _ in nat)
        rows.append((label, f"{u:.1f} {uk[0][1]}", f"{n:.1f} {nat[0][1]}", f"{u / n:.2f}x"))
    # Idle: CPU seconds the QEMU process uses while the program sleeps 5 s.
    p = subprocess.Popen(vm(a.image, accel, ["idle", "5"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.5)
    def cpu():
        with open(f"/proc/{p.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    c0, t0 = cpu(), time.time()
    time.sleep(2)
    idle = (cpu() - c0) / (time.time() - t0) * 100
    p.wait()
    rows.append(("idle unikernel: host CPU of the QEMU process", f"{idle:.1f} % of a core", "n/a", ""))
    print(f"Kernel micro-benchmarks, median of {a.runs} runs, QEMU microvm with {accel.upper()}, "
          f"{time.strftime('%Y-%m-%d')}\n")
    print("| benchmark | unikernel | native Linux process | unikernel / native |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} |")

if __name__ == "__main__":
    main()
