/* fpu_x86_64.c - x87/SSE/AVX state of threads: XSAVE-family save and restore where the CPU lets the
 * kernel use them, FXSAVE where the hypervisor cannot run XSAVE in the guest kernel. New threads start with FCW 0x37F and MXCSR 0x1F80. */
#include <uk/arch.h>
#include <uk/klibc.h>
#include <uk/print.h>
#include "x86_64.h"

static usize fpstate_size = 512;
static bool have_xsave, have_xsaveopt;
static u64 xcr0;

/* FXSAVE only (uk.fpu=fxsave, or chosen at the first syscall, see traps_x86_64.c): some hypervisors (PVM, the nested KVM of some clouds) run the guest kernel through
 * KVM's instruction emulator, which has FXSAVE/FXRSTOR but not XSAVE/XRSTOR or AVX-512 moves, and
 * the VM dies on them. In that mode only x87/SSE state (FXSAVE) is switched. That is complete for
 * switches inside syscalls, the only switches while preemption is off: code that keeps AVX values
 * live across a syscall does so through a call, after which the ABI treats them as clobbered. */
static bool fxsave_only;

void uk_arch_fpu_fxsave_only(void)
{
    extern bool uk_sched_preempt;
    if (!fxsave_only && uk_sched_preempt)
        uk_pr_info("FXSAVE-only vector state: threads switch only when they block (no time slicing)\n");
    uk_sched_preempt = false;
    fxsave_only = true;
    fpstate_size = 512;
}

bool uk_arch_fpu_init(u32 cpuid1_ecx)
{
    bool have_fsgsbase = false;
    u32 a, b, c, d;
    u64 cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 &= ~(1UL << 2);             /* EM off */
    cr0 |= (1UL << 1) | (1UL << 5); /* MP, NE */
    __asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= (1UL << 9) | (1UL << 10); /* OSFXSR, OSXMMEXCPT */
    if (cpuid1_ecx & (1u << 26)) {
        have_xsave = true;
        cr4 |= 1UL << 18; /* OSXSAVE */
    }
    uk_cpuid(7, 0, &a, &b, &c, &d);
    if (b & 1u) {
        have_fsgsbase = true;
        cr4 |= 1UL << 16;
    }
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4));

    if (have_xsave) {
        uk_cpuid(0xd, 0, &a, &b, &c, &d);
        u64 supported = ((u64)d << 32) | a;
        /* x87, SSE, AVX, and the AVX-512 trio when all three are offered; nothing else (AMX, APX
         * would need state we do not manage). */
        xcr0 = supported & 0x7;
        if ((supported & 0xe0) == 0xe0)
            xcr0 |= 0xe0;
        __asm__ volatile("xsetbv" ::"c"(0), "a"((u32)xcr0), "d"((u32)(xcr0 >> 32)));
        uk_cpuid(0xd, 0, &a, &b, &c, &d);
        fpstate_size = b;
        uk_cpuid(0xd, 1, &a, &b, &c, &d);
        have_xsaveopt = a & 1;
    }
    __asm__ volatile("fninit");
    /* MXCSR keeps its reset value 0x1F80 (LDMXCSR would trap on the same hypervisors). */
    return have_fsgsbase;
}

usize uk_arch_fpstate_size(void) { return UK_ALIGN_UP(fpstate_size, 64); }

void uk_arch_fpstate_init(void *area)
{
    uk_memset(area, 0, uk_arch_fpstate_size());
    u16 *fcw = area;
    u32 *mxcsr = (u32 *)((u8 *)area + 24);
    *fcw = 0x37f;
    *mxcsr = 0x1f80;
    if (have_xsave && !fxsave_only)
        *(u64 *)((u8 *)area + 512) = 1 | 2; /* XSTATE_BV: x87 and SSE hold the values above */
}

void uk_arch_fpu_save(void *area)
{
    if (fxsave_only)
        __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
    else if (have_xsaveopt)
        __asm__ volatile("xsaveopt64 (%0)" ::"r"(area), "a"(~0u), "d"(~0u) : "memory");
    else if (have_xsave)
        __asm__ volatile("xsave64 (%0)" ::"r"(area), "a"(~0u), "d"(~0u) : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

void uk_arch_fpu_restore(void *area)
{
    if (have_xsave && !fxsave_only)
        __asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"(~0u), "d"(~0u) : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

bool uk_arch_fpu_is_xsave(void) { return have_xsave && !fxsave_only; }
u64 uk_arch_fpu_xfeatures(void) { return xcr0; }

/* Makes a FPU image from user memory safe to restore: MXCSR reserved bits would fault FXRSTOR/XRSTOR,
 * and so would an XSAVE header with unknown features or reserved bits. */
bool uk_arch_fpu_sanitize(void *area, usize size)
{
    u32 *mxcsr = (u32 *)((u8 *)area + 24);
    *mxcsr &= 0xffbf;
    if (!uk_arch_fpu_is_xsave())
        return true;
    if (size < 576)
        return false;
    u64 *hdr = (u64 *)((u8 *)area + 512);
    hdr[0] &= xcr0; /* XSTATE_BV */
    for (int i = 1; i < 8; i++)
        hdr[i] = 0; /* XCOMP_BV (standard format) and reserved */
    return true;
}
