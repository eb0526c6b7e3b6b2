/* protect_arm64.c - the CPU's guard between the kernel and the program's pages: PAN (ARMv8.1: with
 * PSTATE.PAN set, EL1 cannot read or write EL0-accessible pages; lib/mm's copy layer clears it for its copy
 * and sets it again), kept on at every exception entry by SCTLR_EL1.SPAN = 0, and PXN on every program
 * mapping with UXN on the kernel's (paging_arm64.c), and the report that names the protection when kernel
 * code breaks one of them or the W^X of its own image. Without PAN (an older CPU) the window calls do nothing. */
#include <uk/arch.h>
#include <uk/mm.h>
#include <uk/print.h>
#include "arm64.h"

#define SCTLR_SPAN (1UL << 23)
#define PSTATE_PAN (1UL << 22)
#define EC_IABT_CUR 0x21
#define EC_DABT_CUR 0x25
/* MSR PAN, #imm (ARMv8.1), encoded by hand so the kernel builds for ARMv8.0 */
#define MSR_PAN_0 ".inst 0xd500409f"
#define MSR_PAN_1 ".inst 0xd500419f"

static bool pan;

void uk_arm64_protect_init(void)
{
    if (((uk_sysreg_read(id_aa64mmfr1_el1) >> 20) & 0xf) == 0)
        return;
    pan = true;
    uk_sysreg_write(sctlr_el1, uk_sysreg_read(sctlr_el1) & ~SCTLR_SPAN); /* exceptions to EL1 set PAN */
    uk_isb();
    __asm__ volatile(MSR_PAN_1 ::: "memory");
}

const char *uk_arch_protections(void) { return pan ? "PAN PXN UXN" : "PXN UXN"; }

void uk_arch_user_access_begin(void)
{
    if (pan)
        __asm__ volatile(MSR_PAN_0 ::: "memory");
}

void uk_arch_user_access_end(void)
{
    if (pan)
        __asm__ volatile(MSR_PAN_1 ::: "memory");
}

/* A permission fault of kernel code. On a program page: an instruction abort is PXN's, a data abort with PAN set
 * is PAN's (inside a window the copy layer's demand faults go on to the VM). On a kernel page: a write is W^X's
 * read-only text or rodata, an instruction abort its non-executable data. Panics naming the protection; returns
 * for any other abort (translation faults: demand paging, or the kernel's own bug, reported by the caller). */
void uk_arm64_protect_check_abort(const struct uk_trapframe *f, u32 ec, uptr addr)
{
    int prot;
    if ((ec != EC_IABT_CUR && ec != EC_DABT_CUR) || ((f->esr & 0x3f) >> 2) != 3 /* permission */ ||
        !uk_page_query(addr, NULL, &prot))
        return;
    bool fetch = ec == EC_IABT_CUR, user = prot & UK_PROT_USER;
    bool write = !fetch && (f->esr & (1u << 6)) && !(f->esr & (1u << 8)); /* WnR, not a cache maintenance op */
    if (user && !fetch && (!pan || !(f->pstate & PSTATE_PAN)))
        return;
    if (!user && !fetch && !write)
        return;
    uk_printk("\n[uk] kernel fault: %s abort (esr %#lx) at address %#lx\n", fetch ? "instruction" : "data", f->esr,
              addr);
    uk_arch_dump_frame(f);
    uk_backtrace(f->x[29]);
    if (!user)
        uk_panic("W^X: kernel %s at %#lx", fetch ? "execution of non-executable memory" : "write of read-only memory",
                 addr);
    if (fetch)
        uk_panic("PXN: kernel execution of program memory at %#lx", addr);
    uk_panic("PAN: kernel %s of program memory at %#lx outside the copy layer", write ? "write" : "read", addr);
}
