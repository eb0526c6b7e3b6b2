/* entry.h - the hooks that the architecture's assembly entry code calls into C, and that platform boot
 * code calls to start the generic kernel. These are the only calls from arch/ and plat/ code into the
 * layers above them; everything else they use comes from headers of lower layers. */
#ifndef UK_ENTRY_H
#define UK_ENTRY_H
#include <uk/arch.h>
#include <uk/types.h>

/* A syscall from the program (lib/syscall): the number and arguments are in f, the result goes there. */
void uk_syscall(struct uk_trapframe *f);
/* Every return to the program, after a syscall, a trap or an interrupt (lib/entry): reschedules when due
 * and delivers a pending signal; may switch threads. */
void uk_return_to_user(struct uk_trapframe *f);
/* A new thread's first instructions on its kernel stack (lib/sched), before it enters the program. */
void uk_sched_thread_started(void);
/* The platform has filled uk_bootinfo and set up the CPU (lib/boot): never returns. */
UK_NORETURN void uk_boot_main(void);

#endif
