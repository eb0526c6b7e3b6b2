/* pci.c - the PCI bus, architecture-neutral: configuration space through ECAM or the architecture's
 * ports, a scan of the root bus (and of the buses behind bridges the firmware numbered), BARs sized and,
 * where no firmware did it, placed in the host's windows, capability lists, MSI-X and INTx lines. */
#include <uk/arch.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/pci.h>
#include <uk/print.h>

#define CFG_VENDOR 0x00
#define CFG_COMMAND 0x04
#define CFG_STATUS 0x06
#define CFG_REVISION 0x08
#define CFG_HEADER 0x0e
#define CFG_BAR0 0x10
#define CFG_SECONDARY_BUS 0x19
#define CFG_SUBSYSTEM 0x2e
#define CFG_CAPS 0x34
#define CFG_INT_PIN 0x3d
#define CMD_IO 1
#define CMD_MEM 2
#define CMD_MASTER 4
#define CMD_INTX_OFF 0x400
#define STATUS_CAPS 0x10
#define CAP_MSIX 0x11

static u32 mmio_read(volatile u8 *p, int width)
{
    return width == 1 ? uk_mmio_read8(p) : width == 2 ? uk_mmio_read16(p) : uk_mmio_read32(p);
}

static void mmio_write(volatile u8 *p, int width, u32 v)
{
    if (width == 1)
        uk_mmio_write8(p, (u8)v);
    else if (width == 2)
        uk_mmio_write16(p, (u16)v);
    else
        uk_mmio_write32(p, v);
}

/* The mapped ECAM page of a function (mapped when first used: only functions that exist cost a page). */
static volatile u8 *ecam(const struct uk_pci_host *h, u8 bus, u8 slot, u8 func)
{
    u64 pa = h->ecam_pa + ((u64)(bus - h->bus_first) << 20 | (u64)slot << 15 | (u64)func << 12);
    return uk_mmio_map(pa, UK_PAGE_SIZE);
}

static u32 conf_read(const struct uk_pci_host *h, u8 bus, u8 slot, u8 func, u32 off, int width)
{
    u32 v;
    if (h->ecam_pa)
        return mmio_read(ecam(h, bus, slot, func) + off, width);
    if (!uk_pci_arch_conf_read(bus, slot, func, off & ~3u, &v))
        return 0xffffffffu;
    v >>= 8 * (off & 3);
    return width == 1 ? v & 0xff : width == 2 ? v & 0xffff : v;
}

static void conf_write(const struct uk_pci_host *h, u8 bus, u8 slot, u8 func, u32 off, int width, u32 v)
{
    if (h->ecam_pa) {
        mmio_write(ecam(h, bus, slot, func) + off, width, v);
        return;
    }
    if (width != 4) { /* read-modify-write the dword */
        u32 shift = 8 * (off & 3), mask = (width == 1 ? 0xffu : 0xffffu) << shift;
        u32 old = conf_read(h, bus, slot, func, off & ~3u, 4);
        v = (old & ~mask) | ((v << shift) & mask);
    }
    uk_pci_arch_conf_write(bus, slot, func, off & ~3u, v);
}

u32 uk_pci_read(const struct uk_pci_dev *d, u32 off, int width)
{
    return conf_read(d->host, d->bus, d->slot, d->func, off, width);
}

void uk_pci_write(const struct uk_pci_dev *d, u32 off, int width, u32 v)
{
    conf_write(d->host, d->bus, d->slot, d->func, off, width, v);
}

u8 uk_pci_find_cap(const struct uk_pci_dev *d, u8 id, u8 from)
{
    if (!(uk_pci_read(d, CFG_STATUS, 2) & STATUS_CAPS))
        return 0;
    u8 at = from ? (u8)uk_pci_read(d, from + 1u, 1) : (u8)uk_pci_read(d, CFG_CAPS, 1);
    for (int guard = 0; at >= 0x40 && guard < 48; guard++) {
        at &= ~3u;
        if (uk_pci_read(d, at, 1) == id)
            return at;
        at = (u8)uk_pci_read(d, at + 1u, 1);
    }
    return 0;
}

/* Takes size bytes (a power of two, aligned to itself) from window w; 0 when it is full. */
static u64 place(struct uk_pci_window *w, u64 size)
{
    if (!w->size)
        return 0;
    u64 at = UK_ALIGN_UP(w->next ? w->next : w->bus, size);
    if (at + size > w->bus + w->size)
        return 0;
    w->next = at + size;
    return at;
}

