#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the seed corpus of fuzz-rpc-packet: real packets as stock
clients and virtkvmd exchange them (built with the integration tests'
wire helpers), and of fuzz-rpc-config.

Usage: gen-corpus.py SOURCE_ROOT"""
import os
import shutil
import struct
import sys

root = sys.argv[1]
sys.path.insert(0, os.path.join(root, 'tests', 'integration'))
from rpcwire import (ADMIN, KEEPALIVE, REMOTE, packet, xdr_int,  # noqa: E402
                     xdr_string)

UUID = bytes(range(16))
P = {
    'auth-list': packet(REMOTE, 66),
    'auth-list-reply': packet(REMOTE, 66, xdr_int(1) + xdr_int(0), mtype=1),
    'feature-keepalive': packet(REMOTE, 60, xdr_int(10), serial=1),
    'open': packet(REMOTE, 1, xdr_int(1) + xdr_string('qemu:///system') + xdr_int(0), serial=2),
    'open-ro': packet(REMOTE, 1, xdr_int(0) + xdr_int(1), serial=2),
    'list-all': packet(REMOTE, 273, xdr_int(1) + xdr_int(3), serial=5),
    'lookup-name': packet(REMOTE, 23, xdr_string('vm1'), serial=6),
    'lookup-uuid': packet(REMOTE, 24, UUID, serial=7),
    'vol-lookup': packet(REMOTE, 95, xdr_string('default') + UUID + xdr_string('a.qcow2')),
    'secret-usage': packet(REMOTE, 147, xdr_int(1) + xdr_string('vol')),
    'event-register': packet(REMOTE, 316, xdr_int(0) + xdr_int(0), serial=8),
    'event-register-dom': packet(REMOTE, 316, xdr_int(0) + xdr_int(1) + xdr_string('vm') +
                                 UUID + xdr_int(-1)),
    'net-event': packet(REMOTE, 313, xdr_int(0) + xdr_int(1) + xdr_string('default') + UUID),
    'domcaps': packet(REMOTE, 342, xdr_int(0) + xdr_int(1) + xdr_string('x86_64') +
                      xdr_int(0) + xdr_int(1) + xdr_string('kvm') + xdr_int(0)),
    'memstats': packet(REMOTE, 228, xdr_int(0) + xdr_int(-1) + xdr_int(0)),
    'error-reply': packet(REMOTE, 23, xdr_int(42) + xdr_int(10) + xdr_int(1) +
                          xdr_string("Domain not found: no domain with matching name 'x'") +
                          xdr_int(2) + xdr_int(0) + xdr_int(1) + xdr_string('Domain not found: %s') +
                          xdr_int(0) + xdr_int(0) + xdr_int(-1) + xdr_int(-1) + xdr_int(0),
                          mtype=1, status=1),
    'lifecycle-event': packet(REMOTE, 318, xdr_int(1) + xdr_string('vm') + UUID + xdr_int(3) +
                              xdr_int(2) + xdr_int(0), serial=1, mtype=2),
    'ping': packet(KEEPALIVE, 1, mtype=2),
    'stream-data': packet(REMOTE, 209, b'hello world!', serial=9, mtype=3, status=2),
    'stream-hole': packet(REMOTE, 208, struct.pack('>qI', 4096, 0), serial=9, mtype=6, status=2),
    'call-with-fds': packet(REMOTE, 343, xdr_int(1) + xdr_string('vm') + UUID + xdr_int(1) +
                            xdr_int(0) + xdr_int(0), mtype=4),
    'admin-list-clients': packet(ADMIN, 8, xdr_string('virtkvmd') + xdr_int(1) + xdr_int(0)),
    'admin-set-threadpool': packet(ADMIN, 7, xdr_string('virtkvmd') + xdr_int(1) +
                                   xdr_string('maxWorkers') + xdr_int(2) + xdr_int(9) + xdr_int(0)),
}

out = os.path.join(root, 'tests', 'fuzz', 'corpus', 'fuzz-rpc-packet')
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
for name, data in P.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)

out = os.path.join(root, 'tests', 'fuzz', 'corpus', 'fuzz-rpc-config')
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
shutil.copy(os.path.join(root, 'data', 'virtkvmd.conf'), os.path.join(out, 'default.conf'))
with open(os.path.join(out, 'values.conf'), 'w') as f:
    f.write('unix_sock_group = "libvirt"\nunix_sock_rw_perms = "0660"\nmax_clients = 10\n'
            'listen_addr = [ "a", \'b\',\n "c" ]\nlog_level = 1\n')
