#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virtio-balloon through virsh on the test guest: `virsh setmem --live` on
a running domain with <memballoon model='virtio'> reaches the VMM (its
query-balloon target changes), values above the maximum are refused with
libvirt's message, and a domain with <memballoon model='none'> keeps the
"without the balloon device" answer.  The test guest has no balloon driver,
so it never inflates: "actual" stays the full memory, and dominfo /
dommemstat / domstats (which read query-balloon) report 64 MiB."""
import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virsh  # noqa: E402
from lifecycle_lib import define, guest_xml, kill_guests, require_kvm  # noqa: E402

TAG = 'lb%d' % os.getpid()
G = TAG + 'a'
N = TAG + 'n'


def vmm_command(d, name, cmd):
    """One command on the VMM's control socket (what the daemon uses)."""
    path = os.path.join(d.root, 'run', 'virtkvm', 'domains', name + '.ctl')
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(path)
        s.sendall(json.dumps({'execute': cmd}).encode() + b'\n')
        f = s.makefile('r')
        for line in f:
            msg = json.loads(line)
            if 'return' in msg or 'error' in msg:
                return msg
    finally:
        s.close()
    raise AssertionError('no reply to ' + cmd)


def test_balloon(d):
    define(d, G, guest_xml(G, d.workdir, disk=False, serial='none',
                           extra='').replace('<devices>', "<devices><memballoon model='virtio'/>"))
    virsh(d, 'start', G)
    full = 64 << 20
    r = vmm_command(d, G, 'query-balloon')
    check(r.get('return') == {'actual': full, 'target': full}, r)
    virsh(d, 'setmem', G, '32M', '--live')
    r = vmm_command(d, G, 'query-balloon')
    # Target 32 MiB; no guest driver inflates, so the guest keeps 64 MiB.
    check(r.get('return') == {'actual': full, 'target': 32 << 20}, r)
    out = virsh(d, 'dominfo', G).stdout
    check('Used memory:    65536 KiB' in out, out)
    out = virsh(d, 'dommemstat', G).stdout
    check('actual 65536' in out, out)
    out = virsh(d, 'domstats', G, '--balloon').stdout
    check('balloon.current=65536' in out and 'balloon.maximum=65536' in out, out)
    # SET_MEMORY (no flags) is live too.
    virsh(d, 'setmem', G, '48M')
    check(vmm_command(d, G, 'query-balloon')['return']['target'] == 48 << 20, 'setmem 48M')
    r = virsh(d, 'setmem', G, '128M', '--live', check=False)
    check(r.returncode != 0 and 'higher than max memory' in r.stderr, r.stderr)
    check(vmm_command(d, G, 'query-balloon')['return']['target'] == 48 << 20, 'target moved')
    r = virsh(d, 'setmem', G, '32M', '--config', check=False)
    check(r.returncode != 0, r.stdout)
    virsh(d, 'destroy', G)
    r = virsh(d, 'setmem', G, '32M', check=False)
    check(r.returncode != 0 and 'not running' in r.stderr, r.stderr)


def test_no_balloon(d):
    define(d, N, guest_xml(N, d.workdir, disk=False, serial='none').replace(
        '<devices>', "<devices><memballoon model='none'/>"))
    virsh(d, 'start', N)
    r = vmm_command(d, N, 'query-balloon')
    check(r.get('error', {}).get('class') == 'DeviceNotActive', r)
    r = virsh(d, 'setmem', N, '32M', '--live', check=False)
    check(r.returncode != 0 and 'without the balloon device' in r.stderr, r.stderr)
    out = virsh(d, 'dominfo', N).stdout
    check('Used memory:    65536 KiB' in out, out)
    virsh(d, 'destroy', N)


def main():
    require_kvm()
    with Daemon() as d:
        try:
            test_balloon(d)
            test_no_balloon(d)
        finally:
            kill_guests([G, N])
    print('ok')


if __name__ == '__main__':
    main()
