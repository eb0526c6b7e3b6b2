#!/usr/bin/env python3
"""gen_boot_seeds.py - writes the seed corpora of the boot-input targets: corpus/cmdline (kernel command lines as
the launcher, QEMU and Firecracker pass them), corpus/fdt (device trees shaped like QEMU virt's and Firecracker's:
memory, /chosen, virtio-mmio windows, GIC, UART, PSCI, a power key, a PCIe host bridge with ranges and an
interrupt-map), corpus/initrd (cpio "newc" archives as the SDK's link step writes them), corpus/pvh (guest
memory with a PVH start info, its command line and an E820 map, as QEMU and Firecracker lay them out) and
corpus/acpi (a FADT and a DSDT as QEMU microvm and q35 give them, in acpi_fuzz.c's input format). Each corpus
ends with regression seeds: the inputs that found bugs (README.md, "Fuzzing"). Run it again after changing a
format; the files are committed."""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# ---- command lines
CMDLINES = {
    "launcher": 'uk.walltime=1764470000.123456789 uk.console=framed uk.tty=0 -- hello "big world"',
    "env-and-args": "env.GREETING=hi env.HOME=/root uk.log=debug -- a b c",
    "firecracker": "console=ttyS0 reboot=k panic=1 pci=off virtio_mmio.device=4K@0xd0000000:5 "
    "virtio_mmio.device=4K@0xd0001000:6 -- run",
    "net-static": "net.ip=10.0.0.2/24 net.gw=10.0.0.1 net.dns=10.0.0.1 net.dns=2001:db8::53 net.en1.ip=192.168.1.5/16",
    "net-raw-wait": "net.raw=en1,en2 net.wait=0 uk.slice_us=500 uk.strace uk.fpu=fxsave -- x",
    "quotes": 'env.A="x y" -- "a \\"quoted\\" word" \'single\' "\\\\"',
    "bad-option": "uk.nosuch=1",
    "aslr": "uk.aslr=off uk.aslr=on uk.aslr=off uk.log=debug -- x",
    "bad-aslr": "uk.aslr=maybe",
    "bad-quote": '-- "unterminated',
    "tty-none": "uk.tty= uk.console=plain env.X==y",
    # boot.c joins a 3 KiB default line and 3 KiB from the VMM: more than the parser's old 4 KiB buffer held
    "regress-long-joined-line": "env.A=" + "a" * 3060 + " " + " ".join(["virtio_mmio.device=4K@0xd0000000:5"] * 90),
}

# ---- device trees
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_END = 1, 2, 3, 9


class Tree:
    def __init__(self):
        self.struct, self.strings, self.names = b"", b"", {}

    def begin(self, name):
        n = name.encode() + b"\0"
        self.struct += struct.pack(">I", FDT_BEGIN_NODE) + n + b"\0" * (-len(n) % 4)

    def end(self):
        self.struct += struct.pack(">I", FDT_END_NODE)

    def prop(self, name, value):
        if name not in self.names:
            self.names[name] = len(self.strings)
            self.strings += name.encode() + b"\0"
        if isinstance(value, str):
            value = value.encode() + b"\0"
        elif isinstance(value, list):
            value = b"".join(struct.pack(">I", v) for v in value)
        self.struct += struct.pack(">III", FDT_PROP, len(value), self.names[name]) + value + b"\0" * (-len(value) % 4)

    def blob(self, version=17):
        s = self.struct + struct.pack(">I", FDT_END)
        rsv = struct.pack(">QQ", 0, 0)
        off_rsv = 40
        off_struct = off_rsv + len(rsv)
        off_strings = off_struct + len(s)
        total = off_strings + len(self.strings)
        hdr = struct.pack(">10I", 0xD00DFEED, total, off_struct, off_strings, off_rsv, version, 16, 0,
                          len(self.strings), len(s))
        return hdr + rsv + s + self.strings


def cells(v, n):
    return [(v >> 32) & 0xFFFFFFFF, v & 0xFFFFFFFF][2 - n:]


