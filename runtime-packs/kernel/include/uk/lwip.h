/* lwip.h - the kernel's TCP/IP stack, lwIP (lib/lwip, built from Debian's lwip source package): started once at
 * boot. lwIP's own raw API (<lwip/...>, configured by lib/lwip/include/lwipopts.h) is for the layers above
 * lib/lwip: network drivers add their interfaces, the socket layer opens PCBs. */
#ifndef UK_LWIP_H
#define UK_LWIP_H

/* Starts lwIP with its loopback interface (127.0.0.1 and ::1), before the drivers probe their devices. */
void uk_lwip_init(void);

#endif
