/* psci.c - power-off through PSCI SYSTEM_OFF, with the conduit (hvc or smc) the device tree's /psci
 * node names; QEMU then exits (status 0) and Firecracker ends its process. */
#include <uk/arch.h>
#include <uk/fdt.h>
#include <uk/klibc.h>
#include <uk/plat.h>

#define PSCI_SYSTEM_OFF 0x84000008UL

UK_NORETURN void uk_plat_dtb_power_off(void)
{
    const char *method = uk_fdt_prop(uk_fdt_path("/psci"), "method", NULL);
    bool smc = method && !uk_strcmp(method, "smc");
    /* x0 is bound only now: a call after binding it would clobber it. */
    register u64 x0 __asm__("x0") = PSCI_SYSTEM_OFF;
    if (smc)
        __asm__ volatile("smc #0" : "+r"(x0)::"memory");
    else
        __asm__ volatile("hvc #0" : "+r"(x0)::"memory");
    for (;;)
        __asm__ volatile("msr daifset, #0xf\n wfi");
}
