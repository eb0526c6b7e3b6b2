/* stdlib.h - what lwIP's own files get for their #include <stdlib.h> (the kernel has no C library headers): atoi
 * and the allocator are mapped to the port by arch/cc.h and lwipopts.h. Only lwIP's sources have this folder on
 * their include path. */
#ifndef UK_LWIP_LIBC_STDLIB_H
#define UK_LWIP_LIBC_STDLIB_H
#include "arch/cc.h"
#endif
