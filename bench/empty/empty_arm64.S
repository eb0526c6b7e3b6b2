/* empty_arm64.S - the empty kernel of bench/boot.sh for arm64: a Linux arm64 Image (the 64-byte header QEMU's
 * -kernel recognises) that leaves at once through semihosting SYS_EXIT (QEMU exits with status 0), as the
 * unikernel leaves on QEMU virt. Linked as a flat binary (objcopy -O binary). */
        .text
        .globl _start
_start:
        b       entry                   /* code0 */
        .long   0                       /* code1 */
        .quad   0                       /* text_offset */
        .quad   image_end - _start      /* image_size */
        .quad   0xa                     /* flags: little endian, 4 KiB pages, anywhere in RAM */
        .quad   0, 0, 0                 /* reserved */
        .ascii  "ARM\x64"               /* magic */
        .long   0                       /* reserved (PE header offset) */
entry:
        mov     x0, #0x18               /* SYS_EXIT */
        adr     x1, exit_block
        hlt     #0xf000
1:      wfi
        b       1b
        .balign 8
exit_block:
        .quad   0x20026                 /* ADP_Stopped_ApplicationExit */
        .quad   0                       /* exit status */
image_end:
