#!/usr/bin/env python3
"""benchlib.py - what the bench scripts share: the accelerator choice, the QEMU command of a unikernel
image, a timed run of a command (first matching line, exit, peak RSS), the median/spread format, and the Linux
VM variant of a program (compare.sh, block.sh): the same NativeAOT object linked statically against musl as
/init of an initramfs, booted with Debian's cloud kernel on the same QEMU machine."""
import glob, os, re, statistics, subprocess, sys, tempfile, threading, time

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

def host_tsc_khz():
    """The x86_64 host's TSC frequency in kHz, measured against CLOCK_MONOTONIC (median of 3 x 100 ms), or None.
    A TCG guest's TSC is the host's, so this is the value for Linux's tsc_early_khz= under TCG."""
    if os.uname().machine != "x86_64":
        return None
    import ctypes, mmap
    try:
        # rdtsc; shl rdx, 32; or rax, rdx; ret
        code = b"\x0f\x31\x48\xc1\xe2\x20\x48\x09\xd0\xc3"
        mem = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
        mem.write(code)
        addr = ctypes.addressof(ctypes.c_char.from_buffer(mem))
        rdtsc = ctypes.CFUNCTYPE(ctypes.c_uint64)(addr)
    except (OSError, ValueError, TypeError):
        return None
    rates = []
    for _ in range(3):
        t0, c0 = time.perf_counter_ns(), rdtsc()
        time.sleep(0.1)
        t1, c1 = time.perf_counter_ns(), rdtsc()
        rates.append((c1 - c0) * 1e6 / (t1 - t0))
    return int(statistics.median(rates))

def run(cmd, marker, timeout=120, echo=None, idle=None, done=None, grace=30):
    """Runs cmd: (seconds to the first output line containing marker or None, seconds to exit,
    peak RSS in MiB, the whole output). A run that outlives timeout, or prints nothing for idle seconds, or is
    still running grace seconds after a line containing done, is killed. Lines that start with echo are copied to
    stderr as they come (progress of long runs)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    watchdog = threading.Timer(timeout, p.kill)
    watchdog.start()
    finished = None
    last, ended = [start], threading.Event()
    if idle:
        def quiet_too_long():
            while not ended.wait(1):
                if time.perf_counter() - last[0] > idle:
                    p.kill()
                    return
        threading.Thread(target=quiet_too_long, daemon=True).start()
    first, out = None, []
    for raw in p.stdout:
        line = raw.decode(errors="replace")
        last[0] = time.perf_counter()
        out.append(line)
        if echo is not None and line.startswith(echo):
            print(f"    [{last[0] - start:6.1f} s] {line.rstrip()}", file=sys.stderr, flush=True)
        if first is None and marker in line:
            first = time.perf_counter() - start
        if done is not None and finished is None and done in line:
            finished = threading.Timer(grace, p.kill)
            finished.start()
    _, _, usage = os.wait4(p.pid, 0)
    ended.set()
    watchdog.cancel()
    if finished:
        finished.cancel()
    return first, time.perf_counter() - start, usage.ru_maxrss / 1024, "".join(out)

# The charts' colours by variant kind, the same in every benchmark's PNG.
COLORS = {"uk": "tab:blue", "linux": "tab:orange", "native": "tab:green"}

def pyplot():
    """matplotlib's pyplot drawing to files (Agg), or None with a note when python3-matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt
    except ImportError:
        print("\n(no chart: install python3-matplotlib)")
        return None

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


# ---- The Linux VM variant: a static musl link of the program's NativeAOT object, as /init of an initramfs ----

NATIVE_LIBS = ["libSystem.Native.a", "libSystem.IO.Compression.Native.a", "libbootstrapper.o",
               "libRuntime.WorkstationGC.a", "libeventpipe-disabled.a", "libRuntime.VxsortDisabled.a",
               "libstandalonegc-disabled.a", "libaotminipal.a", "libstdc++compat.a", "libz.a",
               "libbrotlienc.a", "libbrotlidec.a", "libbrotlicommon.a"]
RID = {"x86_64": "x64", "arm64": "arm64"}
# Per architecture: the QEMU machine of both VMs, Linux's console, and how long a run's guest may take (TCG arm64
# Linux boots in ~10 s, the conformance program in it takes longer).
LINUX = {"x86_64": (["qemu-system-x86_64", "-M", "microvm,acpi=off"], "ttyS0", 60),
         "arm64": (["qemu-system-aarch64", "-M", "virt"], "ttyAMA0", 240)}

