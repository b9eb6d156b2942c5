#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Guest interfaces on the host: type='bridge' (a tap enslaved to an
existing Linux bridge, host MAC fe:..., up), type='network' (a port of a
virtual network: tap on the network's bridge, port listed while the guest
runs); the guest's test frame is counted by domifstat; everything is
removed when the guest stops."""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virsh  # noqa: E402
from lifecycle_lib import (define, guest_xml, kill_guests, read,  # noqa: E402
                           require_kvm, serial_path, taps, wait_for)

TAG = 'ln%d' % (os.getpid() % 100000)
BR, NBR = TAG + 'br', TAG + 'nb'
G1, G2 = TAG + 'a', TAG + 'b'


def ports_of(bridge):
    out = subprocess.run(['ip', '-o', 'link', 'show', 'master', bridge],
                         capture_output=True, text=True).stdout
    return re.findall(r'^\d+: ([^:@]+)', out, re.M)


def main():
    require_kvm()
    subprocess.run(['ip', 'link', 'add', BR, 'type', 'bridge'], check=True)
    try:
        with Daemon() as d:
            try:
                define(d, G1, guest_xml(G1, d.workdir, cmdline='vkt.net=1', nets=[
                    "<interface type='bridge'><source bridge='%s'/><model type='virtio'/>"
                    "<mac address='52:54:00:00:aa:01'/></interface>" % BR]))
                virsh(d, 'start', G1)
                ports = ports_of(BR)
                check(len(ports) == 1, ports)
                tap = ports[0]
                link = subprocess.run(['ip', '-o', 'link', 'show', tap],
                                      capture_output=True, text=True).stdout
                check('fe:54:00:00:aa:01' in link and 'UP' in link, link)
                wait_for('test frame sent',
                         lambda: 'net0: sent' in read(serial_path(d.workdir, G1)))
                time.sleep(0.1)
                out = virsh(d, 'domifstat', G1, tap).stdout
                check(int(re.search(r'tx_packets (\d+)', out).group(1)) >= 1, out)
                virsh(d, 'destroy', G1)
                check(not ports_of(BR) and tap not in taps(), 'tap left')

                path = os.path.join(d.workdir, 'net.xml')
                with open(path, 'w') as f:
                    f.write("<network><name>%s</name><bridge name='%s'/></network>"
                            % (TAG, NBR))
                virsh(d, 'net-define', path)
                virsh(d, 'net-start', TAG)
                define(d, G2, guest_xml(G2, d.workdir, serial='none', nets=[
                    "<interface type='network'><source network='%s'/>"
                    "<model type='virtio'/></interface>" % TAG]))
                virsh(d, 'start', G2)
                check(len(ports_of(NBR)) == 1, ports_of(NBR))
                out = virsh(d, 'net-port-list', TAG).stdout
                check(len(out.split()) == 1, out)
                virsh(d, 'destroy', G2)
                check(not ports_of(NBR), 'tap left on the network bridge')
                check(not virsh(d, 'net-port-list', TAG).stdout.strip(), 'port left')
                virsh(d, 'net-destroy', TAG)
            finally:
                kill_guests([G1, G2])
                virsh(d, 'net-destroy', TAG, check=False)
    finally:
        subprocess.run(['ip', 'link', 'del', BR])
        subprocess.run(['ip', 'link', 'del', NBR], stderr=subprocess.DEVNULL)
    print('ok')


if __name__ == '__main__':
    main()
