#!/usr/bin/env python3
"""compare.py - the measuring half of bench/compare.sh. For each architecture it builds the Linux-VM variant of
each program (a static musl link of the same NativeAOT object, as /init of an initramfs), then measures the
unikernel, the Linux VM and the native process in one run and prints one Markdown table with a row per
variant; writes compare.png (a panel per architecture) when matplotlib is there. arm64 on an x86_64 host runs
under TCG (system emulation for the VMs, qemu-aarch64 user mode for the native process): those rows say so."""
import argparse, glob, os, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from benchlib import (LINUX, RID, arch_accel, host_arch, initramfs, link_static, linux_cmd, pyplot,  # noqa: E402
                      run, smallest, summary, toolchain, uk_cmd as uk_boot)

APPS = [("Hello", "samples/Hello"), ("Conformance", "tests/apps/Conformance")]
MEM = "256M"

class Variant:
    """One row: how to launch each app (cmd(app, mem) -> argv, or None when the app cannot run), and results."""
    def __init__(self, label, arch, na=None, size=None, size_note="", cmd=None, vm=True, timeout=60):
        self.label, self.arch, self.na, self.size, self.size_note = label, arch, na, size, size_note
        self.cmd, self.vm, self.timeout = cmd, vm, timeout
        self.runs, self.min_hello, self.min_conf, self.failed = [], None, None, None

def prepare(arch, a, emulated):
    """The three variants of arch, with the Linux programs linked and packed."""
    out = a.out if arch == "x86_64" else os.path.join(a.out, "arm64")
    tag = f" ({arch}, TCG-emulated)" if emulated else f" ({arch})"
    if arch == "arm64" and a.arm64_na:
        return [Variant(f"{v}{tag}", arch, na=a.arm64_na) for v in ("unikernel", "Linux VM", "native process")], "tcg"
    accel = arch_accel(arch, a.accel)
    pack = os.path.join(a.root, "artifacts", "runtime-packs", f"unikraft-qemu-{RID[arch]}")
    t = toolchain(arch, pack, out)
    kernel = sorted(glob.glob(os.path.join(out, "linux", "vmlinuz-*")))[-1]
    images, inits, initrds = {}, {}, {}
    for app, src in APPS:
        images[app] = os.path.join(out, "uk", app, f"{app}.qemu")
        if arch == "x86_64":
            obj = os.path.join(a.root, src, "obj", "Release", "net10.0", "unikraft-qemu-x64", "native", f"{app}.o")
        else:
            obj = os.path.join(out, "obj", app, "release_linux-arm64", "native", f"{app}.o")
        inits[app] = os.path.join(out, "linux", f"{app}.init")
        link_static(arch, obj, t, inits[app], crypto=app == "Conformance")
        initrds[app] = os.path.join(out, "linux", f"{app}.cpio")
        initramfs(inits[app], initrds[app])
    # Without OpenSSL for musl the conformance program aborts in its crypto checks on Linux (not in the image,
    # which has its own pack's OpenSSL or none).
    conf_ok = t["crypto"] is not None
    timeout = LINUX[arch][2]

    uk_na = a.arm64_uk_na if arch == "arm64" else None
    if not uk_na and not os.path.exists(images["Hello"]):
        uk_na = "n/a (not published)"
    uk = Variant(f"unikernel{tag}", arch, na=uk_na, timeout=timeout,
                 size=None if uk_na else os.path.getsize(images["Hello"]),
                 cmd=lambda app, mem: (uk_boot(images[app], accel, mem, "env.CONFORMANCE=yes --", arch=arch)
                                       if os.path.exists(images[app]) else None))
    lx_label = "Linux microVM" if arch == "x86_64" else "Linux VM"
    lx = Variant(f"{lx_label}{tag}", arch, timeout=timeout,
                 size=os.path.getsize(kernel) + os.path.getsize(initrds["Hello"]), size_note=" (kernel + initramfs)",
                 cmd=lambda app, mem: (linux_cmd(arch, kernel, initrds[app], accel, mem)
                                       if app == "Hello" or conf_ok else None))
    if not conf_ok:
        lx.min_conf = "n/a (no OpenSSL for musl)"
    if arch == "x86_64":
        native = os.path.join(a.out, "native", "Hello")
        nat = Variant(f"native Linux process{tag}", arch, size=os.path.getsize(native), vm=False,
                      cmd=lambda app, mem: [native] if app == "Hello" else None)
    else:
        # No arm64 CPU here: the Linux VM's /init (static, musl) under qemu-aarch64 user-mode emulation.
        qemu_user = next((q for q in ("qemu-aarch64", "qemu-aarch64-static")
                          if subprocess.run(["sh", "-c", f"command -v {q}"], capture_output=True).returncode == 0), None)
        nat = Variant(f"native process{tag[:-1]}, qemu-aarch64 user mode)", arch, size=os.path.getsize(inits["Hello"]),
                      vm=False, na=None if qemu_user else "n/a (no qemu-aarch64)",
                      cmd=lambda app, mem: [qemu_user, inits[app]] if app == "Hello" else None)
    return [uk, lx, nat], accel

