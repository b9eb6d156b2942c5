# SPDX-License-Identifier: LGPL-2.1-or-later
"""Helpers of the interface driver's integration tests.

enter_private_netns() re-executes the test under `unshare --net` (once), so
everything it creates lives in a network namespace that vanishes with the
process: the host's links are never touched, and cleanup is certain even
when the test is killed.  ip_links()/ip_addrs() read the namespace's live
state with `ip -j`, independently of the daemon.
"""
import json
import os
import subprocess
import sys
import tempfile

from harness import skip

SCHEMA = '/usr/share/libvirt/schemas/interface.rng'
_MARK = 'VIRTKVM_IFACE_NETNS'


def enter_private_netns():
    if os.environ.get(_MARK) == str(os.getpid()):
        run('ip', 'link', 'set', 'lo', 'up')
        return
    if os.geteuid() != 0:
        skip('needs root for a private network namespace')
    probe = subprocess.run(['unshare', '--net', 'true'], capture_output=True, text=True)
    if probe.returncode != 0:
        skip('cannot create a network namespace: ' + probe.stderr.strip())
    # exec keeps the pid, which marks the re-executed test
    os.environ[_MARK] = str(os.getpid())
    os.execvp('unshare', ['unshare', '--net', sys.executable] + sys.argv)


def run(*cmd, check=True):
    r = subprocess.run(list(cmd), capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError('%s failed: %s%s' % (' '.join(cmd), r.stdout, r.stderr))
    return r


def ip_links():
    """name -> ip's JSON object for every link."""
    return {l['ifname']: l for l in json.loads(run('ip', '-j', '-d', 'link').stdout)}


def ip_addrs(name):
    """Non-link-local addresses of @name as 'ADDR/PREFIX' strings."""
    r = run('ip', '-j', 'addr', 'show', 'dev', name, check=False)
    if r.returncode != 0:
        return None
    out = []
    for link in json.loads(r.stdout):
        for a in link.get('addr_info', []):
            if a.get('scope') != 'link':
                out.append('%s/%d' % (a['local'], a['prefixlen']))
    return sorted(out)


def master_of(name):
    return ip_links().get(name, {}).get('master')


def validate(xml, what):
    """Checks @xml against libvirt's interface.rng."""
    with tempfile.NamedTemporaryFile('w', suffix='.xml', delete=False) as f:
        f.write(xml)
    try:
        r = run('xmllint', '--noout', '--relaxng', SCHEMA, f.name, check=False)
        if r.returncode != 0:
            raise AssertionError('%s does not validate against interface.rng:\n%s\n%s'
                                 % (what, xml, r.stderr))
    finally:
        os.unlink(f.name)


def kernel_has(kind):
    """Whether this kernel creates links of @kind (bond, vlan)."""
    args = ['ip', 'link', 'add', 'vkprobe0', 'type', kind]
    if kind == 'vlan':
        run('ip', 'link', 'add', 'vkprobep', 'type', 'veth', 'peer', 'name', 'vkprobeq')
        args = ['ip', 'link', 'add', 'link', 'vkprobep', 'name', 'vkprobe0', 'type',
                'vlan', 'id', '7']
    ok = run(*args, check=False).returncode == 0
    run('ip', 'link', 'del', 'vkprobe0', check=False)
    run('ip', 'link', 'del', 'vkprobep', check=False)
    return ok
