/* cpu_x86_64.c - descriptor tables (GDT, TSS, IDT), syscall MSRs, FPU/XSAVE set-up, per-CPU data,
 * CPU feature queries, and the per-thread parts of a context switch. */
#include <uk/arch.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include "x86_64.h"

struct uk_cpu uk_arch_cpu0;

struct UK_PACKED uk_tss {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
};

struct UK_PACKED uk_idt_entry {
    u16 offset_lo, selector;
    u8 ist, type_attr;
    u16 offset_mid;
    u32 offset_hi, zero;
};

struct UK_PACKED uk_desc_ptr {
    u16 limit;
    u64 base;
};

static u64 gdt[8] __attribute__((aligned(16)));
static struct uk_tss tss __attribute__((aligned(16)));
static struct uk_idt_entry idt[256] __attribute__((aligned(16)));
/* IST stacks for #DF, NMI and #MC, which must not run on a possibly broken stack. */
static u8 ist_stacks[3][8192] __attribute__((aligned(16)));

static bool have_fsgsbase, have_rdrand;
static u32 cpuid1_edx, cpuid1_ecx;

static void idt_set(int vec, void *handler, int ist)
{
    uptr a = (uptr)handler;
    idt[vec] = (struct uk_idt_entry){.offset_lo = a & 0xffff,
                                     .selector = UK_GDT_KCODE,
                                     .ist = ist,
                                     .type_attr = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
                                     .offset_mid = (a >> 16) & 0xffff,
                                     .offset_hi = a >> 32,
                                     .zero = 0};
}

static void gdt_tables_init(void)
{
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffffUL; /* kernel code 64 */
    gdt[2] = 0x00cf92000000ffffUL; /* kernel data */
    gdt[3] = 0x00cffa000000ffffUL; /* user code 32 (unused, sysret layout) */
    gdt[4] = 0x00cff2000000ffffUL; /* user data */
    gdt[5] = 0x00affa000000ffffUL; /* user code 64 */
    uptr t = (uptr)&tss;
    u64 limit = sizeof(tss) - 1;
    gdt[6] = (limit & 0xffff) | ((t & 0xffffff) << 16) | (0x89UL << 40) | (((t >> 24) & 0xff) << 56);
    gdt[7] = t >> 32;
    for (int i = 0; i < 3; i++)
        tss.ist[i] = (u64)&ist_stacks[i][sizeof(ist_stacks[i])];
    tss.iomap_base = sizeof(tss);

    struct uk_desc_ptr gp = {sizeof(gdt) - 1, (u64)gdt};
    __asm__ volatile("lgdt %0\n"
                     "pushq $0x08\n"
                     "leaq 1f(%%rip), %%rax\n"
                     "pushq %%rax\n"
                     "lretq\n"
                     "1: movl $0x10, %%eax\n"
                     "movl %%eax, %%ds\n movl %%eax, %%es\n movl %%eax, %%ss\n"
                     "xorl %%eax, %%eax\n movl %%eax, %%fs\n movl %%eax, %%gs\n"
                     "movw $0x30, %%ax\n ltr %%ax\n"
                     :
                     : "m"(gp)
                     : "rax", "memory");

    for (int v = 0; v < 32; v++) {
        int ist = v == 8 ? 1 : v == 2 ? 2 : v == 18 ? 3 : 0;
        idt_set(v, uk_arch_trap_stubs + v * 16, ist);
    }
    idt_set(UK_VEC_TIMER, uk_arch_irq_stub_timer, 0);
    for (int pin = 0; pin < UK_IRQ_PINS; pin++)
        idt_set(UK_VEC_IRQ0 + pin, uk_arch_irq_stubs + pin * 16, 0);
    for (int n = 0; n < UK_MSI_LINES; n++)
        idt_set(UK_VEC_MSI0 + n, uk_arch_msi_stubs + n * 16, 0);
    idt_set(UK_VEC_SPURIOUS, uk_arch_irq_stub_spurious, 0);
    struct uk_desc_ptr ip = {sizeof(idt) - 1, (u64)idt};
    __asm__ volatile("lidt %0" ::"m"(ip));
}

