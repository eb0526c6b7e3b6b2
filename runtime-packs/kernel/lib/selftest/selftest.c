/* selftest.c - the kernel self-test: deliberate violations of the kernel's protections from kernel context, so
 * tests can show each one firing (a panic that names it and a non-zero exit). Not part of the kernel core: the
 * runtime pack ships it as ukselftest.o and the SDK links it only with UnikraftKernelSelfTest=true; the core
 * calls its entry (.uk.selftest, image.h) only when uk.selftest=NAME asks. It uses nothing of the core (whose
 * symbols are local) but the stack protector's guard: the faults are reported by the core's trap handlers.
 *   smap-read, smap-write   read or write program memory outside the copy layer (x86_64 SMAP, arm64 PAN)
 *   smep                    call the program's code from the kernel (x86_64 SMEP, arm64 PXN)
 *   stack-smash             write past a local array onto the stack protector's canary, then return
 *   wx-write, wx-exec       write the kernel's own text, execute its data (the image's W^X)
 * Returns false for an unknown name, true when the violation did not fault (the core then panics saying so). */
#include <uk/boot.h>

static bool same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* A write past a local array, as a kernel bug would make: gcc puts the canary right above the array (checked on
 * both architectures' code), so 24 bytes cover buf and the canary only, and the return panics in the stack check. */
__attribute__((noinline)) static void smash(volatile usize n)
{
    char buf[16];
    for (usize i = 0; i < n; i++)
        ((volatile char *)buf)[i] = 0x5a;
    __asm__ volatile("" ::"r"(buf) : "memory");
}

/* Kernel data (.uk.bss: writable, never executable); a fetch faults before anything is decoded. */
static u8 not_code[16] __attribute__((aligned(16)));

static bool run(const char *name, uptr udata, uptr ucode)
{
    volatile u64 *data = (volatile u64 *)(udata & ~7UL);
    if (same(name, "smap-read")) {
        u64 v = *data;
        (void)v;
    } else if (same(name, "smap-write")) {
        *data = 0x5e1f7e57UL;
    } else if (same(name, "smep")) {
        void (*code)(void) = (void (*)(void))ucode;
        __asm__ volatile("" : "+r"(code)); /* a call the compiler cannot see through */
        code();
    } else if (same(name, "stack-smash")) {
        smash(sizeof(u64) * 3);
    } else if (same(name, "wx-write")) {
        volatile u8 *text = (volatile u8 *)(uptr)&same;
        *text = *text;
    } else if (same(name, "wx-exec")) {
        void (*code)(void) = (void (*)(void))(uptr)not_code;
        __asm__ volatile("" : "+r"(code));
        code();
    } else {
        return false;
    }
    return true;
}

/* The entry the linker script collects (.selftest becomes .uk.selftest like every kernel object's sections). */
__attribute__((section(".selftest"), used)) static const uk_selftest_fn entry = run;