def virt_tree(pci=True, mmio=4, gic3=False, firecracker=False, gic_address_cells=2):
    t = Tree()
    t.begin("")
    t.prop("#address-cells", [2])
    t.prop("#size-cells", [2])
    t.prop("compatible", "linux,dummy-virt")
    t.begin("psci")
    t.prop("compatible", b"arm,psci-1.0\0arm,psci-0.2\0")
    t.prop("method", "hvc")
    t.end()
    t.begin("memory@40000000")
    t.prop("reg", cells(0x40000000, 2) + cells(256 << 20, 2))
    t.prop("device_type", "memory")
    t.end()
    t.begin("chosen")
    t.prop("bootargs", "uk.console=framed -- hello")
    t.prop("stdout-path", "/pl011@9000000")
    t.end()
    t.begin("intc@8000000")
    t.prop("phandle", [0x8001])
    t.prop("compatible", "arm,gic-v3" if gic3 else "arm,cortex-a15-gic")
    t.prop("#interrupt-cells", [3])
    t.prop("#address-cells", [gic_address_cells])
    t.prop("interrupt-controller", b"")
    t.prop("reg", cells(0x8000000, 2) + cells(0x10000, 2) + cells(0x80A0000 if gic3 else 0x8010000, 2) +
           cells(0xF60000 if gic3 else 0x10000, 2))
    t.end()
    t.begin("timer")
    t.prop("compatible", b"arm,armv8-timer\0arm,armv7-timer\0")
    t.prop("interrupts", [1, 13, 0x104, 1, 14, 0x104, 1, 11, 0x104, 1, 10, 0x104])
    t.end()
    t.begin("pl011@9000000")
    t.prop("compatible", b"arm,pl011\0arm,primecell\0")
    t.prop("reg", cells(0x9000000, 2) + cells(0x1000, 2))
    t.prop("interrupts", [0, 1, 4])
    t.end()
    t.begin("pl031@9010000")
    t.prop("compatible", b"arm,pl031\0arm,primecell\0")
    t.prop("reg", cells(0x9010000, 2) + cells(0x1000, 2))
    t.end()
    if not firecracker:
        t.begin("pl061@9030000")
        t.prop("phandle", [0x8003])
        t.prop("compatible", b"arm,pl061\0arm,primecell\0")
        t.prop("reg", cells(0x9030000, 2) + cells(0x1000, 2))
        t.prop("interrupts", [0, 7, 4])
        t.end()
        t.begin("gpio-keys")
        t.prop("compatible", "gpio-keys")
        t.begin("poweroff")
        t.prop("gpios", [0x8003, 3, 0])
        t.prop("linux,code", [116])
        t.end()
        t.end()
    for i in range(mmio):
        base = 0xA000000 + 0x200 * i if not firecracker else 0xD0000000 + 0x1000 * i
        t.begin("virtio_mmio@%x" % base)
        t.prop("compatible", "virtio,mmio")
        t.prop("reg", cells(base, 2) + cells(0x200, 2))
        t.prop("interrupts", [0, 16 + i, 1])
        t.prop("dma-coherent", b"")
        t.end()
    if pci:
        t.begin("pcie@10000000")
        t.prop("compatible", "pci-host-ecam-generic")
        t.prop("device_type", "pci")
        t.prop("#address-cells", [3])
        t.prop("#size-cells", [2])
        t.prop("#interrupt-cells", [1])
        t.prop("reg", cells(0x4010000000, 2) + cells(0x10000000, 2))
        t.prop("bus-range", [0, 0xFF])
        t.prop("ranges", [0x1000000, 0, 0, 0, 0x3EFF0000, 0, 0x10000,
                          0x2000000, 0, 0x10000000, 0, 0x10000000, 0, 0x2EFF0000,
                          0x3000000, 0x80, 0, 0x80, 0, 0x80, 0])
        imap = []
        for slot in range(4):
            for pin in range(1, 5):
                imap += [slot << 11, 0, 0, pin, 0x8001, 0, 0, 0, 3 + (slot + pin - 1) % 4, 4]
        t.prop("interrupt-map", imap)
        t.prop("interrupt-map-mask", [0x1800, 0, 0, 7])
        t.end()
    t.end()
    return t


