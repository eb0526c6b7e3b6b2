/* arch_x86_64.h - x86_64 register frames, segment selectors, MSRs and port I/O. */
#ifndef UK_ARCH_X86_64_H
#define UK_ARCH_X86_64_H
#include <uk/types.h>

/* GDT layout, fixed by syscall/sysret: STAR[47:32] = kernel CS, STAR[63:48] + 8/16 = user SS/CS. */
#define UK_GDT_KCODE 0x08
#define UK_GDT_KDATA 0x10
#define UK_GDT_UCODE32 0x18
#define UK_GDT_UDATA 0x20
#define UK_GDT_UCODE 0x28
#define UK_GDT_TSS 0x30
#define UK_USER_CS (UK_GDT_UCODE | 3)
#define UK_USER_SS (UK_GDT_UDATA | 3)

/* Interrupt vectors beyond the 32 exceptions. */
#define UK_VEC_TIMER 0x20
#define UK_VEC_SPURIOUS 0xff
#define UK_VEC_IRQ0 0x21 /* I/O APIC input n (global system interrupt n) arrives at UK_VEC_IRQ0 + n */
#define UK_IRQ_PINS 48   /* QEMU microvm's two I/O APICs (24 inputs each); q35 and Firecracker have one */
/* Message-signalled interrupts (PCI MSI-X): interrupt line UK_MSI_LINE0 + n arrives at UK_VEC_MSI0 + n. */
#define UK_VEC_MSI0 0x60
#define UK_MSI_LINE0 64
#define UK_MSI_LINES 32
/* frame->vector for a syscall frame whose rcx/r11 may be clobbered by sysret. */
#define UK_VEC_SYSCALL 0x100

/* Saved user (or interrupted kernel) state, in push order reversed; kept in sync with entry_x86_64.S. */
struct uk_trapframe {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector, error;
    u64 rip, cs, rflags, rsp, ss;
};

#define UK_RFLAGS_IF (1UL << 9)
#define UK_RFLAGS_DF (1UL << 10)
/* Flags a program may set: CF PF AF ZF SF TF DF OF AC ID and bit 1 (always 1). */
#define UK_RFLAGS_USER_MASK 0x254dd5UL

#define UK_MSR_EFER 0xc0000080
#define UK_MSR_STAR 0xc0000081
#define UK_MSR_LSTAR 0xc0000082
#define UK_MSR_FMASK 0xc0000084
#define UK_MSR_FS_BASE 0xc0000100
#define UK_MSR_GS_BASE 0xc0000101
#define UK_MSR_KERNEL_GS_BASE 0xc0000102
#define UK_MSR_TSC_AUX 0xc0000103
#define UK_MSR_APIC_BASE 0x1b
#define UK_MSR_TSC_DEADLINE 0x6e0

static inline u64 uk_rdmsr(u32 msr)
{
    u32 lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((u64)hi << 32) | lo;
}
static inline void uk_wrmsr(u32 msr, u64 v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}
static inline void uk_outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void uk_outl(u16 port, u32 v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline void uk_outw(u16 port, u16 v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline u16 uk_inw(u16 port)
{
    u16 v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline u32 uk_inl(u16 port)
{
    u32 v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline u8 uk_inb(u16 port)
{
    u8 v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
/* String output: under KVM one VM exit covers the whole run of bytes. */
static inline void uk_outsb(u16 port, const void *buf, usize n)
{
    __asm__ volatile("rep outsb" : "+S"(buf), "+c"(n) : "d"(port) : "memory");
}
static inline void uk_cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
static inline u64 uk_rdtsc(void)
{
    u32 lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}
static inline u64 uk_read_cr2(void)
{
    u64 v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
static inline void uk_write_cr3(u64 v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
static inline void uk_invlpg(uptr va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }
static inline void uk_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void uk_cpu_pause(void) { __asm__ volatile("pause"); }
static inline uptr uk_frame_address(void) { return (uptr)__builtin_frame_address(0); }

/* Device memory (MMIO) and barriers for memory shared with devices (virtqueues). x86 keeps stores in
 * order and loads in order (TSO): only a full barrier needs an instruction. */
static inline u8 uk_mmio_read8(volatile void *a) { return *(volatile u8 *)a; }
static inline u16 uk_mmio_read16(volatile void *a) { return *(volatile u16 *)a; }
static inline u32 uk_mmio_read32(volatile void *a) { return *(volatile u32 *)a; }
static inline void uk_mmio_write8(volatile void *a, u8 v) { *(volatile u8 *)a = v; }
static inline void uk_mmio_write16(volatile void *a, u16 v) { *(volatile u16 *)a = v; }
static inline void uk_mmio_write32(volatile void *a, u32 v) { *(volatile u32 *)a = v; }
static inline void uk_mmio_write64(volatile void *a, u64 v) { *(volatile u64 *)a = v; }
#define uk_mb() __asm__ volatile("mfence" ::: "memory")
#define uk_rmb() __asm__ volatile("" ::: "memory")
#define uk_wmb() __asm__ volatile("" ::: "memory")

/* Per-CPU data, reached through GS in the kernel; offsets used by entry_x86_64.S. */
struct uk_cpu {
    struct uk_cpu *self;       /* 0 */
    u64 kernel_rsp;            /* 8: top of the current thread's kernel stack */
    u64 user_rsp;              /* 16: scratch for the syscall entry */
    struct uk_thread *current; /* 24 */
};
extern struct uk_cpu uk_arch_cpu0;

/* Syscall arguments of a frame (Linux x86_64 ABI). */
#define UK_SYSCALL_NR(f) ((f)->rax)
#define UK_SYSCALL_ARG0(f) ((f)->rdi)
#define UK_SYSCALL_ARG1(f) ((f)->rsi)
#define UK_SYSCALL_ARG2(f) ((f)->rdx)
#define UK_SYSCALL_ARG3(f) ((f)->r10)
#define UK_SYSCALL_ARG4(f) ((f)->r8)
#define UK_SYSCALL_ARG5(f) ((f)->r9)
#define UK_SYSCALL_RET(f) ((f)->rax)
#define UK_FRAME_SP(f) ((f)->rsp)
#define UK_FRAME_PC(f) ((f)->rip)
/* The frame returns through iretq with every register restored (not sysret's rcx/r11). */
#define UK_FRAME_FULL_RESTORE(f) ((f)->vector = 0)

/* Firmware tables in physical memory (ACPI) made readable: RAM through the direct map, anything else with
 * read-only pages of its own (paging_x86_64.c); NULL when no page table memory is left. */
const void *uk_phys_map_ro(u64 pa, usize size);

/* The platform's C entry, called by the boot assembly in long mode with the PVH start info (plat/pvh). */
UK_NORETURN void uk_plat_entry(u32 start_info_pa);

/* struct stat of the x86_64 syscall ABI. */
struct uk_linux_stat {
    u64 dev, ino, nlink;
    u32 mode, uid, gid, pad0;
    u64 rdev;
    s64 size, blksize, blocks;
    u64 atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
    s64 unused[3];
};
_Static_assert(sizeof(struct uk_linux_stat) == 144, "struct stat layout (x86_64)");

/* open(2) flags whose values differ between the architectures */
#define UK_ARCH_O_DIRECT 040000
#define UK_ARCH_O_DIRECTORY 0200000

#endif
