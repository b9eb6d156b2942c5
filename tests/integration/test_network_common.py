# SPDX-License-Identifier: LGPL-2.1-or-later
"""Helpers of the network driver's integration tests (not a test itself).

enter_netns() re-executes the calling test inside a private network
namespace (`unshare --net`), so bridges, nftables rules and dnsmasq never
touch the host's; Client is a DHCP client end: a veth pair whose one end
is plugged into a bridge and whose peer sits in a further namespace (held
by a `sleep` process).  cleanup_dnsmasq() kills, by pid, every dnsmasq
started under a given root.
"""
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

from harness import skip

BUSYBOX = '/bin/busybox'


def enter_netns():
    if os.environ.get('VIRTKVM_TEST_NETNS') == '1':
        subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
        return
    if os.geteuid() != 0:
        skip('needs root for a private network namespace')
    for tool in ('/usr/sbin/dnsmasq', '/usr/sbin/nft', '/usr/bin/unshare'):
        if not os.path.exists(tool):
            skip(tool + ' is not installed')
    env = dict(os.environ, VIRTKVM_TEST_NETNS='1')
    r = subprocess.run(['unshare', '--net', sys.executable] + sys.argv, env=env)
    sys.exit(r.returncode)


def sh(*args, check=True):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError('%s failed: %s%s' % (' '.join(args), r.stdout, r.stderr))
    return r


def link_exists(name):
    return sh('ip', 'link', 'show', name, check=False).returncode == 0


def nft_table():
    """Our table's listing, or '' when it does not exist."""
    r = sh('nft', 'list', 'table', 'inet', 'virtkvm', check=False)
    return r.stdout if r.returncode == 0 else ''


def dnsmasq_pids(root):
    """Live (not zombie) dnsmasq processes whose command line names root."""
    pids = []
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % d, 'rb') as f:
                cmd = f.read().decode(errors='replace')
        except OSError:
            continue
        if 'dnsmasq' in cmd and root in cmd:
            pids.append(int(d))
    return pids


def cleanup_dnsmasq(root):
    for pid in dnsmasq_pids(root):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


UDHCPC_SCRIPT = """#!/bin/sh
case "$1" in
bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    echo "$ip" > "%s"
    ;;
esac
exit 0
"""


class Client:
    """A DHCP client namespace plugged into bridge `bridge`."""

    def __init__(self, bridge, name='vkc', mac='52:54:00:aa:00:01'):
        self.bridge = bridge
        self.host_end = name + 'h'
        self.peer = name + 'p'
        self.mac = mac
        self.dir = tempfile.mkdtemp(prefix='virtkvm-dhcp-')
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(['unshare', '--net', 'sleep', '300'])
        self.ns = '/proc/%d/ns/net' % self.proc.pid
        # Wait for the new namespace to exist (unshare then exec sleep).
        own = os.readlink('/proc/self/ns/net')
        for _ in range(200):
            try:
                if os.readlink(self.ns) != own:
                    break
            except OSError:
                pass
            time.sleep(0.01)
        sh('ip', 'link', 'add', self.host_end, 'type', 'veth', 'peer', 'name', self.peer)
        sh('ip', 'link', 'set', self.peer, 'address', self.mac)
        sh('ip', 'link', 'set', self.host_end, 'master', self.bridge, 'up')
        sh('ip', 'link', 'set', self.peer, 'netns', str(self.proc.pid))
        self.run('ip', 'link', 'set', 'lo', 'up')
        self.run('ip', 'link', 'set', self.peer, 'up')
        return self

    def run(self, *args, check=True, timeout=30):
        r = subprocess.run(['nsenter', '--net=' + self.ns] + list(args),
                           capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError('%s failed: %s%s' % (' '.join(args), r.stdout, r.stderr))
        return r

    def dhcp(self):
        """Runs busybox udhcpc once; returns the leased address or None."""
        out = os.path.join(self.dir, 'lease')
        script = os.path.join(self.dir, 'udhcpc.sh')
        with open(script, 'w') as f:
            f.write(UDHCPC_SCRIPT % out)
        os.chmod(script, 0o755)
        if os.path.exists(out):
            os.unlink(out)
        self.run(BUSYBOX, 'udhcpc', '-i', self.peer, '-n', '-q', '-f', '-t', '8', '-T', '1',
                 '-s', script, check=False, timeout=60)
        if not os.path.exists(out):
            return None
        with open(out) as f:
            return f.read().strip()

    def resolve(self, server, name):
        """Asks server for name's A record with a one-question DNS query."""
        code = ('import socket,struct,sys\n'
                'q=struct.pack(">HHHHHH",0x1234,0x0100,1,0,0,0)\n'
                'q+=b"".join(bytes([len(p)])+p.encode() for p in sys.argv[2].split("."))\n'
                'q+=b"\\0"+struct.pack(">HH",1,1)\n'
                's=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(3)\n'
                's.sendto(q,(sys.argv[1],53));r=s.recv(4096)\n'
                'an=struct.unpack(">H",r[6:8])[0]\n'
                'print(".".join(map(str,r[-4:])) if an else "NXDOMAIN")\n')
        r = self.run(sys.executable, '-c', code, server, name, check=False)
        return r.stdout.strip()

    def __exit__(self, *exc):
        if link_exists(self.host_end):
            sh('ip', 'link', 'del', self.host_end, check=False)
        if self.proc:
            self.proc.kill()
            self.proc.wait()
        subprocess.run(['rm', '-rf', self.dir])
