/* initrd.h - the files the SDK bundled into the image (a cpio "newc" archive in the kernel's read-only
 * data), unpacked into the root file system at boot without copying their contents. */
#ifndef UK_INITRD_H
#define UK_INITRD_H

void uk_initrd_unpack(void);
/* The archive at [p, end) (cpio newc) into the root file system: directories and regular files, the files'
 * contents left in place. Stops at the trailer or at the first entry that does not fit. Returns the number of
 * files. */
int uk_initrd_unpack_archive(const char *p, const char *end);

#endif
