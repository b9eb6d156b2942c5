#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hostile input on raw sockets: truncated headers, bad lengths, wrong
programs and versions, unknown procedures, malformed XDR, 10,000 random
packets and 500 connections that open and go silent.  Throughout, a
well-behaved client keeps connecting and calling; every one of its calls
must be answered promptly, and the daemon must stay up."""
import os
import random
import select
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virt_admin  # noqa: E402
from rpcwire import REMOTE, Conn, packet  # noqa: E402

GOOD_DEADLINE = 5.0


class GoodClient(threading.Thread):
    """Opens a fresh connection, handshakes and calls getVersion, again
    and again; records failures and the slowest round."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.rounds = 0
        self.failures = []
        self.slowest = 0.0

    def run(self):
        while not self.stop.is_set():
            start = time.monotonic()
            try:
                c = Conn(self.path, timeout=GOOD_DEADLINE)
                c.handshake()
                st, _ = c.call(4)
                c.close()
                if st != 'ok':
                    self.failures.append('getVersion failed')
            except Exception as e:  # noqa: BLE001
                self.failures.append(repr(e))
            self.slowest = max(self.slowest, time.monotonic() - start)
            self.rounds += 1
            time.sleep(0.05)


def send_and_close(path, data, wait_reply=False):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(path)
    try:
        s.sendall(data)
        if wait_reply:
            return s.recv(65536)
        s.shutdown(socket.SHUT_WR)
        # The daemon must close (or answer and close) without hanging.
        while s.recv(65536):
            pass
    except (ConnectionError, socket.timeout):
        pass
    finally:
        s.close()
    return b''


def expect_closed(path, data):
    """Sends data and expects the daemon to close the connection."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(path)
    try:
        s.sendall(data)
        got = s.recv(65536)
        check(got == b'', 'connection not closed after %r' % data[:8])
    except ConnectionResetError:
        pass
    finally:
        s.close()


def wait_all_closed(socks, timeout):
    """Waits until the peer has closed every socket; returns those still open."""
    pending = {s.fileno(): s for s in socks}
    poller = select.poll()
    for fd in pending:
        poller.register(fd, select.POLLIN)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for fd, _ in poller.poll(200):
            try:
                data = pending[fd].recv(1, socket.MSG_DONTWAIT)
            except BlockingIOError:
                continue
            except ConnectionError:
                data = b''
            check(data == b'', 'daemon sent data to a silent connection')
            poller.unregister(fd)
            del pending[fd]
    return list(pending.values())


def error_reply_tests(path):
    c = Conn(path)
    c.handshake()
    for vers in (0, 2, 0xffffffff):
        c.send(packet(REMOTE, 4, serial=7, vers=vers))
        hdr, _ = c.recv_reply()
        check(hdr[5] == 1 and hdr[4] == 7, 'wrong version not refused')
    for proc in (-1, 444, 100000, 2**31 - 1):
        st, err = c.call(proc)
        check(st == 'error' and err[0] == 39, 'unknown procedure %d: %r' % (proc, err))
    # Malformed XDR for procedures with arguments.
    for proc, payload in ((23, b'\x7f\xff\xff\xff'), (1, b'\0\0\0\x05'),
                          (316, b'\0\0\0\0\0\0\0\x09'), (60, b'\0\0'),
                          (273, b'\0' * 12)):
        st, err = c.call(proc, payload)
        check(st == 'error', 'malformed XDR accepted for %d' % proc)
    st, _ = c.call(4)
    check(st == 'ok', 'connection unusable after errors')
    c.close()


def main():
    cfg = {'max_anonymous_clients': 20, 'anonymous_timeout': 2, 'max_clients': 2000}
    with Daemon(config=cfg) as d:
        good = GoodClient(d.sock)
        good.start()
        try:
            # Truncated headers and bad lengths.
            for data in (b'\0', b'\0\0\0', struct.pack('>I', 40) + b'\0' * 10,
                         struct.pack('>I', 28) + b'\0' * 20):
                send_and_close(d.sock, data)
            for length in (0, 4, 27, 2**31, 0xffffffff, 33554437):
                expect_closed(d.sock, struct.pack('>I', length) + b'\0' * 24)
            # The largest legal length is accepted (the daemon waits for more).
            s = socket.socket(socket.AF_UNIX)
            s.connect(d.sock)
            s.sendall(struct.pack('>I', 33554436) + b'\0' * 1000)
            s.settimeout(0.5)
            try:
                check(s.recv(10) != b'', 'closed on a legal length')
            except socket.timeout:
                pass
            s.close()

            error_reply_tests(d.sock)

            # 10,000 random packets over 100 connections.
            rng = random.Random(1234)
            for conn_no in range(100):
                s = socket.socket(socket.AF_UNIX)
                s.settimeout(5)
                s.connect(d.sock)
                chunks = []
                for _ in range(100):
                    kind = rng.random()
                    body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64)))
                    if kind < 0.5:
                        hdr = struct.pack('>IIiIII', rng.choice([REMOTE, 0x6b656570,
                                                                 rng.getrandbits(32)]),
                                          rng.choice([1, rng.getrandbits(32)]),
                                          rng.randint(-5, 500), rng.randint(0, 7),
                                          rng.getrandbits(32), rng.randint(0, 3))
                        chunks.append(struct.pack('>I', 28 + len(body)) + hdr + body)
                    else:
                        chunks.append(struct.pack('>I', 28 + len(body) + 24) +
                                      bytes(rng.getrandbits(8) for _ in range(24)) + body)
                try:
                    s.sendall(b''.join(chunks))
                    s.shutdown(socket.SHUT_WR)
                    while s.recv(1 << 16):
                        pass
                except (ConnectionError, socket.timeout):
                    pass
                s.close()

            # 500 connections that open and go silent.
            silent = []
            for _ in range(500):
                s = socket.socket(socket.AF_UNIX)
                s.connect(d.sock)
                silent.append(s)
            # Wait until the daemon has dropped every one (evicted past the
            # grace period or timed out by anonymous_timeout), however slowly
            # a loaded machine lets it accept them.
            left = wait_all_closed(silent, 60)
            check(not left, '%d silent connections still open' % len(left))
            out = virt_admin(d, 'srv-clients-info', 'virtkvmd').stdout
            unauth = int(out.split('nclients_unauth     :')[1].split()[0])
            check(unauth <= 20, 'max_anonymous_clients exceeded: %d' % unauth)
            c = Conn(d.sock)
            c.handshake()
            check(c.call(4)[0] == 'ok', 'good client refused while 500 are silent')
            c.close()
            for s in silent:
                s.close()
        finally:
            good.stop.set()
            good.join(30)
        check(not good.failures, 'good client failed: %s' % good.failures[:5])
        check(good.rounds > 10, 'good client made only %d rounds' % good.rounds)
        check(good.slowest < GOOD_DEADLINE, 'slowest good round %.2fs' % good.slowest)
        check(d.alive(), 'daemon died')
        print('ok: %d good rounds, slowest %.3fs' % (good.rounds, good.slowest))


main()
