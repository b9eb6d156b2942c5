#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Remote qemu+ssh:// connections reach virtkvmd unchanged: a private sshd
on 127.0.0.1 (own config, host key, authorized_keys and a throwaway client
key, all in a temp dir; nothing of the host's ssh setup is used or changed)
carries virsh and python3-libvirt to virtkvmd's socket, and every answer
equals the one given over the local unix socket.

The remote end is reached with proxy=netcat: the libvirt client runs
`nc -U <socket>` on the server side (netcat-openbsd).  virt-ssh-helper
(proxy=native, and what proxy=auto prefers when it is installed) ignores
?socket= and connects to /var/run/libvirt/libvirt-sock, which a private
virtkvmd does not serve; against a virtkvmd on the default paths either
proxy reaches it."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, skip, virsh  # noqa: E402

SSHD = '/usr/sbin/sshd'

DOM = """<domain type='kvm'>
  <name>sshdom</name>
  <uuid>5a1c0ffe-0000-4000-8000-00000000ab12</uuid>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices><console type='pty'/></devices>
</domain>
"""


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]
    finally:
        s.close()


class Sshd:
    """A private OpenSSH server for root on 127.0.0.1; stop() kills it by pid."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.proc = None
        self.port = None
        self.client_key = os.path.join(tmp, 'client_key')
        self.known_hosts = os.path.join(tmp, 'known_hosts')
        self.log_path = os.path.join(tmp, 'sshd.log')
        self.ssh_wrapper = os.path.join(tmp, 'ssh')
        self.made_privsep = False

    def keygen(self, path):
        subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', path],
                       check=True, stdin=subprocess.DEVNULL, capture_output=True)

    def start(self):
        host_key = os.path.join(self.tmp, 'host_key')
        self.keygen(host_key)
        self.keygen(self.client_key)
        auth = os.path.join(self.tmp, 'authorized_keys')
        shutil.copyfile(self.client_key + '.pub', auth)
        os.chmod(auth, 0o600)
        # libvirt 9.0's ssh transport runs `ssh -p PORT -l root -i KEYFILE
        # -T -e none [-o StrictHostKeyChecking=no] HOST sh -c ...` and passes
        # known_hosts= only to its libssh/libssh2 transports; this wrapper
        # (the URI's command=) keeps the ssh binary off ~/.ssh/known_hosts,
        # ~/.ssh/config and the global known hosts.
        with open(self.ssh_wrapper, 'w') as f:
            f.write('#!/bin/sh\nexec ssh -F /dev/null -o UserKnownHostsFile=%s '
                    '-o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes '
                    '-o PasswordAuthentication=no -o ConnectTimeout=20 "$@"\n'
                    % self.known_hosts)
        os.chmod(self.ssh_wrapper, 0o700)
        # sshd refuses to start without its privilege separation directory,
        # which only the (here absent) system service creates.
        if not os.path.isdir('/run/sshd'):
            os.mkdir('/run/sshd', 0o755)
            self.made_privsep = True
        for _ in range(5):
            self.port = free_port()
            conf = os.path.join(self.tmp, 'sshd_config')
            with open(conf, 'w') as f:
                f.write('\n'.join([
                    'ListenAddress 127.0.0.1',
                    'Port %d' % self.port,
                    'HostKey ' + host_key,
                    'AuthorizedKeysFile ' + auth,
                    'PidFile ' + os.path.join(self.tmp, 'sshd.pid'),
                    'PermitRootLogin prohibit-password',
                    'PubkeyAuthentication yes',
                    'PasswordAuthentication no',
                    'KbdInteractiveAuthentication no',
                    'UsePAM no',
                    'StrictModes no',
                    'AllowTcpForwarding no',
                    'X11Forwarding no',
                    'PrintMotd no',
                    'LogLevel VERBOSE',
                    '']))
            r = subprocess.run([SSHD, '-t', '-f', conf], capture_output=True, text=True,
                               stdin=subprocess.DEVNULL)
            if r.returncode != 0:
                skip('sshd cannot run here: ' + (r.stderr or r.stdout).strip())
            self.proc = subprocess.Popen([SSHD, '-D', '-e', '-f', conf,
                                          '-E', self.log_path],
                                         stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
            if self.wait_listening():
                return
            self.stop_proc()
        raise AssertionError('sshd did not start:\n' + self.log())

    def wait_listening(self, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.settimeout(1)
                s.connect(('127.0.0.1', self.port))
                s.settimeout(2)
                banner = s.recv(64)
                if banner.startswith(b'SSH-'):
                    return True
            except OSError:
                pass
            finally:
                s.close()
            time.sleep(0.05)
        return False

    def log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def stop_proc(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None

    def stop(self):
        self.stop_proc()
        if self.made_privsep:
            try:
                os.rmdir('/run/sshd')
            except OSError:
                pass
            self.made_privsep = False

    def uri(self, d, proxy='netcat'):
        params = urllib.parse.urlencode([
            ('socket', d.sock),
            ('keyfile', self.client_key),
            ('no_verify', '1'),
            ('known_hosts', self.known_hosts),
            ('sshauth', 'privkey'),
            ('command', self.ssh_wrapper),
            ('no_tty', '1'),
            ('proxy', proxy),
        ], safe='/')
        return 'qemu+ssh://root@127.0.0.1:%d/system?%s' % (self.port, params)


def run_virsh(uri, *args, check_rc=True):
    cmd = ['virsh', '-q', '-c', uri] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    if check_rc and r.returncode != 0:
        raise AssertionError('%s failed (%d):\n%s%s' % (' '.join(cmd), r.returncode,
                                                         r.stdout, r.stderr))
    return r


def sshd_log_mentions_login(sshd):
    return 'Accepted publickey for root' in sshd.log()


def test_virsh(d, uri):
    # version: the daemon's answers (hypervisor, library as run by the
    # daemon) must be what a local client sees.
    local = virsh(d, 'version').stdout
    remote = run_virsh(uri, 'version').stdout
    check(remote == local, 'version differs:\nremote %r\nlocal %r' % (remote, local))
    check('Running hypervisor' in remote, 'no hypervisor line: %r' % remote)

    check(run_virsh(uri, 'uri').stdout.strip().startswith('qemu+ssh://'),
          'virsh uri does not report the ssh URI')
    local_host = virsh(d, 'hostname').stdout
    check(run_virsh(uri, 'hostname').stdout == local_host, 'hostname differs')

    before = virsh(d, 'list', '--all').stdout
    check(run_virsh(uri, 'list', '--all').stdout == before, 'list --all differs (empty)')

    xml_path = os.path.join(d.workdir, 'sshdom.xml')
    with open(xml_path, 'w') as f:
        f.write(DOM)
    # virsh reads the file locally and sends the XML over ssh.
    run_virsh(uri, 'define', xml_path)
    local_list = virsh(d, 'list', '--all').stdout
    check('sshdom' in local_list, 'domain defined over ssh is not listed locally')
    check(run_virsh(uri, 'list', '--all').stdout == local_list, 'list --all differs')
    rxml = run_virsh(uri, 'dumpxml', 'sshdom').stdout
    lxml = virsh(d, 'dumpxml', 'sshdom').stdout
    check(rxml == lxml, 'dumpxml differs:\n%s\n---\n%s' % (rxml, lxml))
    check('5a1c0ffe-0000-4000-8000-00000000ab12' in rxml, 'uuid lost: ' + rxml)
    check(run_virsh(uri, 'domuuid', 'sshdom').stdout.strip() ==
          '5a1c0ffe-0000-4000-8000-00000000ab12', 'domuuid over ssh')

    # An error crosses the tunnel as the daemon's libvirt error.
    r = run_virsh(uri, 'dumpxml', 'no-such-dom', check_rc=False)
    lr = virsh(d, 'dumpxml', 'no-such-dom', check=False)
    check(r.returncode != 0 and r.stderr == lr.stderr,
          'missing domain over ssh: %r, locally %r' % (r.stderr, lr.stderr))

    run_virsh(uri, 'undefine', 'sshdom')
    check('sshdom' not in virsh(d, 'list', '--all').stdout,
          'domain undefined over ssh still listed locally')
    check(run_virsh(uri, 'list', '--all').stdout == before, 'list --all after undefine')


def test_python(d, uri):
    r = subprocess.run(['/usr/bin/python3', '-c', PY, uri, d.uri],
                       capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise AssertionError('python3-libvirt over ssh failed:\n' + r.stdout + r.stderr)
    check(r.stdout.strip() == 'ok', 'python output: %r' % r.stdout)


# Own process, so that a libvirt error or hang cannot outlive the test.
PY = r"""
import sys, libvirt
libvirt.registerErrorHandler(lambda c, e: None, None)
remote = libvirt.open(sys.argv[1])
local = libvirt.open(sys.argv[2])
assert remote.getURI().startswith('qemu+ssh://'), remote.getURI()
ri, li = remote.getInfo(), local.getInfo()
assert ri == li, (ri, li)
assert remote.getType() == local.getType(), (remote.getType(), local.getType())
assert remote.getVersion() == local.getVersion()
assert remote.getLibVersion() == local.getLibVersion()
assert remote.getHostname() == local.getHostname()
assert remote.isAlive() == 1
dom = remote.defineXML('''
<domain type='kvm'><name>sshpy</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='q35'>hvm</type></os></domain>''')
assert local.lookupByName('sshpy').UUIDString() == dom.UUIDString()
assert sorted(remote.listDefinedDomains()) == sorted(local.listDefinedDomains())
assert dom.XMLDesc() == local.lookupByName('sshpy').XMLDesc()
dom.undefine()
try:
    local.lookupByName('sshpy')
    raise SystemExit('sshpy still defined')
except libvirt.libvirtError as e:
    assert e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN, e
remote.close()
local.close()
print('ok')
"""


def main():
    if not os.path.exists(SSHD):
        skip('openssh-server (%s) is not installed' % SSHD)
    for tool in ('ssh', 'ssh-keygen', 'nc'):
        if shutil.which(tool) is None:
            skip('%s is not installed' % tool)
    if os.geteuid() != 0:
        skip('a private sshd logging in as root needs root')
    tmp = tempfile.mkdtemp(prefix='virtkvm-ssh-')
    os.chmod(tmp, 0o700)
    sshd = Sshd(tmp)
    try:
        sshd.start()
        with Daemon() as d:
            uri = sshd.uri(d)
            test_virsh(d, uri)
            test_python(d, uri)
            check(sshd_log_mentions_login(sshd),
                  'sshd did not log a public key login:\n' + sshd.log())
            # The client kept the host key in our private known_hosts only.
            check(os.path.getsize(sshd.known_hosts) > 0, 'known_hosts not written')
    except BaseException:
        sys.stderr.write('--- sshd log ---\n' + sshd.log())
        raise
    finally:
        sshd.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print('PASS')


if __name__ == '__main__':
    main()
