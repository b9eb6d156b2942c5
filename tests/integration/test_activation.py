#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""systemd socket activation: systemd-socket-activate holds the three
sockets (named as virtkvmd's .socket units name them) and starts virtkvmd
on the first connection; virtkvmd adopts them instead of creating its
own, serves all three, and leaves the files to their owner on exit."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import VIRTKVMD, check, connect_ok, skip  # noqa: E402


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30,
                          stdin=subprocess.DEVNULL)


def main():
    tool = shutil.which('systemd-socket-activate')
    if not tool:
        skip('systemd-socket-activate is not installed')
    root = tempfile.mkdtemp(prefix='virtkvm-test-')
    sockdir = os.path.join(root, 'run', 'libvirt')
    os.makedirs(sockdir)
    rw, ro, adm = (os.path.join(sockdir, n) for n in
                   ('libvirt-sock', 'libvirt-sock-ro', 'libvirt-admin-sock'))
    log = open(os.path.join(root, 'log'), 'w')
    proc = subprocess.Popen([tool, '-l', rw, '-l', ro, '-l', adm,
                             '--fdname=libvirt.socket:libvirt-ro.socket:libvirt-admin.socket',
                             VIRTKVMD, '--root', root],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        # systemd-socket-activate sets the three up in order; the admin
        # socket accepting means all of them are listening.
        deadline = time.monotonic() + 30
        while not connect_ok(adm) and time.monotonic() < deadline:
            check(proc.poll() is None, 'systemd-socket-activate exited')
            time.sleep(0.05)
        check(connect_ok(adm), 'sockets not set up in 30 s')
        r = run(['virsh', '-c', 'qemu+unix:///system?socket=' + rw, 'version'])
        check(r.returncode == 0 and 'virtkvm' in r.stdout, r.stdout + r.stderr)
        r = run(['virsh', '-r', '-c', 'qemu+unix:///system?socket=' + ro, 'list'])
        check(r.returncode == 0, r.stderr)
        r = run(['virt-admin', '-c', 'libvirtd:///system?socket=' + adm, 'srv-list'])
        check(r.returncode == 0 and 'virtkvmd' in r.stdout, r.stdout + r.stderr)
        proc.send_signal(signal.SIGTERM)
        check(proc.wait(15) == 0, 'exit status %s' % proc.returncode)
        check(os.path.exists(rw), 'adopted socket file was removed')
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(root, ignore_errors=True)
    print('ok')


main()
