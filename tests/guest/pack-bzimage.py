#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Pack the linked test guest (ELF) into a Linux bzImage-format file.

The ELF has two PT_LOAD segments: the real-mode setup code (addresses are
offsets in the setup area, starting at 0x280) and the protected-mode payload
linked at 1 MiB.  The output is the setup area (boot sector + SETUP_SECTS
sectors, with the boot protocol header at 0x1F1) followed by the payload.
"""
import struct
import sys

SETUP_SECTS = 4
SETUP_SIZE = (SETUP_SECTS + 1) * 512
SETUP_CODE = 0x280
KERNEL_ADDR = 0x100000
BOOT_VERSION = 0x020F
LOADED_HIGH = 0x01
XLF_KERNEL_64 = 0x01
CMDLINE_SIZE = 2047
KERNEL_ALIGNMENT = 0x200000


def load_segments(path):
    data = open(path, 'rb').read()
    if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
        sys.exit('%s: not a little-endian ELF64 file' % path)
    phoff, = struct.unpack_from('<Q', data, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', data, 0x36)
    segs = []
    for i in range(phnum):
        p_type, _, off, vaddr, paddr, filesz, memsz, _ = struct.unpack_from(
            '<IIQQQQQQ', data, phoff + i * phentsize)
        if p_type == 1:
            segs.append((paddr, data[off:off + filesz], memsz))
    return segs


def pack(elf, out, version):
    setup = bytearray(SETUP_SIZE)
    payload = bytearray()
    image_end = KERNEL_ADDR
    setup_end = SETUP_CODE
    for paddr, body, memsz in load_segments(elf):
        if paddr < KERNEL_ADDR:
            if paddr < SETUP_CODE or paddr + len(body) > SETUP_SIZE:
                sys.exit('setup code does not fit in 0x%x..0x%x' % (SETUP_CODE, SETUP_SIZE))
            setup[paddr:paddr + len(body)] = body
            setup_end = max(setup_end, paddr + len(body))
        else:
            off = paddr - KERNEL_ADDR
            if len(payload) < off:
                payload += bytes(off - len(payload))
            payload[off:off + len(body)] = body
            image_end = max(image_end, paddr + memsz)
    if len(payload) < 0x210:
        sys.exit('payload too small: no 64-bit entry at 0x200')
    payload += bytes(-len(payload) % 16)

    vstr = ('virtkvm-test-guest %s' % version).encode() + b'\0'
    voff = (setup_end + 15) & ~15
    if voff + len(vstr) > SETUP_SIZE:
        sys.exit('no room for the version string')
    setup[voff:voff + len(vstr)] = vstr

    init_size = (image_end - KERNEL_ADDR + 0xfff) & ~0xfff
    struct.pack_into('<B', setup, 0x1F1, SETUP_SECTS)
    struct.pack_into('<H', setup, 0x1F2, 0)                    # root_flags
    struct.pack_into('<I', setup, 0x1F4, len(payload) // 16)   # syssize
    struct.pack_into('<H', setup, 0x1FA, 0xFFFF)               # vid_mode: normal
    struct.pack_into('<H', setup, 0x1FE, 0xAA55)               # boot_flag
    setup[0x200:0x202] = bytes([0xEB, SETUP_CODE - 0x202])     # jmp short setup code
    setup[0x202:0x206] = b'HdrS'
    struct.pack_into('<H', setup, 0x206, BOOT_VERSION)
    struct.pack_into('<H', setup, 0x20E, voff - 0x200)         # kernel_version
    struct.pack_into('<B', setup, 0x211, LOADED_HIGH)          # loadflags
    struct.pack_into('<I', setup, 0x214, KERNEL_ADDR)          # code32_start
    struct.pack_into('<I', setup, 0x22C, 0x7FFFFFFF)           # initrd_addr_max
    struct.pack_into('<I', setup, 0x230, KERNEL_ALIGNMENT)
    struct.pack_into('<B', setup, 0x234, 0)                    # relocatable_kernel
    struct.pack_into('<B', setup, 0x235, 21)                   # min_alignment (log2)
    struct.pack_into('<H', setup, 0x236, XLF_KERNEL_64)        # xloadflags
    struct.pack_into('<I', setup, 0x238, CMDLINE_SIZE)
    struct.pack_into('<Q', setup, 0x258, KERNEL_ADDR)          # pref_address
    struct.pack_into('<I', setup, 0x260, init_size)

    with open(out, 'wb') as f:
        f.write(setup)
        f.write(payload)


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit('usage: pack-bzimage.py GUEST.elf OUTPUT VERSION')
    pack(sys.argv[1], sys.argv[2], sys.argv[3])
