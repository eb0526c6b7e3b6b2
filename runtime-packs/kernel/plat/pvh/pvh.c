/* pvh.c - the C side of the PVH entry (QEMU and Firecracker on x86_64): reads hvm_start_info (memory
 * map, command line), sets up the CPU and the kernel's page tables, then hands over to uk_boot_main. */
#include "pvh.h"
#include <uk/arch.h>
#include <uk/console.h>
#include <uk/entry.h>
#include <uk/image.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/stats.h>

#define PVH_MAGIC 0x336ec578
#define E820_RAM 1

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

struct uk_bootinfo uk_bootinfo;
static char cmdline_copy[4096];

UK_NORETURN void uk_plat_entry(u32 start_info_pa)
{
    uk_timeline_mark(UK_TL_ENTRY);
    uk_console_init();
    const struct hvm_start_info *si = (const void *)(uptr)start_info_pa;
    if (si->magic != PVH_MAGIC)
        uk_panic("not started through PVH (start_info magic %#x)", si->magic);

    if (si->cmdline_paddr) {
        const char *c = (const char *)si->cmdline_paddr;
        if (uk_strnlen(c, sizeof(cmdline_copy)) >= sizeof(cmdline_copy))
            uk_panic("kernel command line longer than %lu bytes", sizeof(cmdline_copy) - 1);
        uk_strlcpy(cmdline_copy, c, sizeof(cmdline_copy));
    }
    uk_bootinfo.cmdline = cmdline_copy;
    uk_plat_pvh_rsdp = si->rsdp_paddr;

    if (si->version < 1 || !si->memmap_paddr)
        uk_panic("the boot loader passed no memory map (PVH start_info version %u)", si->version);
    const struct hvm_memmap_entry *mm = (const void *)si->memmap_paddr;
    for (u32 i = 0; i < si->memmap_entries && uk_bootinfo.nram < UK_MAX_MEMREGIONS; i++) {
        if (mm[i].type != E820_RAM)
            continue;
        uk_bootinfo.ram[uk_bootinfo.nram++] = (struct uk_memregion){mm[i].addr, mm[i].size};
        if (mm[i].addr + mm[i].size > uk_bootinfo.max_phys)
            uk_bootinfo.max_phys = mm[i].addr + mm[i].size;
    }

    uk_arch_cpu_init();
    uk_timeline_mark(UK_TL_CPU);
    /* Keep the first MiB (real-mode structures, boot data) and the image out of the allocator. */
    struct uk_memregion used[] = {
        {0, 0x100000},
        {(u64)__uk_image_start, (u64)(__uk_image_end - __uk_image_start)},
    };
    uk_pmm_init(uk_bootinfo.ram, uk_bootinfo.nram, used, UK_ARRAY_SIZE(used));
    uk_paging_init(uk_bootinfo.max_phys);
    uk_timeline_mark(UK_TL_MEMORY);
    uk_boot_main();
}
