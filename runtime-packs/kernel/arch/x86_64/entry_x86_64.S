/* entry_x86_64.S - every way into and out of the kernel: exception and interrupt stubs, the
 * `syscall` entry, the return to user mode (sysretq fast path, iretq otherwise) and the kernel
 * stack switch between threads. Frames follow struct uk_trapframe (arch_x86_64.h). */
#define CPU_KERNEL_RSP 8
#define CPU_USER_RSP 16
#define FRAME_VECTOR (15 * 8)
#define FRAME_RIP (17 * 8)
#define FRAME_CS (18 * 8)
#define FRAME_RFLAGS (19 * 8)
#define FRAME_RSP (20 * 8)
#define VEC_SYSCALL 0x100
#define USER_DS 0x23

.macro PUSH_REGS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro POP_REGS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm

    .text
/* Exception stubs: those without a CPU error code push a zero so every frame looks alike. */
.macro TRAP_NOERR vec
    .balign 16
    pushq $0
    pushq $\vec
    jmp uk_arch_trap_common
.endm
.macro TRAP_ERR vec
    .balign 16
    pushq $\vec
    jmp uk_arch_trap_common
.endm

    .balign 16
    .globl uk_arch_trap_stubs
uk_arch_trap_stubs:
    TRAP_NOERR 0
    TRAP_NOERR 1
    TRAP_NOERR 2
    TRAP_NOERR 3
    TRAP_NOERR 4
    TRAP_NOERR 5
    TRAP_NOERR 6
    TRAP_NOERR 7
    TRAP_ERR 8
    TRAP_NOERR 9
    TRAP_ERR 10
    TRAP_ERR 11
    TRAP_ERR 12
    TRAP_ERR 13
    TRAP_ERR 14
    TRAP_NOERR 15
    TRAP_NOERR 16
    TRAP_ERR 17
    TRAP_NOERR 18
    TRAP_NOERR 19
    TRAP_NOERR 20
    TRAP_ERR 21
    TRAP_NOERR 22
    TRAP_NOERR 23
    TRAP_NOERR 24
    TRAP_NOERR 25
    TRAP_NOERR 26
    TRAP_NOERR 27
    TRAP_NOERR 28
    TRAP_ERR 29
    TRAP_ERR 30
    TRAP_NOERR 31
    .globl uk_arch_irq_stub_timer
uk_arch_irq_stub_timer:
    TRAP_NOERR 0x20
/* Device interrupts: vectors 0x21-0x50 carry I/O APIC inputs 0-47 (vector = 0x21 + global system interrupt). */
    .globl uk_arch_irq_stubs
    .balign 16
uk_arch_irq_stubs:
    .irp vec, 0x21,0x22,0x23,0x24,0x25,0x26,0x27,0x28,0x29,0x2a,0x2b,0x2c,0x2d,0x2e,0x2f,0x30,0x31,0x32,0x33,0x34,0x35,0x36,0x37,0x38,0x39,0x3a,0x3b,0x3c,0x3d,0x3e,0x3f,0x40,0x41,0x42,0x43,0x44,0x45,0x46,0x47,0x48,0x49,0x4a,0x4b,0x4c,0x4d,0x4e,0x4f,0x50
    TRAP_NOERR \vec
    .endr
/* Message-signalled interrupts: vectors 0x60-0x7f carry MSI lines 64-95 (vector = 0x60 + line - 64). */
    .globl uk_arch_msi_stubs
    .balign 16
uk_arch_msi_stubs:
    .irp vec, 0x60,0x61,0x62,0x63,0x64,0x65,0x66,0x67,0x68,0x69,0x6a,0x6b,0x6c,0x6d,0x6e,0x6f,0x70,0x71,0x72,0x73,0x74,0x75,0x76,0x77,0x78,0x79,0x7a,0x7b,0x7c,0x7d,0x7e,0x7f
    TRAP_NOERR \vec
    .endr
    .globl uk_arch_irq_stub_spurious
uk_arch_irq_stub_spurious:
    TRAP_NOERR 0xff

uk_arch_trap_common:
    testb $3, 24(%rsp)              /* CS of the interrupted context */
    jz 1f
    swapgs
1:  cld
    testb $1, uk_x86_smap(%rip)     /* SMAP: the program may have set AC; the kernel runs with it clear */
    jz 4f
    pushfq                          /* as clac does (protect_x86_64.c says why not clac) */
    andl $0xfffbffff, (%rsp)
    popfq
4:  PUSH_REGS
    movq %rsp, %rdi
    call uk_arch_trap
    /* fall through */

/* Returns to the context saved in the frame at %rsp (interrupts are off). */
    .globl uk_arch_trap_return
uk_arch_trap_return:
    testb $3, FRAME_CS(%rsp)
    jz 2f
    movq %rsp, %rdi
    call uk_return_to_user          /* signals and rescheduling; may switch threads */
    cmpq $VEC_SYSCALL, FRAME_VECTOR(%rsp)
    je uk_sysret_path
    POP_REGS
    addq $16, %rsp
    swapgs
    iretq
2:  POP_REGS
    addq $16, %rsp
    iretq

/* The `syscall` instruction lands here: RCX = user RIP, R11 = user RFLAGS, on the user stack,
 * with interrupts masked and AC cleared by FMASK. Build a full frame on the thread's kernel stack. */
    .balign 16
    .globl uk_arch_syscall_entry
uk_arch_syscall_entry:
    swapgs
    movq %rsp, %gs:CPU_USER_RSP
    movq %gs:CPU_KERNEL_RSP, %rsp
    pushq $USER_DS
    pushq %gs:CPU_USER_RSP
    pushq %r11
    pushq $0x2b
    pushq %rcx
    pushq $0
    pushq $VEC_SYSCALL
    PUSH_REGS
    movq %rsp, %rdi
    call uk_syscall
    jmp uk_arch_trap_return

/* Fast return for an untouched syscall frame: sysretq reloads RIP from RCX and RFLAGS from R11.
 * A non-canonical RIP would fault in kernel mode after the privilege change, so it takes iretq. */
uk_sysret_path:
    movq FRAME_RIP(%rsp), %rcx
    movq %rcx, %r11
    sarq $47, %r11
    jnz 3f
    POP_REGS
    movq -15 * 8 + FRAME_RIP(%rsp), %rcx
    movq -15 * 8 + FRAME_RFLAGS(%rsp), %r11
    movq -15 * 8 + FRAME_RSP(%rsp), %rsp
    swapgs
    sysretq
3:  POP_REGS
    addq $16, %rsp
    swapgs
    iretq

/* void uk_arch_switch_stacks(u64 *save_rsp, u64 new_rsp): callee-saved registers stay on the
 * outgoing stack; the incoming stack resumes where it switched out (or in its trampoline). */
    .globl uk_arch_switch_stacks
uk_arch_switch_stacks:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/* First code of a new thread: its stack holds the frame to return to user mode with. */
    .globl uk_arch_thread_trampoline
uk_arch_thread_trampoline:
    call uk_sched_thread_started
    jmp uk_arch_trap_return

/* void uk_arch_enter_user(struct uk_trapframe *frame): frame sits at the top of the kernel stack. */
    .globl uk_arch_enter_user
uk_arch_enter_user:
    movq %rdi, %rsp
    jmp uk_arch_trap_return

    .section .note.GNU-stack, "", @progbits
