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
/* The bundled files (a cpio archive), empty when nothing was bundled. Bracketed by the linker script rather than
 * reached through weak symbols: arm64's compiler loads a weak symbol's address from the GOT, which the linker
 * puts in the program's data (writable by the program, unreadable by the kernel under PAN). */
extern const char __uk_initrd_start[], __uk_initrd_end[];
/* The kernel self-test's entry (lib/selftest), present only in images linked with UnikraftKernelSelfTest: it
 * breaks the protection NAME on purpose (boot.h's uk.selftest=), false for an unknown NAME. */
typedef bool (*uk_selftest_fn)(const char *name, uptr udata, uptr ucode);
extern const uk_selftest_fn __uk_selftest_start[], __uk_selftest_end[];

#endif
