#!/usr/bin/env python3
"""boot_measure.py - the measuring half of bench/boot.sh: boots the image in QEMU microvm and runs the
native executable RUNS times each, timing the first output line and the exit, then finds the smallest
-m that still boots, and prints a Markdown table (median, min-max)."""
import argparse, os, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from benchlib import kvm_accel, run, smallest, summary, uk_cmd  # noqa: E402

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True)
    ap.add_argument("--native", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--accel", default="auto")
    a = ap.parse_args()
    accel = kvm_accel(a.accel)
    uk = [run(uk_cmd(a.image, accel, "128M"), "Hello") for _ in range(a.runs)]
    nat = [run([a.native], "Hello") for _ in range(a.runs)]
    if any(r[0] is None for r in uk + nat):
        sys.exit("bench: a run did not print the greeting: " + (uk + nat)[0][3][-1000:])
    min_mib = smallest(lambda m: run(uk_cmd(a.image, accel, f"{m}M"), "Hello", timeout=60)[0] is not None, 2, 128)
    print(f"Boot benchmark, {a.runs} runs each, QEMU microvm with {accel.upper()}, {time.strftime('%Y-%m-%d')}, "
          f"{os.cpu_count()} CPUs ({os.uname().machine})\n")
    print("| metric | unikernel (Hello.qemu) | native Linux process (Hello) |")
    print("|---|---|---|")
    print(f"| file size | {os.path.getsize(a.image) / 1e6:.2f} MB | {os.path.getsize(a.native) / 1e6:.2f} MB |")
    print(f"| launch to first output line | {summary([r[0] for r in uk])} | {summary([r[0] for r in nat])} |")
    print(f"| launch to exit | {summary([r[1] for r in uk])} | {summary([r[1] for r in nat])} |")
    print(f"| smallest guest memory that boots | {min_mib} MiB | n/a |")

if __name__ == "__main__":
    main()
