/* glibc_compat.c - the glibc-only symbols that the glibc-targeted NativeAOT archives reference,
 * implemented over musl so that <app>.o and the runtime link statically against musl's libc.a.
 *
 * Each function keeps glibc's ABI (argument order, versioned names) and forwards to the
 * standard musl call. Built with the program's flags (user mode, ordinary ABI), not the kernel's.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dlfcn.h>
#include <elf.h>

/* glibc's stat wrappers: the version argument selects the struct layout; on x86_64 and
 * arm64 the kernel layout that musl's struct stat uses is the only one. */
int __xstat64(int ver, const char *path, struct stat *st) { (void)ver; return stat(path, st); }
int __fxstat64(int ver, int fd, struct stat *st) { (void)ver; return fstat(fd, st); }
int __lxstat64(int ver, const char *path, struct stat *st) { (void)ver; return lstat(path, st); }

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
