/* glibc_compat.c - the glibc-only symbols that the glibc-targeted NativeAOT archives reference,
 * implemented over musl so that <app>.o and the runtime link statically against musl's libc.a.
 *
 * Each function keeps glibc's ABI (argument order, versioned names) and forwards to the
 * standard musl call. Built with the program's flags (user mode, ordinary ABI), not the kernel's.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* glibc's stat wrappers: the version argument selects the struct layout; on x86_64 and
 * arm64 the kernel layout that musl's struct stat uses is the only one. */
int __xstat64(int ver, const char *path, struct stat *st)
{
    (void)ver;
    return stat(path, st);
}
int __fxstat64(int ver, int fd, struct stat *st)
{
    (void)ver;
    return fstat(fd, st);
}
int __lxstat64(int ver, const char *path, struct stat *st)
{
    (void)ver;
    return lstat(path, st);
}

/* glibc redirects C99-conforming scanf to these names. */
int __isoc99_sscanf(const char *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsscanf(s, fmt, ap);
    va_end(ap);
    return r;
}

int __isoc99_fscanf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfscanf(f, fmt, ap);
    va_end(ap);
    return r;
}

ssize_t __getdelim(char **line, size_t *n, int delim, FILE *f) { return getdelim(line, n, delim, f); }

/* musl's SIGRTMIN/SIGRTMAX macros call these functions themselves, so return literals:
 * musl reserves signals 32-34 for its own use. */
int __libc_current_sigrtmin(void) { return 35; }
int __libc_current_sigrtmax(void) { return 64; }

/* CPU_COUNT/CPU_ALLOC/CPU_FREE helpers of glibc's <sched.h>. */
int __sched_cpucount(size_t size, const cpu_set_t *set)
{
    const unsigned char *p = (const unsigned char *)set;
    int count = 0;
    for (size_t i = 0; i < size; i++)
        count += __builtin_popcount(p[i]);
    return count;
}

cpu_set_t *__sched_cpualloc(size_t count) { return calloc(1, (count + 63) / 64 * 8); }
void __sched_cpufree(cpu_set_t *set) { free(set); }

/* C++ objects in the runtime register destructors against this handle (crtbegin provides it
 * in a gcc link; x86_64 images are linked without gcc's crt files). Weak: arm64 packs link
 * crtbeginT.o, whose definition wins. */
__attribute__((weak)) void *__dso_handle = &__dso_handle;

/* musl's static dladdr always fails. The runtime uses it to find the image that holds an
 * address (stack traces, module lookup): the whole program is one image, so report it. */
extern const Elf64_Ehdr __ehdr_start;
extern char _end[];

int dladdr(const void *addr, Dl_info *info)
{
    const char *a = addr;
    if (a < (const char *)&__ehdr_start || a >= _end)
        return 0;
    info->dli_fname = "/app";
    info->dli_fbase = (void *)&__ehdr_start;
    info->dli_sname = NULL;
    info->dli_saddr = NULL;
    return 1;
}

/* The main thread's stack, as musl's pthread_getattr_np reports it (the runtime asks at start-up): from the
 * page above the auxiliary vector down to the lowest mapped page below it. musl finds that page by growing a
 * one-page range below the stack with mremap, one page further down per call, until the call stops failing
 * with ENOMEM (inside the mapping); with the kernel's 8 MiB stack mapped up front that is 2,048 syscalls. The
 * link wraps the function (--wrap=pthread_getattr_np) with this one, which finds the same page by bisection
 * in about 25 calls. The answer is the same, so .NET's stack limits (and its stack-overflow checks) are too. */
int __real_pthread_getattr_np(pthread_t t, pthread_attr_t *a);

/* musl's internal libc state (src/internal/libc.h, stable since 1.1): the auxiliary vector at offset 8. */
extern struct {
    char flags[4];
    int threads_minus_1;
    size_t *auxv;
} __libc;

/* True while the page range [top - len - page, top - len) lies inside the stack's mapping. */
static int below_is_stack(char *top, size_t len, size_t page)
{
    return mremap(top - len - page, page, 2 * page, 0) == MAP_FAILED && errno == ENOMEM;
}

int __wrap_pthread_getattr_np(pthread_t t, pthread_attr_t *a)
{
    if (t != pthread_self() || getpid() != gettid() || !__libc.auxv)
        return __real_pthread_getattr_np(t, a);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    char *top = (char *)__libc.auxv;
    top += -(size_t)top & (page - 1);
    int saved = errno;
    /* musl's answer is the least len (a multiple of the page, at least one) with !below_is_stack(len). */
    size_t lo = page, hi = page;
    struct rlimit rl;
    if (below_is_stack(top, lo, page)) {
        hi = getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > page
                 ? (rl.rlim_cur + page - 1) & ~(page - 1)
                 : 2 * page;
        while (below_is_stack(top, hi, page)) {
            lo = hi;
            hi *= 2;
        }
        /* below_is_stack(lo) holds, below_is_stack(hi) does not. */
        while (hi - lo > page) {
            size_t mid = lo + (hi - lo) / 2 / page * page;
            if (below_is_stack(top, mid, page))
                lo = mid;
            else
                hi = mid;
        }
    }
    errno = saved;
    int r = pthread_attr_init(a);
    if (r)
        return r;
    pthread_attr_setguardsize(a, 0);
    return pthread_attr_setstack(a, top - hi, hi);
}
