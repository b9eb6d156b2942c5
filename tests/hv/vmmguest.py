# SPDX-License-Identifier: LGPL-2.1-or-later
"""A tiny hand-written 64-bit guest packed into a bzImage for VMM tests.

It enters through the Linux boot protocol's 64-bit entry like a kernel, so
it exercises the same loader path.  Every step is a few thousand
instructions at most: on PVM hosts guests run in KVM's emulator.

Behaviour (first character of the kernel command line):
  'R'  reset once through the i8042 (a flag at 2 MiB survives the reset)
  'P'  report a panic on the pvpanic port
  'T'  triple fault (empty IDT, then int3)
  'M'  write to an unclaimed MMIO address, then continue
  else run the main loop
Main loop: enable the power-button event, then forever: power off when
PM1_STS.PWRBTN_STS is set, echo COM1 input, print '.' every 4096 turns.
"""
import os
import struct
import subprocess
import tempfile

GUEST_ASM = r'''
.code64
.globl _start
_start:
    mov %rsi, %r15
    lea banner(%rip), %rsi
    call puts
    mov 0x228(%r15), %esi
    call puts
    call newline
    lea e820msg(%rip), %rsi
    call puts
    movzbl 0x1e8(%r15), %eax
    mov %rax, %rcx
    call puthex
    call newline
    xor %rbx, %rbx
    lea 0x2d0(%r15), %rdi
    test %ecx, %ecx
    jz 3f
1:  cmpl $1, 16(%rdi)
    jne 2f
    add 8(%rdi), %rbx
2:  add $20, %rdi
    dec %ecx
    jnz 1b
3:  lea rammsg(%rip), %rsi
    call puts
    mov %rbx, %rax
    call puthex
    call newline
    lea rtcmsg(%rip), %rsi
    call puts
    mov $0x0b, %al
    out %al, $0x70
    in $0x71, %al
    movzbl %al, %eax
    call puthex
    call newline
    mov 0x228(%r15), %esi
    movzbl (%rsi), %eax
    cmp $'R', %al
    je do_reset
    cmp $'P', %al
    je do_panic
    cmp $'T', %al
    je do_triple
    cmp $'M', %al
    jne main
    mov $0xd0000000, %eax
    movl $0x12345678, (%rax)
    jmp main
do_reset:
    cmpl $0x55aa55aa, 0x200000
    je main
    movl $0x55aa55aa, 0x200000
    lea resetmsg(%rip), %rsi
    call puts
    mov $0xfe, %al
    out %al, $0x64
4:  hlt
    jmp 4b
do_panic:
    lea panicmsg(%rip), %rsi
    call puts
    mov $1, %al
    mov $0x505, %dx
    out %al, (%dx)
    jmp main
do_triple:
    lea triplemsg(%rip), %rsi
    call puts
    lidt nullidt(%rip)
    int3
    jmp main
main:
    mov $0x602, %dx
    mov $0x100, %ax
    out %ax, (%dx)
    lea readymsg(%rip), %rsi
    call puts
    xor %r12, %r12
loop:
    mov $0x600, %dx
    in (%dx), %ax
    test $0x100, %ax
    jnz poweroff
    mov $0x3fd, %dx
    in (%dx), %al
    test $1, %al
    jz 5f
    mov $0x3f8, %dx
    in (%dx), %al
    out %al, (%dx)
5:  inc %r12
    test $0xfff, %r12
    jnz loop
    mov $'.', %al
    mov $0x3f8, %dx
    out %al, (%dx)
    jmp loop
poweroff:
    lea offmsg(%rip), %rsi
    call puts
    mov $0x600, %dx
    mov $0x100, %ax
    out %ax, (%dx)
    mov $0x604, %dx
    mov $0x3400, %ax
    out %ax, (%dx)
6:  hlt
    jmp 6b

puts:
    mov $0x3f8, %dx
7:  lodsb
    test %al, %al
    jz 8f
    out %al, (%dx)
    jmp 7b
8:  ret
newline:
    mov $0x3f8, %dx
    mov $'\n', %al
    out %al, (%dx)
    ret
puthex:
    mov $0x3f8, %dx
    mov $16, %r8d
9:  rol $4, %rax
    mov %eax, %r9d
    and $0xf, %r9d
    lea hexdigits(%rip), %r10
    mov (%r10,%r9), %r9b
    xchg %al, %r9b
    out %al, (%dx)
    xchg %al, %r9b
    dec %r8d
    jnz 9b
    ret

nullidt: .word 0
         .quad 0
hexdigits: .ascii "0123456789abcdef"
banner: .asciz "virtkvm test guest\ncmdline: "
e820msg: .asciz "e820 entries: "
rammsg: .asciz "e820 ram: "
rtcmsg: .asciz "rtc regb: "
resetmsg: .asciz "resetting\n"
panicmsg: .asciz "panicking\n"
triplemsg: .asciz "triple fault\n"
readymsg: .asciz "ready\n"
offmsg: .asciz "\npower button: off\n"
'''


def assemble(src=GUEST_ASM):
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "g.S"), "w") as f:
            f.write(src)
        subprocess.run(["as", "--64", "-o", os.path.join(d, "g.o"), os.path.join(d, "g.S")],
                       check=True)
        subprocess.run(["objcopy", "-O", "binary", "-j", ".text",
                        os.path.join(d, "g.o"), os.path.join(d, "g.bin")], check=True)
        with open(os.path.join(d, "g.bin"), "rb") as f:
            return f.read()


def bzimage(code, version=0x20f, xloadflags=1, loadflags=1, magic=b"HdrS"):
    """Wraps 64-bit @code (entered at its first byte) in a bzImage."""
    payload = bytearray(0x200) + code
    setup = bytearray(1024)
    setup[0x1f1] = 1
    struct.pack_into("<H", setup, 0x1fe, 0xaa55)
    setup[0x200] = 0xeb
    setup[0x201] = 0x62
    setup[0x202:0x206] = magic
    struct.pack_into("<H", setup, 0x206, version)
    setup[0x211] = loadflags
    struct.pack_into("<I", setup, 0x214, 0x100000)
    struct.pack_into("<I", setup, 0x22c, 0x7fffffff)
    struct.pack_into("<I", setup, 0x230, 0x200000)
    setup[0x234] = 1
    struct.pack_into("<H", setup, 0x236, xloadflags)
    struct.pack_into("<I", setup, 0x238, 0x7ff)
    struct.pack_into("<Q", setup, 0x258, 0x1000000)
    struct.pack_into("<I", setup, 0x260, (len(payload) + 0xfff) & ~0xfff)
    return bytes(setup + payload)


def write_guest(path):
    with open(path, "wb") as f:
        f.write(bzimage(assemble()))