/* Sizes every BAR of d (decoding off meanwhile); an address already given marks its window as used. */
static void read_bars(struct uk_pci_dev *d)
{
    struct uk_pci_host *h = d->host;
    u32 cmd = uk_pci_read(d, CFG_COMMAND, 2);
    uk_pci_write(d, CFG_COMMAND, 2, cmd & ~(u32)(CMD_IO | CMD_MEM));
    for (int i = 0; i < 6; i++) {
        u32 off = CFG_BAR0 + 4u * (u32)i, lo = uk_pci_read(d, off, 4);
        bool io = lo & 1, is64 = !io && (lo & 6) == 4 && i < 5;
        uk_pci_write(d, off, 4, 0xffffffffu);
        u32 mask_lo = uk_pci_read(d, off, 4);
        uk_pci_write(d, off, 4, lo);
        u64 addr = io ? lo & ~3u : lo & ~0xfu, mask = io ? (mask_lo & ~3u) | 0xffff0000u : mask_lo & ~0xfu;
        if (is64) {
            u32 hi = uk_pci_read(d, off + 4, 4);
            uk_pci_write(d, off + 4, 4, 0xffffffffu);
            mask |= (u64)uk_pci_read(d, off + 4, 4) << 32;
            uk_pci_write(d, off + 4, 4, hi);
            addr |= (u64)hi << 32;
        } else {
            mask |= 0xffffffff00000000ULL;
        }
        u64 size = ~mask + 1;
        if (mask_lo && mask_lo != 0xffffffffu && size) {
            d->bar[i] = (struct uk_pci_bar){
                .kind = io ? UK_PCI_BAR_IO : UK_PCI_BAR_MEM, .is64 = is64, .bus = addr, .size = size};
            struct uk_pci_window *w = io ? &h->io : addr >> 32 ? &h->mem64 : &h->mem32;
            if (addr && addr >= w->bus && addr < w->bus + w->size && addr + size > w->next)
                w->next = addr + size;
        }
        if (is64)
            i++;
    }
    uk_pci_write(d, CFG_COMMAND, 2, cmd);
}

/* The CPU address of a bus address: through the window that holds it (identity when none does). */
static u64 to_cpu(const struct uk_pci_host *h, u64 bus, bool io)
{
    const struct uk_pci_window *ws[] = {io ? &h->io : &h->mem32, &h->mem64};
    for (int i = 0; i < (io ? 1 : 2); i++)
        if (ws[i]->size && bus >= ws[i]->bus && bus < ws[i]->bus + ws[i]->size)
            return bus - ws[i]->bus + ws[i]->cpu;
    return bus;
}

void uk_pci_enable(struct uk_pci_dev *d)
{
    struct uk_pci_host *h = d->host;
    u32 cmd = uk_pci_read(d, CFG_COMMAND, 2);
    uk_pci_write(d, CFG_COMMAND, 2, cmd & ~(u32)(CMD_IO | CMD_MEM));
    for (int i = 0; i < 6; i++) {
        struct uk_pci_bar *b = &d->bar[i];
        u32 off = CFG_BAR0 + 4u * (u32)i;
        if (b->kind && !b->bus && h->assign) {
            /* 64-bit BARs go below 4 GiB while there is room, like 32-bit ones */
            bool io = b->kind == UK_PCI_BAR_IO;
            u64 at = place(io ? &h->io : &h->mem32, b->size);
            if (!at && b->is64)
                at = place(&h->mem64, b->size);
            if (at) {
                uk_pci_write(d, off, 4, (u32)at | (uk_pci_read(d, off, 4) & (io ? 3u : 0xfu)));
                if (b->is64)
                    uk_pci_write(d, off + 4, 4, (u32)(at >> 32));
                b->bus = at;
            }
        }
        if (b->kind && b->bus)
            b->cpu = to_cpu(h, b->bus, b->kind == UK_PCI_BAR_IO);
        else if (b->kind)
            uk_pr_warn("pci: %s: BAR %d (%lu bytes) has no address: not usable\n", d->where, i, b->size);
    }
    uk_pci_write(d, CFG_COMMAND, 2, cmd | CMD_IO | CMD_MEM | CMD_MASTER);
}

/* The INTx line of d from the host's interrupt map (the platform's swizzle); -1 when unmapped. */
static int intx_line(const struct uk_pci_dev *d)
{
    const struct uk_pci_host *h = d->host;
    u32 addr = ((u32)d->bus << 16 | (u32)d->slot << 11 | (u32)d->func << 8) & h->intx_mask_addr;
    u32 pin = d->pin & h->intx_mask_pin;
    for (int i = 0; i < h->nintx; i++)
        if (h->intx[i].addr == addr && h->intx[i].pin == pin)
            return h->intx[i].irq;
    return -1;
}

