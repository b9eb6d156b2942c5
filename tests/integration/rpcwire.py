# SPDX-License-Identifier: LGPL-2.1-or-later
"""A minimal raw client of libvirt's wire protocol for protocol tests:
builds packets, sends calls and decodes replies and remote_error."""
import socket
import struct

REMOTE = 0x20008086
KEEPALIVE = 0x6b656570
ADMIN = 0x06900690
CALL, REPLY, MESSAGE, STREAM = 0, 1, 2, 3
OK, ERROR, CONTINUE = 0, 1, 2


def packet(prog, proc, payload=b'', serial=0, mtype=CALL, status=OK, vers=1):
    body = struct.pack('>IIiIII', prog, vers, proc, mtype, serial, status) + payload
    return struct.pack('>I', len(body) + 4) + body


def xdr_string(s):
    b = s.encode()
    return struct.pack('>I', len(b)) + b + b'\0' * (-len(b) % 4)


def xdr_int(v):
    return struct.pack('>i', v)


class Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def int(self):
        v, = struct.unpack_from('>i', self.data, self.pos)
        self.pos += 4
        return v

    def uint(self):
        v, = struct.unpack_from('>I', self.data, self.pos)
        self.pos += 4
        return v

    def hyper(self):
        v, = struct.unpack_from('>Q', self.data, self.pos)
        self.pos += 8
        return v

    def string(self):
        n = self.uint()
        s = self.data[self.pos:self.pos + n].decode(errors='replace')
        self.pos += n + (-n % 4)
        return s

    def opt_string(self):
        return self.string() if self.uint() else None


def decode_error(payload):
    r = Reader(payload)
    code, domain = r.int(), r.int()
    message = r.opt_string()
    return code, domain, message


class Conn:
    def __init__(self, path, timeout=10):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)   # blocking, as libvirt's client connects
        self.sock.settimeout(timeout)
        self.serial = 0

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def recv_exact(self, n):
        buf = b''
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError('connection closed')
            buf += chunk
        return buf

    def recv_packet(self):
        """Returns (header tuple, payload); header = prog, vers, proc, type, serial, status."""
        length, = struct.unpack('>I', self.recv_exact(4))
        body = self.recv_exact(length - 4)
        return struct.unpack('>IIiIII', body[:24]), body[24:]

    def recv_reply(self):
        """Skips keepalive and event messages."""
        while True:
            hdr, payload = self.recv_packet()
            if hdr[3] == REPLY:
                return hdr, payload
            if hdr[0] == KEEPALIVE and hdr[2] == 1:
                self.send(packet(KEEPALIVE, 2, mtype=MESSAGE))

    def call(self, proc, payload=b'', prog=REMOTE):
        serial = self.serial
        self.serial += 1
        self.send(packet(prog, proc, payload, serial))
        hdr, body = self.recv_reply()
        assert hdr[4] == serial, 'reply serial %d != %d' % (hdr[4], serial)
        if hdr[5] == ERROR:
            return 'error', decode_error(body)
        return 'ok', body

    def handshake(self, readonly=False):
        st, _ = self.call(66)
        assert st == 'ok'
        st, _ = self.call(1, struct.pack('>II', 0, 1 if readonly else 0))
        assert st == 'ok', _
