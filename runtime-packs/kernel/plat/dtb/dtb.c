/* dtb.c - the C side of the arm64 Image entry (QEMU virt, Firecracker): reads the device tree the boot
 * loader passed in x0 (memory, command line, console), sets up the CPU and the kernel's page tables,
 * then hands over to uk_boot_main. */
#include "dtb.h"
#include <uk/arch.h>
#include <uk/console.h>
#include <uk/entry.h>
#include <uk/fdt.h>
#include <uk/image.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/stats.h>

struct uk_bootinfo uk_bootinfo;
static char cmdline_copy[4096];

UK_NORETURN void uk_plat_entry(u64 fdt_pa, u64 image_pa)
{
    uk_timeline_mark(UK_TL_ENTRY);
    if (!uk_fdt_init(uk_phys_to_virt(fdt_pa)))
        uk_plat_dtb_power_off(); /* nothing to print with: the console's address is in the device tree */
    uk_console_init();

    u32 len;
    const char *args = uk_fdt_prop(uk_fdt_path("/chosen"), "bootargs", &len);
    if (args) {
        if (uk_strnlen(args, len) >= sizeof(cmdline_copy))
            uk_panic("kernel command line longer than %lu bytes", sizeof(cmdline_copy) - 1);
        uk_strlcpy(cmdline_copy, args, sizeof(cmdline_copy));
    }
    uk_bootinfo.cmdline = cmdline_copy;

    u64 bases[UK_MAX_MEMREGIONS], sizes[UK_MAX_MEMREGIONS];
    int n = uk_fdt_memory(bases, sizes, UK_MAX_MEMREGIONS);
    if (!n)
        uk_panic("the device tree describes no memory");
    for (int i = 0; i < n; i++) {
        uk_bootinfo.ram[uk_bootinfo.nram++] = (struct uk_memregion){bases[i], sizes[i]};
        uk_bootinfo.max_phys = UK_MAX(uk_bootinfo.max_phys, bases[i] + sizes[i]);
    }
    uk_bootinfo.image_pa_offset = image_pa - (u64)__uk_image_start;

    uk_arch_cpu_init();
    uk_timeline_mark(UK_TL_CPU);
    /* The image and the device tree (read again later for devices) stay out of the allocator. */
    struct uk_memregion used[] = {
        {image_pa, (u64)(__uk_image_end - __uk_image_start)},
        {fdt_pa, uk_fdt_total_size()},
    };
    uk_pmm_init(uk_bootinfo.ram, uk_bootinfo.nram, used, UK_ARRAY_SIZE(used));
    uk_paging_init(uk_bootinfo.max_phys);
    uk_timeline_mark(UK_TL_MEMORY);
    uk_plat_dtb_console_map();
    uk_boot_main();
}
