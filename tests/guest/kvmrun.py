#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A minimal KVM loader for the test guest: the Linux 64-bit boot protocol.

Independent of virtkvm-vmm: it loads the bzImage payload at 1 MiB, builds
boot_params (header copy, cmdline, e820), identity page tables and a GDT,
enters at payload + 0x200 in long mode with RSI = boot_params, and models
only COM1, the ACPI PM1a registers and the i8042 command port (no PCI, no
ACPI tables unless given a blob to load at 0xE0000: without one the guest
falls back to the machine layout's defaults).  It
checks the guest's 64-bit entry path in the environment of the CI machines.
"""
import ctypes
import fcntl
import mmap
import os
import struct
import time

KVMIO = 0xAE


def _io(nr):
    return (KVMIO << 8) | nr


def _iow(nr, size):
    return (1 << 30) | (size << 16) | (KVMIO << 8) | nr


def _ior(nr, size):
    return (2 << 30) | (size << 16) | (KVMIO << 8) | nr


def _iowr(nr, size):
    return (3 << 30) | (size << 16) | (KVMIO << 8) | nr


KVM_GET_API_VERSION = _io(0x00)
KVM_CREATE_VM = _io(0x01)
KVM_GET_VCPU_MMAP_SIZE = _io(0x04)
KVM_GET_SUPPORTED_CPUID = _iowr(0x05, 8)
KVM_CREATE_VCPU = _io(0x41)
KVM_SET_USER_MEMORY_REGION = _iow(0x46, 32)
KVM_RUN = _io(0x80)
KVM_GET_REGS = _ior(0x81, 144)
KVM_SET_REGS = _iow(0x82, 144)
KVM_GET_SREGS = _ior(0x83, 312)
KVM_SET_SREGS = _iow(0x84, 312)
KVM_SET_CPUID2 = _iow(0x90, 8)

EXIT_IO, EXIT_HLT, EXIT_MMIO, EXIT_SHUTDOWN = 2, 5, 6, 8

BOOT_PARAMS = 0x7000
CMDLINE = 0x20000
PML4 = 0x9000
GDT = 0x500
KERNEL = 0x100000
PM1A_EVT, PM1A_CNT = 0x600, 0x604
ACPI = 0xE0000


class Unsupported(Exception):
    pass


class KvmGuest:
    def __init__(self, image, cmdline, mem_mb=64, acpi=None):
        self.out = bytearray()
        self.input = bytearray()
        self.pm1_sts = 0
        self.pm1_en = 0
        self.pm1_cnt = 1                  # SCI_EN: ACPI mode, as without SMM
        self.sleep_value = None
        self.reset = False
        self.exits = 0
        self.mem_size = mem_mb << 20
        try:
            self.kvm = os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC)
        except OSError as e:
            raise Unsupported('/dev/kvm: %s' % e.strerror)
        if fcntl.ioctl(self.kvm, KVM_GET_API_VERSION) != 12:
            raise Unsupported('unexpected KVM API version')
        self.vm = fcntl.ioctl(self.kvm, KVM_CREATE_VM, 0)
        self.mem = mmap.mmap(-1, self.mem_size, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        addr = ctypes.addressof(ctypes.c_char.from_buffer(self.mem))
        region = struct.pack('<IIQQQ', 0, 0, 0, self.mem_size, addr)
        fcntl.ioctl(self.vm, KVM_SET_USER_MEMORY_REGION, region)
        self.vcpu = fcntl.ioctl(self.vm, KVM_CREATE_VCPU, 0)
        size = fcntl.ioctl(self.kvm, KVM_GET_VCPU_MMAP_SIZE)
        self.run_map = mmap.mmap(self.vcpu, size, mmap.MAP_SHARED,
                                 mmap.PROT_READ | mmap.PROT_WRITE)
        self._set_cpuid()
        self._load(open(image, 'rb').read(), cmdline.encode())
        if acpi:
            self.mem[ACPI:ACPI + len(acpi)] = acpi
        self._set_cpu_state()

    def close(self):
        self.run_map.close()
        os.close(self.vcpu)
        os.close(self.vm)
        self.mem.close()
        os.close(self.kvm)

    def _set_cpuid(self):
        nent = 128
        buf = bytearray(struct.pack('<II', nent, 0) + bytes(40 * nent))
        fcntl.ioctl(self.kvm, KVM_GET_SUPPORTED_CPUID, buf)
        fcntl.ioctl(self.vcpu, KVM_SET_CPUID2, buf)

    def _load(self, image, cmdline):
        sects = image[0x1F1] or 4
        setup_size = (sects + 1) * 512
        payload = image[setup_size:]
        m = self.mem
        m[KERNEL:KERNEL + len(payload)] = payload
        bp = bytearray(4096)
        hdr_end = 0x202 + image[0x201]
        bp[0x1F1:hdr_end] = image[0x1F1:hdr_end]
        bp[0x210] = 0xFF                                     # type_of_loader
        struct.pack_into('<I', bp, 0x228, CMDLINE)
        e820 = [(0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0xE0000, 0x20000, 2),
                (0x100000, self.mem_size - 0x100000, 1)]
        bp[0x1E8] = len(e820)
        for i, (start, size, typ) in enumerate(e820):
            struct.pack_into('<QQI', bp, 0x2D0 + 20 * i, start, size, typ)
        m[BOOT_PARAMS:BOOT_PARAMS + 4096] = bytes(bp)
        m[CMDLINE:CMDLINE + len(cmdline) + 1] = cmdline + b'\0'
        # Identity map of the first GiB with 2 MiB pages; GDT with 0x10 code, 0x18 data.
        struct.pack_into('<Q', m, PML4, (PML4 + 0x1000) | 3)
        struct.pack_into('<Q', m, PML4 + 0x1000, (PML4 + 0x2000) | 3)
        for i in range(512):
            struct.pack_into('<Q', m, PML4 + 0x2000 + 8 * i, (i << 21) | 0x83)
        struct.pack_into('<QQQQ', m, GDT, 0, 0, 0x00AF9A000000FFFF, 0x00CF92000000FFFF)

    def _set_cpu_state(self):
        sregs = bytearray(312)
        fcntl.ioctl(self.vcpu, KVM_GET_SREGS, sregs)

        def seg(idx, sel, typ, l, db):
            # base, limit, selector, type, present, dpl, db, s, l, g, avl, unusable
            struct.pack_into('<QIHBBBBBBBBBx', sregs, idx * 24, 0, 0xFFFFFFFF, sel, typ,
                             1, 0, db, 1, l, 1, 0, 0)
        seg(0, 0x10, 11, 1, 0)                               # cs
        for i in (1, 2, 3, 4, 5):                            # ds es fs gs ss
            seg(i, 0x18, 3, 0, 1)
        struct.pack_into('<QH', sregs, 192, GDT, 4 * 8 - 1)  # gdt
        struct.pack_into('<QQQQQQ', sregs, 224, 0x80000033, 0, PML4, 0x20, 0, 0x500)
        fcntl.ioctl(self.vcpu, KVM_SET_SREGS, sregs)
        regs = bytearray(144)
        struct.pack_into('<Q', regs, 4 * 8, BOOT_PARAMS)     # rsi
        struct.pack_into('<Q', regs, 6 * 8, 0x8FF00)         # rsp
        struct.pack_into('<QQ', regs, 128, KERNEL + 0x200, 2)
        fcntl.ioctl(self.vcpu, KVM_SET_REGS, regs)

    def send(self, text):
        self.input += text.encode()

    def power_button(self):
        self.pm1_sts |= 0x100

    def _pio(self, port, size, is_write, value):
        if port == 0x3F8 and is_write:
            self.out.append(value & 0xFF)
        elif port == 0x3F8:
            return self.input.pop(0) if self.input else 0
        elif port == 0x3FD:
            return 0x60 | (1 if self.input else 0)
        elif port == PM1A_EVT:
            if is_write:
                self.pm1_sts &= ~value
            return self.pm1_sts if not (self.pm1_sts & 0x100 and not self.pm1_en & 0x100) \
                else self.pm1_sts & ~0x100
        elif port == PM1A_EVT + 2:
            if is_write:
                self.pm1_en = value
            return self.pm1_en
        elif port == PM1A_CNT:
            if is_write and value & 0x2000:
                self.sleep_value = value
            elif is_write:
                self.pm1_cnt = value
            return self.pm1_cnt
        elif port == 0x64 and is_write and value == 0xFE:
            self.reset = True
        elif port == 0x64:
            return 0
        return (1 << (8 * size)) - 1

    def run(self, until, timeout):
        """Runs the vCPU until until(self) is true; returns the exit reason name."""
        deadline = time.monotonic() + timeout
        r = self.run_map
        while time.monotonic() < deadline:
            fcntl.ioctl(self.vcpu, KVM_RUN, 0)
            self.exits += 1
            reason = struct.unpack_from('<I', r, 8)[0]
            if reason == EXIT_IO:
                direction, size, port, count, off = struct.unpack_from('<BBHIQ', r, 32)
                for i in range(count):
                    at = off + i * size
                    if direction == 1:
                        v = int.from_bytes(r[at:at + size], 'little')
                        self._pio(port, size, True, v)
                    else:
                        v = self._pio(port, size, False, 0) & ((1 << (8 * size)) - 1)
                        r[at:at + size] = v.to_bytes(size, 'little')
            elif reason == EXIT_MMIO:
                length, is_write = struct.unpack_from('<IB', r, 48)
                if not is_write:
                    r[40:40 + length] = b'\xff' * length
            elif reason in (EXIT_HLT, EXIT_SHUTDOWN):
                return 'hlt' if reason == EXIT_HLT else 'shutdown'
            else:
                return 'exit %d' % reason
            if until(self):
                return 'done'
        return 'timeout'

    def text(self):
        return self.out.decode('ascii', 'replace').replace('\r', '')
