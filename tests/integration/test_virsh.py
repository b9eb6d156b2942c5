#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virsh against a private virtkvmd: connection commands, empty domain
list, "not found" errors with libvirt's codes, NO_SUPPORT naming the
procedure, and the read-only socket."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virsh  # noqa: E402


def main():
    with Daemon() as d:
        out = virsh(d, 'version').stdout
        check('Running hypervisor: virtkvm' in out, out)
        check(virsh(d, 'uri').stdout.strip() == d.uri, 'uri')
        check(virsh(d, 'hostname').stdout.strip() == os.uname().nodename, 'hostname')
        check(virsh(d, 'list', '--all').stdout.strip() == '', 'list --all not empty')
        check(virsh(d, 'list', '--name').stdout.strip() == '', 'list --name')

        r = virsh(d, 'net-info', 'nosuchnet', check=False)
        check(r.returncode == 1 and 'Network not found' in r.stderr, r.stderr)
        r = virsh(d, 'pool-info', 'nosuchpool', check=False)
        check('Storage pool not found' in r.stderr, r.stderr)
        r = virsh(d, 'domstate', 'nosuchdom', check=False)
        check(r.returncode == 1 and "failed to get domain 'nosuchdom'" in r.stderr, r.stderr)

        xml = os.path.join(d.workdir, 'dom.xml')
        with open(xml, 'w') as f:
            f.write("<domain type='kvm'><name>t</name><memory>65536</memory>"
                    "<os><type>hvm</type></os></domain>")
        nwf = os.path.join(d.workdir, 'nwfilter.xml')
        with open(nwf, 'w') as f:
            f.write("<filter name='t' chain='root'/>")
        r = virsh(d, 'nwfilter-define', nwf, check=False)
        check(r.returncode == 1 and 'not supported' in r.stderr and
              'NWFILTER_DEFINE_XML' in r.stderr, r.stderr)

        # Read-only socket: queries work, mutating calls are refused.
        check(virsh(d, 'list', '--all', readonly=True).stdout.strip() == '', 'ro list')
        out = virsh(d, 'version', readonly=True).stdout
        check('virtkvm' in out, out)
        r = virsh(d, 'define', xml, readonly=True, check=False)
        check(r.returncode == 1 and 'read only' in r.stderr, r.stderr)
        check(d.alive(), 'daemon died')
    print('ok')


main()
