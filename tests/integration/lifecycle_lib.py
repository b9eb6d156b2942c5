# SPDX-License-Identifier: LGPL-2.1-or-later
"""Helpers of the test_lifecycle_*.py tests: domain XML for the test guest,
finding and killing the VMMs a test started, waiting for states."""
import os
import signal
import subprocess
import time

from harness import BUILD_ROOT, check, virsh

VMM = os.path.join(BUILD_ROOT, 'hv', 'virtkvm-vmm')
GUEST = os.environ.get('VKT_GUEST_IMAGE',
                       os.path.join(BUILD_ROOT, 'tests', 'guest', 'test-guest.bzImage'))
os.environ['VIRTKVM_VMM'] = VMM


def require_kvm():
    from harness import skip
    if not os.path.exists('/dev/kvm'):
        skip('no /dev/kvm')
    if not os.path.exists(VMM) or not os.path.exists(GUEST):
        skip('virtkvm-vmm or the test guest is not built')


def guest_xml(name, workdir, disk=True, serial='file', nets=(), cmdline='',
              memory_mib=64, extra='', disk_path=None):
    devs = []
    if disk:
        path = disk_path or os.path.join(workdir, name + '.img')
        if disk_path is None:
            with open(path, 'wb') as f:
                f.truncate(1 << 20)
        devs.append("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                    "<source file='%s'/><target dev='vda' bus='virtio'/></disk>" % path)
    for n in nets:
        devs.append(n)
    if serial == 'file':
        devs.append("<serial type='file'><source path='%s'/></serial>"
                    % serial_path(workdir, name))
    elif serial == 'pty':
        devs.append("<serial type='pty'/><console type='pty'><target type='serial'/></console>")
    return ("<domain type='kvm'><name>%s</name><memory unit='MiB'>%d</memory>"
            "<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type><kernel>%s</kernel>"
            "<cmdline>%s</cmdline></os>%s<devices>%s</devices></domain>"
            % (name, memory_mib, GUEST, cmdline, extra, ''.join(devs)))


def serial_path(workdir, name):
    return os.path.join(workdir, name + '.serial')


def define(d, name, xml):
    path = os.path.join(d.workdir, name + '.xml')
    with open(path, 'w') as f:
        f.write(xml)
    virsh(d, 'define', path)
    return path


def read(path):
    try:
        with open(path, errors='replace') as f:
            return f.read()
    except OSError:
        return ''


def wait_for(what, fn, timeout=30.0, step=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(step)
    check(False, 'timed out waiting for ' + what)


def domstate(d, name):
    return virsh(d, 'domstate', name, '--reason', check=False).stdout.strip()


def vmm_pids(name=None):
    """pids of virtkvm-vmm processes (of guest NAME)."""
    pids = []
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % p, 'rb') as f:
                args = f.read().split(b'\0')
        except OSError:
            continue
        if not args or not args[0].endswith(b'virtkvm-vmm'):
            continue
        if name is None or ('guest=' + name).encode() in args:
            pids.append(int(p))
    return pids


def proc_user(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('Uid:'):
                return int(line.split()[1])
    return None


def kill_guests(names):
    """Kills every VMM of the given guest names (test cleanup)."""
    for n in names:
        for pid in vmm_pids(n):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def taps():
    return sorted(os.listdir('/sys/class/net'))


def event_listener(d):
    """virsh event --loop --all in the background; read .stdout later."""
    return subprocess.Popen(['virsh', '-c', d.uri, 'event', '--loop', '--all'],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, stdin=subprocess.DEVNULL)
