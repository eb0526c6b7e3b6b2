// A minimal arm64 "kernel" for the Image writer's tests: position independent (QEMU loads an Image at the
// start of RAM, not at its link address), it prints a line and the words of its .data on the PL011 of QEMU's
// virt machine (0x09000000), then leaves through semihosting SYS_EXIT with status 42.
        .text
        .globl _start
        .balign 4
        nop                             // the entry is not the first instruction: the branch must skip
        nop
_start:
        movz    x2, #0x0900, lsl #16    // PL011 data register
        adr     x3, message
1:      ldrb    w1, [x3], #1
        cbz     w1, 2f
        strb    w1, [x2]
        b       1b
2:      adr     x3, marker              // .data reaches the Image too: print its word as 8 characters
        ldr     x4, [x3]
        mov     x5, #8
3:      strb    w4, [x2]
        lsr     x4, x4, #8
        subs    x5, x5, #1
        b.ne    3b
        mov     w1, #'\n'
        strb    w1, [x2]
        adr     x3, bss_word            // .bss lies within image_size, where nothing else is loaded: zero
        ldr     x4, [x3]
        cbnz    x4, 4f
        mov     x0, #0x18               // SYS_EXIT (extended) with ADP_Stopped_ApplicationExit and 42
        adr     x1, exit_block
        hlt     #0xf000
4:      b       4b

        .section .rodata
message: .asciz "arm64 image: hello\n"
        .balign 8
exit_block: .quad 0x20026, 42

        .data
        .balign 8
marker: .ascii "DATA-OK!"

        .bss
        .balign 8
bss_word: .skip 8
        .skip 8192
