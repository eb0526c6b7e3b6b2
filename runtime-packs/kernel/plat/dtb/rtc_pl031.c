/* rtc_pl031.c - the wall clock at boot from the PL031 real-time clock (QEMU virt, Firecracker), when
 * the device tree has one: its data register counts seconds since the epoch. */
#include <uk/arch.h>
#include <uk/fdt.h>
#include <uk/mm.h>
#include <uk/time.h>

u64 uk_plat_rtc_seconds(void)
{
    struct uk_fdt_dev rtc;
    if (!uk_fdt_find_compatible("arm,pl031", 0, &rtc))
        return 0;
    return uk_mmio_read32(uk_mmio_map(rtc.base, UK_PAGE_SIZE));
}
