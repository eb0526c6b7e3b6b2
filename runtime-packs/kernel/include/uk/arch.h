/* arch.h - what generic kernel code may ask of the CPU architecture. The one place that picks the
 * architecture header; generic code never branches on the architecture itself. */
#ifndef UK_ARCH_H
#define UK_ARCH_H
#include <uk/types.h>

#if defined(__x86_64__)
#include <uk/arch_x86_64.h>
#elif defined(__aarch64__)
#include <uk/arch_arm64.h>
#else
#error "unsupported architecture"
#endif

struct uk_thread;

/* Boot-time CPU set-up: descriptor tables, FPU/vector state, syscall entry, per-CPU data. */
void uk_arch_cpu_init(void);
/* Size of one thread's saved vector/FPU state and its initial contents. */
usize uk_arch_fpstate_size(void);
void uk_arch_fpstate_init(void *area);
/* Saves the outgoing thread's user state (FPU, TLS base) and switches kernel stacks to next. */
void uk_arch_switch_to(struct uk_thread *prev, struct uk_thread *next);
/* Prepares a new thread's kernel stack so that its first switch-in returns to user mode with the
 * given frame (a copy of the creating thread's frame, adjusted by the caller). */
void uk_arch_thread_prepare(struct uk_thread *t, const struct uk_trapframe *frame);
/* Enters user mode on the current thread's stack with the given frame; never returns. */
UK_NORETURN void uk_arch_enter_user(struct uk_trapframe *frame);
/* Saves only the baseline FPU state at switches (uk.fpu=fxsave). */
void uk_arch_fpu_fxsave_only(void);
/* Fills the privilege fields of a frame that returns to the program. */
void uk_arch_frame_init_user(struct uk_trapframe *f);
/* Sets the user TLS base of the running thread. */
void uk_arch_set_tls(u64 base);
/* Idles the CPU until an interrupt arrives (interrupts are off again on return). */
void uk_arch_wait_for_interrupt(void);
/* Hardware random number, when the CPU has one; false otherwise. */
bool uk_arch_random_u64(u64 *out);
/* The value of AT_HWCAP / AT_HWCAP2 and AT_PLATFORM for the program. */
u64 uk_arch_hwcap(void);
u64 uk_arch_hwcap2(void);
const char *uk_arch_platform(void);
/* Makes t the running thread's CPU context (FPU state, TLS base) before it first enters user mode. */
void uk_arch_thread_activate(struct uk_thread *t);
/* Prints a program frame's registers (fault reports). */
void uk_arch_dump_frame(const struct uk_trapframe *f);
/* Routes and unmasks device interrupt line irq (IOAPIC on x86, GIC on arm64); false when it cannot. */
bool uk_arch_irq_route(int irq);
/* True when QEMU's TCG emulates this CPU. With one vCPU, TCG drops the guest's memory barriers (it only keeps them
 * for guests with several vCPUs), yet the device models run in another host thread: ordering against a device
 * (virtio's event-index handshake) then needs a device register access, which TCG performs under its lock. */
bool uk_arch_emulated_by_tcg(void);
/* The user-access window (x86_64 SMAP's stac/clac, arm64 PAN): between begin and end kernel code may read and
 * write program pages, which it otherwise cannot. Only lib/mm's copy layer and the few places that document
 * their window open it, after uk_user_access_ok; nothing inside may block or switch threads. */
void uk_arch_user_access_begin(void);
void uk_arch_user_access_end(void);
/* The protections in force between kernel and program ("SMEP SMAP", "PAN PXN", …), for the boot log. */
const char *uk_arch_protections(void);

/* Page protections, architecture-neutral. */
#define UK_PROT_READ 1
#define UK_PROT_WRITE 2
#define UK_PROT_EXEC 4
#define UK_PROT_USER 8
#define UK_PROT_NOCACHE 16

/* Page tables (arch/<arch>/paging_<arch>.c): the kernel owns one set of tables, in which the program is
 * mapped with UK_PROT_USER. */
void uk_paging_init(u64 max_phys);
/* Switches to the kernel's tables once the image is mapped. */
void uk_paging_activate(void);
int uk_page_map(uptr va, u64 pa, int prot);      /* 0 or -ENOMEM */
bool uk_page_query(uptr va, u64 *pa, int *prot); /* false when not present */
void uk_page_protect(uptr va, int prot);         /* present pages only */
u64 uk_page_unmap(uptr va);                      /* the frame, or 0 when not present */
void *uk_mmio_map(u64 pa, usize size);

#endif
