#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Daemon restart: kill -9 virtkvmd with guests running; the guests keep
running; a restarted daemon lists them running (persistent and transient)
and can shut them down.  A VMM that died while the daemon was down is
reported shut off (crashed) and cleaned up (disk owner restored, status
file removed)."""
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virsh  # noqa: E402
from lifecycle_lib import (define, domstate, guest_xml, kill_guests,  # noqa: E402
                           read, require_kvm, serial_path, vmm_pids, wait_for)

TAG = 'lr%d' % os.getpid()
A, B, T = TAG + 'a', TAG + 'b', TAG + 't'


def main():
    require_kvm()
    root = tempfile.mkdtemp(prefix='virtkvm-lcrestart-')
    work = tempfile.mkdtemp(prefix='virtkvm-lcrestart-work-')
    d1 = d2 = None
    try:
        d1 = Daemon(root=root).start()
        for n in (A, B):
            define(d1, n, guest_xml(n, work, cmdline='vkt.ticks=1 vkt.tickevery=1000'))
            virsh(d1, 'start', n)
        tpath = os.path.join(work, T + '.xml')
        with open(tpath, 'w') as f:
            f.write(guest_xml(T, work, serial='none'))
        virsh(d1, 'create', tpath)
        pids = {n: vmm_pids(n) for n in (A, B, T)}
        check(all(len(p) == 1 for p in pids.values()), pids)
        diskb = os.path.join(work, B + '.img')
        check(os.stat(diskb).st_uid != 0, 'disk of B not chowned')

        os.kill(d1.pid, signal.SIGKILL)
        d1.proc.wait(10)
        d1.stop()
        time.sleep(0.3)
        check(all(vmm_pids(n) == pids[n] for n in (A, B, T)), 'a VMM died with the daemon')
        serial = serial_path(work, A)
        n = read(serial).count('tick')
        wait_for('guest A ticking without daemon', lambda: read(serial).count('tick') > n)

        # B dies while no daemon watches.
        os.kill(pids[B][0], signal.SIGKILL)
        wait_for('B gone', lambda: not vmm_pids(B))

        d2 = Daemon(root=root).start()
        out = virsh(d2, 'list', '--all').stdout
        check(domstate(d2, A) == 'running (booted)', out)
        check(domstate(d2, T) == 'running (booted)', out)
        check(domstate(d2, B) == 'shut off (crashed)', out)
        check(os.stat(diskb).st_uid == 0, 'owner of B\'s disk not restored')
        run = os.path.join(root, 'run', 'virtkvm', 'domains')
        check(not os.path.exists(os.path.join(run, B + '.json')), 'status of B left')

        virsh(d2, 'shutdown', A)
        wait_for('A shut off', lambda: domstate(d2, A) == 'shut off (shutdown)', timeout=15)
        check(os.stat(os.path.join(work, A + '.img')).st_uid == 0, 'owner of A not restored')
        virsh(d2, 'destroy', T)
        check(T not in virsh(d2, 'list', '--all').stdout, 'transient left')
        check(not [f for f in os.listdir(run) if f.endswith('.json')], os.listdir(run))
        rc = d2.stop()
        check(rc == 0, 'daemon exit %s' % rc)
    finally:
        kill_guests([A, B, T])
        for d in (d1, d2):
            if d:
                d.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    print('ok')


if __name__ == '__main__':
    main()
