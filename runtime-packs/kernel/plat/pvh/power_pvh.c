/* power_pvh.c - the VMM's shutdown request on x86 PVH guests reaches the program as SIGTERM. Two ACPI 6.4
 * models, told apart by the FADT's HW_REDUCED_ACPI flag:
 * - the fixed-hardware power button of a full ACPI machine (QEMU q35, section 4.8.2.2.1): PWRBTN_STS and
 *   PWRBTN_EN (bit 8) of the PM1 event block the FADT names, signalled by the SCI (FADT SCI_INT, remapped by
 *   the MADT's interrupt source overrides); ACPI mode is entered first through SMI_CMD when SCI_EN is clear;
 * - the Generic Event Device of a hardware-reduced machine (QEMU microvm with acpi=on, section 5.6.9): the
 *   device with _HID "ACPI0013" in the DSDT, whose _CRS holds its interrupt and whose SystemMemory operation
 *   region is QEMU's event selector register (docs/specs/acpi_hw_reduced_hotplug.rst: reading it returns
 *   and clears the pending events; bit 1 is the power-down request).
 * QEMU's system_powerdown takes either route. Firecracker's SendCtrlAltDel is i8042_pvh.c's. */
#include <uk/arch.h>
#include <uk/irq.h>
#include <uk/klibc.h>
#include <uk/print.h>
#include <uk/signal.h>
#include "pvh.h"

#define FADT_FLAG_PWR_BUTTON (1u << 4) /* set: the power button is a control-method device (not handled) */
#define FADT_FLAG_HW_REDUCED (1u << 20)
#define PM1_PWRBTN (1u << 8) /* PWRBTN_STS in the status half, PWRBTN_EN in the enable half */
#define PM1_SCI_EN 1u
#define GED_POWER_DOWN (1u << 1)

static u16 pm1_sts, pm1_en;
static volatile u32 *ged_sel;

static u16 le16(const u8 *p) { return (u16)(p[0] | p[1] << 8); }

static void sci_interrupt(void *arg)
{
    (void)arg;
    u16 sts = uk_inw(pm1_sts);
    if (!(sts & PM1_PWRBTN))
        return;
    uk_outw(pm1_sts, PM1_PWRBTN); /* write-one-to-clear: the SCI drops */
    uk_signal_shutdown_request("ACPI power button");
}

static void ged_interrupt(void *arg)
{
    (void)arg;
    if (uk_mmio_read32(ged_sel) & GED_POWER_DOWN)
        uk_signal_shutdown_request("ACPI generic event device");
}

/* The global system interrupt of ISA interrupt isa: the MADT's interrupt source overrides (type 2: bus,
 * source, GSI, flags) say where it went; else it is the same number. */
static int isa_gsi(int isa)
{
    u32 len;
    const u8 *madt = uk_plat_pvh_acpi_table("APIC", &len);
    for (u32 off = 44; madt && off + 2 <= len && madt[off + 1] >= 2; off += madt[off + 1])
        if (madt[off] == 2 && madt[off + 1] >= 10 && off + 10 <= len && madt[off + 3] == isa)
            return (int)uk_plat_pvh_le32(madt + off + 4);
    return isa;
}

/* FADT: SCI_INT at 46, SMI_CMD at 48, ACPI_ENABLE at 52, PM1a_EVT_BLK at 56, PM1a_CNT_BLK at 64,
 * PM1_EVT_LEN at 88 (status half, then enable half). */
