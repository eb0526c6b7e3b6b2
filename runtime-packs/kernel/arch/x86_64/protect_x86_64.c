/* protect_x86_64.c - the CPU's guard between the kernel and the program's pages: SMEP (the kernel never
 * executes a program page) and SMAP (the kernel reads and writes program pages only inside a user-access
 * window, RFLAGS.AC set ... cleared, which lib/mm's copy layer opens), when CPUID offers them, and the report that
 * names the protection when kernel code breaks one of them or the W^X of its own image. Every entry from the program clears AC: `syscall`
 * through IA32_FMASK, exceptions and interrupts in entry_x86_64.S, so the program cannot open a window. */
#include <uk/arch.h>
#include <uk/mm.h>
#include <uk/print.h>
#include "x86_64.h"

#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)
#define RFLAGS_AC (1UL << 18)
#define PF_PRESENT (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_FETCH (1u << 4)

/* Read by entry_x86_64.S, which clears AC on every entry when SMAP is on. */
u8 uk_x86_smap;
static bool smep;

/* The user-access window is RFLAGS.AC, set and cleared through pushf/popf rather than stac/clac: the same at CPL 0
 * wherever SMAP exists, and a KVM that runs the guest kernel through its instruction emulator (PVM, the nested KVM
 * of some clouds) emulates popf but not clac/stac: there the first clac stopped the VM with an emulation failure. */
static inline void set_ac(bool on)
{
    if (on)
        __asm__ volatile("pushfq; orq $0x40000, (%%rsp); popfq" ::: "memory", "cc");
    else
        __asm__ volatile("pushfq; andq $~0x40000, (%%rsp); popfq" ::: "memory", "cc");
}

void uk_x86_protect_init(void)
{
    u32 a, b, c, d;
    uk_cpuid(0, 0, &a, &b, &c, &d);
    if (a < 7)
        return;
    uk_cpuid(7, 0, &a, &b, &c, &d);
    u64 cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    if (b & (1u << 7)) {
        smep = true;
        cr4 |= CR4_SMEP;
    }
    if (b & (1u << 20)) {
        uk_x86_smap = 1;
        cr4 |= CR4_SMAP;
    }
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4) : "memory");
    /* Whatever AC the boot left: the kernel starts outside any window. */
    if (uk_x86_smap)
        set_ac(false);
}

const char *uk_arch_protections(void)
{
    return smep ? (uk_x86_smap ? "SMEP SMAP" : "SMEP") : (uk_x86_smap ? "SMAP" : "none");
}

void uk_arch_user_access_begin(void)
{
    if (uk_x86_smap)
        set_ac(true);
}

void uk_arch_user_access_end(void)
{
    if (uk_x86_smap)
        set_ac(false);
}

/* A protection fault (page present) of kernel code. On a program page: an instruction fetch is SMEP's, a data
 * access with AC clear is SMAP's (inside a window the copy layer's demand faults go on to the VM). On a kernel
 * page: a write is W^X's read-only text or rodata, a fetch its non-executable data. Panics naming the protection;
 * returns for any other fault (not present: demand paging, or the kernel's own bug, reported by the caller). */
void uk_x86_protect_check_fault(const struct uk_trapframe *f, uptr addr)
{
    int prot;
    if ((f->cs & 3) || !(f->error & PF_PRESENT) || !uk_page_query(addr, NULL, &prot))
        return;
    bool fetch = f->error & PF_FETCH, write = f->error & PF_WRITE, user = prot & UK_PROT_USER;
    if (user && (fetch ? !smep : !uk_x86_smap || (f->rflags & RFLAGS_AC)))
        return;
    if (!user && !fetch && !write)
        return;
    uk_printk("\n[uk] kernel fault: page fault (error %#lx) at address %#lx\n", f->error, addr);
    uk_arch_dump_frame(f);
    uk_backtrace(f->rbp);
    if (!user)
        uk_panic("W^X: kernel %s at %#lx", fetch ? "execution of non-executable memory" : "write of read-only memory",
                 addr);
    if (fetch)
        uk_panic("SMEP: kernel execution of program memory at %#lx", addr);
    uk_panic("SMAP: kernel %s of program memory at %#lx outside the copy layer", write ? "write" : "read", addr);
}
