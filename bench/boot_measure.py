#!/usr/bin/env python3
"""boot_measure.py - the measuring half of bench/boot.sh. Per architecture it boots the empty kernel and the Hello
image RUNS times each on the same QEMU machine and accelerator (x86_64: microvm, arm64: virt), timing the first
output line and the exit; Hello once more per run with uk.log=debug for the kernel's boot timeline (the guest's
milliseconds from its entry to Main's first line and to exit, and under TCG, whose guest counters start with the VM,
the time from the VM's start to the kernel's entry); runs the native executable (x86_64); finds the
smallest -m that still runs Hello; and prints a Markdown table (median, min-max) with Hello's launch-to-exit as a
ratio to the empty kernel's."""
import argparse, os, re, statistics, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from benchlib import arch_accel, run, smallest, summary, uk_cmd  # noqa: E402

TIMELINE = re.compile(r"timeline \(ms since entry\):.*? output ([0-9.]+).*? exit ([0-9.]+)"
                      r"(?:.*?; counter at entry ([0-9]+) at ([0-9]+) kHz)?")

def measure(arch, image, empty, runs, accel):
    """One architecture's rows: (label, cells) pairs."""
    empty_runs = []
    for _ in range(runs):
        r = run(uk_cmd(empty, accel, "128M", arch=arch), "\0never", timeout=60)
        empty_runs.append(r[1])
    hello = [run(uk_cmd(image, accel, "128M", arch=arch), "Hello") for _ in range(runs)]
    if any(r[0] is None for r in hello):
        sys.exit(f"bench: a {arch} run did not print the greeting: " + hello[0][3][-1000:])
    guest_main, guest_exit, to_entry = [], [], []
    for _ in range(runs):
        out = run(uk_cmd(image, accel, "128M", append="uk.log=debug --", arch=arch), "Hello")[3]
        m = TIMELINE.search(out)
        if m:
            guest_main.append(float(m.group(1)) / 1000)
            guest_exit.append(float(m.group(2)) / 1000)
            if m.group(3) and int(m.group(4)):
                to_entry.append(int(m.group(3)) / (int(m.group(4)) * 1000))
    min_mib = smallest(lambda m: run(uk_cmd(image, accel, f"{m}M", arch=arch), "Hello", timeout=60)[0] is not None,
                       2, 128)
    ratio = statistics.median([r[1] for r in hello]) / statistics.median(empty_runs)
    elf = image + ".elf"
    return {
        "accel": accel,
        "size": f"{os.path.getsize(image) / 1e6:.2f} MB" + (f" (ELF beside it: {os.path.getsize(elf) / 1e6:.2f} MB)"
                                                          if os.path.exists(elf) else ""),
        "first": summary([r[0] for r in hello]),
        "exit": summary([r[1] for r in hello]),
        "empty": summary(empty_runs),
        "ratio": f"{ratio:.2f}x",
        "main": summary(guest_main) if guest_main else "n/a (no timeline)",
        "guest_exit": summary(guest_exit) if guest_exit else "n/a",
        "to_entry": summary(to_entry) if to_entry and accel == "tcg" else "n/a",
        "min": f"{min_mib} MiB",
    }

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--x64-image")
    ap.add_argument("--x64-empty")
    ap.add_argument("--native")
    ap.add_argument("--arm64-image")
    ap.add_argument("--arm64-empty")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--accel", default="auto")
    a = ap.parse_args()
    cols = {}
    if a.x64_image:
        cols["unikernel (x86_64, microvm)"] = measure("x86_64", a.x64_image, a.x64_empty, a.runs,
                                                      arch_accel("x86_64", a.accel))
    if a.arm64_image:
        cols["unikernel (arm64, virt)"] = measure("arm64", a.arm64_image, a.arm64_empty, a.runs,
                                                  arch_accel("arm64", a.accel))
    nat = [run([a.native], "Hello") for _ in range(a.runs)] if a.native else []
    load = os.getloadavg()
    print(f"Boot benchmark, {a.runs} runs each, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs "
          f"({os.uname().machine}), load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    names = list(cols) + (["native Linux process (x86_64)"] if nat else [])
    print("| metric | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    rows = [("accelerator", "accel", "n/a"), ("image size", "size", None),
            ("launch to first output line", "first", summary([r[0] for r in nat]) if nat else ""),
            ("launch to exit", "exit", summary([r[1] for r in nat]) if nat else ""),
            ("empty kernel: launch to exit (same QEMU machine and accelerator)", "empty", "n/a"),
            ("Hello's launch to exit / the empty kernel's", "ratio", "n/a"),
            ("guest: entry to Main's first line (boot timeline)", "main", "n/a"),
            ("guest: entry to exit (boot timeline)", "guest_exit", "n/a"),
            ("VM start to the kernel's entry (TCG: the guest's counter at entry)", "to_entry", "n/a"),
            ("smallest guest memory that runs Hello", "min", "n/a")]
    for label, key, native_cell in rows:
        if key == "size" and nat:
            native_cell = f"{os.path.getsize(a.native) / 1e6:.2f} MB"
        cells = [cols[c][key] for c in cols] + ([native_cell] if nat else [])
        print(f"| {label} | " + " | ".join(cells) + " |")

if __name__ == "__main__":
    main()
