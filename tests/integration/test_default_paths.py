#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Plain `virsh -c qemu:///system` against virtkvmd on the default paths.
Runs inside a private mount namespace with a tmpfs over /run, so a
libvirtd on the host is never disturbed."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, skip  # noqa: E402

MARK = 'VIRTKVM_IN_PRIVATE_NS'


def inside():
    subprocess.run(['mount', '--make-rprivate', '/'], check=True)
    subprocess.run(['mount', '-t', 'tmpfs', 'tmpfs', '/run'], check=True)
    with Daemon(root='/') as d:
        check(d.sock == '/run/libvirt/libvirt-sock', d.sock)
        for args, want in ((['uri'], 'qemu:///system'),
                           (['version'], 'virtkvm'),
                           (['hostname'], os.uname().nodename),
                           (['list', '--all'], 'Id'),
                           (['nodeinfo'], 'CPU(s):'),
                           (['capabilities'], '<capabilities>'),
                           (['sysinfo'], '<sysinfo'),
                           (['nodememstats'], 'total'),
                           (['maxvcpus'], '')):
            r = subprocess.run(['virsh', '-c', 'qemu:///system'] + args,
                               capture_output=True, text=True, timeout=30)
            check(r.returncode == 0 and want in r.stdout, '%s: %s%s' % (args, r.stdout, r.stderr))
        r = subprocess.run(['virsh', '-r', '-c', 'qemu:///system', 'list'],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 0, r.stderr)
        mode = os.stat('/run/libvirt/libvirt-sock').st_mode & 0o777
        check(mode == 0o600, 'rw socket mode %o' % mode)
        mode = os.stat('/run/libvirt/libvirt-sock-ro').st_mode & 0o777
        check(mode == 0o666, 'ro socket mode %o' % mode)
    print('ok')


def main():
    if os.environ.get(MARK):
        inside()
        return
    if os.geteuid() != 0 or not shutil.which('unshare'):
        skip('needs root and unshare for a private mount namespace')
    probe = subprocess.run(['unshare', '--mount', 'true'], capture_output=True)
    if probe.returncode != 0:
        skip('cannot create a mount namespace: ' + probe.stderr.decode())
    env = dict(os.environ, **{MARK: '1'})
    r = subprocess.run(['unshare', '--mount', sys.executable, __file__], env=env)
    sys.exit(r.returncode)


main()
