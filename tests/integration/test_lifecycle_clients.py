#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Real management clients with a running test guest: Ansible's
community.libvirt.virt (state=running, command=status, state=shutdown,
state=destroyed) and virt-manager under Xvfb (connects without errors,
lists the guest as Running in its debug log, its main window exists
(xdotool) and a screenshot of the screen is not blank)."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virsh  # noqa: E402
from lifecycle_lib import (define, domstate, guest_xml, kill_guests,  # noqa: E402
                           require_kvm, wait_for)

TAG = 'lk%d' % os.getpid()
G, V = TAG + 'a', TAG + 'v'

SHOT = r'''
import sys, gi
gi.require_version('Gdk', '3.0')
from gi.repository import Gdk
w = Gdk.get_default_root_window()
pb = Gdk.pixbuf_get_from_window(w, 0, 0, w.get_width(), w.get_height())
pb.savev(sys.argv[1], 'png', [], [])
print('distinct', len(set(pb.get_pixels()[::97])))
'''


def ansible(d, args):
    env = dict(os.environ, ANSIBLE_LOCALHOST_WARNING='False',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='False',
               ANSIBLE_HOME=os.path.join(d.workdir, 'ansible'))
    r = subprocess.run(['ansible', 'localhost', '-m', 'community.libvirt.virt',
                        '-a', '%s uri=%s' % (args, d.uri),
                        '-e', 'ansible_python_interpreter=/usr/bin/python3'],
                       capture_output=True, text=True, timeout=120, env=env)
    check(r.returncode == 0, 'ansible %s: %s %s' % (args, r.stdout, r.stderr))
    return r.stdout


def test_ansible(d):
    if not shutil.which('ansible'):
        print('ansible not installed: skipped')
        return
    define(d, G, guest_xml(G, d.workdir))
    ansible(d, 'name=%s state=running' % G)
    check(domstate(d, G) == 'running (booted)', domstate(d, G))
    out = ansible(d, 'name=%s command=status' % G)
    check('"status": "running"' in out, out)
    ansible(d, 'name=%s state=shutdown' % G)
    wait_for('shut off', lambda: domstate(d, G) == 'shut off (shutdown)', timeout=15)
    virsh(d, 'start', G)
    ansible(d, 'name=%s state=destroyed' % G)
    check(domstate(d, G) == 'shut off (destroyed)', domstate(d, G))


def test_virt_manager(d):
    if not all(shutil.which(p) for p in ('virt-manager', 'xvfb-run', 'xdotool',
                                           'dbus-run-session')):
        print('virt-manager / xvfb-run / xdotool missing: skipped')
        return
    define(d, V, guest_xml(V, d.workdir))
    virsh(d, 'start', V)
    home = os.path.join(d.workdir, 'home')
    os.makedirs(home)
    shot = os.path.join(d.workdir, 'virt-manager.png')
    script = os.path.join(d.workdir, 'shot.py')
    with open(script, 'w') as f:
        f.write(SHOT)
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home + '/.config',
               XDG_CACHE_HOME=home + '/.cache', XDG_DATA_HOME=home + '/.local')
    inner = ('virt-manager --no-fork --debug --connect "%s" & vm=$!; '
             'for i in $(seq 100); do xdotool search --name "Virtual Machine Manager" '
             '>/dev/null 2>&1 && break; sleep 0.2; done; sleep 2; '
             'echo "window: $(xdotool search --name "Virtual Machine Manager" getwindowname)"; '
             '/usr/bin/python3 %s %s; kill $vm; wait $vm' % (d.uri, script, shot))
    r = subprocess.run(['dbus-run-session', '--', 'xvfb-run', '-a', '-s',
                        '-screen 0 1024x768x24', 'sh', '-c', inner],
                       capture_output=True, text=True, timeout=120, env=env)
    log = r.stdout + r.stderr
    check('window: Virtual Machine Manager' in log, log[-3000:])
    check('domain=%s status=Running added' % V in log, log[-3000:])
    check('changed to state=Active' in log, log[-3000:])
    for bad in ('Traceback', 'Error connecting', 'libvirtError'):
        check(bad not in log, bad + ' in virt-manager log:\n' + log[-3000:])
    check(os.path.getsize(shot) > 1000, 'no screenshot')
    distinct = int(log.split('distinct ')[1].split()[0])
    check(distinct > 3, 'blank screenshot')
    virsh(d, 'destroy', V)


def main():
    require_kvm()
    with Daemon() as d:
        try:
            test_ansible(d)
            test_virt_manager(d)
        finally:
            kill_guests([G, V])
    print('ok')


if __name__ == '__main__':
    main()
