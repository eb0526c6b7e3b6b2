/* pvh-kernel.S - a tiny x86_64 PVH "kernel" for tests: prints its command line on the serial port, then
 * leaves through the exit protocol of docs/runtime-pack.md. Assembled with `as --64`, modes by --defsym:
 *   (default)  control line "exit 42", status 42
 *   PANIC      control line "panic",   status 127
 *   SILENT     no control line,         status 7
 * Its code sits in .uk.text so that a fake runtime pack can put it into libukcore.a. */

        .section .note.pvh, "a", @note
        .balign 4
        .long 4, 4, 18                  /* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
        .asciz "Xen"
        .long uk_test_pvh_start

        .section .uk.text, "ax"
        .code32
        .globl uk_test_pvh_start
uk_test_pvh_start:
        mov 24(%ebx), %esi              /* hvm_start_info.cmdline_paddr (low half) */
        mov $0x3f8, %dx                 /* COM1 */
        test %esi, %esi
        jz 2f
1:      lodsb
        test %al, %al
        jz 2f
        outb %al, %dx
        jmp 1b
2:      mov $'\n', %al
        outb %al, %dx
        mov $uk_test_control, %esi
        mov $0x402, %dx                 /* isa-debugcon: the control line */
3:      lodsb
        test %al, %al
        jz 4f
        outb %al, %dx
        jmp 3b
4:
.ifdef PANIC
        mov $127, %eax
.else
.ifdef SILENT
        mov $7, %eax
.else
        mov $42, %eax
.endif
.endif
        mov $0xf4, %dx                  /* isa-debug-exit: QEMU exits with (eax << 1) | 1 */
        outl %eax, %dx
5:      hlt
        jmp 5b

        .section .uk.rodata, "a"
uk_test_control:
.ifdef PANIC
        .asciz "panic\n"
.else
.ifdef SILENT
        .byte 0
.else
        .asciz "exit 42\n"
.endif
.endif
