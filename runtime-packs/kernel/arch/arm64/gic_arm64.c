/* gic_arm64.c - the Generic Interrupt Controller, version 2 (QEMU virt's default) or 3 (Firecracker,
 * QEMU virt,gic-version=3): every interrupt in one group signalled as IRQ, routed to CPU 0, level-
 * sensitive; acknowledge, dispatch and end-of-interrupt for the timer and device lines. */
#include <uk/arch.h>
#include <uk/irq.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/stats.h>
#include <uk/time.h>
#include "arm64.h"

#define GICD_CTLR 0x0
#define GICD_IGROUPR 0x80
#define GICD_ISENABLER 0x100
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_IROUTER 0x6000
#define GICC_CTLR 0x0
#define GICC_PMR 0x4
#define GICC_IAR 0xc
#define GICC_EOIR 0x10
#define GICR_WAKER 0x14
#define GICR_SGI 0x10000 /* SGI and PPI frame of the redistributor */
#define PRIORITY 0xa0

static int version;
static u8 *gicd, *gicc, *gicr;
static int timer_intid;

static u32 rd32(u8 *base, u32 off) { return uk_mmio_read32(base + off); }
static void wr32(u8 *base, u32 off, u32 v) { uk_mmio_write32(base + off, v); }

static void set_byte(u8 *base, u32 off, u8 v)
{
    u32 word = rd32(base, off & ~3u);
    word = (word & ~(0xffu << ((off & 3) * 8))) | ((u32)v << ((off & 3) * 8));
    wr32(base, off & ~3u, word);
}

void uk_arch_gic_init(void)
{
    struct uk_plat_gic g;
    if (!uk_plat_gic(&g))
        uk_panic("the device tree names no GICv2 or GICv3 interrupt controller");
    version = g.version;
    gicd = uk_mmio_map(g.dist, 0x10000);
    wr32(gicd, GICD_CTLR, 0);
    if (version == 2) {
        gicc = uk_mmio_map(g.cpu, 0x2000);
        wr32(gicd, GICD_CTLR, 1);
        wr32(gicc, GICC_PMR, 0xff);
        wr32(gicc, GICC_CTLR, 1);
    } else {
        gicr = uk_mmio_map(g.cpu, 0x20000);
        /* One security state (QEMU without EL3, KVM): ARE, group 0 and group 1 on. */
        wr32(gicd, GICD_CTLR, (1u << 4) | 3);
        while (rd32(gicd, GICD_CTLR) & (1u << 31))
            ;
        wr32(gicr, GICR_WAKER, rd32(gicr, GICR_WAKER) & ~2u);
        for (int spin = 0; (rd32(gicr, GICR_WAKER) & 4) && spin < 1000000; spin++)
            uk_cpu_pause();
        wr32(gicr, GICR_SGI + GICD_IGROUPR, 0xffffffffu);
        uk_sysreg_write(s3_0_c12_c12_5, uk_sysreg_read(s3_0_c12_c12_5) | 1); /* ICC_SRE_EL1.SRE */
        uk_isb();
        uk_sysreg_write(s3_0_c4_c6_0, 0xff); /* ICC_PMR_EL1 */
        uk_sysreg_write(s3_0_c12_c12_7, 1);  /* ICC_IGRPEN1_EL1 */
        uk_isb();
    }
    timer_intid = uk_plat_timer_irq();
    uk_arch_gic_enable(timer_intid);
}

void uk_arch_gic_enable(int intid)
{
    u32 n = (u32)intid, bit = 1u << (n % 32);
    if (version == 3 && n < 32) {
        set_byte(gicr, GICR_SGI + GICD_IPRIORITYR + n, PRIORITY);
        wr32(gicr, GICR_SGI + GICD_ISENABLER, bit);
        return;
    }
    set_byte(gicd, GICD_IPRIORITYR + n, PRIORITY);
    if (n >= 32) {
        u32 cfg = GICD_ICFGR + (n / 16) * 4;
        wr32(gicd, cfg, rd32(gicd, cfg) & ~(2u << ((n % 16) * 2))); /* level-sensitive */
        if (version == 2) {
            set_byte(gicd, GICD_ITARGETSR + n, 1);
        } else {
            wr32(gicd, GICD_IGROUPR + (n / 32) * 4, rd32(gicd, GICD_IGROUPR + (n / 32) * 4) | bit);
            uk_mmio_write64(gicd + GICD_IROUTER + 8 * n, 0);
        }
    }
    wr32(gicd, GICD_ISENABLER + (n / 32) * 4, bit);
}

bool uk_arch_irq_route(int irq)
{
    if (irq < 32 || irq >= 1020)
        return false;
    uk_arch_gic_enable(irq);
    return true;
}

static u32 ack(void) { return version == 2 ? rd32(gicc, GICC_IAR) : (u32)uk_sysreg_read(s3_0_c12_c12_0); }

static void eoi(u32 iar)
{
    if (version == 2)
        wr32(gicc, GICC_EOIR, iar);
    else
        uk_sysreg_write(s3_0_c12_c12_1, iar);
}

void uk_arch_gic_handle_irq(void)
{
    for (;;) {
        u32 iar = ack();
        u32 id = iar & (version == 2 ? 0x3ffu : 0xffffffu);
        if (id >= 1020)
            return;
        if ((int)id == timer_intid) {
            uk_timer_expired();
            uk_stats.timer_irqs++;
            eoi(iar);
            uk_sched_tick();
        } else {
            uk_stats.device_irqs++;
            uk_irq_dispatch((int)id);
            eoi(iar);
        }
    }
}
