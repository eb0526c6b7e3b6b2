/* boot32_x86_64.S - the PVH entry: 32-bit protected mode, paging off, EBX = hvm_start_info.
 * Clears the kernel's .bss, identity-maps the first 4 GiB with 2 MiB pages, enters long mode and
 * calls uk_plat_entry(start_info) on the boot stack. The real page tables come later, in C. */
#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

    .section .note.Xen, "a", @note
    .balign 4
    .long 4                 /* name size */
    .long 4                 /* descriptor size */
    .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long uk_arch_entry    /* 32-bit physical entry point */
    .balign 4

    .section .text.boot32, "ax"
    .code32
    .globl uk_arch_entry
uk_arch_entry:
    cli
    cld
    movl %ebx, %esi                 /* keep start_info across the bss clear */

    /* Too little RAM: no RAM entry of the start info's memory map holds the whole image up to __uk_image_end,
     * whose .bss holds the stack and page tables below. Say so on COM1 and power off with a non-zero code (the
     * debug-exit ports of exit_pvh.c, then the i8042 reset), rather than fault on memory that is not there.
     * A start info without a memory map is left to pvh_info.c, which says so. */
    cmpl $1, 4(%esi)                /* version */
    jb 4f
    movl 40(%esi), %ebx             /* memmap_paddr, below 4 GiB */
    movl 48(%esi), %ecx             /* memmap_entries */
    testl %ebx, %ebx
    jz 4f
1:  testl %ecx, %ecx
    jz uk_boot_too_little_memory
    cmpl $1, 16(%ebx)               /* type: RAM */
    jne 2f
    cmpl $0, 4(%ebx)                /* base above 4 GiB */
    jne 2f
    movl (%ebx), %eax
    cmpl $__uk_image_start, %eax
    ja 2f
    addl 8(%ebx), %eax              /* end = base + size, 64 bits */
    movl 12(%ebx), %edx
    adcl $0, %edx
    jnz 4f
    cmpl $__uk_image_end, %eax
    jae 4f
2:  addl $24, %ebx                  /* struct hvm_memmap_table_entry */
    decl %ecx
    jmp 1b
4:

    /* Zero the kernel's .bss (the loader may leave it as it found it). */
    movl $__uk_bss_start, %edi
    movl $__uk_bss_end, %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl

    movl $uk_arch_boot_stack_top, %esp
    movl %esi, uk_arch_boot_start_info

    /* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages (present|rw|ps). */
    movl $uk_boot_pdpt, %eax
    orl $0x3, %eax
    movl %eax, uk_boot_pml4
    movl %eax, uk_boot_pml4 + 192 * 8   /* and at the direct-map base, 0x600000000000 */
    movl $uk_boot_pd, %edi
    movl $0, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax
    movl %eax, (%edi, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax                  /* high dword: bits 32+ of (ecx << 21) */
    movl %eax, 4(%edi, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jne 1b
    movl $uk_boot_pd, %eax
    orl $0x3, %eax
    movl %eax, uk_boot_pdpt
    addl $0x1000, %eax
    movl %eax, uk_boot_pdpt + 8
    addl $0x1000, %eax
    movl %eax, uk_boot_pdpt + 16
    addl $0x1000, %eax
    movl %eax, uk_boot_pdpt + 24

    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $uk_boot_pml4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx
    rdmsr
    orl $(EFER_LME | EFER_NXE), %eax
    wrmsr
    movl %cr0, %eax
    orl $(CR0_PE | CR0_PG | CR0_WP), %eax
    movl %eax, %cr0

    lgdt uk_boot_gdt_desc
    ljmp $0x08, $uk_boot_entry64

    .code64
uk_boot_entry64:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    movq $uk_arch_boot_stack_top, %rsp
    xorl %ebp, %ebp
    movl uk_arch_boot_start_info, %edi
    call uk_plat_entry
2:  hlt
    jmp 2b

    .code32
/* No stack here (PVH gives none and .bss is not RAM): loops only. */
uk_boot_too_little_memory:
    movw $0x3f8, %dx                /* COM1 */
    movl $uk_boot_memory_text, %esi
5:  lodsb
    testb %al, %al
    jz 6f
    outb %al, %dx
    jmp 5b
6:  movl $__uk_image_end, %ebx      /* the image's end in hex */
    movl $8, %ecx
7:  roll $4, %ebx
    movl %ebx, %eax
    andl $0xf, %eax
    movb uk_boot_hex(%eax), %al
    outb %al, %dx
    decl %ecx
    jnz 7b
    movl $uk_boot_memory_fix, %esi
8:  lodsb
    testb %al, %al
    jz 9f
    outb %al, %dx
    jmp 8b
9:  movw $0x402, %dx                /* the launcher's control port (exit_pvh.c) */
    movl $uk_boot_panic_line, %esi
10: lodsb
    testb %al, %al
    jz 11f
    outb %al, %dx
    jmp 10b
11: movw $0xf4, %dx
    movl $127, %eax
    outl %eax, %dx
    movb $0xfe, %al
    outb %al, $0x64
12: hlt
    jmp 12b

/* The texts next to the code: where it was loaded, they were too. */
uk_boot_memory_text:
    .asciz "[uk] too little memory: this VM's RAM ends before the image does (at 0x"
uk_boot_memory_fix:
    .asciz ", with its .bss); give the VM more memory (QEMU -m, Firecracker mem_size_mib, UnikraftMemory)\r\n"
uk_boot_panic_line:
    .asciz "panic\n"
uk_boot_hex:
    .ascii "0123456789abcdef"

    .section .rodata.boot32, "a"
    .balign 16
uk_boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
uk_boot_gdt_end:
uk_boot_gdt_desc:
    .word uk_boot_gdt_end - uk_boot_gdt - 1
    .long uk_boot_gdt

    .section .bss.boot32, "aw", @nobits
    .balign 4096
uk_boot_pml4:   .skip 4096
uk_boot_pdpt:   .skip 4096
uk_boot_pd:     .skip 4096 * 4
    .globl uk_arch_boot_stack_top
uk_boot_stack:  .skip 32768
uk_arch_boot_stack_top:
    .globl uk_arch_boot_start_info
uk_arch_boot_start_info: .skip 8

    .section .note.GNU-stack, "", @progbits
