# SPDX-License-Identifier: LGPL-2.1-or-later
"""Helpers for tests that run the virtkvm test guest under some VMM.

Parsing of the guest's serial lines (README.md documents the formats), the
bzImage header, a deterministic test disk and its expected CRC32 values, the
test Ethernet frame, and a line reader for a serial socket/fd with timeouts.
Used by tests/guest/test-qemu.py and reusable for the virtkvm-vmm tests:

    sys.path.insert(0, os.path.join(os.environ['VIRTKVM_SOURCE_ROOT'], 'tests', 'guest'))
    import guestlib
"""
import os
import re
import select
import stat
import struct
import time
import zlib

SECTOR = 512
ETHERTYPE_TEST = 0x88B5
FRAME_PREFIX = 'virtkvm-test-frame '
CONSOLE_HELLO = 'virtkvm-test-guest console0 hello'
BANNER_RE = re.compile(r'^virtkvm-test-guest (\S+)$')

# Virtio PCI device ids of the modern (virtio 1.x) transport.
VIRTIO_PCI_IDS = {'net': '1af4:1041', 'blk': '1af4:1042', 'console': '1af4:1043',
                  'rng': '1af4:1044'}


def image_path():
    """The test guest image from the build tree (VKT_GUEST_IMAGE overrides)."""
    if os.environ.get('VKT_GUEST_IMAGE'):
        return os.environ['VKT_GUEST_IMAGE']
    return os.path.join(os.environ.get('VIRTKVM_BUILD_ROOT', 'build'),
                        'tests', 'guest', 'test-guest.bzImage')


# --- bzImage header ---------------------------------------------------------

_HEADER_FIELDS = [
    # name, offset, struct format
    ('setup_sects', 0x1F1, 'B'), ('root_flags', 0x1F2, 'H'), ('syssize', 0x1F4, 'I'),
    ('vid_mode', 0x1FA, 'H'), ('boot_flag', 0x1FE, 'H'), ('jump', 0x200, 'H'),
    ('header', 0x202, '4s'), ('version', 0x206, 'H'), ('kernel_version', 0x20E, 'H'),
    ('type_of_loader', 0x210, 'B'), ('loadflags', 0x211, 'B'), ('code32_start', 0x214, 'I'),
    ('initrd_addr_max', 0x22C, 'I'), ('kernel_alignment', 0x230, 'I'),
    ('relocatable_kernel', 0x234, 'B'), ('min_alignment', 0x235, 'B'),
    ('xloadflags', 0x236, 'H'), ('cmdline_size', 0x238, 'I'), ('pref_address', 0x258, 'Q'),
    ('init_size', 0x260, 'I'),
]


def parse_setup_header(data):
    """The Linux boot protocol header fields of a bzImage, as a dict."""
    if len(data) < 0x270:
        raise ValueError('image too short for a setup header')
    hdr = {name: struct.unpack_from('<' + fmt, data, off)[0] for name, off, fmt in _HEADER_FIELDS}
    sects = hdr['setup_sects'] or 4
    hdr['setup_size'] = (sects + 1) * SECTOR
    hdr['payload_size'] = len(data) - hdr['setup_size']
    voff = hdr['kernel_version'] + 0x200
    hdr['kernel_version_str'] = data[voff:data.index(b'\0', voff)].decode('ascii', 'replace')
    return hdr


# --- test disk and checksums ------------------------------------------------

def disk_pattern(sectors, seed=1):
    """Deterministic, sector-distinct contents: each sector names itself."""
    out = bytearray()
    for s in range(sectors):
        head = ('vkt-disk seed %d sector %d ' % (seed, s)).encode()
        body = bytes((s * 7 + i * 13 + seed) & 0xFF for i in range(SECTOR - len(head)))
        out += head + body
    return bytes(out)


def make_disk(path, sectors=2048, seed=1):
    """Writes a raw disk image of `sectors` sectors; returns its contents."""
    data = disk_pattern(sectors, seed)
    with open(path, 'wb') as f:
        f.write(data)
    return data


def crc32(data):
    return zlib.crc32(data) & 0xFFFFFFFF


def expected_read_crc(disk, sector, count):
    """The CRC32 the guest prints for `blk read SECTOR COUNT` of `disk` (bytes or path)."""
    if isinstance(disk, (str, os.PathLike)):
        with open(disk, 'rb') as f:
            f.seek(sector * SECTOR)
            return crc32(f.read(count * SECTOR))
    return crc32(disk[sector * SECTOR:(sector + count) * SECTOR])


