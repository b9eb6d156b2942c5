#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Process lifecycle: a second daemon on the same paths refuses to start
naming the socket and leaves the live socket alone; a stale socket is
replaced; SIGTERM lets a call in flight finish and exits 0 removing the
sockets; SIGHUP reloads limits; --daemon with a locked pid file."""
import grp
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import VIRTKVMD, Daemon, check, connect_ok, virsh, virt_admin  # noqa: E402


def main():
    with Daemon() as d:
        r = subprocess.run([VIRTKVMD, '--root', d.root, '--pid-file',
                            os.path.join(d.workdir, 'second.pid')],
                           capture_output=True, text=True, timeout=20)
        check(r.returncode != 0, 'second daemon started')
        check(d.sock in r.stderr and 'in use' in r.stderr, r.stderr)
        check(connect_ok(d.sock) and connect_ok(d.ro_sock), 'live socket was touched')
        virsh(d, 'version')

        # SIGHUP: new limits are applied.
        with open(d.config_path, 'w') as f:
            f.write('max_workers = 3\n')
        d.signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            out = virt_admin(d, 'srv-threadpool-info', 'virtkvmd').stdout
            if 'maxWorkers     : 3' in out:
                break
            time.sleep(0.1)
        check('maxWorkers     : 3' in out, out)

        # SIGTERM with a connected client: clean exit, sockets gone.
        conn = socket.socket(socket.AF_UNIX)
        conn.connect(d.sock)
        d.signal(signal.SIGTERM)
        d.proc.wait(15)
        check(d.proc.returncode == 0, 'exit status %d' % d.proc.returncode)
        check(not os.path.exists(d.sock), 'socket left behind')
        conn.close()

    # Socket group and modes from the config; unknown keys only warn.
    cfg = 'unix_sock_group = "daemon"\nunix_sock_rw_perms = "0660"\n' \
          'unix_sock_ro_perms = "0644"\nno_such_setting = 1\n'
    with Daemon(config=cfg) as d:
        st = os.stat(d.sock)
        check(st.st_mode & 0o777 == 0o660 and st.st_gid == grp.getgrnam('daemon').gr_gid,
              'rw socket %o gid %d' % (st.st_mode & 0o777, st.st_gid))
        check(os.stat(d.ro_sock).st_mode & 0o777 == 0o644, 'ro socket mode')
        check(os.stat(d.admin_sock).st_mode & 0o777 == 0o600, 'admin socket mode')
        check("unknown setting 'no_such_setting'" in d.log(), d.log())
    # A config error stops the daemon with a message naming the line.
    bad = Daemon(config='max_clients = "many"\n')
    try:
        bad.start()
        raise AssertionError('started with a bad config')
    except RuntimeError as e:
        check('virtkvmd-test.conf:1: expected a number' in str(e), str(e))
    finally:
        bad.stop()

    # A stale socket file (nobody listening) is replaced.
    root = tempfile.mkdtemp(prefix='virtkvm-test-')
    os.makedirs(os.path.join(root, 'run', 'libvirt'))
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(os.path.join(root, 'run', 'libvirt', 'libvirt-sock'))
    stale.close()
    with Daemon(root=root) as d:
        virsh(d, 'uri')
    subprocess.run(['rm', '-rf', root])

    # --daemon: returns once ready, pid file names the daemon and is locked.
    root = tempfile.mkdtemp(prefix='virtkvm-test-')
    pidfile = os.path.join(root, 'd.pid')
    pid = None
    try:
        r = subprocess.run([VIRTKVMD, '--root', root, '--daemon', '--pid-file', pidfile],
                           capture_output=True, text=True, timeout=20)
        check(r.returncode == 0, r.stderr)
        pid = int(open(pidfile).read())
        check(connect_ok(os.path.join(root, 'run', 'libvirt', 'libvirt-sock')), 'not ready')
        r = subprocess.run([VIRTKVMD, '--root', root, '--pid-file', pidfile],
                           capture_output=True, text=True, timeout=20)
        check(r.returncode != 0 and 'pid file' in r.stderr, r.stderr)
    finally:
        if pid:
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                    time.sleep(0.05)
                except ProcessLookupError:
                    break
            else:
                os.kill(pid, signal.SIGKILL)
        subprocess.run(['rm', '-rf', root])
    print('ok')


main()
