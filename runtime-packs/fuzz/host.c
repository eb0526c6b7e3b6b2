/* host.c - the host side of the fuzzing shim: allocation (ASan sees every block), stderr, crashes, and the
 * escape from a kernel path that stops the boot (longjmp back to the harness, so a rejected input ends the
 * run of that input, not the fuzzer). The only file of the harnesses that includes the host's libc. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *fz_host_alloc(unsigned long size, unsigned long align)
{
    void *p = aligned_alloc(align, (size + align - 1) & ~(align - 1));
    if (!p) {
        fprintf(stderr, "fuzz: host out of memory (%lu bytes)\n", size);
        abort();
    }
    memset(p, 0, size);
    return p;
}

void fz_host_free(void *p) { free(p); }

void fz_host_write(const char *s, unsigned long n) { (void)!write(2, s, n); }

bool fz_host_log_enabled(void)
{
    static int enabled = -1;
    if (enabled < 0) {
        const char *v = getenv("UKFUZZ_LOG");
        enabled = v && *v == '1';
    }
    return enabled;
}

void fz_host_crash(const char *why)
{
    fprintf(stderr, "\nfuzz: %s\n", why);
    abort();
}

static jmp_buf *catcher;

bool fz_host_catch(void (*fn)(void *), void *arg)
{
    jmp_buf here, *outer = catcher;
    catcher = &here;
    bool returned = !setjmp(here);
    if (returned)
        fn(arg);
    catcher = outer;
    return returned;
}

bool fz_host_catching(void) { return catcher != NULL; }

void fz_host_bail(void)
{
    if (!catcher)
        fz_host_crash("the kernel stopped outside a harness call");
    longjmp(*catcher, 1);
}
