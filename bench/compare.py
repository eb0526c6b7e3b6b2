#!/usr/bin/env python3
"""compare.py - the measuring half of bench/compare.sh. Builds the Linux-microVM variant of each program
(a static musl link of the same NativeAOT object, as /init of an initramfs), then measures the three
variants in one run and prints a Markdown table; writes compare.png when matplotlib is there."""
import argparse, glob, os, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from benchlib import cpu_args, kvm_accel, run, smallest, summary, uk_cmd as uk_boot  # noqa: E402

NATIVE_LIBS = ["libSystem.Native.a", "libSystem.IO.Compression.Native.a", "libbootstrapper.o",
               "libRuntime.WorkstationGC.a", "libeventpipe-disabled.a", "libRuntime.VxsortDisabled.a",
               "libstandalonegc-disabled.a", "libaotminipal.a", "libstdc++compat.a", "libz.a",
               "libbrotlienc.a", "libbrotlidec.a", "libbrotlicommon.a"]

def nativeaot_dir():
    roots = [os.environ.get("NUGET_PACKAGES", ""), os.path.expanduser("~/.nuget/packages")]
    for root in roots:
        found = sorted(glob.glob(os.path.join(root, "microsoft.netcore.app.runtime.nativeaot.linux-x64", "*",
                                              "runtimes", "linux-x64", "native")))
        if found:
            return found[-1]
    sys.exit("bench: the NativeAOT linux-x64 runtime pack is not in the NuGet cache (publish once first)")

def link_static(obj, pack, out):
    """The program as a static Linux executable: the unikernel's link line without the kernel core."""
    n = nativeaot_dir()
    # The pack's OpenSSL and static crypto shim, as the SDK links them (docs/runtime-pack.md).
    crypto = ([f"{pack}/libSystem.Security.Cryptography.Native.OpenSsl.a", f"{pack}/libssl.a", f"{pack}/libcrypto.a"]
              if os.path.exists(f"{pack}/openssl.json") else [])
    cmd = (["ld", "-static", "-m", "elf_x86_64", "--eh-frame-hdr", "--gc-sections", "--strip-debug", "-o", out,
            f"{pack}/crt1.o", f"{pack}/crti.o", obj] + [os.path.join(n, l) for l in NATIVE_LIBS] + crypto +
           [f"{pack}/libukcompat.a", f"{pack}/libc.a", f"{pack}/libgcc.a", f"{pack}/libgcc_eh.a", f"{pack}/crtn.o"])
    subprocess.run(cmd, check=True)

def cpio_entry(f, name, mode, data=b"", ino=0, rdev=(0, 0)):
    nb = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(nb), 0]
    f.write(("070701" + "".join("%08X" % v for v in fields)).encode() + nb)
    f.write(b"\0" * (-f.tell() % 4) + data + b"\0" * (-(f.tell() + len(data)) % 4))

def initramfs(init, out):
    with open(out, "wb") as f:
        cpio_entry(f, "init", 0o100755, open(init, "rb").read(), 1)
        for i, d in enumerate(["dev", "tmp", "proc"]):
            cpio_entry(f, d, 0o40755 if d != "tmp" else 0o41777, ino=2 + i)
        for i, (name, rdev) in enumerate([("dev/console", (5, 1)), ("dev/null", (1, 3)), ("dev/urandom", (1, 9))]):
            cpio_entry(f, name, 0o20666, ino=10 + i, rdev=rdev)
        cpio_entry(f, "TRAILER!!!", 0)

def linux_cmd(kernel, initrd, accel, mem, args):
    return ["qemu-system-x86_64", "-M", "microvm,acpi=off", *cpu_args(accel), "-m", mem, "-nodefaults",
            "-no-user-config", "-nographic", "-no-reboot", "-kernel", kernel, "-initrd", initrd, "-serial", "stdio",
            "-append", "console=ttyS0 quiet loglevel=0 panic=-1 CONFORMANCE=yes -- " + " ".join(args)]

