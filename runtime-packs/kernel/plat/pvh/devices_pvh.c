/* devices_pvh.c - the devices of x86 PVH guests: virtio-mmio windows that QEMU microvm and Firecracker
 * announce on the kernel command line as virtio_mmio.device=<size>@<base>:<irq> (Linux's syntax; size
 * with an optional K/M suffix), in the order the VMM lists them, or else in the ACPI DSDT (microvm with
 * acpi=on: virtio_acpi_pvh.c); then the PCI bus of QEMU q35 through configuration ports, when there is a
 * host bridge at 00:00.0; last the VMM's shutdown requests (power_pvh.c). */
#include <uk/klibc.h>
#include <uk/pci.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/virtio.h>
#include "pvh.h"

#define PREFIX "virtio_mmio.device="

/* Parses a number (decimal, or hex with 0x) with an optional K/M/G suffix; the end, or NULL. */
static const char *number(const char *p, u64 *out, bool suffix)
{
    u64 v = 0;
    int base = 10, digits = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        base = 16, p += 2;
    for (;; p++, digits++) {
        char c = *p;
        int d = c >= '0' && c <= '9'                 ? c - '0'
                : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : base == 16 && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                     : -1;
        if (d < 0)
            break;
        v = v * (u64)base + (u64)d;
    }
    if (!digits)
        return NULL;
    if (suffix && (*p == 'K' || *p == 'k'))
        v <<= 10, p++;
    else if (suffix && (*p == 'M' || *p == 'm'))
        v <<= 20, p++;
    else if (suffix && (*p == 'G' || *p == 'g'))
        v <<= 30, p++;
    *out = v;
    return p;
}

void uk_plat_probe_devices(void)
{
    const char *p = uk_bootinfo.cmdline;
    if (!uk_strstr(p, PREFIX))
        uk_plat_pvh_acpi_virtio_probe(); /* QEMU microvm with ACPI announces them there instead */
    while ((p = uk_strstr(p, PREFIX))) {
        bool at_word = p == uk_bootinfo.cmdline || p[-1] == ' ';
        p += sizeof(PREFIX) - 1;
        if (!at_word)
            continue;
        u64 size, base, irq;
        const char *q = number(p, &size, true);
        if (q && *q == '@')
            q = number(q + 1, &base, false);
        else
            q = NULL;
        if (q && *q == ':')
            q = number(q + 1, &irq, false);
        else
            q = NULL;
        if (!q || (*q && *q != ' ' && *q != ':')) {
            char word[64];
            usize n = 0;
            for (const char *w = p - (sizeof(PREFIX) - 1); *w && *w != ' ' && n < sizeof(word) - 1; w++)
                word[n++] = *w;
            word[n] = 0;
            uk_pr_warn("virtio: cannot read the announcement '%s'\n", word);
            continue;
        }
        uk_virtio_mmio_probe(base, size, (int)irq);
    }
    u32 id;
    if (uk_plat_pvh_pci_ports && uk_pci_arch_conf_read(0, 0, 0, 0, &id) && (id & 0xffff) != 0xffff) {
        /* q35's firmware (qboot) may leave BARs unplaced: ours go between the ECAM window (0xb0000000,
         * 256 MiB) and the I/O APIC (0xfec00000), and to ports 0xc000-0xffff, where RAM never is. */
        static struct uk_pci_host host = {.bus_last = 255,
                                          .assign = true,
                                          .mem32 = {.cpu = 0xc0000000, .bus = 0xc0000000, .size = 0x3ec00000},
                                          .io = {.cpu = 0xc000, .bus = 0xc000, .size = 0x4000}};
        uk_virtio_pci_attach_bus(&host);
    }
    uk_plat_pvh_power_init(); /* the power button and Ctrl-Alt-Del */
}
