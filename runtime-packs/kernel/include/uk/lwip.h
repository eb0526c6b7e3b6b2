/* lwip.h - the kernel's TCP/IP stack, lwIP (lib/lwip, built from Debian's lwip source package): started once at
 * boot. lwIP's own raw API (<lwip/...>, configured by lib/lwip/include/lwipopts.h) is for the layers above
 * lib/lwip: network drivers add their interfaces, the socket layer opens PCBs. */
#ifndef UK_LWIP_H
#define UK_LWIP_H
#include <uk/types.h>

/* Starts lwIP with its loopback interface (127.0.0.1 and ::1), before the drivers probe their devices. */
void uk_lwip_init(void);

/* tcp_write copies its data from the program's memory (lwipopts.h's LWIP_CHKSUM_COPY: uk_lwip_copy_in), so its
 * callers pass user buffers they checked with uk_user_access_ok. Whether a copy failed since the last call (the
 * failed bytes are zeros): the caller then aborts the connection before the segments leave. */
bool uk_lwip_copy_failed(void);

#endif
