#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs in the client namespace: for each line IFNAME on stdin, sends DHCP
DISCOVERs from IFNAME every 10 ms until an OFFER arrives (or 10 s pass)
and prints the offered address, or 'timeout'."""
import fcntl
import os
import select
import socket
import struct
import sys
import time

SO_BINDTODEVICE = 25


def mac_of(ifname):
    """SIOCGIFHWADDR (sysfs shows the namespace it was mounted in)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        req = fcntl.ioctl(s.fileno(), 0x8927, struct.pack('256s', ifname.encode()[:15]))
    finally:
        s.close()
    return req[18:24]


def discover(xid, mac):
    pkt = struct.pack('!BBBBIHH4s4s4s4s16s64s128s', 1, 1, 6, 0, xid, 0, 0x8000,
                      b'\0' * 4, b'\0' * 4, b'\0' * 4, b'\0' * 4, mac + b'\0' * 10,
                      b'\0' * 64, b'\0' * 128)
    return pkt + b'\x63\x82\x53\x63' + b'\x35\x01\x01' + b'\xff'


def probe(ifname):
    mac = mac_of(ifname)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, ifname.encode())
    s.bind(('0.0.0.0', 68))
    xid = int.from_bytes(os.urandom(4), 'big')
    deadline = time.monotonic() + 10
    try:
        while time.monotonic() < deadline:
            try:
                s.sendto(discover(xid, mac), ('255.255.255.255', 67))
            except OSError:
                pass
            end = time.monotonic() + 0.01
            while True:
                left = end - time.monotonic()
                if left <= 0:
                    break
                r, _, _ = select.select([s], [], [], left)
                if not r:
                    break
                data = s.recv(2048)
                if len(data) >= 240 and struct.unpack('!I', data[4:8])[0] == xid \
                        and data[0] == 2:
                    return socket.inet_ntoa(data[16:20])
        return 'timeout'
    finally:
        s.close()


for line in sys.stdin:
    print(probe(line.strip()), flush=True)
