/* arch/cc.h - lwIP's compiler and platform abstraction for the kernel core: its types are the kernel's
 * (include/uk/types.h; the kernel builds with -nostdinc, so no libc header), the C library functions it calls are
 * lib/klibc's, byte order, diagnostics on the console, assertions as kernel panics, and the port's hooks (port.c). */
#ifndef UK_LWIP_ARCH_CC_H
#define UK_LWIP_ARCH_CC_H
#include <uk/klibc.h>
#include <uk/print.h>
#include <uk/types.h>

/* lwIP's types from the kernel's, instead of <stddef.h>, <stdint.h>, <inttypes.h>, <limits.h>, <unistd.h> and
 * <ctype.h> (lwIP then uses its own character class macros). */
#define LWIP_NO_STDDEF_H 1
#define LWIP_NO_STDINT_H 1
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_LIMITS_H 1
#define LWIP_NO_UNISTD_H 1
#define LWIP_NO_CTYPE_H 1
typedef usize size_t;
typedef ssize ptrdiff_t;
typedef ssize ssize_t;
#define SSIZE_MAX 0x7fffffffffffffffL
typedef u8 u8_t;
typedef s8 s8_t;
typedef u16 u16_t;
typedef s16 s16_t;
typedef u32 u32_t;
typedef s32 s32_t;
typedef u64 u64_t;
typedef s64 s64_t;
#define LWIP_HAVE_INT64 1
typedef uptr mem_ptr_t;

/* printf formats of those types (lwIP's debug output only). */
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "lu"

/* Both architectures are little-endian; byte swaps are single instructions. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "lwIP's port assumes a little-endian CPU"
#endif
#define BYTE_ORDER LITTLE_ENDIAN
#define lwip_htons(x) ((u16_t)__builtin_bswap16(x))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32(x))

/* The C library functions lwIP calls, mapped to the kernel's (its core also names <string.h> and <stdlib.h>,
 * which only lwIP's own files see: ../libc/). */
#define memcpy(d, s, n) uk_memcpy(d, s, n)
#define memmove(d, s, n) uk_memmove(d, s, n)
#define memset(d, c, n) uk_memset(d, c, n)
#define memcmp(a, b, n) uk_memcmp(a, b, n)
#define strlen(s) uk_strlen(s)
#define strcmp(a, b) uk_strcmp(a, b)
#define strncmp(a, b, n) uk_strncmp(a, b, n)
#define atoi(s) uk_lwip_port_atoi(s)

/* Diagnostics (only with LWIP_DEBUG) go to the console; a failed assertion, or an lwIP function called with
 * bad arguments (LWIP_ERROR), is a broken invariant of the kernel: a panic with lwIP's file:line. */
#define LWIP_PLATFORM_DIAG(x)                                                                                          \
    do {                                                                                                               \
        uk_printk x;                                                                                                   \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x) uk_panic("lwIP: %s", x)

#define LWIP_RAND() uk_lwip_port_rand()

/* The port's hooks (port.c). lwIP's own, sys_now(), is declared by lwip/sys.h. */
u32 uk_lwip_port_rand(void);
void *uk_lwip_port_malloc(usize size);
void uk_lwip_port_free(void *p);
void *uk_lwip_port_calloc(usize count, usize size);
int uk_lwip_port_atoi(const char *s);

#endif
