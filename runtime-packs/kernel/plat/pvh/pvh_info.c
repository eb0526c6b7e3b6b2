/* pvh_info.c - reading the PVH start info (hvm_start_info of the Xen PVH boot ABI) that QEMU and Firecracker
 * hand the kernel in ebx: the command line, the E820 memory map and the ACPI RSDP's address. Kept apart from
 * pvh.c (CPU and page tables) and reading memory only through uk_plat_pvh_phys, so the host-side fuzzer
 * (runtime-packs/fuzz) drives it with start infos of its own. What the VMM wrote is checked before it is used:
 * every structure inside readable memory, the line terminated within its buffer, a bounded number of map entries,
 * RAM regions that neither wrap around nor reach past the direct map. */
#include <uk/klibc.h>
#include <uk/plat.h>
#include <uk/print.h>
#include "pvh.h"

#define PVH_MAGIC 0x336ec578
#define E820_RAM 1
/* More entries than any VMM writes (QEMU: a handful; Linux's zero page holds 128): the rest is ignored. */
#define MAX_MAP_ENTRIES 1024
/* RAM above this is left out: the direct map (UK_DIRECTMAP_BASE, 96 TiB) ends at the canonical limit, 128 TiB. */
#define PHYS_LIMIT (1UL << 45)

struct hvm_start_info {
    u32 magic, version, flags, nr_modules;
    u64 modlist_paddr, cmdline_paddr, rsdp_paddr;
    u64 memmap_paddr;
    u32 memmap_entries, reserved;
};

struct hvm_memmap_entry {
    u64 addr, size;
    u32 type, reserved;
};

static void read_cmdline(u64 pa, char *cmdline, usize size)
{
    usize n = 0;
    for (;; n++) {
        const char *c = uk_plat_pvh_phys(pa + n, 1);
        if (!c)
            uk_panic("the kernel command line at %#lx runs out of memory", pa);
        if (n == size - 1 && *c)
            uk_panic("kernel command line longer than %lu bytes", size - 1);
        cmdline[n] = *c;
        if (!*c)
            return;
    }
}

/* The VMM need not align what it writes: structures are copied out, not read in place. */
static bool read_phys(u64 pa, void *dst, usize len)
{
    const void *src = uk_plat_pvh_phys(pa, len);
    if (src)
        uk_memcpy(dst, src, len);
    return src != NULL;
}

static void add_ram(struct uk_bootinfo *bi, u64 addr, u64 size)
{
    if (!size || addr >= PHYS_LIMIT)
        return;
    if (size > PHYS_LIMIT - addr) /* also catches addr + size wrapping around */
        size = PHYS_LIMIT - addr;
    bi->ram[bi->nram++] = (struct uk_memregion){addr, size};
    if (addr + size > bi->max_phys)
        bi->max_phys = addr + size;
}

void uk_plat_pvh_read_start_info(u64 start_info_pa, struct uk_bootinfo *bi, char *cmdline, usize size)
{
    struct hvm_start_info si;
    if (!read_phys(start_info_pa, &si, sizeof(si)) || si.magic != PVH_MAGIC)
        uk_panic("not started through PVH (start_info at %#lx)", start_info_pa);
    cmdline[0] = 0;
    if (si.cmdline_paddr)
        read_cmdline(si.cmdline_paddr, cmdline, size);
    bi->cmdline = cmdline;
    uk_plat_pvh_rsdp = si.rsdp_paddr;

    if (si.version < 1 || !si.memmap_paddr)
        uk_panic("the boot loader passed no memory map (PVH start_info version %u)", si.version);
    u32 entries = si.memmap_entries;
    if (entries > MAX_MAP_ENTRIES) {
        uk_pr_warn("pvh: %u memory map entries: only the first %u read\n", entries, MAX_MAP_ENTRIES);
        entries = MAX_MAP_ENTRIES;
    }
    for (u32 i = 0; i < entries && bi->nram < UK_MAX_MEMREGIONS; i++) {
        struct hvm_memmap_entry e;
        if (!read_phys(si.memmap_paddr + (u64)i * sizeof(e), &e, sizeof(e)))
            uk_panic("the memory map at %#lx runs out of memory", si.memmap_paddr);
        if (e.type == E820_RAM)
            add_ram(bi, e.addr, e.size);
    }
}
