/* arch_arm64.h - arm64 register frames, system registers, barriers and MMIO accessors. */
#ifndef UK_ARCH_ARM64_H
#define UK_ARCH_ARM64_H
#include <uk/types.h>

/* Saved program (or interrupted kernel) state; kept in sync with entry_arm64.S. 16-byte multiple. */
struct uk_trapframe {
    u64 x[31];  /* x0-x30 */
    u64 sp;     /* SP_EL0 for program frames, the kernel SP for kernel frames */
    u64 pc;     /* ELR_EL1 */
    u64 pstate; /* SPSR_EL1 */
    u64 esr;    /* ESR_EL1 of a synchronous exception, 0 for interrupts */
    u64 far;    /* FAR_EL1 of an abort */
};
_Static_assert(sizeof(struct uk_trapframe) % 16 == 0, "trap frame alignment");

/* Where the linker script puts the image (__uk_image_start); its physical address is the loader's. */
#define UK_IMAGE_VA 0x400000UL

#define UK_PSTATE_EL0T 0x0UL
#define UK_PSTATE_NZCV 0xf0000000UL
#define UK_PSTATE_DAIF 0x3c0UL

#define uk_sysreg_read(r)                                                                                              \
    ({                                                                                                                 \
        u64 __v;                                                                                                       \
        __asm__ volatile("mrs %0, " #r : "=r"(__v));                                                                   \
        __v;                                                                                                           \
    })
#define uk_sysreg_write(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((u64)(v)) : "memory")
#define uk_isb() __asm__ volatile("isb" ::: "memory")
#define uk_dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")

static inline u32 uk_mmio_read32(volatile void *a)
{
    u32 v = *(volatile u32 *)a;
    uk_dsb(ld);
    return v;
}
static inline void uk_mmio_write32(volatile void *a, u32 v)
{
    uk_dsb(st);
    *(volatile u32 *)a = v;
}
static inline u8 uk_mmio_read8(volatile void *a)
{
    u8 v = *(volatile u8 *)a;
    uk_dsb(ld);
    return v;
}
static inline void uk_mmio_write8(volatile void *a, u8 v)
{
    uk_dsb(st);
    *(volatile u8 *)a = v;
}
static inline void uk_mmio_write64(volatile void *a, u64 v)
{
    uk_dsb(st);
    *(volatile u64 *)a = v;
}
static inline u16 uk_mmio_read16(volatile void *a)
{
    u16 v = *(volatile u16 *)a;
    uk_dsb(ld);
    return v;
}
static inline void uk_mmio_write16(volatile void *a, u16 v)
{
    uk_dsb(st);
    *(volatile u16 *)a = v;
}
/* Barriers for memory shared with devices (virtqueues): inner shareable, as for another CPU. */
#define uk_mb() __asm__ volatile("dmb ish" ::: "memory")
#define uk_rmb() __asm__ volatile("dmb ishld" ::: "memory")
#define uk_wmb() __asm__ volatile("dmb ishst" ::: "memory")

static inline void uk_irq_disable(void) { __asm__ volatile("msr daifset, #3" ::: "memory"); }
static inline void uk_cpu_pause(void) { __asm__ volatile("yield"); }
static inline uptr uk_frame_address(void) { return (uptr)__builtin_frame_address(0); }

/* Per-CPU data, reached through TPIDR_EL1. */
struct uk_cpu {
    struct uk_cpu *self;
    struct uk_thread *current;
};
extern struct uk_cpu uk_arch_cpu0;

/* Syscall arguments of a frame (Linux arm64 ABI: svc #0, number in x8). */
#define UK_SYSCALL_NR(f) ((f)->x[8])
#define UK_SYSCALL_ARG0(f) ((f)->x[0])
#define UK_SYSCALL_ARG1(f) ((f)->x[1])
#define UK_SYSCALL_ARG2(f) ((f)->x[2])
#define UK_SYSCALL_ARG3(f) ((f)->x[3])
#define UK_SYSCALL_ARG4(f) ((f)->x[4])
#define UK_SYSCALL_ARG5(f) ((f)->x[5])
#define UK_SYSCALL_RET(f) ((f)->x[0])
#define UK_FRAME_SP(f) ((f)->sp)
#define UK_FRAME_PC(f) ((f)->pc)
/* eret always restores every register: nothing to mark. */
#define UK_FRAME_FULL_RESTORE(f) ((void)(f))

/* What the platform (device tree) tells the arm64 code: the GIC and the virtual timer's interrupt. */
struct uk_plat_gic {
    int version; /* 2 or 3 */
    u64 dist;    /* distributor */
    u64 cpu;     /* GICv2: CPU interface; GICv3: redistributor of CPU 0 */
};
bool uk_plat_gic(struct uk_plat_gic *out);
int uk_plat_timer_irq(void); /* INTID */
/* The platform's C entry, called by the boot assembly with the MMU on (plat/dtb). */
UK_NORETURN void uk_plat_entry(u64 fdt_pa, u64 image_pa);

/* struct stat of the generic syscall ABI (arm64). */
struct uk_linux_stat {
    u64 dev, ino;
    u32 mode, nlink, uid, gid;
    u64 rdev, pad1;
    s64 size;
    s32 blksize, pad2;
    s64 blocks;
    u64 atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
    u32 unused[2];
};
_Static_assert(sizeof(struct uk_linux_stat) == 128, "struct stat layout (arm64)");

/* open(2) flags whose values differ between the architectures */
#define UK_ARCH_O_DIRECT 0200000
#define UK_ARCH_O_DIRECTORY 040000

#endif
