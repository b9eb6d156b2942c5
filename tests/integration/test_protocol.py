#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Raw wire protocol: the answers libvirtd gives to misuse (measured in
shared/protocol/wire.md), keepalive both ways, and CONNECT_CLOSE."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check  # noqa: E402
from rpcwire import (ADMIN, KEEPALIVE, MESSAGE, OK, REPLY, Conn, packet,  # noqa: E402
                     xdr_int)


def expect_error(result, code, domain, text):
    st, err = result
    check(st == 'error', 'expected an error, got %r' % (result,))
    check(err[0] == code and err[1] == domain and text in (err[2] or ''),
          'got %r, expected %d/%d %r' % (err, code, domain, text))


def main():
    cfg = {'keepalive_interval': 1, 'keepalive_count': 2}
    with Daemon(config=cfg) as d:
        c = Conn(d.sock)
        expect_error(c.call(3), 39, 7, 'authentication required')
        expect_error(c.call(9999), 39, 7, 'unknown procedure: 9999')
        expect_error(c.call(0), 39, 7, 'unknown procedure: 0')
        expect_error(c.call(1, prog=0x12345678), 39, 7, 'Cannot find program 305419896 version 1')
        check(c.call(66)[0] == 'ok', 'auth list')
        expect_error(c.call(3), 1, 7, 'hypervisor connection not open')
        expect_error(c.call(60, xdr_int(14)), 1, 7, 'hypervisor connection not open')
        st, body = c.call(60, xdr_int(10))
        check(st == 'ok' and struct.unpack('>i', body)[0] == 1, 'feature 10 before open')
        check(c.call(1, struct.pack('>II', 0, 0))[0] == 'ok', 'open')
        expect_error(c.call(1, struct.pack('>II', 0, 0)), 1, 7, 'connection already open')
        for feature, want in ((14, 1), (15, 1), (8, 1), (9, 1), (4, 0), (13, 0), (999, 0)):
            st, body = c.call(60, xdr_int(feature))
            check(st == 'ok' and struct.unpack('>i', body)[0] == want, 'feature %d' % feature)
        # Known but unimplemented: NO_SUPPORT naming the procedure.
        expect_error(c.call(53, b'\0' * 24), 3, 7, 'DOMAIN_CORE_DUMP')
        # The QEMU program: no monitor, NO_SUPPORT naming the procedure.
        expect_error(c.call(1, b'', prog=0x20008087), 3, 7, 'QEMU DOMAIN_MONITOR_COMMAND')
        expect_error(c.call(99, b'', prog=0x20008087), 39, 7, 'unknown procedure: 99')
        # Malformed arguments.
        expect_error(c.call(23, b'\xff\xff\xff\xff'), 39, 7, 'Unable to decode')
        expect_error(c.call(4, b'junk'), 39, 7, 'Unable to decode')
        # A lookup with libvirt's exact message.
        expect_error(c.call(23, struct.pack('>I', 1) + b'x\0\0\0'), 42, 10,
                     "Domain not found: no domain with matching name 'x'")

        # The client PINGs: the daemon PONGs.
        c.send(packet(KEEPALIVE, 1, mtype=MESSAGE))
        hdr, _ = c.recv_packet()
        check(hdr[0] == KEEPALIVE and hdr[2] == 2 and hdr[3] == MESSAGE, 'pong %r' % (hdr,))
        # Silence after probing feature 10: the daemon PINGs us.
        c.sock.settimeout(30)  # a hang deadline; pings come every second
        hdr, _ = c.recv_packet()
        check(hdr[0] == KEEPALIVE and hdr[2] == 1, 'ping %r' % (hdr,))
        c.send(packet(KEEPALIVE, 2, mtype=MESSAGE))
        # Never answering: closed after keepalive_count unanswered pings
        # (counted, not timed: a loaded machine delays the daemon's timer).
        pings = 0
        try:
            while pings <= cfg['keepalive_count'] + 1:
                hdr, _ = c.recv_packet()
                check(hdr[0] == KEEPALIVE and hdr[2] == 1, 'not a ping: %r' % (hdr,))
                pings += 1
        except (EOFError, ConnectionError):
            pass
        check(pings <= cfg['keepalive_count'] + 1,
              'not closed after %d unanswered pings' % pings)
        c.close()

        # CONNECT_CLOSE: reply, then the daemon closes the socket.
        c = Conn(d.sock)
        c.handshake()
        check(c.call(2)[0] == 'ok', 'close')
        try:
            c.recv_packet()
            raise AssertionError('socket still open after CONNECT_CLOSE')
        except (EOFError, ConnectionError):
            pass
        c.close()

        # The admin program is only on the admin socket and vice versa.
        c = Conn(d.sock)
        expect_error(c.call(1, prog=ADMIN), 39, 7, 'Cannot find program')
        c.close()
        a = Conn(d.admin_sock)
        check(a.call(1, struct.pack('>I', 0), prog=ADMIN)[0] == 'ok', 'admin open')
        st, body = a.call(3, prog=ADMIN)
        check(st == 'ok' and struct.unpack('>Q', body)[0] == 9000000, 'admin lib version')
        expect_error(a.call(66), 39, 7, 'Cannot find program')
        a.close()

        # max_client_requests: a pipelined burst is answered in full.
        c = Conn(d.sock)
        c.handshake()
        burst = b''.join(packet(0x20008086, 4, serial=100 + i) for i in range(50))
        c.send(burst)
        serials = set()
        while len(serials) < 50:
            hdr, _ = c.recv_reply()
            check(hdr[3] == REPLY and hdr[5] == OK, 'burst reply')
            serials.add(hdr[4])
        check(serials == set(range(100, 150)), 'burst serials')
        c.close()
        check(d.alive(), 'daemon died')
    print('ok')


main()