void uk_arch_cpu_init(void)
{
    u32 a, b;
    uk_cpuid(1, 0, &a, &b, &cpuid1_ecx, &cpuid1_edx);
    have_rdrand = cpuid1_ecx & (1u << 30);
    gdt_tables_init();
    have_fsgsbase = uk_arch_fpu_init(cpuid1_ecx);
    uk_x86_protect_init();

    uk_arch_cpu0.self = &uk_arch_cpu0;
    uk_wrmsr(UK_MSR_GS_BASE, (u64)&uk_arch_cpu0);
    uk_wrmsr(UK_MSR_KERNEL_GS_BASE, 0);
    u32 c, d;
    uk_cpuid(0x80000001, 0, &a, &b, &c, &d);
    if (d & (1u << 27)) /* RDTSCP: TSC_AUX holds the CPU number */
        uk_wrmsr(UK_MSR_TSC_AUX, 0);

    uk_wrmsr(UK_MSR_EFER, uk_rdmsr(UK_MSR_EFER) | 1); /* SCE */
    uk_wrmsr(UK_MSR_STAR, ((u64)UK_GDT_UCODE32 << 48) | ((u64)UK_GDT_KCODE << 32));
    uk_wrmsr(UK_MSR_LSTAR, (u64)uk_arch_syscall_entry);
    /* Entry masks IF, DF, TF, AC and NT. */
    uk_wrmsr(UK_MSR_FMASK, (1u << 9) | (1u << 10) | (1u << 8) | (1u << 18) | (1u << 14));
}

static u64 fs_base_read(void)
{
    if (have_fsgsbase) {
        u64 v;
        __asm__ volatile("rdfsbase %0" : "=r"(v));
        return v;
    }
    return uk_rdmsr(UK_MSR_FS_BASE);
}

void uk_arch_set_tls(u64 base)
{
    if (have_fsgsbase)
        __asm__ volatile("wrfsbase %0" ::"r"(base));
    else
        uk_wrmsr(UK_MSR_FS_BASE, base);
}

void uk_arch_switch_to(struct uk_thread *prev, struct uk_thread *next)
{
    if (prev->fpstate)
        uk_arch_fpu_save(prev->fpstate);
    prev->tls = fs_base_read();
    if (next->fpstate)
        uk_arch_fpu_restore(next->fpstate);
    uk_arch_set_tls(next->tls);
    tss.rsp[0] = next->kstack_top;
    uk_arch_cpu0.kernel_rsp = next->kstack_top;
    uk_arch_cpu0.current = next;
    uk_arch_switch_stacks(&prev->ctx_sp, next->ctx_sp);
}

/* Loads the current thread's state before its first entry to user mode. */
void uk_arch_thread_activate(struct uk_thread *t)
{
    /* The first thread starts from the reset state that uk_arch_fpu_init left (FCW 0x37F, MXCSR 0x1F80):
     * no restore, so the save format can still be chosen at the first syscall. */
    uk_arch_set_tls(t->tls);
    tss.rsp[0] = t->kstack_top;
    uk_arch_cpu0.kernel_rsp = t->kstack_top;
    uk_arch_cpu0.current = t;
}

void uk_arch_thread_prepare(struct uk_thread *t, const struct uk_trapframe *frame)
{
    struct uk_trapframe *f = (struct uk_trapframe *)(t->kstack_top - sizeof(*f));
    *f = *frame;
    u64 *sp = (u64 *)f;
    *--sp = (u64)uk_arch_thread_trampoline;
    for (int i = 0; i < 6; i++) /* rbp rbx r12-r15 */
        *--sp = 0;
    t->ctx_sp = (u64)sp;
}

void uk_arch_wait_for_interrupt(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }

bool uk_arch_random_u64(u64 *out)
{
    if (!have_rdrand)
        return false;
    for (int i = 0; i < 10; i++) {
        unsigned char ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
        if (ok)
            return true;
    }
    return false;
}

u64 uk_arch_hwcap(void) { return cpuid1_edx; }
u64 uk_arch_hwcap2(void) { return have_fsgsbase ? 2 : 0; }
const char *uk_arch_platform(void) { return "x86_64"; }

void uk_arch_frame_init_user(struct uk_trapframe *f)
{
    f->cs = UK_USER_CS;
    f->ss = UK_USER_SS;
    f->rflags = UK_RFLAGS_IF | 2;
    f->vector = 0;
}

/* QEMU's TCG names itself in the hypervisor leaf: "TCGTCGTCGTCG". */
bool uk_arch_emulated_by_tcg(void)
{
    u32 a, b, c, d;
    uk_cpuid(1, 0, &a, &b, &c, &d);
    if (!(c & (1u << 31))) /* no hypervisor */
        return false;
    uk_cpuid(0x40000000, 0, &a, &b, &c, &d);
    return b == 0x54474354 && c == 0x43544743 && d == 0x47435447;
}