def measure(v, a):
    if v.na:
        return
    v.runs = [run(v.cmd("Hello", MEM), "Hello", timeout=max(120, v.timeout)) for _ in range(a.runs)]
    bad = next((r for r in v.runs if r[0] is None), None)
    if bad:
        v.failed = f"printed no greeting: {bad[3][-300:]!r}"
        return
    if not v.vm:
        return

    def boots(app, marker):
        return lambda m: marker in run(v.cmd(app, f"{m}M"), marker, timeout=v.timeout)[3]

    v.min_hello = f"{smallest(boots('Hello', 'Hello'), 4, 512)} MiB"
    if v.min_conf is None:
        if a.quick:
            v.min_conf = "skipped (--quick)"
        elif v.cmd("Conformance", MEM) is None:
            v.min_conf = "n/a"
        else:
            v.min_conf = f"{smallest(boots('Conformance', 'SUMMARY'), 4, 512)} MiB"

def row(v):
    if v.na:
        return f"| {v.label} | {v.na} | | | | | |"
    if v.failed:
        return f"| {v.label} | failed: {v.failed[:80]} | | | | | |"
    first, exit_, rss = (summary([r[i] for r in v.runs], *fmt) for i, fmt in
                         ((0, ("ms", 1000, 0)), (1, ("ms", 1000, 0)), (2, ("MiB", 1, 0))))
    return (f"| {v.label} | {v.size / 1e6:.2f} MB{v.size_note} | {first} | {exit_} | {v.min_hello or 'n/a'} | "
            f"{v.min_conf or 'n/a'} | {rss} |")

def chart(arches, a):
    plt = pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, len(arches), figsize=(6 * len(arches), 4), squeeze=False, sharey=True)
    for ax, (arch, title, variants) in zip(axes[0], arches):
        names = ["unikernel", "Linux VM", "native" if arch == host_arch() else "native (qemu-user)"]
        for i, v in enumerate(variants):
            ok = not v.na and not v.failed
            first = statistics.median(r[0] for r in v.runs) * 1000 if ok else 0
            exit_ = statistics.median(r[1] for r in v.runs) * 1000 if ok else 0
            ax.bar(i - 0.2, first, 0.4, color="tab:blue", label="launch to first line" if i == 0 else None)
            ax.bar(i + 0.2, exit_, 0.4, color="tab:orange", label="launch to exit" if i == 0 else None)
            if ok:
                ax.text(i + 0.2, exit_, f"{exit_:.0f}", ha="center", va="bottom", fontsize=8)
            else:
                ax.text(i, 1, "n/a", ha="center", va="bottom")
        ax.set_xticks(range(len(names)), names)
        ax.set_yscale("log")
        ax.set_ylim(bottom=1)
        ax.set_title(title, fontsize=10)
    axes[0][0].set_ylabel("ms (log scale)")
    axes[0][0].legend(fontsize=8, loc="upper left")
    fig.suptitle(f"Hello, median of {a.runs} runs, {time.strftime('%Y-%m-%d')}", fontsize=10)
    fig.tight_layout()
    path = os.path.join(a.out, "compare.png")
    fig.savefig(path, dpi=100)
    print(f"\nChart: {path}")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--accel", default="auto")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--arch", default="all", choices=["all", "x86_64", "arm64"])
    ap.add_argument("--arm64-na", default="", help="why no arm64 row can be measured (missing tools)")
    ap.add_argument("--arm64-uk-na", default="", help="why the arm64 unikernel row is n/a")
    a = ap.parse_args()
    arches = ["x86_64", "arm64"] if a.arch == "all" else [a.arch]

    notes, panels, rows = [], [], []
    for arch in arches:
        emulated = arch != host_arch()
        variants, accel = prepare(arch, a, emulated)
        if arch == "x86_64" and accel == "kvm":
            lx = variants[1]
            if run(lx.cmd("Hello", MEM), "Hello", timeout=30)[0] is None:
                accel = "tcg"
                a.accel = "tcg"
                variants, _ = prepare(arch, a, emulated)
                notes.append("The Linux guest did not boot under this host's KVM within 30 s, so both x86_64 VMs "
                             "ran under TCG.")
        for v in variants:
            print(f"==> measuring {v.label}", file=sys.stderr)
            measure(v, a)
        rows += variants
        machine = "microvm" if arch == "x86_64" else "virt"
        panels.append((arch, f"{arch}: QEMU {machine}, {accel.upper()}" + (" (emulated CPU)" if emulated else ""),
                       variants))
        notes.append(f"{arch}: both VMs on QEMU {machine} with {accel.upper()}, -m {MEM} for the timed runs"
                     + (f"; {arch} is emulated on this {host_arch()} host (QEMU TCG for the VMs, qemu-aarch64 user "
                        "mode for the native process: the Linux VM's static musl /init)" if emulated else "") + ".")

    print(f"Side by side, {a.runs} runs each (median, min-max), {time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, "
          f"host {host_arch()}.\n")
    for n in notes:
        print(f"- {n}")
    print()
    print("| variant | image size | launch to first output line | launch to exit | smallest -m that runs Hello | "
          "smallest -m that runs the conformance program | host RSS of the process (max) |")
    print("|---|---|---|---|---|---|---|")
    for v in rows:
        print(row(v))
    chart(panels, a)
    failed = [v.label for v in rows if v.failed]
    if failed:
        sys.exit(f"bench: no greeting from {', '.join(failed)}")

if __name__ == "__main__":
    main()
