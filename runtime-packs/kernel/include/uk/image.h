/* image.h - symbols the linker script (unikraft_<arch>.ld) and the SDK's link step define: the bounds of
 * the kernel's and the program's segments, the program's entry and ELF header, the bundled files. */
#ifndef UK_IMAGE_H
#define UK_IMAGE_H
#include <uk/types.h>

extern char __uk_image_start[], __uk_image_end[];
extern char __uk_text_start[], __uk_text_end[], __uk_rodata_start[], __uk_rodata_end[];
extern char __uk_data_start[], __uk_data_end[], __uk_bss_start[], __uk_bss_end[];
extern char __prog_text_start[], __prog_text_end[], __prog_rodata_start[], __prog_rodata_end[];
extern char __prog_data_start[], __prog_data_end[], __prog_bss_start[], __prog_bss_end[];
/* The program's entry (musl's _start) and its ELF header. */
extern char _start[];
struct elf64_ehdr {
    u8 ident[16];
    u16 type, machine;
    u32 version;
    u64 entry, phoff, shoff;
    u32 flags;
    u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
extern const struct elf64_ehdr __ehdr_start;
/* The bundled files (a cpio archive), absent when nothing was bundled. */
extern const char _binary_ukinitrd_cpio_start[] __attribute__((weak));
extern const char _binary_ukinitrd_cpio_end[] __attribute__((weak));

#endif
