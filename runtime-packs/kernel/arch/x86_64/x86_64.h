/* x86_64.h - what the files of arch/x86_64 share and nothing outside uses: the assembly entry points
 * and stubs (entry_x86_64.S), the FPU state code (fpu_x86_64.c), the local APIC. */
#ifndef UK_ARCH_X86_64_PRIVATE_H
#define UK_ARCH_X86_64_PRIVATE_H
#include <uk/arch.h>
#include <uk/types.h>

/* entry_x86_64.S */
extern char uk_arch_trap_stubs[];
extern char uk_arch_irq_stub_timer[], uk_arch_irq_stub_spurious[], uk_arch_irq_stubs[], uk_arch_msi_stubs[];
void uk_arch_syscall_entry(void);
void uk_arch_thread_trampoline(void);
/* Saves callee-saved registers on the current stack, stores its pointer in *save_rsp, resumes at new_rsp. */
void uk_arch_switch_stacks(u64 *save_rsp, u64 new_rsp);
/* Every exception and interrupt, from the stubs (traps_x86_64.c). */
void uk_arch_trap(struct uk_trapframe *f);

/* fpu_x86_64.c */
bool uk_arch_fpu_init(u32 cpuid1_ecx);
void uk_arch_fpu_save(void *area);
void uk_arch_fpu_restore(void *area);
bool uk_arch_fpu_is_xsave(void);
u64 uk_arch_fpu_xfeatures(void);
/* Makes a signal frame's saved state safe to restore (reserved bits, header); false when it is not. */
bool uk_arch_fpu_sanitize(void *area, usize size);

/* calibrate_x86_64.c: a window of the PIT against the TSC */
#define UK_X86_PIT_HZ 1193182UL
void uk_x86_pit_window_begin(void);
u64 uk_x86_pit_window_wait(u64 ticks, u64 *tsc);
u64 uk_x86_pit_window_age(void);
u64 uk_x86_pit_window_now(u64 *tsc);

/* protect_x86_64.c: SMEP and SMAP */
extern u8 uk_x86_smap;
void uk_x86_protect_init(void);
void uk_x86_protect_check_fault(const struct uk_trapframe *f, uptr addr);

/* ioapic_x86_64.c */
void uk_arch_lapic_eoi(void);

#endif
