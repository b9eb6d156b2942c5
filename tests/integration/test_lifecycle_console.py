#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virsh console under a pty: the guest's serial output reaches the
client and a command typed reaches the guest (its answer comes back);
a second session is refused while one is open, `--force` takes over
(the first session ends); the live XML names the pty; a session ends when the guest stops."""
import os
import pty
import re
import select
import sys
import termios
import time

import libvirt

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virsh  # noqa: E402
from lifecycle_lib import define, guest_xml, kill_guests, require_kvm  # noqa: E402

G = 'lcc%d' % os.getpid()


class Console:
    def __init__(self, d, *extra):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp('virsh', ['virsh', '-c', d.uri, 'console', G] + list(extra))
        self.out = b''

    def read_until(self, pattern, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.out):
                return True
            r, _, _ = select.select([self.fd], [], [], 0.1)
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    return bool(re.search(pattern, self.out))
                if not data:
                    break
                self.out += data
        return bool(re.search(pattern, self.out))

    def raw(self, timeout=30):
        """Wait until virsh has put its tty in raw mode (no canonical input,
        no echo): input typed earlier is flushed by its tcsetattr."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lflag = termios.tcgetattr(self.fd)[3]
            if not lflag & (termios.ICANON | termios.ECHO):
                return True
            self.read_until(b'$^', 0.02)
        return False

    def send(self, data):
        os.write(self.fd, data)

    def exited(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.pid = None
                return True
            self.read_until(b'$^', 0.1)
        return False

    def close(self):
        if self.pid:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
        os.close(self.fd)


def main():
    require_kvm()
    with Daemon() as d:
        c1 = c2 = None
        try:
            define(d, G, guest_xml(G, d.workdir, serial='pty'))
            virsh(d, 'start', G)
            xml = virsh(d, 'dumpxml', G).stdout
            check(re.search(r"<serial type='pty'[^>]*>\s*<source path='/dev/pts/\d+'/>", xml), xml)
            check(re.search(r"<console type='pty' tty='/dev/pts/\d+'>", xml), xml)
            c1 = Console(d)
            check(c1.read_until(rb'Escape character is \^\] \(Ctrl \+ \]\)'), c1.out)
            check(c1.read_until(rb'virtkvm-test-guest'), c1.out)   # banner
            check(c1.read_until(rb'ready'), c1.out)
            check(c1.raw(), 'virsh console did not make its tty raw')
            c1.send(b'help\r')
            check(c1.read_until(rb'help: console send TEXT'), c1.out)

            conn = libvirt.open(d.uri)
            try:
                conn.lookupByName(G).openConsole(None, conn.newStream(0), 0)
                check(False, 'second console session allowed')
            except libvirt.libvirtError as e:
                check('Active console session exists' in str(e), str(e))
            conn.close()

            c2 = Console(d, '--force')
            check(c2.read_until(rb'Escape character is \^\] \(Ctrl \+ \]\)'), c2.out)
            check(c1.exited(), 'first session did not end on --force')
            check(c2.raw(), 'virsh console --force did not make its tty raw')
            c2.send(b'e820\r')
            check(c2.read_until(rb'e820: \d+ entries'), c2.out)
            c2.send(b'\x1d')
            check(c2.exited(), 'virsh console did not exit on ^]')

            # the session ends when the guest stops
            c1.close()
            c1 = Console(d)
            check(c1.read_until(rb'Escape character is \^\] \(Ctrl \+ \]\)'), c1.out)
            virsh(d, 'destroy', G)
            check(c1.exited(), 'virsh console did not end with the guest')
        finally:
            for c in (c1, c2):
                if c:
                    c.close()
            kill_guests([G])
    print('ok')


if __name__ == '__main__':
    main()
