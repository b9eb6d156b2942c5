#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Storage backends that need the kernel: an fs pool on a loop device
(pool-build runs mkfs.ext4, pool-start mounts it), an fs pool on an image
file, a disk pool on a loop device when partition scanning works, and
logical/netfs pools, which skip their live part where the kernel lacks
device-mapper or NFS (the reason is printed).  Loop devices and mounts are
always released."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virsh  # noqa: E402

loops = []


def run(*cmd):
    return subprocess.run(list(cmd), capture_output=True, text=True, check=True).stdout


def losetup(image, partscan=False):
    args = ['losetup', '-f', '--show'] + (['-P'] if partscan else []) + [image]
    dev = run(*args).strip()
    loops.append(dev)
    return dev


def mounted(path):
    with open('/proc/self/mounts') as f:
        return any(line.split()[1] == path for line in f)


def make_image(path, size):
    with open(path, 'wb') as f:
        f.truncate(size)


def fs_pool_on_loop(d, tmp):
    img = os.path.join(tmp, 'fs.img')
    make_image(img, 64 << 20)
    dev = losetup(img)
    target = os.path.join(tmp, 'fsmnt')
    virsh(d, 'pool-define-as', 'fsp', 'fs', '--source-dev', dev, '--source-format', 'ext4',
          '--target', target)
    virsh(d, 'pool-build', 'fsp', '--overwrite')
    check('ext4' in run('blkid', '-o', 'value', '-s', 'TYPE', dev), 'mkfs.ext4 ran')
    r = virsh(d, 'pool-build', 'fsp', '--no-overwrite', check=False)
    check(r.returncode != 0 and 'already formatted' in r.stderr, r.stderr)
    virsh(d, 'pool-start', 'fsp')
    check(mounted(target), 'fs pool mounted')
    virsh(d, 'vol-create-as', 'fsp', 'v1.qcow2', '8M', '--format', 'qcow2')
    check(os.path.exists(os.path.join(target, 'v1.qcow2')), 'volume on the mounted fs')
    info = virsh(d, 'pool-info', 'fsp').stdout
    check('running' in info and 'MiB' in info, info)
    spec = os.path.join(tmp, 'spec.xml')
    with open(spec, 'w') as f:
        f.write("<source><device path='%s'/></source>" % dev)
    src = virsh(d, 'find-storage-pool-sources', 'fs', spec, check=False)
    check(src.returncode == 0 and 'ext4' in src.stdout, src.stdout + src.stderr)
    virsh(d, 'pool-destroy', 'fsp')
    check(not mounted(target), 'fs pool unmounted')
    virsh(d, 'pool-undefine', 'fsp')


def fs_pool_on_file(d, tmp):
    img = os.path.join(tmp, 'fsfile.img')
    make_image(img, 32 << 20)
    run('mkfs.ext4', '-q', '-F', img)
    target = os.path.join(tmp, 'filemnt')
    os.mkdir(target)
    virsh(d, 'pool-create-as', 'fsf', 'fs', '--source-dev', img, '--source-format', 'ext4',
          '--target', target)
    check(mounted(target), 'image file mounted')
    for line in open('/proc/self/mounts'):
        if line.split()[1] == target:
            loops.append(line.split()[0])   # mount -o loop's device, detached by umount
    virsh(d, 'pool-destroy', 'fsf')
    check(not mounted(target), 'image file unmounted')
    check('fsf' not in virsh(d, 'pool-list', '--all').stdout, 'transient pool gone')


def disk_pool(d, tmp):
    img = os.path.join(tmp, 'disk.img')
    make_image(img, 64 << 20)
    dev = losetup(img, partscan=True)
    virsh(d, 'pool-define-as', 'dk', 'disk', '--source-dev', dev, '--source-format', 'gpt',
          '--target', '/dev')
    virsh(d, 'pool-build', 'dk', '--overwrite')
    virsh(d, 'pool-start', 'dk')
    r = virsh(d, 'vol-create-as', 'dk', 'part1', '8M', check=False)
    if r.returncode != 0 or not os.path.exists(dev + 'p1'):
        print('disk pool: partition scanning on loop devices does not work here: ' + r.stderr)
    else:
        out = virsh(d, 'vol-list', 'dk').stdout
        check(os.path.basename(dev) + 'p1' in out, out)
        virsh(d, 'vol-delete', '--pool', 'dk', os.path.basename(dev) + 'p1')
    virsh(d, 'pool-destroy', 'dk')
    virsh(d, 'pool-undefine', 'dk')


def logical_and_netfs(d, tmp):
    if not os.path.exists('/dev/mapper/control'):
        print('logical pool: live test skipped, no device-mapper (/dev/mapper/control absent)')
    with open('/proc/filesystems') as f:
        have_nfs = 'nfs' in f.read()
    if not have_nfs:
        print('netfs pool: live test skipped, the kernel has no NFS')
    # the definitions work regardless
    virsh(d, 'pool-define-as', 'nf', 'netfs', '--source-host', '192.0.2.1',
          '--source-path', '/export', '--target', os.path.join(tmp, 'nfsmnt'))
    virsh(d, 'pool-build', 'nf')
    if not have_nfs:
        # starting says clearly why it cannot work here
        r = virsh(d, 'pool-start', 'nf', check=False)
        check(r.returncode != 0 and 'nfs' in r.stderr, r.stderr)
    virsh(d, 'pool-undefine', 'nf')


def main():
    if os.geteuid() != 0 or not shutil.which('losetup'):
        print('SKIP: needs root and losetup')
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix='virtkvm-storage-be-')
    try:
        with Daemon() as d:
            fs_pool_on_loop(d, tmp)
            fs_pool_on_file(d, tmp)
            disk_pool(d, tmp)
            logical_and_netfs(d, tmp)
    finally:
        for path in ('fsmnt', 'filemnt', 'nfsmnt'):
            p = os.path.join(tmp, path)
            if mounted(p):
                subprocess.run(['umount', '-l', p])
        for dev in loops:
            subprocess.run(['losetup', '-d', dev], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print('ok')


if __name__ == '__main__':
    main()