bool uk_pci_region(const struct uk_pci_dev *d, int bar, u32 off, u32 length, struct uk_pci_region *out)
{
    if (bar < 0 || bar > 5 || !d->bar[bar].kind || !d->bar[bar].bus || (u64)off + length > d->bar[bar].size)
        return false;
    const struct uk_pci_bar *b = &d->bar[bar];
    *out = (struct uk_pci_region){.kind = b->kind};
    if (b->kind == UK_PCI_BAR_MEM)
        out->va = uk_mmio_map(b->cpu + off, length);
    else if (!(out->va = uk_pci_arch_io_map(b->cpu + off, length)))
        out->port = b->cpu + off;
    return true;
}

u32 uk_pci_region_read(const struct uk_pci_region *r, u32 off, int width)
{
    if (!r->va)
        return uk_pci_arch_port_read(r->port + off, width);
    return mmio_read(r->va + off, width);
}

void uk_pci_region_write(const struct uk_pci_region *r, u32 off, int width, u32 v)
{
    if (!r->va) {
        uk_pci_arch_port_write(r->port + off, width, v);
        return;
    }
    mmio_write(r->va + off, width, v);
}

long uk_pci_msix_enable(const struct uk_pci_dev *d, int *line)
{
    u8 cap = uk_pci_find_cap(d, CAP_MSIX, 0);
    if (!cap)
        return -ENODEV;
    u64 addr;
    u32 data;
    if (!uk_pci_arch_msi(line, &addr, &data))
        return -EOPNOTSUPP;
    u32 ctrl = uk_pci_read(d, cap + 2u, 2), table = uk_pci_read(d, cap + 4u, 4);
    u32 entries = (ctrl & 0x7ff) + 1;
    struct uk_pci_region r;
    if (!uk_pci_region(d, (int)(table & 7), table & ~7u, 16 * entries, &r) || r.kind != UK_PCI_BAR_MEM)
        return -ENODEV;
    uk_pci_write(d, cap + 2u, 2, ctrl | 0xc000); /* enabled, every vector masked while being set */
    for (u32 i = 0; i < entries; i++) {
        uk_pci_region_write(&r, 16 * i, 4, (u32)addr);
        uk_pci_region_write(&r, 16 * i + 4, 4, (u32)(addr >> 32));
        uk_pci_region_write(&r, 16 * i + 8, 4, data);
        uk_pci_region_write(&r, 16 * i + 12, 4, 0); /* unmasked */
    }
    uk_pci_write(d, CFG_COMMAND, 2, uk_pci_read(d, CFG_COMMAND, 2) | CMD_INTX_OFF);
    uk_pci_write(d, cap + 2u, 2, (ctrl | 0x8000) & ~0x4000u);
    return 0;
}

static int scan_bus(struct uk_pci_host *h, u8 bus, struct uk_pci_dev *devs, int max, int n, int depth)
{
    for (u8 slot = 0; slot < 32; slot++) {
        for (u8 func = 0; func < 8; func++) {
            u32 id = conf_read(h, bus, slot, func, CFG_VENDOR, 4);
            if ((id & 0xffff) == 0xffff || !(id & 0xffff)) {
                if (!func)
                    break;
                continue;
            }
            u8 header = (u8)conf_read(h, bus, slot, func, CFG_HEADER, 1);
            if ((header & 0x7f) == 1) { /* a bridge: follow it when the firmware gave it a bus number */
                u8 secondary = (u8)conf_read(h, bus, slot, func, CFG_SECONDARY_BUS, 1);
                if (secondary > bus && secondary <= h->bus_last && depth < 8)
                    n = scan_bus(h, secondary, devs, max, n, depth + 1);
                else
                    uk_pr_info("pci %02x:%02x.%u: bridge without a bus number: what is behind it is left alone\n", bus,
                               slot, func);
            } else if ((header & 0x7f) == 0) {
                if (n < max) {
                    struct uk_pci_dev *d = &devs[n];
                    *d = (struct uk_pci_dev){.host = h,
                                             .bus = bus,
                                             .slot = slot,
                                             .func = func,
                                             .vendor = (u16)id,
                                             .device = (u16)(id >> 16),
                                             .intx = -1};
                    uk_snprintf(d->where, sizeof(d->where), "pci %02x:%02x.%u", bus, slot, func);
                    d->class = uk_pci_read(d, CFG_REVISION, 4) >> 8;
                    d->revision = (u8)uk_pci_read(d, CFG_REVISION, 1);
                    d->subsystem = (u16)uk_pci_read(d, CFG_SUBSYSTEM, 2);
                    d->pin = (u8)uk_pci_read(d, CFG_INT_PIN, 1);
                    read_bars(d);
                    if (d->pin >= 1 && d->pin <= 4)
                        d->intx = intx_line(d);
                }
                n++;
            }
            if (!func && !(header & 0x80))
                break; /* single-function device */
        }
    }
    return n;
}

int uk_pci_scan(struct uk_pci_host *host, struct uk_pci_dev *devs, int max)
{
    return scan_bus(host, host->bus_first, devs, max, 0, 0);
}
