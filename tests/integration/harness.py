# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs a private virtkvmd for a test and cleans everything up.

    from harness import Daemon, virsh, skip

    with Daemon(config={'max_client_requests': 2}) as d:
        out = virsh(d, 'list', '--all').stdout
        conn = libvirt.open(d.uri)           # python3-libvirt
        ro = libvirt.openReadOnly(d.ro_uri)

Daemon(config=None, args=(), root=None) starts `virtkvmd --root TMPDIR`
(its sockets in TMPDIR/run/libvirt/), waits until its read-write, read-only
and admin sockets accept connections and stops it on exit (SIGTERM, then SIGKILL after
`stop_timeout` seconds), removing TMPDIR, even when the test fails or is
interrupted.  Attributes: root, sock, ro_sock, admin_sock, uri, ro_uri,
admin_uri, pid, log_path, returncode (after stop).  `config` is a dict
(strings are quoted, ints bare) or raw text written to the config file.
"""
import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BUILD_ROOT = os.environ.get('VIRTKVM_BUILD_ROOT',
                            os.path.join(os.path.dirname(__file__), '..', '..', 'build'))
VIRTKVMD = os.path.join(BUILD_ROOT, 'daemon', 'virtkvmd')

_live = []


def skip(reason):
    """Exits with meson's skip status, printing the reason."""
    print('SKIP: ' + reason)
    sys.exit(77)


def _cleanup_all():
    for d in list(_live):
        d.stop()


atexit.register(_cleanup_all)


def _on_signal(signum, frame):
    _cleanup_all()
    sys.exit(128 + signum)


for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


def format_config(config):
    if config is None:
        return ''
    if isinstance(config, str):
        return config
    lines = []
    for key, value in config.items():
        if isinstance(value, str):
            lines.append('%s = "%s"' % (key, value))
        else:
            lines.append('%s = %d' % (key, value))
    return '\n'.join(lines) + '\n'


def connect_ok(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(1)
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


class Daemon:
    def __init__(self, config=None, args=(), root=None, stop_timeout=30,
                 binary=VIRTKVMD):
        self.config = config
        self.args = list(args)
        self.binary = binary
        self.stop_timeout = stop_timeout
        self.own_root = root is None
        self.root = root or tempfile.mkdtemp(prefix='virtkvm-test-')
        sockdir = os.path.join(self.root, 'run', 'libvirt')
        self.sock = os.path.join(sockdir, 'libvirt-sock')
        self.ro_sock = os.path.join(sockdir, 'libvirt-sock-ro')
        self.admin_sock = os.path.join(sockdir, 'libvirt-admin-sock')
        self.uri = 'qemu+unix:///system?socket=' + self.sock
        self.ro_uri = 'qemu+unix:///system?socket=' + self.ro_sock
        self.admin_uri = 'libvirtd:///system?socket=' + self.admin_sock
        self.workdir = tempfile.mkdtemp(prefix='virtkvm-testwork-')
        self.config_path = os.path.join(self.workdir, 'virtkvmd-test.conf')
        self.log_path = os.path.join(self.workdir, 'virtkvmd.log')
        self.proc = None
        self.returncode = None
        self._final_log = ''

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self, timeout=60):
        with open(self.config_path, 'w') as f:
            f.write(format_config(self.config))
        self._log = open(self.log_path, 'ab')
        cmd = [self.binary, '--root', self.root, '--config', self.config_path] + self.args
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        _live.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('virtkvmd exited with %d:\n%s'
                                   % (self.proc.returncode, self.log()))
            # All three sockets: virtkvmd creates them one after another,
            # and a test may use the admin or read-only one first.
            if all(connect_ok(p) for p in (self.sock, self.ro_sock, self.admin_sock)):
                return self
            time.sleep(0.02)
        raise RuntimeError('virtkvmd did not become ready:\n' + self.log())

    def log(self):
        if not os.path.exists(self.log_path):
            return ''
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, signum):
        if self.alive():
            os.kill(self.proc.pid, signum)

    def stop(self):
        """SIGTERM, then SIGKILL; returns the exit status.  Idempotent."""
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    self.proc.send_signal(signal.SIGTERM)
                    self.proc.wait(self.stop_timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.returncode = self.proc.returncode
            self.proc = None
            self._log.close()
            self._final_log = self.log()
        if self in _live:
            _live.remove(self)
        if self.own_root and os.path.isdir(self.root):
            shutil.rmtree(self.root, ignore_errors=True)
        if os.path.isdir(self.workdir):
            shutil.rmtree(self.workdir, ignore_errors=True)
        return self.returncode

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        log = self.log()
        if exc[0] is not None:
            sys.stderr.write('--- virtkvmd log ---\n' + log)
        was_running = self.alive()
        rc = self.stop()
        if exc[0] is None:
            # A clean SIGTERM exit and no sanitizer report are part of every test.
            for marker in ('ERROR: AddressSanitizer', 'ERROR: LeakSanitizer',
                           'runtime error:'):
                if marker in log + self._final_log:
                    raise AssertionError('sanitizer report from virtkvmd:\n' +
                                         log + self._final_log)
            if was_running and rc != 0:
                raise AssertionError('virtkvmd exited with %s after SIGTERM:\n%s'
                                     % (rc, log + self._final_log))
        return False


def virsh(daemon, *args, readonly=False, check=True, timeout=30):
    """Runs virsh against the daemon; raises with its output if check fails."""
    uri = daemon.ro_uri if readonly else daemon.uri
    cmd = ['virsh', '-q', '-c', uri] + (['-r'] if readonly else []) + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    if check and r.returncode != 0:
        raise AssertionError('%s failed (%d):\n%s%s' % (' '.join(cmd), r.returncode,
                                                         r.stdout, r.stderr))
    return r


def virt_admin(daemon, *args, check=True, timeout=30):
    cmd = ['virt-admin', '-q', '-c', daemon.admin_uri] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    if check and r.returncode != 0:
        raise AssertionError('%s failed (%d):\n%s%s' % (' '.join(cmd), r.returncode,
                                                         r.stdout, r.stderr))
    return r


def check(cond, what):
    if not cond:
        raise AssertionError(what)
