/* string.h - what lwIP's own files get for their #include <string.h> (the kernel has no C library headers): the
 * functions they call are mapped to lib/klibc by arch/cc.h, which lwIP includes first. Only lwIP's sources have
 * this folder on their include path. */
#ifndef UK_LWIP_LIBC_STRING_H
#define UK_LWIP_LIBC_STRING_H
#include "arch/cc.h"
#endif
