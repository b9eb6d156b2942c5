#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The host procedures through virsh and python3-libvirt: nodeinfo,
capabilities (validated with virt-xml-validate), sysinfo, nodememstats,
maxvcpus, domcapabilities.  Skips while the host driver is not wired in
(the daemon then answers NO_SUPPORT)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, skip, virsh  # noqa: E402

import libvirt  # noqa: E402


def validate(xml, kind, workdir):
    path = os.path.join(workdir, kind + '.xml')
    with open(path, 'w') as f:
        f.write(xml)
    r = subprocess.run(['virt-xml-validate', path, kind], capture_output=True, text=True)
    check(r.returncode == 0, '%s does not validate:\n%s%s\n%s' % (kind, r.stdout, r.stderr, xml))


def main():
    with Daemon() as d:
        r = virsh(d, 'nodeinfo', check=False)
        if 'not supported' in r.stderr:
            skip('host driver not wired in yet (NODE_GET_INFO answers NO_SUPPORT)')
        check(r.returncode == 0 and 'CPU(s):' in r.stdout, r.stdout + r.stderr)
        caps = virsh(d, 'capabilities').stdout
        validate(caps, 'capability', d.workdir)
        check('<arch>x86_64</arch>' in caps and "type='kvm'" in caps, caps)
        check(virsh(d, 'sysinfo').stdout.strip().startswith('<sysinfo'), 'sysinfo')
        check('total' in virsh(d, 'nodememstats').stdout, 'nodememstats')
        check(int(virsh(d, 'maxvcpus').stdout.strip()) > 0, 'maxvcpus')
        check(virsh(d, 'freecell').returncode == 0, 'freecell')
        dc = virsh(d, 'domcapabilities', check=False)
        if dc.returncode == 0:
            validate(dc.stdout, 'domaincaps', d.workdir)
        conn = libvirt.open(d.uri)
        info = conn.getInfo()
        check(info[0] == 'x86_64' and info[2] > 0, repr(info))
        check(conn.getCapabilities() == caps.rstrip('\n') or
              conn.getCapabilities().strip() == caps.strip(), 'getCapabilities')
        check(conn.getFreeMemory() > 0, 'free memory')
        conn.close()
        # Read-only connections may query the host.
        check('CPU(s):' in virsh(d, 'nodeinfo', readonly=True).stdout, 'ro nodeinfo')
    print('ok')


main()
