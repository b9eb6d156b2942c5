#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""20 test guests (64 MiB, one disk, one tap each) started concurrently
from 20 python3-libvirt threads all reach running; destroying them all
leaves no VMM process, tap or status file behind."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import libvirt  # noqa: E402
from harness import Daemon, check  # noqa: E402
from lifecycle_lib import (guest_xml, kill_guests, require_kvm, taps,  # noqa: E402
                           vmm_pids)

N = 20
TAG = 'ls%d' % os.getpid()


def main():
    require_kvm()
    names = ['%s-%02d' % (TAG, i) for i in range(N)]
    with Daemon() as d:
        try:
            conn = libvirt.open(d.uri)
            tapnames = ['%st%02d' % (TAG, i) for i in range(N)]
            for n, t in zip(names, tapnames):
                conn.defineXML(guest_xml(n, d.workdir, serial='none', nets=[
                    "<interface type='ethernet'><target dev='%s'/><model type='virtio'/>"
                    "</interface>" % t]))
            errors = []

            def start(n):
                try:
                    c = libvirt.open(d.uri)
                    c.lookupByName(n).create()
                    c.close()
                except libvirt.libvirtError as e:
                    errors.append('%s: %s' % (n, e))

            t0 = time.monotonic()
            threads = [threading.Thread(target=start, args=(n,)) for n in names]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            print('%d guests started in %.2f s' % (N, time.monotonic() - t0))
            check(not errors, errors)
            states = [conn.lookupByName(n).state()[0] for n in names]
            check(states == [libvirt.VIR_DOMAIN_RUNNING] * N, states)
            check(all(len(vmm_pids(n)) == 1 for n in names), 'VMM count')
            check(set(tapnames) <= set(taps()), 'taps')
            for n in names:
                conn.lookupByName(n).destroy()
            check(not any(vmm_pids(n) for n in names), 'VMMs left')
            check(not set(tapnames) & set(taps()), set(tapnames) & set(taps()))
            run = os.path.join(d.root, 'run', 'virtkvm', 'domains')
            left = [f for f in os.listdir(run) if not f.endswith('.log')]
            check(not left, left)
            conn.close()
        finally:
            kill_guests(names)
    print('ok')


if __name__ == '__main__':
    main()