def regress_prop_len():
    """A property whose length runs past the structure block (and wraps the walk's offset)."""
    t = virt_tree(pci=False, mmio=1)
    b = bytearray(t.blob())
    off = b.index(b"\x00\x00\x00\x03", 56)
    b[off + 4:off + 8] = struct.pack(">I", 0xFFFFFFF4)
    return bytes(b)


def regress_interrupt_map():
    """interrupt-map naming a controller whose #address-cells is huge: the entry size wrapped around."""
    return virt_tree(mmio=0, gic_address_cells=0x3FFFFFFF).blob()


def regress_unterminated_string():
    """A property name at the very end of the strings block without its NUL."""
    t = Tree()
    t.begin("")
    t.prop("#address-cells", [2])
    t.end()
    b = bytearray(t.blob()[:-1])
    struct.pack_into(">I", b, 4, len(b))
    struct.pack_into(">I", b, 32, len(t.strings) - 1)
    return bytes(b)


# ---- cpio newc
def cpio_entry(name, mode, data=b""):
    n = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(n), 0))
    e = hdr.encode() + n
    e += b"\0" * (-len(e) % 4)
    return e + data + b"\0" * (-len(data) % 4)


def cpio(entries):
    return b"".join(cpio_entry(*e) for e in entries) + cpio_entry("TRAILER!!!", 0)


INITRDS = {
    "app-files": cpio([("etc", 0o40755), ("etc/app.json", 0o100644, b'{"a": 1}\n'), ("data", 0o40755),
                       ("data/blob.bin", 0o100600, bytes(range(256)))]),
    "nested": cpio([("a/b/c/d.txt", 0o100644, b"deep\n"), ("a/b", 0o40700), ("x", 0o100755, b"")]),
    "odd-names": cpio([(".", 0o40755), ("./etc/../f", 0o100644, b"1"), ("dir/", 0o40755), ("dir//x/./y", 0o100644)]),
    "symlink-and-dev": cpio([("lnk", 0o120777, b"target"), ("dev", 0o20644), ("plain", 0o100644, b"p")]),
    # regressions: a path through a regular file; a name without its NUL at the end of the archive; a size and a
    # name size that run past the end
    "regress-file-as-directory": cpio([("f", 0o100644, b"1"), ("f/g", 0o100644, b"2"), ("f/h", 0o40755)]),
    "regress-name-unterminated": cpio_entry("f", 0o100644, b"x")[:110] + b"abcd",
    "regress-size-past-end": cpio_entry("big", 0o100644, b"0123")[:54] + b"FFFFFFFF" +
    cpio_entry("big", 0o100644, b"0123")[62:],
    "regress-namesize-huge": cpio_entry("n", 0o100644, b"0123")[:94] + b"FFFFFFF0" + cpio_entry("n", 0o100644)[102:],
}


# ---- PVH start info in guest memory
def pvh(cmdline, ram, version=1, start=0x100, extra=()):
    mem = bytearray(0x1000)
    cmd_pa, map_pa = 0x400, 0x800
    entries = [(0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0xF0000, 0x10000, 2)] + list(ram) + list(extra)
    struct.pack_into("<I", mem, 0, start)
    struct.pack_into("<IIIIQQQQII", mem, start, 0x336EC578, version, 0, 0, 0, cmd_pa if cmdline else 0, 0xF5A30,
                     map_pa, len(entries), 0)
    c = cmdline.encode() + b"\0"
    mem[cmd_pa:cmd_pa + len(c)] = c
    for i, (a, s, t) in enumerate(entries):
        struct.pack_into("<QQII", mem, map_pa + 24 * i, a, s, t, 0)
    return bytes(mem)


PVHS = {
    "qemu-128m": pvh("uk.console=framed -- hi", [(0x100000, 127 << 20, 1), (0xFEFFC000, 0x4000, 2)]),
    "firecracker": pvh("console=ttyS0 virtio_mmio.device=4K@0xd0000000:5", [(0x100000, 255 << 20, 1)]),
    "high-ram": pvh("", [(0x100000, 0xBFF00000, 1), (0x100000000, 0x40000000, 1), (0xFD00000000, 1 << 30, 2)]),
    "version0": pvh("x", [(0x100000, 1 << 20, 1)], version=0),
    # regression: RAM whose end wraps around 2^64, and RAM far beyond the direct map
    "regress-wrapping-ram": pvh("", [(0x100000, 64 << 20, 1), (0xFFFFFFFFFFFFF000, 0x2000, 1),
                                     (1 << 50, 1 << 40, 1)]),
}