def sector_is_pattern(path, sector, pattern):
    with open(path, 'rb') as f:
        f.seek(sector * SECTOR)
        return f.read(SECTOR) == bytes([pattern]) * SECTOR


# --- Ethernet frames --------------------------------------------------------

def parse_frame(frame):
    """(dst, src, ethertype, payload text or None) of a raw Ethernet frame."""
    if len(frame) < 14:
        return None
    mac = lambda b: ':'.join('%02x' % x for x in b)
    ethertype = struct.unpack_from('>H', frame, 12)[0]
    text = None
    if ethertype == ETHERTYPE_TEST:
        text = frame[14:].split(b'\0', 1)[0].decode('ascii', 'replace')
    return mac(frame[0:6]), mac(frame[6:12]), ethertype, text


def test_frame_text(seq):
    return FRAME_PREFIX + str(seq)


def build_frame(dst_mac, src_mac, text):
    """A test frame (ethertype 0x88b5) to send towards the guest."""
    raw = lambda m: bytes(int(x, 16) for x in m.split(':'))
    frame = raw(dst_mac) + raw(src_mac) + struct.pack('>H', ETHERTYPE_TEST) + text.encode()
    return frame + bytes(max(0, 60 - len(frame)))


# --- guest output -------------------------------------------------------------

_LINE_PATTERNS = [
    ('banner', BANNER_RE),
    ('boot', re.compile(r'^boot: entry (\d+) boot_params (0x[0-9a-f]+)$')),
    ('cmdline', re.compile(r'^cmdline: ?(.*)$')),
    ('e820', re.compile(r'^e820 (0x[0-9a-f]+) (0x[0-9a-f]+) (\d+)$')),
    ('pci', re.compile(r'^pci ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) ([0-9a-f]{4}:[0-9a-f]{4}) '
                       r'class ([0-9a-f]{6})$')),
    ('pcibar', re.compile(r'^pcibar (\S+) (\d) (io|mem32|mem64) (0x[0-9a-f]+) (firmware|assigned)$')),
    ('acpi', re.compile(r'^acpi: rsdp (0x[0-9a-f]+) pm1a_evt (0x[0-9a-f]+) '
                        r'pm1a_cnt (0x[0-9a-f]+) s5 (\d+)( \(default\))?$')),
    ('blk_capacity', re.compile(r'^blk(\d+): capacity (\d+) serial (\S+)$')),
    ('blk_read', re.compile(r'^blk(\d+): read (\d+) (\d+) crc32 (0x[0-9a-f]{8})$')),
    ('blk_write', re.compile(r'^blk(\d+): write (\d+) pattern (0x[0-9a-f]{2}) ok$')),
    ('net_mac', re.compile(r'^net(\d+): pci \S+ mac ([0-9a-f:]{17})$')),
    ('net_sent', re.compile(r'^net(\d+): sent (\d+) bytes seq (\d+)$')),
    ('net_received', re.compile(r'^net(\d+): received (\d+) bytes from ([0-9a-f:]{17}) '
                                r'payload (.*)$')),
    ('rng', re.compile(r'^rng0: (\d+) bytes ([0-9a-f]+)$')),
    ('console_rx', re.compile(r'^console0: rx (\d+) bytes (.*)$')),
    ('tick', re.compile(r'^tick (\d+)$')),
    ('ticks', re.compile(r'^ticks (\d+)$')),
    ('error', re.compile(r'^error: (.*)$')),
]


def parse_line(line):
    """(kind, match groups) for one guest line, or (None, None)."""
    line = line.rstrip('\r\n')
    for kind, rx in _LINE_PATTERNS:
        m = rx.match(line)
        if m:
            return kind, m.groups()
    return None, None


