/* signal_arm64.c - Linux arm64 signal frames: a {x29, x30} frame record at the top, below it
 * rt_sigframe {siginfo, ucontext} whose mcontext holds fault_address, x0-x30, sp, pc, pstate and the
 * records fpsimd_context, esr_context (faults) and the terminator; the handler gets x0-x2 = sig, &info,
 * &uc, x29 = the record, x30 = sa_restorer. rt_sigreturn validates what it restores. */
#include <uk/arch.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/syscall.h>
#include "arm64.h"

#define FPSIMD_MAGIC 0x46508001u
#define FPSIMD_SIZE 528
#define ESR_MAGIC 0x45535201u

struct sigcontext_k {
    u64 fault_address;
    u64 regs[31];
    u64 sp, pc, pstate;
    u8 reserved[4096] __attribute__((aligned(16)));
};

struct ucontext_k {
    u64 flags;
    u64 link;
    struct uk_linux_stack stack;
    u64 sigmask;
    u8 unused[120];
    struct sigcontext_k mc;
};

struct rt_sigframe_k {
    struct uk_linux_siginfo info;
    struct ucontext_k uc;
};

_Static_assert(__builtin_offsetof(struct ucontext_k, mc) == 176, "ucontext layout");
_Static_assert(__builtin_offsetof(struct sigcontext_k, reserved) == 288, "sigcontext layout");
_Static_assert(sizeof(struct rt_sigframe_k) % 16 == 0, "sigframe alignment");

bool uk_arch_signal_setup(struct uk_trapframe *f, int sig, const struct uk_siginfo *si, const struct uk_sigaction *sa,
                          u64 oldmask)
{
    struct uk_thread *t = uk_thread_current();
    u64 sp = uk_signal_frame_top(t, sa, f->sp, 0 /* no red zone */);
    u64 record = UK_ALIGN_DOWN(sp - 16, 16);
    u64 frame_addr = UK_ALIGN_DOWN(record - sizeof(struct rt_sigframe_k), 16);
    if (!uk_user_access_ok((void *)frame_addr, sp - frame_addr, true))
        return false;

    /* The frame is written in place: a user-access window (PAN) over the checked frame, nothing blocks. */
    uk_arch_user_access_begin();
    struct rt_sigframe_k *fr = (struct rt_sigframe_k *)frame_addr;
    uk_memset(fr, 0, sizeof(*fr));
    ((u64 *)record)[0] = f->x[29];
    ((u64 *)record)[1] = f->x[30];
    uk_signal_fill_frame(&fr->info, &fr->uc.stack, sig, si, f->sp);
    fr->uc.sigmask = oldmask;
    struct sigcontext_k *mc = &fr->uc.mc;
    mc->fault_address = sig == UK_SIGSEGV || sig == UK_SIGBUS ? si->addr : 0;
    for (int i = 0; i < 31; i++)
        mc->regs[i] = f->x[i];
    mc->sp = f->sp;
    mc->pc = f->pc;
    mc->pstate = f->pstate;
    /* Records: FP/SIMD registers (live in the CPU), the fault's ESR, the terminator. */
    u32 *fp = (u32 *)mc->reserved;
    fp[0] = FPSIMD_MAGIC;
    fp[1] = FPSIMD_SIZE;
    uk_arch_fpu_save(fp);
    u32 *next = (u32 *)(mc->reserved + FPSIMD_SIZE);
    if (f->esr && (sig == UK_SIGSEGV || sig == UK_SIGBUS)) {
        next[0] = ESR_MAGIC;
        next[1] = 16;
        *(u64 *)&next[2] = f->esr;
        next += 4;
    }
    next[0] = next[1] = 0;
    uk_arch_user_access_end();

    f->x[0] = (u64)sig;
    f->x[1] = (u64)&fr->info;
    f->x[2] = (u64)&fr->uc;
    f->x[29] = record;
    f->x[30] = sa->restorer;
    f->sp = frame_addr;
    f->pc = sa->handler;
    f->pstate &= UK_PSTATE_NZCV; /* EL0t; single-step and the rest cleared */
    return true;
}

long sys_rt_sigreturn(void)
{
    struct uk_trapframe *f = uk_thread_user_frame(uk_thread_current());
    struct uk_thread *t = uk_thread_current();
    struct rt_sigframe_k *fr = (struct rt_sigframe_k *)f->sp;
    if ((f->sp & 15) || !uk_user_access_ok(fr, sizeof(*fr), false))
        goto bad;
    /* The frame is read in place, in a user-access window (PAN) over what was checked. */
    uk_arch_user_access_begin();
    const struct sigcontext_k *mc = &fr->uc.mc;
    if (mc->pc >= UK_USER_TOP || (mc->sp & 15) || mc->sp >= UK_USER_TOP) {
        uk_arch_user_access_end();
        goto bad;
    }
    const u32 *fp = (const u32 *)mc->reserved;
    if (fp[0] == FPSIMD_MAGIC && fp[1] == FPSIMD_SIZE)
        uk_arch_fpu_restore((void *)fp);
    for (int i = 0; i < 31; i++)
        f->x[i] = mc->regs[i];
    f->sp = mc->sp;
    f->pc = mc->pc;
    f->pstate = mc->pstate & UK_PSTATE_NZCV;
    u64 sigmask = fr->uc.sigmask;
    uk_arch_user_access_end();
    t->sigmask = sigmask & ~((1UL << (UK_SIGKILL - 1)) | (1UL << (UK_SIGSTOP - 1)));
    return (long)f->x[0]; /* the dispatcher stores this back into x0 */
bad:
    uk_printk("[uk] rt_sigreturn with a corrupt signal frame at %#lx\n", (u64)fr);
    uk_signal_kill_program(UK_SIGSEGV);
}
