/* empty_x86_64.S - the empty kernel of bench/boot.sh for x86_64: a PVH entry (the Xen note QEMU's -kernel
 * looks for) that leaves at once through isa-debug-exit (port 0xf4; QEMU exits with status 1). Launching it
 * measures what QEMU itself costs on the machine and accelerator that the unikernel boots on. */
        .section .note.pvh, "a", @note
        .balign 4
        .long 4, 4, 18                  /* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
        .asciz "Xen"
        .long empty_start

        .text
        .code32
        .globl empty_start
empty_start:
        xor %eax, %eax
        mov $0xf4, %dx
        outl %eax, %dx                  /* isa-debug-exit: status (0 << 1) | 1 */
1:      cli
        hlt
        jmp 1b
