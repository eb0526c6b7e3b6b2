/* print.h - kernel log (levels, printf-style formatting to the console) and panic. */
#ifndef UK_PRINT_H
#define UK_PRINT_H
#include <stdarg.h>
#include <uk/types.h>

enum uk_loglevel { UK_LOG_ERROR = 0, UK_LOG_WARN = 1, UK_LOG_INFO = 2, UK_LOG_DEBUG = 3 };
extern int uk_loglevel;

int uk_vsnprintf(char *buf, usize size, const char *fmt, va_list ap);
int uk_snprintf(char *buf, usize size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Unconditional kernel print. */
void uk_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void uk_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define uk_pr_err(...) uk_log(UK_LOG_ERROR, __VA_ARGS__)
#define uk_pr_warn(...) uk_log(UK_LOG_WARN, __VA_ARGS__)
#define uk_pr_info(...) uk_log(UK_LOG_INFO, __VA_ARGS__)
#define uk_pr_debug(...) uk_log(UK_LOG_DEBUG, __VA_ARGS__)

/* A broken invariant: prints the reason with file:line and a backtrace, then powers off non-zero. */
UK_NORETURN void uk_panic_at(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define uk_panic(...) uk_panic_at(__FILE__, __LINE__, __VA_ARGS__)
#define UK_ASSERT(c)                                                                                                   \
    do {                                                                                                               \
        if (uk_unlikely(!(c)))                                                                                         \
            uk_panic("assertion failed: %s", #c);                                                                      \
    } while (0)

/* The stack protector (stackguard.c): a per-boot random canary, set once while no checked frame is live. */
void uk_stack_guard_init(void);
/* gcc's __stack_chk_fail in the kernel (the build renames it): panics naming the address in the smashed function. */
UK_NORETURN void uk_stack_chk_fail(void);

/* Prints the frame-pointer chain starting at rbp (kernel addresses only). */
void uk_backtrace(uptr rbp);

#endif