# The x86_64 Linux microVM of block.sh and net.sh (its devices on virtio-mmio). Debian's kernel finds virtio-mmio
# devices only through ACPI (the unikernel reads them from the command line). With ACPI on, microvm adds the PIT
# only when asked, and a second IOAPIC unless told not to (the unikernel's machine, without ACPI, has one: the
# devices' interrupts then take the same pins). Under TCG, Linux's calibration of the TSC against the PIT fails now
# and then (the boot then hangs with the TSC marked unstable), so the guest is told the TSC's frequency
# (tsc_early_khz=, host_tsc_khz()): a TCG guest's TSC is the host's. And under TCG Linux's clocksource watchdog
# compares the TSC with jiffies, whose ticks arrive late there, marks the TSC unstable and falls back to jiffies: a
# clock that steps by 4 ms. tsc=reliable skips that watchdog.
LINUX_MACHINE = "microvm,acpi=on,pit=on,ioapic2=off"

def nativeaot_dir(obj, rid):
    """The NativeAOT runtime pack's native folder that ilc compiled obj against (its .ilc.rsp names it)."""
    rsp = obj[:-2] + ".ilc.rsp"
    if os.path.exists(rsp):
        m = re.search(r"^-r:(.*/runtimes/linux-%s)/lib/" % rid, open(rsp).read(), re.M)
        if m and os.path.isdir(m.group(1) + "/native"):
            return m.group(1) + "/native"
    roots = [os.environ.get("NUGET_PACKAGES", ""), os.path.expanduser("~/.nuget/packages")]
    for root in roots:
        found = sorted(glob.glob(os.path.join(root, f"microsoft.netcore.app.runtime.nativeaot.linux-{rid}", "*",
                                              "runtimes", f"linux-{rid}", "native")))
        if found:
            return found[-1]
    sys.exit(f"bench: the NativeAOT linux-{rid} runtime pack is not in the NuGet cache (publish once first)")

def toolchain(arch, pack, out):
    """The files of the static Linux link: the runtime pack's (musl, glibc shim, libgcc, OpenSSL) where the pack
    exists, else for arm64 the cross toolchain's and musl-dev:arm64's, with the glibc shim compiled here.
    'crypto' is None when no OpenSSL built for musl exists (then the conformance program cannot run)."""
    def pick(name, fallback):
        return f"{pack}/{name}" if os.path.exists(f"{pack}/{name}") else fallback

    if arch == "x86_64":
        t = {k: f"{pack}/{k}" for k in ("crt1.o", "crti.o", "crtn.o", "libukcompat.a", "libc.a", "libgcc.a",
                                         "libgcc_eh.a")}
        t.update(ld=["ld", "-m", "elf_x86_64"], pre=[], post=[], ossl=pack)
    else:
        gcc, musl = "aarch64-linux-gnu-gcc", "/usr/lib/aarch64-linux-musl"
        gccfile = lambda f: subprocess.run([gcc, f"-print-file-name={f}"], capture_output=True, text=True,
                                           check=True).stdout.strip()
        compat = f"{pack}/libukcompat.a"
        if not os.path.exists(compat):
            compat = os.path.join(out, "libukcompat.a")
            src = os.path.join(os.path.dirname(__file__), "..", "runtime-packs", "compat", "glibc_compat.c")
            subprocess.run([gcc, "-O2", "-fno-pie", "-nostdinc", "-isystem", "/usr/include/aarch64-linux-musl",
                            "-isystem", gccfile("include"), "-c", src, "-o", compat[:-2] + ".o"], check=True)
            subprocess.run(["aarch64-linux-gnu-ar", "rcs", compat + ".tmp", compat[:-2] + ".o"], check=True)
            os.replace(compat + ".tmp", compat)
        t = {k: pick(k, f"{musl}/{k}") for k in ("crt1.o", "crti.o", "crtn.o", "libc.a")}
        t.update({k: pick(k, gccfile(k)) for k in ("libgcc.a", "libgcc_eh.a")})
        # gcc's crtbeginT.o/crtend.o as in the arm64 image's link (__dso_handle, .eh_frame's terminator).
        t.update({"libukcompat.a": compat}, ld=["aarch64-linux-gnu-ld", "-m", "aarch64linux"],
                 pre=[pick("crtbeginT.o", gccfile("crtbeginT.o"))], post=[pick("crtend.o", gccfile("crtend.o"))])
        root = os.path.join(os.path.dirname(__file__), "..")
        t["ossl"] = next((d for d in (pack, os.path.join(root, "artifacts", "openssl", "arm64"))
                          if os.path.exists(f"{d}/openssl.json")), None)
    t["crypto"] = ([f"{t['ossl']}/libSystem.Security.Cryptography.Native.OpenSsl.a", f"{t['ossl']}/libssl.a",
                    f"{t['ossl']}/libcrypto.a"] if t["ossl"] else None)
    return t

