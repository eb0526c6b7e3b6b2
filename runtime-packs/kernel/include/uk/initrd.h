/* initrd.h - the files the SDK bundled into the image (a cpio "newc" archive in the kernel's read-only
 * data), unpacked into the root file system at boot without copying their contents. */
#ifndef UK_INITRD_H
#define UK_INITRD_H

void uk_initrd_unpack(void);

#endif
