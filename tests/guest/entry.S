/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Protected-mode payload entries, loaded at 0x100000.
 *   0x100000: 32-bit entry (flat segments, ESI = boot_params): builds a
 *             long-mode environment from static page tables and jumps to
 *             the 64-bit entry.
 *   0x100200: 64-bit entry of the Linux boot protocol (long mode, identity
 *             paging set up by the loader, RSI = boot_params).
 */
    .section .head, "ax"
    .code32
    .globl entry32
entry32:
    cli
    cld
    /* 0x18 is flat data in the loader's GDT too (32-bit boot protocol). */
    movl $0x18, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %eax, %fs
    movl %eax, %gs
    lgdt boot_gdtr
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $0x20, %eax              /* PAE */
    movl %eax, %cr4
    movl $0xc0000080, %ecx       /* EFER.LME */
    rdmsr
    orl $0x100, %eax
    wrmsr
    movl %cr0, %eax
    orl $0x80000001, %eax        /* PG | PE */
    movl %eax, %cr0
    ljmp $0x08, $from32

    .org 0x200
    .code64
    .globl entry64
entry64:
    cli
    movl $64, %ebp
    jmp common64
from32:
    movl $32, %ebp
common64:
    cld
    movq %rsi, %rbx
    movq $stack_top, %rsp
    movq $__bss_start, %rdi
    movq $__bss_end, %rcx
    subq %rdi, %rcx
    shrq $3, %rcx
    xorl %eax, %eax
    rep stosq
    movq %rbx, %rdi
    movl %ebp, %esi
    call vkt_main
1:  cli
    hlt
    jmp 1b

    .section .data.boot, "aw"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff    /* 0x08: 64-bit code */
    .quad 0x00cf9a000000ffff    /* 0x10: 32-bit code */
    .quad 0x00cf92000000ffff    /* 0x18: data */
boot_gdtr:
    .word 4 * 8 - 1
    .long boot_gdt

    /* Static identity map of the first GiB with 2 MiB pages. */
    .balign 4096
    .globl boot_pml4, boot_pdpt, boot_pd
boot_pml4:
    .quad boot_pdpt + 3
    .fill 511, 8, 0
boot_pdpt:
    .quad boot_pd + 3
    .fill 511, 8, 0
boot_pd:
    .set i, 0
    .rept 512
    .quad (i << 21) | 0x83
    .set i, i + 1
    .endr

    .section .note.GNU-stack, "", @progbits
