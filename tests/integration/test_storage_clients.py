#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Other stock clients of the storage driver: Ansible's
community.libvirt.virt_pool (define, build, start, facts, list_pools, which
use the legacy NUM_OF/LIST procedures 71-74) and virt-install resolving
`--disk pool=default,size=1` against a default dir pool."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, skip, virsh  # noqa: E402


def ansible(d, tmp, args):
    env = dict(os.environ, ANSIBLE_LOCAL_TEMP=os.path.join(tmp, 'ans'),
               ANSIBLE_REMOTE_TEMP=os.path.join(tmp, 'ans'), ANSIBLE_NOCOLOR='1',
               ANSIBLE_PYTHON_INTERPRETER='/usr/bin/python3', ANSIBLE_STDOUT_CALLBACK='json',
               ANSIBLE_LOAD_CALLBACK_PLUGINS='1', HOME=tmp)
    cmd = ['ansible', 'localhost', '-c', 'local', '-m', 'community.libvirt.virt_pool',
           '-a', args + ' uri=' + d.uri]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120,
                       stdin=subprocess.DEVNULL)
    check(r.returncode == 0, '%s: %s%s' % (args, r.stdout, r.stderr))
    out = json.loads(r.stdout)
    return out['plays'][0]['tasks'][0]['hosts']['localhost']


def run_ansible(d, tmp):
    if not shutil.which('ansible'):
        skip('ansible is not installed')
    target = os.path.join(tmp, 'ans-pool')
    xml = ("<pool type='dir'><name>ans</name><target><path>%s</path></target></pool>" % target)
    ansible(d, tmp, "command=define name=ans xml=\"%s\"" % xml)
    ansible(d, tmp, 'command=build name=ans')
    check(os.path.isdir(target), 'ansible build')
    ansible(d, tmp, 'state=active name=ans')
    listed = ansible(d, tmp, 'command=list_pools')
    check('ans' in listed['list_pools'], str(listed))
    facts = ansible(d, tmp, 'command=facts')
    pools = facts['ansible_facts']['ansible_libvirt_pools']
    check(pools['ans']['state'] == 'active' and pools['ans']['path'] == target, str(pools))
    check('ans' in virsh(d, 'pool-list', '--name').stdout, 'ansible pool active')


def run_virt_install(d, tmp):
    target = os.path.join(tmp, 'default')
    virsh(d, 'pool-define-as', 'default', 'dir', '--target', target)
    virsh(d, 'pool-build', 'default')
    virsh(d, 'pool-start', 'default')
    r = subprocess.run(['virt-install', '--connect', d.uri, '--name', 'vi1', '--memory', '128',
                        '--disk', 'pool=default,size=1', '--import', '--print-xml',
                        '--osinfo', 'detect=on,require=off', '--noautoconsole'],
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                       env=dict(os.environ, HOME=tmp))
    if r.returncode != 0 and 'capabilities' in r.stderr.lower():
        skip('virt-install needs domain capabilities from this daemon: ' + r.stderr)
    check(r.returncode == 0, 'virt-install: %s%s' % (r.stdout, r.stderr))
    check(("file=\"%s/vi1.img\"" % target) in r.stdout or
          ("file='%s/vi1.img'" % target) in r.stdout, r.stdout)


def main():
    tmp = tempfile.mkdtemp(prefix='virtkvm-storage-clients-')
    try:
        with Daemon() as d:
            run_virt_install(d, tmp)
            run_ansible(d, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('ok')


if __name__ == '__main__':
    main()
