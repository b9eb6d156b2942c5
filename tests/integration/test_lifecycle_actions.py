#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Start flags and lifecycle actions: START_PAUSED (paused until resumed),
AUTODESTROY (destroyed when the starting connection closes),
on_poweroff=restart (the guest powers off and comes back), on_reboot=
destroy (a guest-initiated reset stops the domain), autostart when the
daemon starts, the VMM user/group from virtkvmd.conf."""
import os
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import libvirt  # noqa: E402
from harness import Daemon, check, virsh  # noqa: E402
from lifecycle_lib import (define, domstate, guest_xml, kill_guests,  # noqa: E402
                           proc_user, read, require_kvm, serial_path, vmm_pids,
                           wait_for)

TAG = 'la%d' % os.getpid()
P, A, R, B, S, U = (TAG + x for x in 'parbsu')


def test_paused_and_autodestroy(d):
    conn = libvirt.open(d.uri)
    define(d, P, guest_xml(P, d.workdir))
    dom = conn.lookupByName(P)
    dom.createWithFlags(libvirt.VIR_DOMAIN_START_PAUSED)
    check(domstate(d, P) == 'paused (user)', domstate(d, P))
    time.sleep(0.3)
    check(read(serial_path(d.workdir, P)) == '', 'guest ran while start-paused')
    dom.resume()
    wait_for('guest ready', lambda: 'ready' in read(serial_path(d.workdir, P)))
    dom.destroy()

    define(d, A, guest_xml(A, d.workdir, serial='none'))
    conn2 = libvirt.open(d.uri)
    conn2.lookupByName(A).createWithFlags(libvirt.VIR_DOMAIN_START_AUTODESTROY)
    check(domstate(d, A) == 'running (booted)', domstate(d, A))
    conn2.close()
    wait_for('autodestroy', lambda: domstate(d, A) == 'shut off (destroyed)', timeout=5)
    check(not vmm_pids(A), 'VMM left')
    conn.close()


def test_actions(d):
    define(d, R, guest_xml(R, d.workdir, cmdline='vkt.poweroff=1',
                           extra='<on_poweroff>restart</on_poweroff>'))
    virsh(d, 'start', R)
    first = vmm_pids(R)
    wait_for('restart after poweroff',
             lambda: read(serial_path(d.workdir, R)).count('poweroff') >= 2, timeout=10)
    state = domstate(d, R)
    check(state.startswith(('running', 'in shutdown', 'shut off (shutdown)')), state)
    virsh(d, 'destroy', R, check=False)
    check(first, 'no VMM at first')

    define(d, B, guest_xml(B, d.workdir, serial='pty',
                           extra='<on_reboot>destroy</on_reboot>'))
    virsh(d, 'start', B)
    conn = libvirt.open(d.uri)
    st = conn.newStream(0)
    conn.lookupByName(B).openConsole(None, st, 0)
    # a reader thread collects the console output up to EOF
    out = bytearray()
    eof = threading.Event()

    def reader():
        try:
            while True:
                data = st.recv(4096)
                if not data:
                    break
                out.extend(data)
        finally:
            eof.set()
    threading.Thread(target=reader, daemon=True).start()
    # the console is attached (and the guest reads commands) once a
    # harmless command's answer comes back over the stream
    deadline = time.monotonic() + 30
    while b'echo: ping' not in out and not eof.is_set() and time.monotonic() < deadline:
        st.send(b'echo ping\r')
        wait_until = time.monotonic() + 0.5
        while b'echo: ping' not in out and time.monotonic() < wait_until:
            time.sleep(0.02)
    check(b'echo: ping' in out, 'no answer over the console: %r' % bytes(out))
    st.send(b'reset\r')
    wait_for('stop on guest reset', lambda: domstate(d, B) == 'shut off (shutdown)', timeout=10)
    # the console stream ends with the guest: read to EOF, then finish
    check(eof.wait(30), 'console stream did not end with the guest')
    st.finish()
    conn.close()


def test_autostart():
    root = tempfile.mkdtemp(prefix='virtkvm-lcauto-')
    work = tempfile.mkdtemp(prefix='virtkvm-lcauto-work-')
    d1 = d2 = None
    try:
        d1 = Daemon(root=root).start()
        define(d1, S, guest_xml(S, work, serial='none'))
        virsh(d1, 'autostart', S)
        check(domstate(d1, S) == 'shut off (unknown)', domstate(d1, S))
        d1.stop()
        d2 = Daemon(root=root).start()
        check(domstate(d2, S) == 'running (booted)', domstate(d2, S))
        virsh(d2, 'destroy', S)
        d2.stop()
    finally:
        kill_guests([S])
        for d in (d1, d2):
            if d:
                d.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def test_user_config():
    """virtkvmd.conf user/group (as qemu.conf's): the VMM runs as that user;
    an unknown user makes starts fail naming it (the daemon still runs)."""
    import pwd
    nobody = pwd.getpwnam('nobody')
    with Daemon(config={'user': 'nobody', 'group': 'nogroup'}) as d:
        try:
            define(d, U, guest_xml(U, d.workdir))
            virsh(d, 'start', U)
            pid = vmm_pids(U)[0]
            check(proc_user(pid) == nobody.pw_uid, 'VMM uid %s' % proc_user(pid))
            check(os.stat(os.path.join(d.workdir, U + '.img')).st_uid == nobody.pw_uid,
                  'disk not owned by the configured user')
            virsh(d, 'destroy', U)
        finally:
            kill_guests([U])
    with Daemon(config={'user': 'nosuchuser%d' % os.getpid()}) as d:
        define(d, U, guest_xml(U, d.workdir))
        r = virsh(d, 'start', U, check=False)
        check(r.returncode != 0 and 'nosuchuser' in r.stderr, r.stderr)


def main():
    require_kvm()
    with Daemon() as d:
        try:
            test_paused_and_autodestroy(d)
            test_actions(d)
        finally:
            kill_guests([P, A, R, B])
    test_autostart()
    test_user_config()
    print('ok')


if __name__ == '__main__':
    main()
