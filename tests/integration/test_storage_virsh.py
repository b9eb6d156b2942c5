#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The storage driver through stock virsh against a private virtkvmd: dir
pool lifecycle, raw/qcow2 volumes (checked with qemu-img), clone with
conversion, resize, wipe, upload/download (plain and sparse), bad input
that must change nothing, pool events, and pools and volumes surviving a
daemon restart.  Pool targets live in the test's temp dir."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virsh  # noqa: E402

import libvirt  # noqa: E402


def qemu_img_info(path):
    r = subprocess.run(['qemu-img', 'info', '--output=json', '-U', path],
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def qemu_img_check(path):
    r = subprocess.run(['qemu-img', 'check', '-U', path], capture_output=True, text=True)
    check(r.returncode == 0, 'qemu-img check %s: %s%s' % (path, r.stdout, r.stderr))


def fails(d, *args, expect):
    r = virsh(d, *args, check=False)
    check(r.returncode != 0, '%s unexpectedly succeeded: %s' % (args, r.stdout))
    check(expect in r.stderr, '%s: expected %r in %r' % (args, expect, r.stderr))
    return r


def listing(d, pool):
    return sorted(os.listdir(pool))


def pool_lifecycle(d, tmp):
    target = os.path.join(tmp, 'pool1')
    virsh(d, 'pool-define-as', 'p1', 'dir', '--target', target)
    check('p1' in virsh(d, 'pool-list', '--all', '--name').stdout, 'pool listed')
    virsh(d, 'pool-build', 'p1')
    check(os.path.isdir(target), 'pool-build made the directory')
    virsh(d, 'pool-start', 'p1')
    info = virsh(d, 'pool-info', 'p1').stdout
    check('running' in info and 'Capacity' in info, info)
    details = virsh(d, 'pool-list', '--all', '--details').stdout
    check('p1' in details and 'running' in details, details)
    virsh(d, 'pool-autostart', 'p1')
    check('yes' in virsh(d, 'pool-info', 'p1').stdout.split('Autostart:')[1].split('\n')[0],
          'autostart')
    # events: a refresh and a destroy/start cycle reach a python client
    return target


def volumes(d, target, tmp):
    virsh(d, 'vol-create-as', 'p1', 'a.raw', '10M', '--allocation', '0')
    virsh(d, 'vol-create-as', 'p1', 'full.raw', '2M')
    virsh(d, 'vol-create-as', 'p1', 'b.qcow2', '20M', '--format', 'qcow2')
    virsh(d, 'vol-create-as', 'p1', 'c.qcow2', '0', '--format', 'qcow2',
          '--backing-vol', 'b.qcow2', '--backing-vol-format', 'qcow2')
    a = os.path.join(target, 'a.raw')
    check(os.path.getsize(a) == 10 << 20 and os.stat(a).st_blocks == 0, 'sparse raw')
    full = os.path.join(target, 'full.raw')
    check(os.stat(full).st_blocks * 512 >= 2 << 20, 'preallocated raw')
    b = qemu_img_info(os.path.join(target, 'b.qcow2'))
    check(b['format'] == 'qcow2' and b['virtual-size'] == 20 << 20, str(b))
    c = qemu_img_info(os.path.join(target, 'c.qcow2'))
    check(c['format'] == 'qcow2' and c['virtual-size'] == 20 << 20 and
          c['backing-filename'] == os.path.join(target, 'b.qcow2') and
          c['backing-filename-format'] == 'qcow2', str(c))
    for v in ('b.qcow2', 'c.qcow2'):
        qemu_img_check(os.path.join(target, v))
    out = virsh(d, 'vol-list', 'p1', '--details').stdout
    check(all(v in out for v in ('a.raw', 'b.qcow2', 'c.qcow2')), out)
    info = virsh(d, 'vol-info', '--pool', 'p1', 'b.qcow2').stdout
    check('20.00 MiB' in info and 'file' in info, info)
    xml = virsh(d, 'vol-dumpxml', '--pool', 'p1', 'c.qcow2').stdout
    check("<format type='qcow2'/>" in xml.replace('"', "'") and '<backingStore>' in xml, xml)

    # clone: qcow2 -> qcow2, and raw with data -> qcow2 by XML
    data = os.urandom(65536)
    with open(a, 'r+b') as f:
        f.seek(1 << 20)
        f.write(data)
    virsh(d, 'vol-clone', '--pool', 'p1', 'b.qcow2', 'b2.qcow2')
    qemu_img_check(os.path.join(target, 'b2.qcow2'))
    xmlpath = os.path.join(tmp, 'conv.xml')
    with open(xmlpath, 'w') as f:
        f.write("<volume><name>a.qcow2</name><capacity>10485760</capacity>"
                "<target><format type='qcow2'/></target></volume>")
    virsh(d, 'vol-create-from', 'p1', xmlpath, '--inputpool', 'p1', 'a.raw')
    conv = os.path.join(target, 'a.qcow2')
    qemu_img_check(conv)
    back = os.path.join(tmp, 'back.raw')
    subprocess.run(['qemu-img', 'convert', '-U', '-O', 'raw', conv, back], check=True)
    with open(back, 'rb') as f, open(a, 'rb') as g:
        check(f.read() == g.read(), 'converted qcow2 holds the raw data')

    # resize: grow, refuse to shrink without --shrink, shrink
    virsh(d, 'vol-resize', '--pool', 'p1', 'a.raw', '20M')
    check(os.path.getsize(a) == 20 << 20, 'grown')
    fails(d, 'vol-resize', '--pool', 'p1', 'a.raw', '5M', expect='shrink')
    virsh(d, 'vol-resize', '--pool', 'p1', 'a.raw', '5M', '--shrink')
    check(os.path.getsize(a) == 5 << 20, 'shrunk')
    virsh(d, 'vol-resize', '--pool', 'p1', 'b.qcow2', '1G')
    check(qemu_img_info(os.path.join(target, 'b.qcow2'))['virtual-size'] == 1 << 30, 'qcow2 grown')
    qemu_img_check(os.path.join(target, 'b.qcow2'))

    # upload / download, plain and sparse
    up = os.path.join(tmp, 'up.bin')
    with open(up, 'wb') as f:
        f.write(os.urandom(3 << 20))
    virsh(d, 'vol-upload', '--pool', 'p1', 'a.raw', up)
    down = os.path.join(tmp, 'down.bin')
    virsh(d, 'vol-download', '--pool', 'p1', 'a.raw', down)
    with open(up, 'rb') as f, open(down, 'rb') as g:
        check(g.read()[:3 << 20] == f.read(), 'downloaded what was uploaded')
    sp = os.path.join(tmp, 'sparse.bin')
    with open(sp, 'wb') as f:
        f.truncate(8 << 20)
        f.seek(1 << 20)
        f.write(b'hello' * 1000)
        f.seek(6 << 20)
        f.write(b'world' * 1000)
    virsh(d, 'vol-create-as', 'p1', 's.raw', '8M', '--allocation', '0')
    virsh(d, 'vol-upload', '--sparse', '--pool', 'p1', 's.raw', sp)
    s = os.path.join(target, 's.raw')
    with open(sp, 'rb') as f, open(s, 'rb') as g:
        check(f.read() == g.read(), 'sparse upload content')
    check(os.stat(s).st_blocks * 512 < 1 << 20, 'sparse upload stayed sparse')
    spd = os.path.join(tmp, 'sparse-down.bin')
    virsh(d, 'vol-download', '--sparse', '--pool', 'p1', 's.raw', spd)
    with open(sp, 'rb') as f, open(spd, 'rb') as g:
        check(f.read() == g.read(), 'sparse download content')
    check(os.stat(spd).st_blocks * 512 < 1 << 20, 'sparse download stayed sparse')

    # wipe
    virsh(d, 'vol-wipe', '--pool', 'p1', 'a.raw')
    with open(a, 'rb') as f:
        check(f.read() == bytes(5 << 20), 'wiped to zeroes')
    virsh(d, 'vol-wipe', '--pool', 'p1', 'b2.qcow2')
    qemu_img_check(os.path.join(target, 'b2.qcow2'))
    virsh(d, 'vol-delete', '--pool', 'p1', 'b2.qcow2')
    check(not os.path.exists(os.path.join(target, 'b2.qcow2')), 'vol-delete')


def bad_input(d, target, tmp):
    before = listing(d, target)
    fails(d, 'vol-create-as', 'p1', 'x/y', '1M', expect="cannot contain '/'")
    fails(d, 'vol-create-as', 'p1', 'a.raw', '1M', expect='already exists')
    xmlpath = os.path.join(tmp, 'huge.xml')
    with open(xmlpath, 'w') as f:
        f.write("<volume><name>huge</name><capacity unit='EiB'>17</capacity></volume>")
    fails(d, 'vol-create', 'p1', xmlpath, expect='too large')
    with open(xmlpath, 'w') as f:
        f.write("<volume><name>huge</name><capacity>18446744073709551615</capacity></volume>")
    fails(d, 'vol-create', 'p1', xmlpath, expect='too large')
    fails(d, 'vol-create-as', 'p1', 'nob.qcow2', '1M', '--format', 'qcow2',
          '--backing-vol', os.path.join(tmp, 'missing.img'), '--backing-vol-format', 'raw',
          expect='')
    fails(d, 'pool-define-as', 'inner', 'dir', '--target', os.path.join(target, 'sub'),
          expect='overlaps')
    fails(d, 'pool-define-as', 'same', 'dir', '--target', target + '/', expect='overlaps')
    fails(d, 'pool-start', 'nosuch', expect='no storage pool with matching name')
    fails(d, 'vol-info', '--pool', 'p1', 'nosuch', expect='Storage volume not found')
    virsh(d, 'pool-define-as', 'ghost', 'dir', '--target', os.path.join(tmp, 'nonexistent'))
    fails(d, 'pool-start', 'ghost', expect='nonexistent')
    virsh(d, 'pool-undefine', 'ghost')
    # a file the pool has not seen yet is never overwritten
    late = os.path.join(target, 'late')
    with open(late, 'w') as f:
        f.write('precious')
    fails(d, 'vol-create-as', 'p1', 'late', '1M', expect='already exists')
    with open(late) as f:
        check(f.read() == 'precious', 'an unlisted file was overwritten')
    os.unlink(late)
    # a corrupt qcow2 header: a clear error, no crash
    bad = os.path.join(target, 'bad.qcow2')
    with open(bad, 'wb') as f:
        f.write(b'QFI\xfb\x00\x00\x00\x03' + b'\xff' * 4088)
    virsh(d, 'pool-refresh', 'p1')
    fails(d, 'vol-info', '--pool', 'p1', 'bad.qcow2', expect='corrupt qcow2 header')
    fails(d, 'vol-clone', '--pool', 'p1', 'bad.qcow2', 'bad2', expect='corrupt qcow2 header')
    os.unlink(bad)
    virsh(d, 'pool-refresh', 'p1')
    check(listing(d, target) == before, 'bad input changed the pool: %s' % listing(d, target))
    check('Name:' in virsh(d, 'pool-info', 'p1').stdout, 'daemon still answers')


def events(d):
    """Lifecycle and refresh events reach a python3-libvirt client."""
    libvirt.virEventRegisterDefaultImpl()
    conn = libvirt.open(d.uri)
    seen = []
    conn.storagePoolEventRegisterAny(
        None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
        lambda c, p, ev, det, o: seen.append((p.name(), ev)), None)
    conn.storagePoolEventRegisterAny(
        None, libvirt.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
        lambda c, p, o: seen.append((p.name(), 'refresh')), None)
    pool = conn.storagePoolLookupByName('p1')
    pool.refresh(0)
    pool.destroy()
    pool.create(0)
    libvirt.virEventAddTimeout(100, lambda t, o: None, None)  # wake the loop
    deadline = time.time() + 10
    while len(seen) < 3 and time.time() < deadline:
        libvirt.virEventRunDefaultImpl()
    conn.close()
    want = [('p1', 'refresh'), ('p1', libvirt.VIR_STORAGE_POOL_EVENT_STOPPED),
            ('p1', libvirt.VIR_STORAGE_POOL_EVENT_STARTED)]
    check(seen[:3] == want, 'events: %s' % seen)


def python_api(d, target, tmp):
    """Calls virsh does not make: list flags, legacy lists, lookups."""
    conn = libvirt.open(d.uri)
    try:
        t = os.path.join(tmp, 'transient')
        os.mkdir(t)
        conn.storagePoolCreateXML("<pool type='dir'><name>tr</name><target><path>%s</path>"
                                  "</target></pool>" % t, 0)
        names = lambda flags: sorted(p.name() for p in conn.listAllStoragePools(flags))
        check(names(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT) == ['tr'], 'transient')
        check(names(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT) == ['p1'], 'persistent')
        check(names(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART) == ['p1'], 'autostart')
        check(names(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_DIR) == ['p1', 'tr'], 'dir')
        check(names(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_FS) == [], 'fs')
        check(names(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE) == [], 'inactive')
        check(conn.numOfStoragePools() == 2 and sorted(conn.listStoragePools()) == ['p1', 'tr'],
              'legacy lists')
        check(conn.numOfDefinedStoragePools() == 0 and conn.listDefinedStoragePools() == [],
              'legacy defined lists')
        pool = conn.storagePoolLookupByName('p1')
        check(pool.isActive() == 1 and pool.isPersistent() == 1 and pool.autostart() == 1, 'flags')
        check(conn.storagePoolLookupByUUIDString(pool.UUIDString()).name() == 'p1', 'by uuid')
        vol = pool.storageVolLookupByName('b.qcow2')
        check(vol.storagePoolLookupByVolume().name() == 'p1', 'pool by volume')
        check(conn.storageVolLookupByKey(vol.key()).name() == 'b.qcow2', 'by key')
        check(conn.storageVolLookupByPath(vol.path()).name() == 'b.qcow2', 'by path')
        typ, cap, phys = vol.infoFlags(libvirt.VIR_STORAGE_VOL_GET_PHYSICAL)
        check(typ == libvirt.VIR_STORAGE_VOL_FILE and cap == 1 << 30 and
              phys == os.path.getsize(vol.path()), 'infoFlags')
        check(pool.numOfVolumes() == len(pool.listVolumes()) == len(pool.listAllVolumes()),
              'volume counts')
        try:
            vol.wipePattern(libvirt.VIR_STORAGE_VOL_WIPE_ALG_GUTMANN, 0)
            check(shutil.which('scrub'), 'gutmann without scrub must fail')
        except libvirt.libvirtError as e:
            check(e.get_error_code() == libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED, str(e))
        try:
            conn.storagePoolLookupByName('nosuch')
            check(False, 'lookup of a missing pool')
        except libvirt.libvirtError as e:
            check(e.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_POOL, str(e))
        try:
            pool.storageVolLookupByName('nosuch')
            check(False, 'lookup of a missing volume')
        except libvirt.libvirtError as e:
            check(e.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_VOL and
                  "no storage vol with matching name 'nosuch'" in str(e), str(e))
        conn.storagePoolLookupByName('tr').destroy()
        check('tr' not in conn.listStoragePools(), 'transient pool gone after destroy')
    finally:
        conn.close()


def restart(root, target):
    with Daemon(root=root) as d:
        out = virsh(d, 'vol-list', 'p1').stdout
        check('a.raw' in out and 'b.qcow2' in out, 'volumes after restart: ' + out)
        check('running' in virsh(d, 'pool-info', 'p1').stdout, 'still active')
        virsh(d, 'pool-destroy', 'p1')
    # autostart brings it back on a fresh start
    with Daemon(root=root) as d:
        check('running' in virsh(d, 'pool-info', 'p1').stdout, 'autostarted')
        virsh(d, 'pool-autostart', '--disable', 'p1')
        virsh(d, 'pool-destroy', 'p1')
        virsh(d, 'pool-delete', 'p1', check=False)   # not empty: fails, like libvirt
        virsh(d, 'pool-start', 'p1')
        for line in virsh(d, 'vol-list', 'p1').stdout.splitlines():
            if line.split():
                virsh(d, 'vol-delete', '--pool', 'p1', line.split()[0])
        virsh(d, 'pool-destroy', 'p1')
        virsh(d, 'pool-delete', 'p1')
        check(not os.path.exists(target), 'pool-delete removed the directory')
        virsh(d, 'pool-undefine', 'p1')
        check('p1' not in virsh(d, 'pool-list', '--all', '--name').stdout, 'undefined')


def main():
    tmp = tempfile.mkdtemp(prefix='virtkvm-storage-')
    root = os.path.join(tmp, 'root')
    os.mkdir(root)
    try:
        with Daemon(root=root) as d:
            target = pool_lifecycle(d, tmp)
            volumes(d, target, tmp)
            bad_input(d, target, tmp)
            events(d)
            python_api(d, target, tmp)
            virsh(d, 'pool-refresh', 'p1')
        restart(root, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('ok')


if __name__ == '__main__':
    main()
