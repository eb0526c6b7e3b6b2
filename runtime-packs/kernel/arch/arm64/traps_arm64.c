/* traps_arm64.c - synchronous exceptions and interrupts: syscalls (svc), demand paging, faults of
 * the program turned into signals, interrupts to the GIC, and a readable panic for anything the
 * kernel got wrong. ESR_EL1's exception class (EC) says what happened. */
#include <uk/arch.h>
#include <uk/entry.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/stats.h>
#include "arm64.h"

#define EC_UNKNOWN 0x00
#define EC_SVC64 0x15
#define EC_SYSREG 0x18
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_SP_ALIGN 0x26
#define EC_FP_EXC 0x2c
#define EC_SERROR 0x2f
#define EC_BRK 0x3c
#define HLT_SEMIHOSTING 0xd45e0000u /* hlt #0xf000 */

void uk_arch_dump_frame(const struct uk_trapframe *f)
{
    uk_printk("  pc %016lx  sp %016lx  pstate %08lx  esr %08lx  far %016lx\n", f->pc, f->sp, f->pstate, f->esr, f->far);
    for (int i = 0; i < 30; i += 3)
        uk_printk("  x%02d %016lx  x%02d %016lx  x%02d %016lx\n", i, f->x[i], i + 1, f->x[i + 1], i + 2, f->x[i + 2]);
    uk_printk("  x30 %016lx\n", f->x[30]);
}

UK_NORETURN static void kernel_fault(struct uk_trapframe *f, const char *what)
{
    uk_printk("\n[uk] kernel fault: %s (esr %#lx, class %#lx) at address %#lx\n", what, f->esr, f->esr >> 26, f->far);
    uk_arch_dump_frame(f);
    uk_backtrace(f->x[29]);
    uk_panic("unrecoverable fault in the kernel");
}

static bool from_program(const struct uk_trapframe *f) { return (f->pstate & 0xf) == 0; }

static void abort(struct uk_trapframe *f, u32 ec)
{
    u32 fsc = f->esr & 0x3f;
    uptr addr = f->far;
    bool user = from_program(f);
    uk_stats.page_faults++;
    if (fsc == 0x21) { /* alignment fault */
        if (!user)
            kernel_fault(f, "alignment fault");
        uk_signal_fault(f, UK_SIGBUS, 1 /* BUS_ADRALN */, addr);
        return;
    }
    if (!user)
        uk_arm64_protect_check_abort(f, ec, addr); /* PAN, PXN, W^X */
    int access = UK_PROT_READ;
    if (ec == EC_IABT_LOW || ec == EC_IABT_CUR)
        access = UK_PROT_EXEC;
    else if ((f->esr & (1u << 6)) && !(f->esr & (1u << 8))) /* WnR, not a cache maintenance op */
        access = UK_PROT_WRITE;
    int code = 1;        /* SEGV_MAPERR */
    u32 type = fsc >> 2; /* 1 translation, 2 access flag, 3 permission */
    if ((type == 1 || type == 3) && addr < UK_USER_TOP) {
        code = uk_vm_fault(addr, access);
        if (code == 0)
            return;
    }
    if (!user)
        kernel_fault(f, ec == EC_IABT_CUR ? "instruction abort" : "data abort");
    uk_signal_fault(f, UK_SIGSEGV, code, addr);
}

void uk_arch_trap_sync(struct uk_trapframe *f)
{
    u32 ec = (u32)(f->esr >> 26);
    bool user = from_program(f);
    switch (ec) {
    case EC_SVC64:
        if (user) {
            uk_syscall(f);
            return;
        }
        break;
    case EC_IABT_LOW:
    case EC_IABT_CUR:
    case EC_DABT_LOW:
    case EC_DABT_CUR: abort(f, ec); return;
    case EC_UNKNOWN:
        /* The semihosting exit when QEMU runs without semihosting: go on to the PSCI power-off. */
        if (!user && *(const u32 *)f->pc == HLT_SEMIHOSTING) {
            f->pc += 4;
            return;
        }
        break;
    }
    if (!user)
        kernel_fault(f, "unexpected exception");
    switch (ec) {
    case EC_PC_ALIGN:
    case EC_SP_ALIGN: uk_signal_fault(f, UK_SIGBUS, 1 /* BUS_ADRALN */, ec == EC_PC_ALIGN ? f->pc : f->sp); break;
    case EC_BRK: uk_signal_fault(f, UK_SIGTRAP, 1 /* TRAP_BRKPT */, f->pc); break;
    case EC_FP_EXC: uk_signal_fault(f, UK_SIGFPE, 0, f->pc); break;
    default: /* undefined instructions, trapped system registers, AArch32 */
        uk_signal_fault(f, UK_SIGILL, ec == EC_SYSREG ? 5 /* ILL_PRVREG */ : 2 /* ILL_ILLOPN */, f->pc);
        break;
    }
}

void uk_arch_trap_irq(struct uk_trapframe *f)
{
    (void)f;
    uk_arch_gic_handle_irq();
}

void uk_arch_trap_bad(struct uk_trapframe *f)
{
    if (from_program(f) && (f->esr >> 26) != EC_SERROR) {
        uk_signal_fault(f, UK_SIGILL, 2, f->pc);
        return;
    }
    kernel_fault(f, "unexpected exception vector (FIQ, SError or AArch32)");
}
