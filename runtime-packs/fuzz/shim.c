/* shim.c - the kernel's lower layers for the host, as thin as the code under test allows: the kernel heap
 * (the host's allocator, so ASan sees every block), the console (stderr with UKFUZZ_LOG=1), panics and
 * power-off, a virtual monotonic clock driving the kernel timers (uk_ktimer), reproducible random bytes, a
 * single thread that never blocks, and user copies (the harness's buffers are the "user" memory). Everything
 * above these services is the kernel's own code. */
#include "shim.h"
#include <uk/arch.h>
#include <uk/console.h>
#include <uk/image.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/random.h>
#include <uk/sched.h>
#include <uk/signal.h>
#include <uk/time.h>
#include "host.h"

bool fz_stop_expected;
u64 fz_stops;

/* printk's backtrace compares frame pointers with the image's bounds: an empty image, so it prints none. */
char __uk_text_start[1], __uk_text_end[1], __uk_data_start[1];

void *uk_kmalloc(usize size) { return fz_host_alloc(size ? size : 1, 16); }
void *uk_kzalloc(usize size) { return fz_host_alloc(size ? size : 1, 16); }
void uk_kfree(void *p) { fz_host_free(p); }

void uk_console_write(const char *s, usize n)
{
    if (fz_host_log_enabled())
        fz_host_write(s, n);
}

UK_NORETURN static void stop(const char *what)
{
    if (fz_stop_expected && fz_host_catching()) {
        fz_stops++;
        fz_host_bail();
    }
    fz_host_crash(what);
}

/* The linker sends every uk_panic_at call here (--wrap): printk.c's own would disable interrupts (cli), which a
 * host process cannot. The message goes to stderr whether or not the stop was expected. */
void __wrap_uk_panic_at(const char *file, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = uk_snprintf(msg, sizeof(msg), "[uk] PANIC at %s:%d: ", file, line);
    uk_vsnprintf(msg + n, sizeof(msg) - (usize)n, fmt, ap);
    va_end(ap);
    if (!fz_stop_expected || fz_host_log_enabled()) {
        fz_host_write(msg, uk_strlen(msg));
        fz_host_write("\n", 1);
    }
    stop("the kernel panicked (above)");
}

void uk_plat_exit(int code)
{
    (void)code;
    stop("the kernel powered off");
}

bool fz_run(void (*fn)(void *), void *arg) { return fz_host_catch(fn, arg); }

/* Time and kernel timers: a list sorted by deadline. */
static u64 now_ns = UK_NSEC_PER_SEC;
static struct uk_ktimer *timers;

u64 uk_time_monotonic_ns(void) { return now_ns; }
u64 uk_time_wall_ns(void) { return 1700000000ULL * UK_NSEC_PER_SEC + now_ns; }

void uk_ktimer_set(struct uk_ktimer *t, u64 deadline_ns)
{
    for (struct uk_ktimer **pp = &timers; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    t->deadline = deadline_ns;
    t->next = NULL;
    if (!deadline_ns)
        return;
    struct uk_ktimer **pp = &timers;
    while (*pp && (*pp)->deadline <= deadline_ns)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
}

void fz_time_advance(u64 ns)
{
    u64 target = now_ns + ns;
    for (u32 fired = 0; timers && timers->deadline <= target; fired++) {
        if (fired > 1000000)
            fz_host_crash("a kernel timer keeps firing without time passing (a hang on a real machine)");
        struct uk_ktimer *t = timers;
        timers = t->next;
        t->next = NULL;
        if (t->deadline > now_ns)
            now_ns = t->deadline;
        t->deadline = 0;
        t->fn(t);
    }
    now_ns = target;
}

/* Random bytes: splitmix64, seeded by the harness. */
static u64 rng_state = 1;

void fz_random_seed(u64 seed) { rng_state = seed; }

void uk_random_bytes(void *dst, usize n)
{
    u8 *d = dst;
    while (n) {
        u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        for (int i = 0; i < 8 && n; i++, n--, z >>= 8)
            *d++ = (u8)z;
    }
}

/* One thread, which never sleeps: the harnesses only make non-blocking calls, so a block is a finding (on a
 * real machine the call would hang). */
static struct uk_thread thread = {.tid = 1};

struct uk_thread *uk_thread_current(void) { return &thread; }

bool uk_sched_block(u64 deadline_ns)
{
    (void)deadline_ns;
    fz_host_crash("a kernel call blocked although the harness asked for a non-blocking one");
}

void uk_sched_wake(struct uk_thread *t) { (void)t; }

bool uk_signal_pending(void) { return false; }

long uk_signal_send(int tid, int sig)
{
    (void)tid;
    (void)sig;
    return 0;
}

/* The harness's buffers are the program's memory: copies always succeed, and ASan checks their bounds. */
bool uk_user_access_ok(const void *p, usize len, bool write)
{
    (void)p;
    (void)len;
    (void)write;
    return true;
}

bool uk_user_copy_from(void *dst, const void *usrc, usize len)
{
    uk_memcpy(dst, usrc, len);
    return true;
}

bool uk_user_copy_to(void *udst, const void *src, usize len)
{
    uk_memcpy(udst, src, len);
    return true;
}

/* The linker script's brackets (image.h): no bundled files to unpack at boot, no self-test (entry NULL). */
const char __uk_initrd_start[1], __uk_initrd_end[1];
const uk_selftest_fn __uk_selftest_start[1], __uk_selftest_end[1];

void uk_user_copy_checked(void *dst, const void *src, usize len) { uk_memcpy(dst, src, len); }

void uk_user_fill_checked(void *udst, int c, usize len) { uk_memset(udst, c, len); }

void uk_arch_wait_for_interrupt(void) { fz_host_crash("the kernel waited for an interrupt"); }

/* The harness is no emulated CPU: queue handshakes use the CPU's barrier only. */
bool uk_arch_emulated_by_tcg(void) { return false; }
