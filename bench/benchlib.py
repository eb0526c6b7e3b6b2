#!/usr/bin/env python3
"""benchlib.py - what the bench scripts share: the accelerator choice, the QEMU command of a unikernel
image, a timed run of a command (first matching line, exit, peak RSS), and the median/spread format."""
import os, statistics, subprocess, tempfile, threading, time

def kvm_accel(requested):
    """kvm when /dev/kvm is usable and hardware-assisted; tcg otherwise (or when asked)."""
    if requested != "auto":
        return requested
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
    except OSError:
        return "tcg"
    # A PVM host (kvm_pvm) emulates every kernel entry: see README "This machine's KVM is PVM".
    return "tcg" if os.path.isdir("/sys/module/kvm_pvm") else "kvm"

def host_arch():
    """x86_64 or arm64: the architecture whose guests this host can run without emulating the CPU."""
    return {"aarch64": "arm64", "arm64": "arm64"}.get(os.uname().machine, "x86_64")

def arch_accel(arch, requested):
    """The accelerator for guests of arch: kvm_accel() for the host's own architecture, TCG for the other."""
    return kvm_accel(requested) if arch == host_arch() else "tcg"

def cpu_args(accel, arch="x86_64"):
    if accel == "kvm":
        return ["-enable-kvm", "-cpu", "host,-arch-capabilities" if arch == "x86_64" else "host"]
    return ["-accel", "tcg", "-cpu", "max"]

def uk_cmd(image, accel, mem, append="--", ctl=None, arch="x86_64"):
    """QEMU booting a unikernel image the way the launcher does: x86_64 on microvm (control file for the exit
    line, isa-debug-exit), arm64 on virt (the kernel leaves through semihosting; QEMU exits with the code)."""
    if arch == "arm64":
        return ["qemu-system-aarch64", "-M", "virt", *cpu_args(accel, arch), "-m", mem, "-nodefaults",
                "-no-user-config", "-nographic", "-no-reboot", "-kernel", image, "-append", append, "-serial", "stdio",
                "-semihosting-config", "enable=on,target=native"]
    ctl = ctl or tempfile.mktemp(prefix="ukbench-")
    return ["qemu-system-x86_64", "-M", "microvm,acpi=off", *cpu_args(accel), "-m", mem, "-nodefaults",
            "-no-user-config", "-nographic", "-no-reboot", "-kernel", image, "-append", append, "-serial", "stdio",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-chardev", f"file,id=ukctl,path={ctl}", "-device", "isa-debugcon,iobase=0x402,chardev=ukctl"]

def run(cmd, marker, timeout=120):
    """Runs cmd: (seconds to the first output line containing marker or None, seconds to exit,
    peak RSS in MiB, the whole output). A run that outlives timeout is killed."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    watchdog = threading.Timer(timeout, p.kill)
    watchdog.start()
    first, out = None, []
    for raw in p.stdout:
        line = raw.decode(errors="replace")
        out.append(line)
        if first is None and marker in line:
            first = time.perf_counter() - start
    _, _, usage = os.wait4(p.pid, 0)
    watchdog.cancel()
    return first, time.perf_counter() - start, usage.ru_maxrss / 1024, "".join(out)

def summary(values, unit="ms", scale=1000, digits=1):
    """'median unit (min-max)' of values scaled by scale."""
    v = [x * scale for x in values]
    return f"{statistics.median(v):.{digits}f} {unit} ({min(v):.{digits}f}-{max(v):.{digits}f})"

def smallest(works, lo, hi):
    """The smallest n in [lo, hi] for which works(n) holds, by bisection (works is monotonic)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if works(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo
