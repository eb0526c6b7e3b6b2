/* stackguard.c - the kernel's stack protector: every kernel object is compiled with -fstack-protector-strong
 * and -mstack-protector-guard=global (never the %fs:0x28 default, which is the program's TLS), and the build
 * renames gcc's __stack_chk_guard and __stack_chk_fail to these, so nothing collides with musl's. The canary is
 * drawn per boot from the kernel's random bytes; a function whose canary changed panics here instead of returning. */
#include <uk/print.h>
#include <uk/random.h>

uptr uk_stack_chk_guard;

/* Runs in uk_boot_main, which never returns, so no frame that checks the canary spans the change. */
__attribute__((no_stack_protector)) void uk_stack_guard_init(void)
{
    uptr g;
    uk_random_bytes(&g, sizeof(g));
    g &= ~(uptr)0xff; /* a zero low byte stops string overflows from copying the canary */
    uk_stack_chk_guard = g ? g : 0xdead5eed00UL;
}

UK_NORETURN void uk_stack_chk_fail(void)
{
    uk_panic("stack protector: kernel stack smashed in the function at %p (its canary changed)",
             __builtin_extract_return_addr(__builtin_return_address(0)));
}