def uk_cmd(image, accel, mem, args):
    return uk_boot(image, accel, mem, "env.CONFORMANCE=yes -- " + " ".join(args))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--accel", default="auto")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    pack = os.path.join(a.root, "artifacts", "runtime-packs", "unikraft-qemu-x64")
    kernel = sorted(glob.glob(os.path.join(a.out, "linux", "vmlinuz-*")))[-1]
    images, initrds = {}, {}
    for app, src in [("Hello", "samples/Hello"), ("Conformance", "tests/apps/Conformance")]:
        images[app] = os.path.join(a.out, "uk", app, f"{app}.qemu")
        obj = os.path.join(a.root, src, "obj", "Release", "net10.0", "unikraft-qemu-x64", "native", f"{app}.o")
        init = os.path.join(a.out, "linux", f"{app}.init")
        link_static(obj, pack, init)
        initrds[app] = os.path.join(a.out, "linux", f"{app}.cpio")
        initramfs(init, initrds[app])
    native = os.path.join(a.out, "native", "Hello")

    accel = kvm_accel(a.accel)
    note = ""
    if accel == "kvm" and run(linux_cmd(kernel, initrds["Hello"], "kvm", "256M", []), "Hello", timeout=30)[0] is None:
        accel, note = "tcg", "The Linux guest did not boot under this host's KVM within 30 s, so both VMs ran under TCG."
    mem = "256M"
    uk = [run(uk_cmd(images["Hello"], accel, mem, []), "Hello") for _ in range(a.runs)]
    lx = [run(linux_cmd(kernel, initrds["Hello"], accel, mem, []), "Hello") for _ in range(a.runs)]
    nat = [run([native], "Hello") for _ in range(a.runs)]
    for name, rs in [("unikernel", uk), ("Linux VM", lx), ("native", nat)]:
        if any(r[0] is None for r in rs):
            sys.exit(f"bench: the {name} run printed no greeting:\n{rs[0][3][-2000:]}")

    def uk_ok(app, marker):
        return lambda m: marker in run(uk_cmd(images[app], accel, m, []), marker, timeout=60)[3]

    def lx_ok(app, marker):
        return lambda m: marker in run(linux_cmd(kernel, initrds[app], accel, m, []), marker, timeout=60)[3]

    def min_memory(boots_at):
        return smallest(lambda m: boots_at(f"{m}M"), 4, 512)

    hello_uk, hello_lx = min_memory(uk_ok("Hello", "Hello")), min_memory(lx_ok("Hello", "Hello"))
    if a.quick:
        conf_uk = conf_lx = "skipped (--quick)"
    else:
        conf_uk = f"{min_memory(uk_ok('Conformance', 'failed'))} MiB"
        conf_lx = f"{min_memory(lx_ok('Conformance', 'failed'))} MiB"

    sizes = (os.path.getsize(images["Hello"]), os.path.getsize(kernel) + os.path.getsize(initrds["Hello"]),
             os.path.getsize(native))
    print(f"Side by side, {a.runs} runs each, QEMU microvm with {accel.upper()}, {time.strftime('%Y-%m-%d')}, "
          f"{os.cpu_count()} CPUs (x86_64). {note}\n")
    print("| metric | unikernel | Linux microVM (Debian cloud kernel + initramfs) | native Linux process |")
    print("|---|---|---|---|")
    print(f"| image size | {sizes[0] / 1e6:.2f} MB | {sizes[1] / 1e6:.2f} MB (kernel + initramfs) | {sizes[2] / 1e6:.2f} MB |")
    print(f"| launch to first output line | {summary([r[0] for r in uk], digits=0)} | {summary([r[0] for r in lx], digits=0)} | {summary([r[0] for r in nat], digits=0)} |")
    print(f"| launch to exit | {summary([r[1] for r in uk], digits=0)} | {summary([r[1] for r in lx], digits=0)} | {summary([r[1] for r in nat], digits=0)} |")
    print(f"| smallest -m that runs Hello | {hello_uk} MiB | {hello_lx} MiB | n/a |")
    print(f"| smallest -m that runs the conformance program | {conf_uk} | {conf_lx} | n/a |")
    print(f"| host RSS of the process (max) | {summary([r[2] for r in uk], 'MiB', 1, 0)} | {summary([r[2] for r in lx], 'MiB', 1, 0)} | {summary([r[2] for r in nat], 'MiB', 1, 0)} |")
    print("\narm64: not measured yet (no arm64 runtime pack).")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        labels = ["unikernel", "Linux microVM", "native"]
        first = [statistics.median(r[0] for r in rs) * 1000 for rs in (uk, lx, nat)]
        exit_ = [statistics.median(r[1] for r in rs) * 1000 for rs in (uk, lx, nat)]
        fig, ax = plt.subplots(figsize=(7, 3.5))
        x = range(len(labels))
        ax.bar([i - 0.2 for i in x], first, 0.4, label="launch to first line")
        ax.bar([i + 0.2 for i in x], exit_, 0.4, label="launch to exit")
        ax.set_xticks(list(x), labels)
        ax.set_yscale("log")
        ax.set_ylabel("ms (log scale)")
        ax.set_title(f"Hello, QEMU microvm ({accel.upper()}), median of {a.runs}")
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(a.out, "compare.png"), dpi=100)
        print(f"\nChart: {os.path.join(a.out, 'compare.png')}")
    except ImportError:
        print("\n(no chart: install python3-matplotlib)")

if __name__ == "__main__":
    main()
