#!/usr/bin/env python3
"""Writes the seed corpora of the virtio fuzzers (tests/fuzz/corpus/fuzz-virtio-*/).

Each seed is a valid guest: the layout of tests/virtio/fuzz-virtio.h with
queue 0 at desc 0x100 / avail 0x200 / used 0x300, queue 1 at 0x400 / 0x500 /
0x600, buffers from 0x800.  Run from the source root.
"""
import os
import struct

Q = [(0x100, 0x200, 0x300), (0x400, 0x500, 0x600)]
QSIZE = 8


class Guest:
    def __init__(self, flags=0):
        self.flags = flags
        self.mem = bytearray(0x1000)
        self.avail = [[], []]
        self.notify = []

    def desc(self, q, i, addr, length, flags=0, nxt=0):
        struct.pack_into("<QIHH", self.mem, Q[q][0] + 16 * i, addr, length, flags, nxt)

    def table(self, at, entries):
        for i, (addr, length, flags, nxt) in enumerate(entries):
            struct.pack_into("<QIHH", self.mem, at + 16 * i, addr, length, flags, nxt)

    def kick(self, q, head):
        self.avail[q].append(head)
        self.notify.append(q)

    def put(self, at, data):
        self.mem[at:at + len(data)] = data

    def build(self):
        for q in range(2):
            base = Q[q][1]
            struct.pack_into("<HH", self.mem, base, 0, len(self.avail[q]))
            for i, head in enumerate(self.avail[q]):
                struct.pack_into("<H", self.mem, base + 4 + 2 * i, head)
        hdr = bytearray(32)
        hdr[0] = self.flags
        hdr[1] = len(self.notify)
        for q in range(2):
            d, a, u = Q[q]
            struct.pack_into("<HHHH", hdr, 4 + 8 * q, QSIZE, d // 16, a // 2, u // 4)
        for i, q in enumerate(self.notify[:12]):
            hdr[20 + i] = q
        return bytes(hdr) + bytes(self.mem)


NEXT, WRITE, INDIRECT = 1, 2, 4


def write(name, seeds):
    d = os.path.join("tests", "fuzz", "corpus", name)
    os.makedirs(d, exist_ok=True)
    for seed_name, g in seeds.items():
        with open(os.path.join(d, seed_name), "wb") as f:
            f.write(g.build())


def rng():
    a = Guest()
    a.desc(0, 0, 0x800, 64, WRITE)
    a.kick(0, 0)
    b = Guest(flags=3)
    b.table(0x900, [(0x800, 16, WRITE | NEXT, 1), (0x820, 16, WRITE, 0)])
    b.desc(0, 2, 0x900, 32, INDIRECT)
    b.kick(0, 2)
    b.desc(0, 3, 0xa00, 8, WRITE)
    b.kick(0, 3)
    return {"write-buffer": a, "indirect-event-idx": b}


def balloon():
    # inflate: PFNs 0x8 (in RAM), 0x10 (just past RAM) and a partial one
    a = Guest()
    a.put(0x800, struct.pack("<III", 0x8, 0x10, 0xffffffff) + b"\x01\x02")
    a.desc(0, 0, 0x800, 14)
    a.kick(0, 0)
    # deflate, then inflate through an indirect table with event index
    b = Guest(flags=3)
    b.put(0x800, struct.pack("<II", 0x9, 0xa))
    b.desc(1, 0, 0x800, 8)
    b.kick(1, 0)
    b.table(0x900, [(0x800, 4, NEXT, 1), (0x804, 4, 0, 0)])
    b.desc(0, 1, 0x900, 32, INDIRECT)
    b.kick(0, 1)
    return {"inflate": a, "deflate-indirect": b}


def blk_req(kind, sector, data=b"", data_len=0, writable=False, flags=7, indirect=False):
    g = Guest(flags=flags)
    g.put(0x800, struct.pack("<IIQ", kind, 0, sector))
    g.put(0x900, data)
    chain = [(0x800, 16, NEXT, 1)]
    if data_len:
        chain.append((0x900, data_len, NEXT | (WRITE if writable else 0), 2))
    chain.append((0xc00, 1, WRITE, 0))
    if indirect:
        g.table(0xd00, [(a, l, f, n) for a, l, f, n in chain])
        g.desc(0, 0, 0xd00, 16 * len(chain), INDIRECT)
    else:
        for i, (a, l, f, n) in enumerate(chain):
            g.desc(0, i, a, l, f, n)
    g.kick(0, 0)
    return g


def blk():
    seg = lambda s, n, f: struct.pack("<QII", s, n, f)
    return {
        "read": blk_req(0, 2, data_len=512, writable=True),
        "write": blk_req(1, 3, data=bytes(range(256)) * 2, data_len=512),
        "flush": blk_req(4, 0),
        "get-id": blk_req(8, 0, data_len=20, writable=True),
        "discard": blk_req(11, 0, data=seg(8, 8, 0), data_len=16),
        "write-zeroes": blk_req(13, 0, data=seg(16, 8, 1), data_len=16),
        "read-indirect": blk_req(0, 4, data_len=512, writable=True, indirect=True),
        "read-past-end": blk_req(0, 127, data_len=1024, writable=True),
    }


def net():
    g = Guest(flags=4)
    g.desc(0, 0, 0x800, 1526, WRITE)
    g.kick(0, 0)
    frame = b"\xff" * 6 + b"\x52\x54\x00\x00\x00\x01" + b"\x88\xb5" + b"seed" * 12
    g.put(0xe00, bytes(12))
    g.put(0xe10, frame)
    g.desc(1, 0, 0xe00, 12, NEXT, 1)
    g.desc(1, 1, 0xe10, len(frame), 0, 0)
    g.kick(1, 0)
    return {"rx-and-tx": g}


def console():
    g = Guest()
    g.desc(0, 0, 0x800, 64, WRITE)
    g.kick(0, 0)
    g.put(0x900, b"hello from the guest\n")
    g.desc(1, 0, 0x900, 21, 0)
    g.kick(1, 0)
    return {"rx-and-tx": g}


class Raw:
    """A seed that is just bytes (fuzz-virtio-pci records)."""

    def __init__(self, data):
        self.data = data

    def build(self):
        return self.data


def pci():
    def rec(target, is_write, size_log2, off, val):
        return (struct.pack("<BBI", target, int(is_write) | (size_log2 << 1), off) +
                struct.pack("<Q", val)[:6])

    def cf8(slot, reg):
        return rec(0, True, 2, 0, 0x80000000 | (slot << 11) | (reg & 0xfc))

    enum = b"".join(cf8(s, 0) + rec(0, False, 2, 4, 0) for s in range(4))
    sizing = (rec(1, True, 2, (1 << 15) + 0x20, 0xffffffff) + rec(1, False, 2, (1 << 15) + 0x20, 0) +
              rec(1, True, 2, (2 << 15) + 0x24, 0xffffffff) + rec(1, False, 2, (2 << 15) + 0x24, 0) +
              rec(1, True, 2, (2 << 15) + 0x20, 0xc0200000) + rec(1, True, 2, (2 << 15) + 0x24, 0) +
              rec(1, True, 1, (2 << 15) + 0x04, 2) + rec(2, False, 2, 0x200012, 0))
    bringup = b"".join(rec(3, True, s, o, v) for s, o, v in [
        (0, 0x14, 0), (0, 0x14, 1), (0, 0x14, 3), (2, 0x08, 1), (2, 0x0c, 1), (0, 0x14, 11),
        (1, 0x16, 0), (1, 0x18, 8), (3, 0x20, 0x1000), (3, 0x28, 0x2000), (3, 0x30, 0x3000),
        (1, 0x1c, 1), (0, 0x14, 15), (1, 0x3000, 0), (2, 0x4000, 0xfee00000), (2, 0x4008, 0x41),
        (2, 0x400c, 0), (0, 0x1000, 0)])
    msix = cf8(1, 0x40) + rec(0, False, 2, 4, 0) + rec(1, True, 1, (1 << 15) + 0x42, 0xc000)
    return {"enumerate": Raw(enum), "bar-sizing": Raw(sizing),
            "driver-bringup": Raw(bringup), "msix": Raw(msix + bringup)}


write("fuzz-virtio-pci", pci())
write("fuzz-virtio-rng", rng())
write("fuzz-virtio-balloon", balloon())
write("fuzz-virtio-blk", blk())
write("fuzz-virtio-net", net())
write("fuzz-virtio-console", console())
