/* plat.h - what the hypervisor platform gives the kernel: boot information and power-off. */
#ifndef UK_PLAT_H
#define UK_PLAT_H
#include <uk/types.h>

#define UK_MAX_MEMREGIONS 64

struct uk_memregion {
    u64 base, size;
};

struct uk_bootinfo {
    struct uk_memregion ram[UK_MAX_MEMREGIONS];
    int nram;
    const char *cmdline; /* a kernel copy; never NULL */
    u64 max_phys;
    u64 image_pa_offset; /* physical minus linked address of the image (0 when loaded where linked) */
};
extern struct uk_bootinfo uk_bootinfo;

/* The program's exit code (0-255), or UK_EXIT_PANIC. Never returns. */
#define UK_EXIT_PANIC (-1)
UK_NORETURN void uk_plat_exit(int code);
/* Finds the platform's devices (virtio-mmio windows from the command line or the device tree) and
 * hands them to their drivers; called once /dev exists. */
void uk_plat_probe_devices(void);
/* Wall clock at boot (RTC), seconds since the epoch; 0 when there is none. */
u64 uk_plat_rtc_seconds(void);
/* Tells the VMM that the boot is done, where it measures the boot's time (Firecracker x86_64's boot timer:
 * byte 123 at 0xC0000000); called before the program starts when the command line has uk.boottimer. */
void uk_plat_boot_done(void);

#endif
