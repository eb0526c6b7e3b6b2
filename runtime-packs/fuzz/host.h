/* host.h - the host C library services that the fuzzing shim and harnesses use (host.c). This header names
 * only the kernel's own types, so kernel sources and harness files include it next to <uk/...> headers without
 * the host's libc headers (which clash with include/uk/types.h). */
#ifndef FZ_HOST_H
#define FZ_HOST_H
#include <uk/types.h>

/* Memory with ASan's checks: size bytes aligned to align (a power of two; 1 gives a block of exactly size
 * bytes, for input buffers whose overreads ASan should see), zeroed. */
void *fz_host_alloc(usize size, usize align);
/* What uk_pmm_total_pages() answers (shim_pmm.c). */
extern usize fz_total_pages;
void fz_host_free(void *p);
/* Diagnostics to stderr: always (fz_host_write) or only with UKFUZZ_LOG=1 in the environment (the console). */
void fz_host_write(const char *s, usize n);
bool fz_host_log_enabled(void);
/* A crash of the kind libFuzzer reports, after the message. */
UK_NORETURN void fz_host_crash(const char *why);
/* Runs fn(arg); returns true when it returned, false when it ended through fz_host_bail (a rejected input:
 * the kernel stopped the boot with a message). */
bool fz_host_catch(void (*fn)(void *), void *arg);
bool fz_host_catching(void);
UK_NORETURN void fz_host_bail(void);

#endif
