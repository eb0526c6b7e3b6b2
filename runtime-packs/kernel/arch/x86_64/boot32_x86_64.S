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
