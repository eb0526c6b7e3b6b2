#!/usr/bin/env python3
"""boot_measure.py - the measuring half of bench/boot.sh: boots the image in QEMU microvm and runs the
native executable RUNS times each, timing the first output line and the exit, then finds the smallest
-m that still boots, and prints a Markdown table (median, min-max)."""
import argparse, os, statistics, subprocess, sys, tempfile, time

def kvm_accel(requested):
    if requested != "auto":
        return requested
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
        os.close(fd)
    except OSError:
        return "tcg"
    # A PVM host (kvm_pvm) cannot run this kernel's syscall path yet: see README "Known limits".
    return "tcg" if os.path.isdir("/sys/module/kvm_pvm") else "kvm"

def qemu_cmd(image, accel, mem, ctl):
    cpu = ["-enable-kvm", "-cpu", "host,-arch-capabilities"] if accel == "kvm" else ["-accel", "tcg", "-cpu", "max"]
    return ["qemu-system-x86_64", "-M", "microvm,acpi=off", *cpu, "-m", mem, "-nodefaults", "-no-user-config",
            "-nographic", "-no-reboot", "-kernel", image, "-append", "--", "-serial", "stdio",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-chardev", f"file,id=ukctl,path={ctl}", "-device", "isa-debugcon,iobase=0x402,chardev=ukctl"]

def timed(cmd):
    """(seconds to first line, seconds to exit, first line, exit status)"""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    first = p.stdout.readline()
    t_first = time.perf_counter() - start
    p.stdout.read()
    rc = p.wait()
    return t_first, time.perf_counter() - start, first.decode(errors="replace").strip(), rc

def boots(image, accel, mem, ctl):
    _, _, first, rc = timed(qemu_cmd(image, accel, mem, ctl))
    with open(ctl) as f:
        return first.startswith("Hello") and f.read().strip() == "exit 0"

def summary(values):
    ms = [v * 1000 for v in values]
    return f"{statistics.median(ms):.1f} ms ({min(ms):.1f}-{max(ms):.1f})"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True)
    ap.add_argument("--native", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--accel", default="auto")
    a = ap.parse_args()
    accel = kvm_accel(a.accel)
    ctl = tempfile.mktemp(prefix="ukbench-")
    uk = [timed(qemu_cmd(a.image, accel, "128M", ctl)) for _ in range(a.runs)]
    nat = [timed([a.native]) for _ in range(a.runs)]
    if any(not r[2].startswith("Hello") for r in uk + nat):
        sys.exit("bench: a run did not print the greeting: " + repr([r[2] for r in uk + nat][:3]))
    lo, hi = 2, 128  # MiB: smallest -m that boots, by bisection
    while lo < hi:
        mid = (lo + hi) // 2
        if boots(a.image, accel, f"{mid}M", ctl):
            hi = mid
        else:
            lo = mid + 1
    os.unlink(ctl)
    print(f"Boot benchmark, {a.runs} runs each, QEMU microvm with {accel.upper()}, {time.strftime('%Y-%m-%d')}, "
          f"{os.cpu_count()} CPUs ({os.uname().machine})\n")
    print("| metric | unikernel (Hello.qemu) | native Linux process (Hello) |")
    print("|---|---|---|")
    print(f"| file size | {os.path.getsize(a.image) / 1e6:.2f} MB | {os.path.getsize(a.native) / 1e6:.2f} MB |")
    print(f"| launch to first output line | {summary([r[0] for r in uk])} | {summary([r[0] for r in nat])} |")
    print(f"| launch to exit | {summary([r[1] for r in uk])} | {summary([r[1] for r in nat])} |")
    print(f"| smallest guest memory that boots | {lo} MiB | n/a |")

if __name__ == "__main__":
    main()
