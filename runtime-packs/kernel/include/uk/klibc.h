/* klibc.h - the kernel's own string and memory helpers (the kernel never calls musl). */
#ifndef UK_KLIBC_H
#define UK_KLIBC_H
#include <uk/types.h>

void *uk_memcpy(void *dst, const void *src, usize n);
void *uk_memset(void *dst, int c, usize n);
void *uk_memmove(void *dst, const void *src, usize n);
int uk_memcmp(const void *a, const void *b, usize n);
usize uk_strlen(const char *s);
usize uk_strnlen(const char *s, usize max);
/* The first occurrence of needle in s, NULL when none. */
const char *uk_strstr(const char *s, const char *needle);
int uk_strcmp(const char *a, const char *b);
int uk_strncmp(const char *a, const char *b, usize n);
char *uk_strlcpy(char *dst, const char *src, usize size);
bool uk_startswith(const char *s, const char *prefix);
/* Parses an unsigned number (decimal, or hex with 0x) with an optional K/M/G suffix. */
bool uk_parse_u64(const char *s, u64 *out);

#endif
