/* eventfd.h - eventfd: a 64-bit counter as a file, for in-process signalling. */
#ifndef UK_EVENTFD_H
#define UK_EVENTFD_H
#include <uk/file.h>

#define UK_EFD_SEMAPHORE 1
/* A new eventfd (flags: UK_EFD_SEMAPHORE, UK_O_NONBLOCK); 0 or -ENOMEM. */
long uk_eventfd_create(u64 initval, int flags, struct uk_file **out);

#endif
