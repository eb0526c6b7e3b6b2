/* pvh.c - the C side of the PVH entry (QEMU and Firecracker on x86_64): reads hvm_start_info (memory
 * map, command line: pvh_info.c), sets up the CPU and the kernel's page tables, then hands over to uk_boot_main. */
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

struct uk_bootinfo uk_bootinfo;
static char cmdline_copy[4096];

/* At entry the boot page tables map the low 4 GiB one to one, where the VMM put the start info. */
const void *uk_plat_pvh_phys(u64 pa, usize len)
{
    return pa && pa < 0x100000000UL && len <= 0x100000000UL - pa ? (const void *)(uptr)pa : NULL;
}

UK_NORETURN void uk_plat_entry(u32 start_info_pa)
{
    uk_timeline_mark(UK_TL_ENTRY);
    uk_console_init();
    uk_plat_pvh_read_start_info(start_info_pa, &uk_bootinfo, cmdline_copy, sizeof(cmdline_copy));

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
