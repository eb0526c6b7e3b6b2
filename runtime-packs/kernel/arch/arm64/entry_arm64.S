/* entry_arm64.S - every way into and out of the kernel on arm64: the exception vector table, frame
 * save/restore (struct uk_trapframe, arch_arm64.h), the return to the program (eret), the kernel stack
 * switch between threads and the FP/SIMD register save area. The program runs at EL0 on SP_EL0; every
 * exception lands at EL1 on SP_EL1, which sits at the top of the thread's kernel stack. */
    .arch armv8-a+fp+simd
#define FRAME_SIZE 288
#define FRAME_SP 248
#define FRAME_PC 256
#define FRAME_PSTATE 264

.macro SAVE_FRAME el
    sub sp, sp, #FRAME_SIZE
    stp x0, x1, [sp, #0]
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x19, [sp, #144]
    stp x20, x21, [sp, #160]
    stp x22, x23, [sp, #176]
    stp x24, x25, [sp, #192]
    stp x26, x27, [sp, #208]
    stp x28, x29, [sp, #224]
    .if \el == 0
    mrs x21, sp_el0
    .else
    add x21, sp, #FRAME_SIZE
    .endif
    stp x30, x21, [sp, #240]
    mrs x22, elr_el1
    mrs x23, spsr_el1
    stp x22, x23, [sp, #256]
    mrs x24, esr_el1
    mrs x25, far_el1
    stp x24, x25, [sp, #272]
    mov x29, #0                     /* backtraces stop at the frame */
    mov x0, sp
.endm

.macro VECTOR target
    .balign 128
    b \target
.endm

    .text
    .balign 2048
    .globl uk_arch_vectors
uk_arch_vectors:
    VECTOR el1_bad                  /* current EL with SP_EL0: never used */
    VECTOR el1_bad
    VECTOR el1_bad
    VECTOR el1_bad
    VECTOR el1_sync                 /* current EL with SP_EL1: the kernel */
    VECTOR el1_irq
    VECTOR el1_bad
    VECTOR el1_bad
    VECTOR el0_sync                 /* lower EL, AArch64: the program */
    VECTOR el0_irq
    VECTOR el0_bad
    VECTOR el0_bad
    VECTOR el0_bad                  /* lower EL, AArch32: not supported */
    VECTOR el0_bad
    VECTOR el0_bad
    VECTOR el0_bad

el0_sync:
    SAVE_FRAME 0
    bl uk_arch_trap_sync
    b uk_arch_trap_return
el0_irq:
    SAVE_FRAME 0
    bl uk_arch_trap_irq
    b uk_arch_trap_return
el0_bad:
    SAVE_FRAME 0
    bl uk_arch_trap_bad
    b uk_arch_trap_return
el1_sync:
    SAVE_FRAME 1
    bl uk_arch_trap_sync
    b uk_arch_trap_return
el1_irq:
    SAVE_FRAME 1
    bl uk_arch_trap_irq
    b uk_arch_trap_return
el1_bad:
    SAVE_FRAME 1
    bl uk_arch_trap_bad
    b uk_arch_trap_return

/* Returns to the context saved in the frame at sp (interrupts are masked). */
    .globl uk_arch_trap_return
uk_arch_trap_return:
    ldr x0, [sp, #FRAME_PSTATE]
    tst x0, #0xf                    /* M[3:0] = 0: EL0t, the program */
    b.ne 1f
    mov x0, sp
    bl uk_return_to_user            /* signals and rescheduling; may switch threads */
    ldr x21, [sp, #FRAME_SP]
    msr sp_el0, x21
1:  ldp x22, x23, [sp, #FRAME_PC]
    msr elr_el1, x22
    msr spsr_el1, x23
    ldp x0, x1, [sp, #0]
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x19, [sp, #144]
    ldp x20, x21, [sp, #160]
    ldp x22, x23, [sp, #176]
    ldp x24, x25, [sp, #192]
    ldp x26, x27, [sp, #208]
    ldp x28, x29, [sp, #224]
    ldr x30, [sp, #240]
    add sp, sp, #FRAME_SIZE
    eret

/* void uk_arch_switch_stacks(u64 *save_sp, u64 new_sp): callee-saved registers stay on the outgoing
 * stack; the incoming stack resumes where it switched out (or in its trampoline). */
    .globl uk_arch_switch_stacks
uk_arch_switch_stacks:
    sub sp, sp, #96
    stp x19, x20, [sp, #0]
    stp x21, x22, [sp, #16]
    stp x23, x24, [sp, #32]
    stp x25, x26, [sp, #48]
    stp x27, x28, [sp, #64]
    stp x29, x30, [sp, #80]
    mov x2, sp
    str x2, [x0]
    mov sp, x1
    ldp x19, x20, [sp, #0]
    ldp x21, x22, [sp, #16]
    ldp x23, x24, [sp, #32]
    ldp x25, x26, [sp, #48]
    ldp x27, x28, [sp, #64]
    ldp x29, x30, [sp, #80]
    add sp, sp, #96
    ret

/* First code of a new thread: its stack holds the frame to return to the program with. */
    .globl uk_arch_thread_trampoline
uk_arch_thread_trampoline:
    bl uk_sched_thread_started
    b uk_arch_trap_return

/* void uk_arch_enter_user(struct uk_trapframe *frame): frame sits at the top of the kernel stack. */
    .globl uk_arch_enter_user
uk_arch_enter_user:
    mov sp, x0
    b uk_arch_trap_return

/* FP/SIMD state in the layout of the signal frame's fpsimd_context: magic and size (left alone),
 * fpsr at 8, fpcr at 12, v0-v31 from 16 (528 bytes). */
    .globl uk_arch_fpu_save
uk_arch_fpu_save:
    mrs x1, fpsr
    str w1, [x0, #8]
    mrs x1, fpcr
    str w1, [x0, #12]
    add x0, x0, #16
    stp q0, q1, [x0, #0]
    stp q2, q3, [x0, #32]
    stp q4, q5, [x0, #64]
    stp q6, q7, [x0, #96]
    stp q8, q9, [x0, #128]
    stp q10, q11, [x0, #160]
    stp q12, q13, [x0, #192]
    stp q14, q15, [x0, #224]
    stp q16, q17, [x0, #256]
    stp q18, q19, [x0, #288]
    stp q20, q21, [x0, #320]
    stp q22, q23, [x0, #352]
    stp q24, q25, [x0, #384]
    stp q26, q27, [x0, #416]
    stp q28, q29, [x0, #448]
    stp q30, q31, [x0, #480]
    ret

    .globl uk_arch_fpu_restore
uk_arch_fpu_restore:
    ldr w1, [x0, #8]
    msr fpsr, x1
    ldr w1, [x0, #12]
    msr fpcr, x1
    add x0, x0, #16
    ldp q0, q1, [x0, #0]
    ldp q2, q3, [x0, #32]
    ldp q4, q5, [x0, #64]
    ldp q6, q7, [x0, #96]
    ldp q8, q9, [x0, #128]
    ldp q10, q11, [x0, #160]
    ldp q12, q13, [x0, #192]
    ldp q14, q15, [x0, #224]
    ldp q16, q17, [x0, #256]
    ldp q18, q19, [x0, #288]
    ldp q20, q21, [x0, #320]
    ldp q22, q23, [x0, #352]
    ldp q24, q25, [x0, #384]
    ldp q26, q27, [x0, #416]
    ldp q28, q29, [x0, #448]
    ldp q30, q31, [x0, #480]
    ret

    .section .note.GNU-stack, "", @progbits
