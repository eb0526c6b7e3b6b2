/* cpu_arm64.c - CPU set-up for the program at EL0 (counter access, cache maintenance and DC ZVA from
 * EL0), per-CPU data, the feature bits the program learns through AT_HWCAP, the random number
 * instruction, and the per-thread parts of a context switch (FP/SIMD registers, TPIDR_EL0). */
#include <uk/arch.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/sched.h>
#include "arm64.h"

struct uk_cpu uk_arch_cpu0;

#define FPSIMD_SIZE 528
#define FIELD(reg, shift) (((reg) >> (shift)) & 0xf)

static u64 hwcap, hwcap2;
static bool have_rndr;

/* AT_HWCAP bits (Linux arch/arm64/include/uapi/asm/hwcap.h) from the ID registers. SVE, SME, MTE and
 * pointer authentication stay out: the kernel neither saves nor enables their state. */
static void features(void)
{
    u64 pfr0 = uk_sysreg_read(id_aa64pfr0_el1);
    u64 isar0 = uk_sysreg_read(id_aa64isar0_el1);
    u64 isar1 = uk_sysreg_read(id_aa64isar1_el1);
    u64 fp = FIELD(pfr0, 16), simd = FIELD(pfr0, 20);
    if (fp != 0xf)
        hwcap |= 1UL << 0 | (fp >= 1 ? 1UL << 9 : 0); /* FP, FPHP */
    if (simd != 0xf)
        hwcap |= 1UL << 1 | (simd >= 1 ? 1UL << 10 : 0); /* ASIMD, ASIMDHP */
    if (FIELD(isar0, 4) >= 1)
        hwcap |= 1UL << 3; /* AES */
    if (FIELD(isar0, 4) >= 2)
        hwcap |= 1UL << 4; /* PMULL */
    if (FIELD(isar0, 8) >= 1)
        hwcap |= 1UL << 5; /* SHA1 */
    if (FIELD(isar0, 12) >= 1)
        hwcap |= 1UL << 6; /* SHA2 */
    if (FIELD(isar0, 12) >= 2)
        hwcap |= 1UL << 21; /* SHA512 */
    if (FIELD(isar0, 16) >= 1)
        hwcap |= 1UL << 7; /* CRC32 */
    if (FIELD(isar0, 20) >= 2)
        hwcap |= 1UL << 8; /* ATOMICS (LSE) */
    if (FIELD(isar0, 28) >= 1)
        hwcap |= 1UL << 12; /* ASIMDRDM */
    if (FIELD(isar0, 32) >= 1)
        hwcap |= 1UL << 17; /* SHA3 */
    if (FIELD(isar0, 36) >= 1)
        hwcap |= 1UL << 18; /* SM3 */
    if (FIELD(isar0, 40) >= 1)
        hwcap |= 1UL << 19; /* SM4 */
    if (FIELD(isar0, 44) >= 1)
        hwcap |= 1UL << 20; /* ASIMDDP */
    if (FIELD(isar0, 48) >= 1)
        hwcap |= 1UL << 23; /* ASIMDFHM */
    if (FIELD(isar0, 52) >= 1)
        hwcap |= 1UL << 27; /* FLAGM */
    if (FIELD(isar1, 0) >= 1)
        hwcap |= 1UL << 16; /* DCPOP */
    if (FIELD(isar1, 12) >= 1)
        hwcap |= 1UL << 13; /* JSCVT */
    if (FIELD(isar1, 16) >= 1)
        hwcap |= 1UL << 14; /* FCMA */
    if (FIELD(isar1, 20) >= 1)
        hwcap |= 1UL << 15; /* LRCPC */
    if (FIELD(isar1, 20) >= 2)
        hwcap |= 1UL << 26; /* ILRCPC */
    have_rndr = FIELD(isar0, 60) >= 1;
    if (have_rndr)
        hwcap2 |= 1UL << 16; /* HWCAP2_RNG */
}

void uk_arch_cpu_init(void)
{
    features();
    uk_arch_cpu0.self = &uk_arch_cpu0;
    uk_sysreg_write(tpidr_el1, (u64)&uk_arch_cpu0);
    /* EL0 may read the virtual and physical counters (clock_gettime without a syscall). */
    uk_sysreg_write(cntkctl_el1, 3);
    uk_isb();
    uk_arm64_protect_init();
}

usize uk_arch_fpstate_size(void) { return UK_ALIGN_UP(FPSIMD_SIZE, 64); }

void uk_arch_fpstate_init(void *area) { uk_memset(area, 0, uk_arch_fpstate_size()); }

void uk_arch_fpu_fxsave_only(void) {}

void uk_arch_set_tls(u64 base) { uk_sysreg_write(tpidr_el0, base); }

void uk_arch_switch_to(struct uk_thread *prev, struct uk_thread *next)
{
    uk_arch_fpu_save(prev->fpstate);
    prev->tls = uk_sysreg_read(tpidr_el0);
    uk_arch_fpu_restore(next->fpstate);
    uk_arch_set_tls(next->tls);
    uk_arch_cpu0.current = next;
    uk_arch_switch_stacks(&prev->ctx_sp, next->ctx_sp);
}

/* Loads the first thread's state before its first entry to the program. */
void uk_arch_thread_activate(struct uk_thread *t)
{
    uk_arch_fpu_restore(t->fpstate);
    uk_arch_set_tls(t->tls);
    uk_arch_cpu0.current = t;
}

void uk_arch_thread_prepare(struct uk_thread *t, const struct uk_trapframe *frame)
{
    struct uk_trapframe *f = (struct uk_trapframe *)(t->kstack_top - sizeof(*f));
    *f = *frame;
    u64 *sp = (u64 *)f - 12; /* x19-x28, x29, x30 as uk_arch_switch_stacks pops them */
    uk_memset(sp, 0, 12 * 8);
    sp[11] = (u64)uk_arch_thread_trampoline;
    t->ctx_sp = (u64)sp;
}

/* WFI wakes on a pending interrupt even while it is masked; unmasking then takes it. */
void uk_arch_wait_for_interrupt(void)
{
    __asm__ volatile("dsb sy\n wfi\n msr daifclr, #2\n isb\n msr daifset, #2" ::: "memory");
}

bool uk_arch_random_u64(u64 *out)
{
    if (!have_rndr)
        return false;
    for (int i = 0; i < 10; i++) {
        u64 v, ok;
        /* RNDR (s3_3_c2_c4_0): NZCV = 0100 on failure */
        __asm__ volatile("mrs %0, s3_3_c2_c4_0\n cset %1, ne" : "=r"(v), "=r"(ok)::"cc");
        if (ok) {
            *out = v;
            return true;
        }
    }
    return false;
}

u64 uk_arch_hwcap(void) { return hwcap; }
u64 uk_arch_hwcap2(void) { return hwcap2; }
const char *uk_arch_platform(void) { return "aarch64"; }

void uk_arch_frame_init_user(struct uk_trapframe *f) { f->pstate = UK_PSTATE_EL0T; }

/* QEMU's TCG "max" CPU (the launcher's -cpu on arm64) has implementer 0, reserved for software; no silicon does. */
bool uk_arch_emulated_by_tcg(void)
{
    u64 midr;
    __asm__ volatile("mrs %0, midr_el1" : "=r"(midr));
    return !((midr >> 24) & 0xff);
}
