/* arm64.h - what the files of arch/arm64 share and nothing outside uses: the assembly entry points
 * (entry_arm64.S, boot_arm64.S), the FP/SIMD state, the GIC. */
#ifndef UK_ARCH_ARM64_PRIVATE_H
#define UK_ARCH_ARM64_PRIVATE_H
#include <uk/arch.h>
#include <uk/types.h>

/* entry_arm64.S */
void uk_arch_thread_trampoline(void);
void uk_arch_switch_stacks(u64 *save_sp, u64 new_sp);
void uk_arch_fpu_save(void *area);
void uk_arch_fpu_restore(void *area);
/* The vectors' C handlers (traps_arm64.c). */
void uk_arch_trap_sync(struct uk_trapframe *f);
void uk_arch_trap_irq(struct uk_trapframe *f);
void uk_arch_trap_bad(struct uk_trapframe *f);

/* unpack_arm64.c: moves the Image's packed segments to their places (the program headers end at __uk_phdrs_end). */
extern char __uk_phdrs_end[];
void uk_arch_early_unpack(void);

/* early_arm64.c: the identity and image tables the boot code enables the MMU with. */
u64 uk_arch_early_tables(u64 image_pa, u64 fdt_pa);
void uk_arch_early_clean(const void *p, usize len);

/* protect_arm64.c: PAN, PXN */
void uk_arm64_protect_init(void);
void uk_arm64_protect_check_abort(const struct uk_trapframe *f, u32 ec, uptr addr);

/* gic_arm64.c */
void uk_arch_gic_init(void);
void uk_arch_gic_enable(int intid);
void uk_arch_gic_handle_irq(void);

#endif
