/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Real-mode setup code, placed at offset 0x280 of the setup area (the
 * packer writes the boot header at 0x1F1 and a jump here at 0x200).  A
 * loader that uses the 16-bit boot protocol (QEMU -kernel, boot loaders)
 * enters at setup segment + 0x20, offset 0.  We collect the BIOS e820 map
 * into a fresh boot_params, enable A20, enter protected mode and jump to the
 * 32-bit entry at 0x100000 with ESI = boot_params, as the 32-bit protocol
 * wants.  The e820 table (0x2D0..0xCD0 of boot_params) overlaps this code, so
 * like Linux we build boot_params apart: a copy of the header in the page at
 * setup + 0x1000 (loaders give the setup at least 0x8000 bytes).
 * Addresses here are offsets from the start of the setup area.
 */
    .code16
    .section .setup, "ax"
    .globl setup_start
setup_start:
    cli
    cld
    movw %cs, %ax
    subw $0x20, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw $0x3000, %sp

    /* New zero page at 0x1000: the loader's header (0x000-0x27F), zeroes after. */
    movw $0x1000, %di
    xorw %si, %si
    movw $0x280, %cx
    rep movsb
    xorb %al, %al
    movw $0x1000 - 0x280, %cx
    rep stosb

    /* Fast A20 gate, only when it is not already on. */
    inb $0x92, %al
    testb $2, %al
    jnz 1f
    orb $2, %al
    andb $0xfe, %al
    outb %al, $0x92
1:
    /* BIOS e820 into boot_params.e820_table (0x2D0, 20-byte entries). */
    xorl %ebx, %ebx
    movw $0x1000 + 0x2d0, %di
2:
    movl $0xe820, %eax
    movl $0x534d4150, %edx
    movl $20, %ecx
    int $0x15
    jc 3f
    cmpl $0x534d4150, %eax
    jne 3f
    incb 0x1000 + 0x1e8
    addw $20, %di
    cmpb $128, 0x1000 + 0x1e8
    jae 3f
    testl %ebx, %ebx
    jnz 2b
3:
    cli
    /* Linear address of the setup area, then the GDT base. */
    xorl %ebx, %ebx
    movw %ds, %bx
    shll $4, %ebx
    movl %ebx, %eax
    addl $setup_gdt, %eax
    movl %eax, setup_gdtr + 2
    lgdtl setup_gdtr

    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    leal 0x1000(%ebx), %esi
    /* ljmpl $0x10, $0x100000 */
    .byte 0x66, 0xea
    .long 0x100000
    .word 0x10

    .balign 8
setup_gdt:
    .quad 0
    .quad 0
    .quad 0x00cf9a000000ffff    /* 0x10: flat 32-bit code */
    .quad 0x00cf92000000ffff    /* 0x18: flat data */
setup_gdtr:
    .word 4 * 8 - 1
    .long 0

    .globl setup_version
setup_version:
    .asciz "virtkvm-test-guest"