class GuestReport:
    """Everything the guest printed, parsed; feed it lines as they come."""

    def __init__(self):
        self.lines = []
        self.version = None
        self.entry = None
        self.cmdline = None
        self.e820 = []          # (start, size, type)
        self.pci = []           # (bdf, 'vvvv:dddd', 'cccccc')
        self.bars = []          # (bdf, index, kind, address, how)
        self.acpi = None
        self.blk = {}           # index -> (capacity, serial)
        self.blk_reads = []     # (index, sector, count, crc)
        self.blk_writes = []    # (index, sector, pattern)
        self.net_macs = {}
        self.net_sent = []      # (index, length, seq)
        self.net_received = []  # (index, length, src, payload)
        self.rng = []           # bytes
        self.console_rx = []
        self.ticks = []
        self.errors = []
        self.flags = set()      # 'ready', 'poweroff', 'power button', 'reset'

    def feed(self, line):
        line = line.rstrip('\r\n')
        self.lines.append(line)
        if line in ('ready', 'poweroff', 'power button', 'reset'):
            self.flags.add(line)
            return
        kind, g = parse_line(line)
        if kind == 'banner':
            self.version = g[0]
        elif kind == 'boot':
            self.entry = int(g[0])
        elif kind == 'cmdline':
            self.cmdline = g[0]
        elif kind == 'e820':
            self.e820.append((int(g[0], 16), int(g[1], 16), int(g[2])))
        elif kind == 'pci':
            self.pci.append(g)
        elif kind == 'pcibar':
            self.bars.append((g[0], int(g[1]), g[2], int(g[3], 16), g[4]))
        elif kind == 'acpi':
            self.acpi = {'rsdp': int(g[0], 16), 'pm1a_evt': int(g[1], 16),
                         'pm1a_cnt': int(g[2], 16), 's5': int(g[3]), 's5_default': bool(g[4])}
        elif kind == 'blk_capacity':
            self.blk[int(g[0])] = (int(g[1]), g[2])
        elif kind == 'blk_read':
            self.blk_reads.append((int(g[0]), int(g[1]), int(g[2]), int(g[3], 16)))
        elif kind == 'blk_write':
            self.blk_writes.append((int(g[0]), int(g[1]), int(g[2], 16)))
        elif kind == 'net_mac':
            self.net_macs[int(g[0])] = g[1]
        elif kind == 'net_sent':
            self.net_sent.append((int(g[0]), int(g[1]), int(g[2])))
        elif kind == 'net_received':
            self.net_received.append((int(g[0]), int(g[1]), g[2], g[3]))
        elif kind == 'rng':
            self.rng.append(bytes.fromhex(g[1]))
        elif kind == 'console_rx':
            self.console_rx.append(g[1])
        elif kind in ('tick', 'ticks'):
            self.ticks.append(int(g[0]))
        elif kind == 'error':
            self.errors.append(g[0])

    def usable_ram(self):
        return sum(size for _, size, typ in self.e820 if typ == 1)

    def pci_ids(self):
        return sorted(ident for _, ident, _ in self.pci)


class LineReader:
    """Lines from a serial fd, socket or file, with deadlines; keeps a GuestReport.

    `src` is an fd, an object with fileno(), or the path of a serial log file
    that the VMM is still writing (followed like tail -f).
    """

    def __init__(self, src, log=None):
        if isinstance(src, (str, os.PathLike)):
            self._file = open(src, 'rb')
            src = self._file
        self.fd = src.fileno() if hasattr(src, 'fileno') else src
        self.follow = stat.S_ISREG(os.fstat(self.fd).st_mode)
        self.buf = b''
        self.report = GuestReport()
        self.log = log
        self.eof = False

    def _fill(self, timeout):
        if self.follow:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                time.sleep(min(0.02, max(0.0, timeout)))
                return False
            self.buf += chunk
            return True
        r, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not r:
            return False
        chunk = os.read(self.fd, 65536)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def readline(self, timeout):
        """The next line (without CR/LF), or None at timeout/EOF."""
        deadline = time.monotonic() + timeout
        while b'\n' not in self.buf:
            if self.eof or not self._fill(deadline - time.monotonic()):
                if self.eof or time.monotonic() >= deadline:
                    return None
        line, self.buf = self.buf.split(b'\n', 1)
        text = line.decode('utf-8', 'replace').rstrip('\r')
        if self.log:
            self.log.write(text + '\n')
            self.log.flush()
        self.report.feed(text)
        return text

    def wait_for(self, pattern, timeout=30):
        """Reads lines until one matches `pattern` (regex); returns the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            line = self.readline(left) if left > 0 else None
            if line is None:
                raise TimeoutError('guest did not print /%s/ within %ss; last lines:\n%s' %
                                   (pattern, timeout, '\n'.join(self.report.lines[-15:])))
            m = rx.search(line)
            if m:
                return m
