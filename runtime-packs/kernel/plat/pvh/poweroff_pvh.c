/* poweroff_pvh.c - ACPI's soft-off (sleep state S5), the power-off of last resort for a VM started without
 * the isa-debug-exit device the launcher adds (a hand-made QEMU command line), so that the VM still ends
 * when the program does. ACPI 6.4 sections 4.8.3.7 and 7.4.2: the sleep type of S5 (SLP_TYP, the first
 * value of the DSDT's \_S5_ package) with SLP_EN written to PM1a's control register (bits 10-12 and 13,
 * QEMU q35), or to the FADT's sleep control register on a hardware-reduced machine (bits 2-4 and 5, QEMU
 * microvm's generic event device). Read at boot, written at exit. */
#include <uk/arch.h>
#include <uk/klibc.h>
#include <uk/print.h>
#include "pvh.h"

#define FADT_FLAG_HW_REDUCED (1u << 20)
#define GAS_SYSTEM_MEMORY 0
#define GAS_SYSTEM_IO 1

static u16 pm1a_cnt;
static volatile u8 *sleep_ctl_mmio;
static u16 sleep_ctl_port;
static int s5_type = -1; /* -1: no soft-off known */

/* The first value of the \_S5_ package in the DSDT (NameOp "_S5_" PackageOp PkgLength NumElements value),
 * or fallback when there is none. */
static int s5_sleep_type(int fallback)
{
    u32 len;
    const u8 *dsdt = uk_plat_pvh_acpi_dsdt(&len);
    for (u32 i = 36; dsdt && i + 10 <= len; i++) {
        if (uk_memcmp(dsdt + i, "_S5_", 4) || dsdt[i + 4] != 0x12)
            continue;
        u32 p = i + 5 + 1 + (dsdt[i + 5] >> 6); /* PkgLength: its first byte says how many follow */
        if (p + 2 >= len)
            break;
        const u8 *v = dsdt + p + 1; /* after NumElements */
        switch (v[0]) {
        case 0x00: return 0;        /* ZeroOp */
        case 0x01: return 1;        /* OneOp */
        case 0x0a: return v[1] & 7; /* BytePrefix */
        default: return v[0] & 7;   /* a bare value, as some tables have it */
        }
    }
    return fallback;
}

void uk_plat_pvh_acpi_poweroff_init(void)
{
    u32 len;
    const u8 *fadt = uk_plat_pvh_acpi_table("FACP", &len);
    if (!fadt || len < 116)
        return;
    if (uk_plat_pvh_le32(fadt + 112) & FADT_FLAG_HW_REDUCED) {
        /* SLEEP_CONTROL_REG: a generic address (space, bit width, bit offset, access size, address) at 244. */
        if (len < 256)
            return;
        const u8 *gas = fadt + 244;
        u64 addr = uk_plat_pvh_le32(gas + 4) | (u64)uk_plat_pvh_le32(gas + 8) << 32;
        if (!addr)
            return;
        if (gas[0] == GAS_SYSTEM_MEMORY)
            sleep_ctl_mmio = uk_mmio_map(addr, 1);
        else if (gas[0] == GAS_SYSTEM_IO && addr <= 0xffff)
            sleep_ctl_port = (u16)addr;
        else
            return;
        s5_type = s5_sleep_type(5);
    } else {
        u32 cnt = uk_plat_pvh_le32(fadt + 64);
        if (!cnt || cnt > 0xfffe)
            return;
        pm1a_cnt = (u16)cnt;
        s5_type = s5_sleep_type(0);
    }
}

void uk_plat_pvh_acpi_poweroff(void)
{
    if (s5_type < 0)
        return;
    if (pm1a_cnt) {
        uk_outw(pm1a_cnt, (u16)((s5_type << 10) | (1u << 13)));
    } else {
        u8 v = (u8)((s5_type << 2) | (1u << 5));
        if (sleep_ctl_mmio)
            *sleep_ctl_mmio = v;
        else
            uk_outb(sleep_ctl_port, v);
    }
}
