/* virtio_acpi_pvh.c - virtio-mmio transports that the VMM describes only in ACPI: QEMU microvm with acpi=on puts
 * no virtio_mmio.device= on the command line, but lists each transport that has a device in the DSDT as a
 * device with _HID "LNRO0005" (the ACPI ID Linux's virtio-mmio driver binds), in the order the devices were
 * given. Its _CRS is a resource template (ACPI 6.4, section 6.4.3) with a Memory32Fixed descriptor (0x86,
 * length 9: access, base, size) for the registers and an Extended Interrupt descriptor (0x89: flags, count,
 * interrupt numbers). The descriptors are looked for between one _HID and the next. */
#include <uk/klibc.h>
#include <uk/print.h>
#include <uk/virtio.h>
#include "pvh.h"

#define HID "LNRO0005"
#define SPAN 256 /* a transport's device object is far smaller */

static const u8 *find(const u8 *from, const u8 *end, const char *what, usize n)
{
    for (const u8 *p = from; p + n <= end; p++)
        if (!uk_memcmp(p, what, n))
            return p;
    return NULL;
}

int uk_plat_pvh_acpi_virtio_probe(void)
{
    u32 len;
    const u8 *dsdt = uk_plat_pvh_acpi_dsdt(&len);
    if (!dsdt)
        return 0;
    const u8 *end = dsdt + len;
    int n = 0;
    for (const u8 *hid = find(dsdt + 36, end, HID, 8); hid; n++) {
        const u8 *next = find(hid + 8, end, HID, 8);
        const u8 *stop = next ? next : end;
        if (stop > hid + SPAN)
            stop = hid + SPAN;
        u64 base = 0, size = 0;
        int irq = -1;
        for (const u8 *p = hid + 8; p + 9 <= stop; p++) {
            if (!base && p[0] == 0x86 && p[1] == 9 && p[2] == 0 && p + 12 <= stop) {
                base = uk_plat_pvh_le32(p + 4);
                size = uk_plat_pvh_le32(p + 8);
            } else if (irq < 0 && p[0] == 0x89 && p[1] >= 6 && p[2] == 0 && p[4] >= 1) {
                irq = (int)uk_plat_pvh_le32(p + 5);
            }
        }
        if (base && size && irq >= 0)
            uk_virtio_mmio_probe(base, size, irq);
        else
            uk_pr_warn("virtio: cannot read the registers and interrupt of ACPI device %d (%s)\n", n, HID);
        hid = next;
    }
    return n;
}
