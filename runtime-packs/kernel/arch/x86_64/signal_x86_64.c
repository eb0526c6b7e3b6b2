/* signal_x86_64.c - Linux x86_64 signal frames: rt_sigframe {pretcode, ucontext, siginfo} with the
 * FPU state (XSAVE image with its magics, or a legacy FXSAVE image) 64-byte aligned above it, the
 * handler entered with RSP = 8 mod 16; and rt_sigreturn, which validates what it restores. */
#include <uk/arch.h>
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/syscall.h>
#include "x86_64.h"

struct sigcontext_k {
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
    u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
    u64 eflags;
    u16 cs, gs, fs, ss;
    u64 err, trapno, oldmask, cr2;
    u64 fpstate;
    u64 reserved1[8];
};

struct ucontext_k {
    u64 flags;
    u64 link;
    struct uk_linux_stack stack;
    struct sigcontext_k mc;
    u64 sigmask;
};

struct rt_sigframe_k {
    u64 pretcode;
    struct ucontext_k uc;
    struct uk_linux_siginfo info;
};

_Static_assert(sizeof(struct sigcontext_k) == 256, "sigcontext layout");
_Static_assert(__builtin_offsetof(struct ucontext_k, mc) == 40, "ucontext layout");

#define UC_FP_XSTATE 1
#define UC_SIGCONTEXT_SS 2
#define UC_STRICT_RESTORE_SS 4
#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u

bool uk_arch_signal_setup(struct uk_trapframe *f, int sig, const struct uk_siginfo *si, const struct uk_sigaction *sa,
                          u64 oldmask)
{
    struct uk_thread *t = uk_thread_current();
    u64 sp = uk_signal_frame_top(t, sa, f->rsp, 128 /* the interrupted code's red zone */);

    usize fpsize = uk_arch_fpstate_size();
    bool xsave = uk_arch_fpu_is_xsave();
    u64 fp = UK_ALIGN_DOWN(sp - fpsize - (xsave ? 4 : 0), 64);
    u64 frame_addr = UK_ALIGN_DOWN(fp - sizeof(struct rt_sigframe_k), 16) - 8;
    if (!uk_user_access_ok((void *)frame_addr, fp + fpsize + 4 - frame_addr, true))
        return false;

    /* The frame is written in place: a user-access window (SMAP) over the checked frame, nothing blocks. */
    uk_arch_user_access_begin();
    /* FPU state: live in the registers of the current thread. */
    uk_memset((void *)fp, 0, fpsize);
    uk_arch_fpu_save((void *)fp);
    if (xsave) {
        u32 *sw = (u32 *)(fp + 464); /* struct _fpx_sw_bytes in the FXSAVE area's software bytes */
        sw[0] = FP_XSTATE_MAGIC1;
        sw[1] = (u32)fpsize + 4;
        *(u64 *)&sw[2] = uk_arch_fpu_xfeatures();
        sw[4] = (u32)fpsize;
        *(u32 *)(fp + fpsize) = FP_XSTATE_MAGIC2;
    }

    struct rt_sigframe_k *fr = (struct rt_sigframe_k *)frame_addr;
    uk_memset(fr, 0, sizeof(*fr));
    fr->pretcode = sa->restorer;
    fr->uc.flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (xsave ? UC_FP_XSTATE : 0);
    uk_signal_fill_frame(&fr->info, &fr->uc.stack, sig, si, f->rsp);
    struct sigcontext_k *mc = &fr->uc.mc;
    mc->r8 = f->r8, mc->r9 = f->r9, mc->r10 = f->r10, mc->r11 = f->r11;
    mc->r12 = f->r12, mc->r13 = f->r13, mc->r14 = f->r14, mc->r15 = f->r15;
    mc->rdi = f->rdi, mc->rsi = f->rsi, mc->rbp = f->rbp, mc->rbx = f->rbx;
    mc->rdx = f->rdx, mc->rax = f->rax, mc->rcx = f->rcx, mc->rsp = f->rsp, mc->rip = f->rip;
    mc->eflags = f->rflags;
    mc->cs = UK_USER_CS;
    mc->ss = UK_USER_SS;
    mc->err = f->vector < 32 ? f->error : 0;
    mc->trapno = f->vector < 32 ? f->vector : 0;
    mc->oldmask = oldmask;
    mc->cr2 = f->vector == 14 ? si->addr : 0;
    mc->fpstate = fp;
    fr->uc.sigmask = oldmask;
    uk_arch_user_access_end();

    f->rip = sa->handler;
    f->rsp = frame_addr;
    f->rdi = (u64)sig;
    f->rsi = (u64)&fr->info;
    f->rdx = (u64)&fr->uc;
    f->rax = 0;
    f->rflags &= ~(UK_RFLAGS_DF | (1UL << 8) /* TF */);
    f->cs = UK_USER_CS;
    f->ss = UK_USER_SS;
    f->vector = 0; /* full restore through iretq */
    return true;
}

long sys_rt_sigreturn(void)
{
    struct uk_trapframe *f = uk_thread_user_frame(uk_thread_current());
    struct uk_thread *t = uk_thread_current();
    struct rt_sigframe_k *fr = (struct rt_sigframe_k *)(f->rsp - 8);
    if (!uk_user_access_ok(fr, sizeof(*fr), false))
        goto bad;
    /* The frame is read in place, in user-access windows (SMAP) over what was checked. */
    const struct sigcontext_k *mc = &fr->uc.mc;
    uk_arch_user_access_begin();
    u64 rip = mc->rip, fpstate = mc->fpstate;
    uk_arch_user_access_end();
    if (rip >= UK_USER_TOP)
        goto bad;
    if (fpstate) {
        usize fpsize = uk_arch_fpstate_size();
        if ((fpstate & 63) || !uk_user_access_ok((void *)fpstate, fpsize, true))
            goto bad;
        uk_arch_user_access_begin();
        bool ok = uk_arch_fpu_sanitize((void *)fpstate, fpsize);
        if (ok)
            uk_arch_fpu_restore((void *)fpstate);
        uk_arch_user_access_end();
        if (!ok)
            goto bad;
    }
    uk_arch_user_access_begin();
    f->r8 = mc->r8, f->r9 = mc->r9, f->r10 = mc->r10, f->r11 = mc->r11;
    f->r12 = mc->r12, f->r13 = mc->r13, f->r14 = mc->r14, f->r15 = mc->r15;
    f->rdi = mc->rdi, f->rsi = mc->rsi, f->rbp = mc->rbp, f->rbx = mc->rbx;
    f->rdx = mc->rdx, f->rax = mc->rax, f->rcx = mc->rcx, f->rsp = mc->rsp, f->rip = rip;
    f->rflags = (mc->eflags & UK_RFLAGS_USER_MASK) | UK_RFLAGS_IF | 2;
    u64 sigmask = fr->uc.sigmask;
    uk_arch_user_access_end();
    f->cs = UK_USER_CS;
    f->ss = UK_USER_SS;
    f->vector = 0; /* return with every register as restored (no sysret) */
    t->sigmask = sigmask & ~((1UL << (UK_SIGKILL - 1)) | (1UL << (UK_SIGSTOP - 1)));
    return (long)f->rax; /* the dispatcher stores this back into rax */
bad:
    uk_printk("[uk] rt_sigreturn with a corrupt signal frame at %#lx\n", (u64)fr);
    uk_signal_kill_program(UK_SIGSEGV);
}
