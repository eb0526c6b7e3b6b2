/* traps_x86_64.c - exceptions and interrupts: demand paging, faults of the program turned into
 * signals, interrupts to their drivers, and a readable panic for anything the kernel got wrong. */
#include <uk/arch.h>
#include <uk/entry.h>
#include <uk/irq.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/stats.h>
#include <uk/time.h>
#include "x86_64.h"

/* clang-format off */
static const char *const vector_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
    "device not available", "double fault", "coprocessor overrun", "invalid TSS",
    "segment not present", "stack fault", "general protection", "page fault", "reserved",
    "x87 FP error", "alignment check", "machine check", "SIMD FP error", "virtualization",
    "control protection", "reserved", "reserved", "reserved", "reserved", "reserved", "reserved",
    "hypervisor injection", "VMM communication", "security", "reserved"};
/* clang-format on */

void uk_arch_dump_frame(const struct uk_trapframe *f)
{
    uk_printk("  rip %016lx  rsp %016lx  rflags %08lx  cs %lx  ss %lx\n", f->rip, f->rsp, f->rflags, f->cs, f->ss);
    uk_printk("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    uk_printk("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
    uk_printk("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
    uk_printk("  r13 %016lx  r14 %016lx  r15 %016lx\n", f->r13, f->r14, f->r15);
}

UK_NORETURN static void kernel_fault(struct uk_trapframe *f)
{
    u64 v = f->vector;
    uk_printk("\n[uk] kernel fault: %s (vector %lu, error %#lx)", v < 32 ? vector_names[v] : "interrupt", v, f->error);
    if (v == 14)
        uk_printk(" at address %#lx", uk_read_cr2());
    uk_printk("\n");
    uk_arch_dump_frame(f);
    uk_backtrace(f->rbp);
    uk_panic("unrecoverable fault in the kernel");
}

/* Some hypervisors (PVM) do not switch to CPL 0 on `syscall`: the program then faults in user mode
 * fetching the entry point, with RCX/R11 loaded as `syscall` does. No program code can run there
 * legitimately, so that fault is the syscall: run it and return to RCX through iretq. Slower than
 * the sysret path (an exception per syscall) but correct. */

static void page_fault(struct uk_trapframe *f)
{
    if ((f->cs & 3) && f->rip == (u64)uk_arch_syscall_entry) {
        static bool told;
        if (!told) {
            told = true;
            /* Such hypervisors also cannot run XSAVE in the kernel (see fpu_x86_64.c). No thread has
             * switched yet: the first syscall comes before the first switch. */
            uk_arch_fpu_fxsave_only();
            uk_pr_info("this hypervisor does not enter the kernel on `syscall`: taking syscalls as faults\n");
        }
        f->rip = f->rcx;
        f->rflags = (f->r11 & UK_RFLAGS_USER_MASK) | UK_RFLAGS_IF | 2;
        uk_syscall(f);
        return;
    }
    uptr addr = uk_read_cr2();
    int access = UK_PROT_READ;
    uk_stats.page_faults++;
    if (f->error & 2)
        access = UK_PROT_WRITE;
    if (f->error & 16)
        access = UK_PROT_EXEC;
    bool user = f->cs & 3;
    int code = 1; /* SEGV_MAPERR */
    if (!user)
        uk_x86_protect_check_fault(f, addr); /* SMEP, SMAP, W^X */
    if (addr < UK_USER_TOP) {
        code = uk_vm_fault(addr, access);
        if (code == 0)
            return;
    }
    if (!user)
        kernel_fault(f);
    uk_signal_fault(f, UK_SIGSEGV, code, addr);
}

void uk_arch_trap(struct uk_trapframe *f)
{
    bool user = f->cs & 3;
    switch (f->vector) {
    case 14: page_fault(f); return;
    case UK_VEC_TIMER:
        uk_arch_lapic_eoi();
        uk_timer_expired();
        uk_stats.timer_irqs++;
        uk_sched_tick();
        return;
    case UK_VEC_SPURIOUS: return;
    }
    if (f->vector >= UK_VEC_IRQ0 && f->vector < UK_VEC_IRQ0 + UK_IRQ_PINS) {
        uk_stats.device_irqs++;
        uk_irq_dispatch((int)(f->vector - UK_VEC_IRQ0));
        uk_arch_lapic_eoi();
        return;
    }
    if (f->vector >= UK_VEC_MSI0 && f->vector < UK_VEC_MSI0 + UK_MSI_LINES) {
        uk_stats.device_irqs++;
        uk_irq_dispatch((int)(f->vector - UK_VEC_MSI0) + UK_MSI_LINE0);
        uk_arch_lapic_eoi();
        return;
    }
    if (!user)
        kernel_fault(f);
    switch (f->vector) {
    case 0: uk_signal_fault(f, UK_SIGFPE, 1 /* FPE_INTDIV */, f->rip); break;
    case 3: uk_signal_fault(f, UK_SIGTRAP, 1 /* TRAP_BRKPT */, f->rip); break;
    case 6: uk_signal_fault(f, UK_SIGILL, 2 /* ILL_ILLOPN */, f->rip); break;
    case 16:
    case 19: uk_signal_fault(f, UK_SIGFPE, 0, f->rip); break;
    case 17: uk_signal_fault(f, UK_SIGBUS, 1 /* BUS_ADRALN */, 0); break;
    default:
        /* #GP and #SS from the program: Linux reports SIGSEGV with SI_KERNEL (0x80). */
        uk_signal_fault(f, UK_SIGSEGV, 0x80, 0);
        break;
    }
}
