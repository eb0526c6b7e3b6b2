/* boot_arm64.S - the Linux arm64 Image entry (QEMU virt and Firecracker): MMU off, x0 = FDT physical
 * address, at EL2 or EL1. Drops to EL1, moves the Image's packed segments to their places (unpack_arm64.c),
 * clears the kernel's .bss, builds the early page tables
 * (early_arm64.c, still position-independent), turns the MMU on and continues at the linked virtual
 * addresses in uk_plat_entry(fdt_pa, image_pa). The real page tables come later, in C. */
#define SCTLR_RES1 ((1 << 29) | (1 << 28) | (1 << 23) | (1 << 22) | (1 << 20) | (1 << 11))
/* M C SA SA0 I DZE UCT nTWI nTWE UCI, SPAN (PAN stays off on entry), alignment checks off (A = 0). */
#define SCTLR_ON (SCTLR_RES1 | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 12) | (1 << 14) | \
                  (1 << 15) | (1 << 16) | (1 << 18) | (1 << 26))
/* MAIR: 0 Device-nGnRnE, 1 Normal write-back, 2 Device-nGnRE, 3 Normal non-cacheable. */
#define MAIR_VALUE 0x4404ff00
/* TCR: 48-bit TTBR0 with 4 KiB granule, write-back inner-shareable walks; TTBR1 walks off (EPD1). */
#define TCR_VALUE ((16 << 0) | (1 << 8) | (1 << 10) | (3 << 12) | (16 << 16) | (1 << 23) | (2 << 30))
#define HCR_RW (1 << 31)

    .section .text.boot, "ax"
    .globl uk_arch_entry
uk_arch_entry:
    msr daifset, #0xf
    mov x19, x0                     /* FDT */

    mrs x1, CurrentEL
    lsr x1, x1, #2
    cmp x1, #2
    b.ne 1f
    /* EL2 (QEMU with virtualization=on): EL1 in AArch64, counters and FP untrapped, then drop. */
    mov x1, #HCR_RW
    msr hcr_el2, x1
    mov x1, #3
    msr cnthctl_el2, x1
    msr cntvoff_el2, xzr
    mov x1, #0x33ff
    msr cptr_el2, x1
    mrs x1, id_aa64pfr0_el1         /* GICv3 system registers: let EL1 use them (ICC_SRE_EL2) */
    ubfx x1, x1, #24, #4
    cbz x1, 6f
    mrs x1, s3_4_c12_c9_5
    orr x1, x1, #0xf                /* SRE, DFB, DIB, Enable */
    msr s3_4_c12_c9_5, x1
    isb
6:
    mov x1, #0x3c5                  /* EL1h, DAIF masked */
    msr spsr_el2, x1
    adr x1, 1f
    msr elr_el2, x1
    eret
1:  ldr x1, =SCTLR_RES1             /* MMU and caches off while the tables are built */
    msr sctlr_el1, x1
    isb

    adrp x1, uk_arch_boot_stack_top /* MMU off: PC-relative gives the physical address */
    add x1, x1, :lo12:uk_arch_boot_stack_top
    mov sp, x1
    bl uk_arch_early_unpack         /* the packed segments to their places, before anything reads them */

    adrp x20, __uk_image_start
    adrp x1, __uk_bss_start
    add x1, x1, :lo12:__uk_bss_start
    adrp x2, __uk_bss_end
    add x2, x2, :lo12:__uk_bss_end
2:  cmp x1, x2
    b.hs 3f
    stp xzr, xzr, [x1], #16
    b 2b
3:  mov x0, x20
    mov x1, x19
    bl uk_arch_early_tables        /* returns the TTBR0 value */

    msr ttbr0_el1, x0
    ldr x1, =MAIR_VALUE
    msr mair_el1, x1
    ldr x1, =TCR_VALUE
    mrs x2, id_aa64mmfr0_el1        /* physical address size → TCR.IPS */
    and x2, x2, #7
    bfi x1, x2, #32, #3
    msr tcr_el1, x1
    mov x1, #(3 << 20)              /* CPACR.FPEN: FP/SIMD at EL0 and EL1 */
    msr cpacr_el1, x1
    isb
    tlbi vmalle1
    dsb nsh
    isb
    ldr x1, =SCTLR_ON
    msr sctlr_el1, x1
    isb
    ldr x1, =4f                     /* the linked (virtual) address */
    br x1
4:  ldr x1, =uk_arch_boot_stack_top
    mov sp, x1
    ldr x1, =uk_arch_vectors
    msr vbar_el1, x1
    isb
    mov x0, x19
    mov x1, x20
    bl uk_plat_entry
5:  wfi
    b 5b
    .ltorg

    .section .bss
    .balign 16
uk_boot_stack:
    .skip 16384
    .globl uk_arch_boot_stack_top
uk_arch_boot_stack_top:

    .section .note.GNU-stack, "", @progbits