static void fixed_power_button(const u8 *fadt)
{
    u32 evt = uk_plat_pvh_le32(fadt + 56), cnt = uk_plat_pvh_le32(fadt + 64), smi_cmd = uk_plat_pvh_le32(fadt + 48);
    u8 evt_len = fadt[88], acpi_enable = fadt[52];
    if (!evt || evt > 0xfffc || evt_len < 4 || !cnt || cnt > 0xfffe) {
        uk_pr_info("acpi: no PM1 event block: no power button\n");
        return;
    }
    if (!(uk_inw((u16)cnt) & PM1_SCI_EN) && smi_cmd && smi_cmd <= 0xffff && acpi_enable) {
        uk_outb((u16)smi_cmd, acpi_enable);
        for (int spin = 0; spin < 100000 && !(uk_inw((u16)cnt) & PM1_SCI_EN); spin++)
            uk_cpu_pause();
    }
    pm1_sts = (u16)evt;
    pm1_en = (u16)(evt + evt_len / 2);
    uk_outw(pm1_sts, PM1_PWRBTN); /* a press from before the boot is not a request to this program */
    int gsi = isa_gsi(le16(fadt + 46));
    if (!uk_irq_register(gsi, sci_interrupt, NULL)) {
        uk_pr_warn("acpi: cannot route the SCI (interrupt %d): no power button\n", gsi);
        return;
    }
    uk_outw(pm1_en, uk_inw(pm1_en) | PM1_PWRBTN);
    uk_pr_info("acpi: power button on PM1 %#x, SCI %d\n", pm1_sts, gsi);
}

/* Within the GED's part of the DSDT (after its _HID): the Extended Interrupt descriptor of its _CRS (0x89,
 * length, flags, count, interrupt numbers) and its OperationRegion (0x5b 0x80, name, space 0 = SystemMemory,
 * then the address as a DWord (0x0c) or QWord (0x0e) constant). */
static void generic_event_device(void)
{
    u32 len;
    const u8 *dsdt = uk_plat_pvh_acpi_dsdt(&len);
    const u8 *hid = NULL;
    for (u32 i = 36; dsdt && !hid && i + 8 <= len; i++)
        if (!uk_memcmp(dsdt + i, "ACPI0013", 8))
            hid = dsdt + i;
    if (!hid) {
        uk_pr_info("acpi: no generic event device: no power button\n");
        return;
    }
    const u8 *end = dsdt + len < hid + 512 ? dsdt + len : hid + 512;
    int irq = -1;
    u64 reg = 0;
    for (const u8 *p = hid + 8; p + 16 <= end && (irq < 0 || !reg); p++) {
        if (irq < 0 && p[0] == 0x89 && le16(p + 1) >= 6 && p[4] >= 1)
            irq = (int)uk_plat_pvh_le32(p + 5);
        else if (!reg && p[0] == 0x5b && p[1] == 0x80 && p[6] == 0 && p[7] == 0x0c)
            reg = uk_plat_pvh_le32(p + 8);
        else if (!reg && p[0] == 0x5b && p[1] == 0x80 && p[6] == 0 && p[7] == 0x0e)
            reg = uk_plat_pvh_le32(p + 8) | (u64)uk_plat_pvh_le32(p + 12) << 32;
    }
    if (irq < 0 || !reg || (reg & 3)) {
        uk_pr_warn("acpi: cannot read the generic event device's interrupt and register: no power button\n");
        return;
    }
    ged_sel = uk_mmio_map(reg, 4);
    (void)uk_mmio_read32(ged_sel); /* events from before the boot */
    if (!uk_irq_register(irq, ged_interrupt, NULL)) {
        uk_pr_warn("acpi: cannot route the generic event device's interrupt %d: no power button\n", irq);
        return;
    }
    uk_pr_info("acpi: power button through the generic event device at %#lx, interrupt %d\n", reg, irq);
}

void uk_plat_pvh_power_init(void)
{
    u32 len;
    const u8 *fadt = uk_plat_pvh_acpi_table("FACP", &len);
    if (!fadt || len < 116)
        uk_pr_info("acpi: no FADT: no power button\n");
    else if (uk_plat_pvh_le32(fadt + 112) & FADT_FLAG_HW_REDUCED)
        generic_event_device();
    else if (uk_plat_pvh_le32(fadt + 112) & FADT_FLAG_PWR_BUTTON)
        uk_pr_info("acpi: the power button is a control-method device, which needs AML: not handled\n");
    else
        fixed_power_button(fadt);
    uk_plat_pvh_acpi_poweroff_init();
    uk_plat_pvh_i8042_init();
}