def aml_name(name, value):
    """AML: Name(name, value), value already encoded."""
    return b"\x08" + name.encode() + value


def aml_package(*values):
    """AML: a Package of small integers (ZeroOp, OneOp or BytePrefix), its PkgLength in one byte."""
    body = bytes([len(values)]) + b"".join(b"\x00" if v == 0 else b"\x01" if v == 1 else bytes([0x0A, v]) for v in values)
    return b"\x12" + bytes([len(body) + 1]) + body


def virtio_device(index, base, irq):
    """A virtio-mmio transport as QEMU microvm's DSDT lists it: Device(VRnn) with _HID "LNRO0005" and a _CRS of
    Memory32Fixed and an Extended Interrupt descriptor."""
    crs = (b"\x86\x09\x00\x01" + struct.pack("<II", base, 0x200) + b"\x89\x06\x00\x0b\x01" + struct.pack("<I", irq)
           + b"\x79\x00")
    body = (aml_name("_HID", b"\x0dLNRO0005\x00") + aml_name("_UID", bytes([0x0A, index]))
            + aml_name("_CRS", b"\x11" + bytes([len(crs) + 3, 0x0A, len(crs)]) + crs))
    name = ("VR%02d" % index).encode()
    return b"\x5b\x82" + bytes([len(body) + 5]) + name + body


def acpi(fadt_len, fadt_fields, dsdt, flags=0):
    """acpi_fuzz.c's input: flags, the FADT's length - 116, its bytes after the header, then the DSDT's AML."""
    fadt = bytearray(fadt_len - 36)
    for offset, data in fadt_fields:
        fadt[offset - 36:offset - 36 + len(data)] = data
    return bytes([flags, fadt_len - 116]) + bytes(fadt) + dsdt


def acpi_seeds():
    hw_reduced = struct.pack("<I", 1 << 20)
    # SLEEP_CONTROL_REG (244): SystemMemory, 8 bits, at the generic event device's sleep control register.
    sleep_ctl = bytes([0, 8, 0, 1]) + struct.pack("<Q", 0xFEA00001)
    microvm_dsdt = (b"".join(virtio_device(i, 0xFEB00000 + 0x200 * i, 16 + i) for i in range(3))
                    + aml_name("_S5_", aml_package(5)))
    return {
        "qemu-microvm": acpi(276, [(112, hw_reduced), (244, sleep_ctl)], microvm_dsdt),
        # PM1a_CNT_BLK (64) at 0x604, QEMU q35's; \_S5_ = Package(4) {0, 0, 0, 0}.
        "qemu-q35": acpi(244, [(64, struct.pack("<I", 0x604))], aml_name("_S5_", aml_package(0, 0, 0, 0))),
        "no-s5": acpi(276, [(112, hw_reduced), (244, sleep_ctl)], virtio_device(0, 0xFEB00000, 16)),
        "bad-checksums": acpi(276, [(112, hw_reduced)], microvm_dsdt, flags=3),
        "dsdt-32-bit": acpi(148, [(112, hw_reduced)], microvm_dsdt, flags=4),
    }


def main():
    for name, line in CMDLINES.items():
        write("cmdline", name, line)
    write("fdt", "qemu-virt", virt_tree().blob())
    write("fdt", "qemu-virt-gicv3", virt_tree(gic3=True, mmio=32).blob())
    write("fdt", "firecracker", virt_tree(pci=False, mmio=3, firecracker=True).blob())
    write("fdt", "regress-prop-length", regress_prop_len())
    write("fdt", "regress-interrupt-map-cells", regress_interrupt_map())
    write("fdt", "regress-unterminated-string", regress_unterminated_string())
    for name, data in INITRDS.items():
        write("initrd", name, data)
    for name, data in PVHS.items():
        write("pvh", name, data)
    for name, data in acpi_seeds().items():
        write("acpi", name, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