def link_static(arch, obj, t, out, crypto):
    """The program as a static Linux executable: the unikernel's link line without the kernel core."""
    n = nativeaot_dir(obj, RID[arch])
    libs = [os.path.join(n, l) for l in NATIVE_LIBS if os.path.exists(os.path.join(n, l))]
    # Without OpenSSL for musl, NativeAOT's dlopen shim (which finds no libssl in a static program).
    extra = t["crypto"] or ([os.path.join(n, "libSystem.Security.Cryptography.Native.OpenSsl.a")] if crypto else [])
    # --wrap as in the image's link: libukcompat.a's pthread_getattr_np stands in front of musl's. Threads get the
    # image's default stack too (the SDK's IlcDefaultStackSize, 1.5 MiB: ILC's for musl programs).
    cmd = (t["ld"] + ["-static", "--eh-frame-hdr", "--gc-sections", "--strip-debug", "--wrap=pthread_getattr_np",
                      "-z", "stack-size=1572864",
                      "-o", out, t["crt1.o"],
                      t["crti.o"]] + t["pre"] + [obj] + libs + extra +
           [t["libukcompat.a"], t["libc.a"], t["libgcc.a"], t["libgcc_eh.a"]] + t["post"] + [t["crtn.o"]])
    subprocess.run(cmd, check=True)

def cpio_entry(f, name, mode, data=b"", ino=0, rdev=(0, 0)):
    nb = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(nb), 0]
    f.write(("070701" + "".join("%08X" % v for v in fields)).encode() + nb)
    # newc pads the header with its name, and the data, to multiples of 4 bytes of the archive.
    f.write(b"\0" * (-f.tell() % 4))
    f.write(data)
    f.write(b"\0" * (-f.tell() % 4))

def initramfs(init, out, files=()):
    """A newc cpio: /init, /dev with console, null and urandom, /tmp, /proc, and files: (path in the archive,
    host file) pairs, or (path, host file, mode) for another mode than 0644, their directories made as needed."""
    with open(out, "wb") as f:
        cpio_entry(f, "init", 0o100755, open(init, "rb").read(), 1)
        for i, d in enumerate(["dev", "tmp", "proc"]):
            cpio_entry(f, d, 0o40755 if d != "tmp" else 0o41777, ino=2 + i)
        for i, (name, rdev) in enumerate([("dev/console", (5, 1)), ("dev/null", (1, 3)), ("dev/urandom", (1, 9))]):
            cpio_entry(f, name, 0o20666, ino=10 + i, rdev=rdev)
        dirs = sorted({os.path.dirname(entry[0]) for entry in files} - {"", "dev", "tmp", "proc"})
        for i, d in enumerate(dirs):
            cpio_entry(f, d, 0o40755, ino=20 + i)
        for i, (name, path, *mode) in enumerate(files):
            cpio_entry(f, name, 0o100000 | (mode[0] if mode else 0o644), open(path, "rb").read(), ino=100 + i)
        cpio_entry(f, "TRAILER!!!", 0)

def linux_initramfs(root, out, app, modules):
    """The Linux microVM of the x86_64 benchmarks for bench/apps/<app>: its NativeAOT object (published for
    unikraft-qemu-x64) linked statically with musl as /init, packed with the kernel modules in out/modules.
    Returns (kernel file in out, cpio path, None), or (None, None, "n/a (why)")."""
    pack = os.path.join(root, "artifacts", "runtime-packs", "unikraft-qemu-x64")
    obj = os.path.join(root, "bench", "apps", app, "obj", "Release", "net10.0", "unikraft-qemu-x64", "native", f"{app}.o")
    init, cpio = os.path.join(out, f"{app}.init"), os.path.join(out, f"{app}.cpio")
    try:
        kernel = sorted(f for f in os.listdir(out) if f.startswith("vmlinuz-"))[-1]
        link_static("x86_64", obj, toolchain("x86_64", pack, out), init, crypto=False)
        initramfs(init, cpio, [(f"modules/{i}-{m}", os.path.join(out, "modules", m)) for i, m in enumerate(modules)])
        return kernel, cpio, None
    except IndexError:
        return None, None, f"n/a (no Debian kernel in {os.path.relpath(out, root)})"
    except (subprocess.CalledProcessError, OSError, SystemExit) as e:
        why = f"ld exited with {e.returncode}" if isinstance(e, subprocess.CalledProcessError) else str(e)
        return None, None, f"n/a (the static link of /init failed: {why})"

def linux_cmd(arch, kernel, initrd, accel, mem, params="CONFORMANCE=yes", args=(), machine=None, qemu_args=()):
    """QEMU booting Debian's kernel with initrd: params before "--" (kernel options, or variables of /init),
    args after it (/init's arguments); machine replaces the architecture's -M value."""
    qemu, console, _ = LINUX[arch]
    if machine:
        qemu = [qemu[0], "-M", machine]
    return [*qemu, *cpu_args(accel, arch), "-m", mem, "-nodefaults", "-no-user-config", "-nographic",
            "-no-reboot", "-kernel", kernel, "-initrd", initrd, "-serial", "stdio", *qemu_args,
            "-append", " ".join(w for w in [f"console={console} quiet loglevel=0 panic=-1", params, "--", *args] if w)]
