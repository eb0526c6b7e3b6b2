/* types.h - fixed-width types and helpers shared by every kernel layer (no libc headers). */
#ifndef UK_TYPES_H
#define UK_TYPES_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long s64;
typedef unsigned long uptr;
typedef unsigned long usize;
typedef long ssize;
typedef _Bool bool;

#define true 1
#define false 0
#define NULL ((void *)0)

#define UK_ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define UK_ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define UK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define UK_MAX(a, b) ((a) > (b) ? (a) : (b))
#define UK_PACKED __attribute__((packed))
#define UK_NORETURN __attribute__((noreturn))
#define UK_UNUSED __attribute__((unused))
#define uk_likely(x) __builtin_expect(!!(x), 1)
#define uk_unlikely(x) __builtin_expect(!!(x), 0)
#define UK_CONTAINER_OF(p, type, member) ((type *)((char *)(p) - __builtin_offsetof(type, member)))

#define UK_PAGE_SIZE 4096UL
#define UK_PAGE_SHIFT 12

#endif
