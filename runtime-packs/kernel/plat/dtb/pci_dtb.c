/* pci_dtb.c - the PCIe host bridge of arm64 guests from the device tree ("pci-host-ecam-generic", as
 * QEMU virt describes it; the PCI bus binding of IEEE 1275 and Linux's host-generic-pci binding): ECAM
 * window and bus range from "reg" and "bus-range", the I/O and memory windows from "ranges", the INTx
 * routing from "interrupt-map" and its mask. Nothing placed the BARs before us (no firmware runs), so the
 * host asks drivers/pci to place them unless the tree says "linux,pci-probe-only". */
#include <uk/fdt.h>
#include <uk/klibc.h>
#include <uk/pci.h>
#include <uk/print.h>
#include "dtb.h"

#define SPACE_IO 1
#define SPACE_MEM32 2
#define SPACE_MEM64 3

static void read_ranges(int node, struct uk_pci_host *h)
{
    u32 len, pac = uk_fdt_u32(0, "#address-cells", 2), sc = uk_fdt_u32(node, "#size-cells", 2);
    const u8 *p = uk_fdt_prop(node, "ranges", &len);
    u32 entry = 4 * (3 + pac + sc);
    for (u32 i = 0; p && pac <= 2 && sc <= 2 && i + entry <= len; i += entry) {
        u32 hi = (u32)uk_fdt_cells(p + i, 1);
        struct uk_pci_window w = {.bus = uk_fdt_cells(p + i + 4, 2),
                                  .cpu = uk_fdt_cells(p + i + 12, pac),
                                  .size = uk_fdt_cells(p + i + 12 + 4 * pac, sc)};
        switch ((hi >> 24) & 3) {
        case SPACE_IO:
            w.next = w.bus < 0x1000 ? 0x1000 : w.bus; /* no port numbers below 0x1000, as on PCs */
            h->io = w;
            break;
        case SPACE_MEM32: h->mem32 = w; break;
        case SPACE_MEM64: h->mem64 = w; break;
        }
    }
}

/* interrupt-map: child address (3 cells), child pin (#interrupt-cells, 1), the controller's phandle, its
 * address (its #address-cells) and its interrupt specifier (GIC: type, number, flags). */
static void read_interrupt_map(int node, struct uk_pci_host *h)
{
    u32 len, mlen;
    const u8 *map = uk_fdt_prop(node, "interrupt-map", &len), *mask = uk_fdt_prop(node, "interrupt-map-mask", &mlen);
    if (!map || uk_fdt_u32(node, "#interrupt-cells", 1) != 1)
        return;
    h->intx_mask_addr = mask && mlen >= 16 ? (u32)uk_fdt_cells(mask, 1) : 0xffffffffu;
    h->intx_mask_pin = mask && mlen >= 16 ? (u32)uk_fdt_cells(mask + 12, 1) : 0xffffffffu;
    u32 last_phandle = 0;
    int parent = -1;
    for (u32 i = 0; i + 20 <= len && h->nintx < UK_PCI_MAX_INTX_MAP;) {
        u32 addr = (u32)uk_fdt_cells(map + i, 1), pin = (u32)uk_fdt_cells(map + i + 12, 1);
        u32 phandle = (u32)uk_fdt_cells(map + i + 16, 1);
        if (parent < 0 || phandle != last_phandle) /* a walk of the whole tree: QEMU's entries all name the GIC */
            parent = uk_fdt_node_by_phandle(last_phandle = phandle);
        if (parent < 0)
            return;
        u32 pac = uk_fdt_u32(parent, "#address-cells", 0), pic = uk_fdt_u32(parent, "#interrupt-cells", 3);
        if (pac > 4 || pic < 2 || pic > 4 || len - i - 20 < 4 * (pac + pic))
            return; /* cell counts from the tree: bounded before they size anything */
        const u8 *spec = map + i + 20 + 4 * pac;
        i += 20 + 4 * (pac + pic);
        u32 type = (u32)uk_fdt_cells(spec, 1), num = (u32)uk_fdt_cells(spec + 4, 1);
        h->intx[h->nintx].addr = addr & h->intx_mask_addr;
        h->intx[h->nintx].pin = pin & h->intx_mask_pin;
        h->intx[h->nintx++].irq = (int)(type == 1 ? 16 + num : 32 + num);
    }
}

bool uk_plat_dtb_pci_host(struct uk_pci_host *h)
{
    struct uk_fdt_dev d;
    if (!uk_fdt_find_compatible("pci-host-ecam-generic", 0, &d) || !d.base || d.size < (1u << 20))
        return false;
    uk_memset(h, 0, sizeof(*h));
    u32 len;
    const u8 *range = uk_fdt_prop(d.node, "bus-range", &len);
    h->ecam_pa = d.base;
    h->bus_first = range && len >= 8 ? (u8)uk_fdt_cells(range, 1) : 0;
    u64 last = range && len >= 8 ? uk_fdt_cells(range + 4, 1) : h->bus_first + (d.size >> 20) - 1;
    h->bus_last = (u8)UK_MIN(last, (u64)h->bus_first + (d.size >> 20) - 1);
    h->assign = !uk_fdt_prop(d.node, "linux,pci-probe-only", NULL);
    read_ranges(d.node, h);
    read_interrupt_map(d.node, h);
    if (h->assign && !h->mem32.size && !h->mem64.size) {
        uk_pr_warn("pci: the host bridge at %#lx has no memory window: left alone\n", d.base);
        return false;
    }
    return true;
}
