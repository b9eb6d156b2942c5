#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""qcow2 interoperability: our hv/block code against qemu-img and qemu-io.

Images we create must pass `qemu-img check`; images qemu-img writes must
read back identically through our code; the same writes through our code
and through qemu-io must give images `qemu-img compare` calls identical;
a process killed with SIGKILL mid-burst must leave no corruption.
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

BUILD = os.environ.get('VIRTKVM_BUILD_ROOT', os.path.join(os.path.dirname(__file__), '..', '..', 'build'))
IMG_TOOL = os.path.join(BUILD, 'tests', 'block', 'virtkvm-img')
MiB = 1024 * 1024


def run(*args, check=True, **kw):
    return subprocess.run([str(a) for a in args], check=check, capture_output=True, text=True, **kw)


def ours(*args, **kw):
    return run(IMG_TOOL, *args, **kw)


def qemu_check(path, allow_leaks=False):
    """Returns the parsed JSON report; fails on corruption (and leaks unless allowed)."""
    r = run('qemu-img', 'check', '--output=json', path, check=False)
    if r.returncode not in (0, 3) or (r.returncode == 3 and not allow_leaks):
        raise AssertionError('qemu-img check %s: rc=%d\n%s%s' % (path, r.returncode, r.stdout, r.stderr))
    return json.loads(r.stdout) if r.stdout.strip() else {}


def qemu_info(path):
    return json.loads(run('qemu-img', 'info', '--output=json', path).stdout)


def read_file(path):
    with open(path, 'rb') as f:
        return f.read()


class Qcow2Interop(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='test-qcow2-')

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def assert_reads_like_qemu(self, img):
        """Our full-disk read equals qemu-img convert -O raw."""
        mine, theirs = self.path('mine.raw'), self.path('theirs.raw')
        ours('dump', img, mine)
        run('qemu-img', 'convert', '-O', 'raw', img, theirs)
        self.assertEqual(os.path.getsize(mine), os.path.getsize(theirs))
        self.assertTrue(read_file(mine) == read_file(theirs), 'contents differ for %s' % img)

    def make_raw(self, name, size, seed):
        rng = random.Random(seed)
        p = self.path(name)
        with open(p, 'wb') as f:
            f.truncate(size)
            for _ in range(16):
                f.seek(rng.randrange(0, size - 65536))
                f.write(bytes([rng.randrange(1, 256)]) * rng.randrange(1, 65536))
        return p

    def random_ops(self, seed, size, count=60, discard=True):
        rng = random.Random(seed)
        ops = []
        for i in range(count):
            kind = rng.random()
            ln = rng.choice([1, 512, 4096, 65536, 70000, 300000, rng.randrange(1, 200000)])
            off = rng.randrange(0, size - ln)
            if kind < 0.1 and discard:
                ops.append(('d', off, ln))
            elif kind < 0.2:
                ops.append(('z', off, ln))
            else:
                ops.append(('w', off, ln, (i % 250) + 1))
        return ops

    def apply_ours(self, img, ops):
        text = ''.join(' '.join(str(x) for x in op) + '\n' for op in ops)
        ours('ops', img, input=text)

    def apply_qemu(self, img, ops):
        cmds = []
        for op in ops:
            if op[0] == 'w':
                cmds += ['-c', 'write -P %d %d %d' % (op[3], op[1], op[2])]
            elif op[0] == 'z':
                cmds += ['-c', 'write -z %d %d' % (op[1], op[2])]
            elif op[0] == 'd':
                cmds += ['-c', 'discard %d %d' % (op[1], op[2])]
        run('qemu-io', '-f', 'qcow2', *cmds, img)

    # --- images we create -------------------------------------------------
    def test_create_variants(self):
        base = self.make_raw('base.raw', 8 * MiB, 1)
        variants = [
            ([], 65536, 16),
            (['-c', '4096'], 4096, 16),
            (['-c', '512'], 512, 16),
            (['-c', '2097152'], 2097152, 16),
            (['-l'], 65536, 16),
            (['-2'], 65536, 16),
            (['-r', '1'], 65536, 1),
            (['-r', '8', '-c', '1024'], 1024, 8),
            (['-r', '64'], 65536, 64),
            (['-b', 'base.raw', '-F', 'raw'], 65536, 16),
        ]
        for i, (args, cs, rbits) in enumerate(variants):
            with self.subTest(args=args):
                img = self.path('c%d.qcow2' % i)
                ours('create', *args, img, str(8 * MiB))
                qemu_check(img)
                info = qemu_info(img)
                self.assertEqual(info['virtual-size'], 8 * MiB)
                self.assertEqual(info['cluster-size'], cs)
                spec = info['format-specific']['data']
                self.assertEqual(spec['compat'], '0.10' if '-2' in args else '1.1')
                if '-2' not in args:
                    self.assertEqual(spec['refcount-bits'], rbits)
                    self.assertEqual(spec['lazy-refcounts'], '-l' in args)
                if '-b' in args:
                    self.assertEqual(info['backing-filename'], 'base.raw')
                    self.assertEqual(info['backing-filename-format'], 'raw')
                # Write through our code, then qemu must agree and find no errors.
                self.apply_ours(img, self.random_ops(i, 8 * MiB, count=30))
                qemu_check(img)
                self.assert_reads_like_qemu(img)

    def test_create_bad_options(self):
        for args in (['-c', '256'], ['-c', '3000'], ['-c', '4194304'], ['-r', '3'],
                     ['-2', '-l'], ['-F', 'vmdk', '-b', 'x']):
            with self.subTest(args=args):
                r = ours('create', *args, self.path('bad.qcow2'), '1M', check=False)
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertFalse(os.path.exists(self.path('bad.qcow2')))

    def test_refcount_table_growth(self):
        # 512-byte clusters: the first refcount table covers 8 MiB, so a
        # 32 MiB write forces the table to move and grow.
        img = self.path('grow.qcow2')
        ours('create', '-c', '512', img, str(48 * MiB))
        self.apply_ours(img, [('w', 0, 32 * MiB, 7), ('w', 40 * MiB, 1000, 8)])
        qemu_check(img)
        self.assert_reads_like_qemu(img)

    # --- images qemu-img creates ------------------------------------------
    def qemu_image(self, name, opts, size=16 * MiB, backing=None):
        img = self.path(name)
        args = ['qemu-img', 'create', '-f', 'qcow2']
        if opts:
            args += ['-o', opts]
        if backing:
            args += ['-b', backing[0], '-F', backing[1]]
        run(*args, img, str(size))
        return img

    def fill_with_qemu(self, img, seed, size=16 * MiB):
        rng = random.Random(seed)
        cmds = []
        for i in range(24):
            ln = rng.randrange(1, 300000)
            off = rng.randrange(0, size - ln)
            cmds += ['-c', 'write -P %d %d %d' % (i + 1, off, ln)]
        # Zero clusters (v3) or explicit zeros (v2).
        cmds += ['-c', 'write -z %d %d' % (2 * MiB, 3 * 65536)]
        run('qemu-io', '-f', 'qcow2', *cmds, img)

    def test_read_qemu_images(self):
        base = self.make_raw('base.raw', 16 * MiB, 2)
        cases = {
            'c64k': ('cluster_size=65536', None),
            'c4k': ('cluster_size=4096', None),
            'v2': ('compat=0.10', None),
            'v2-4k-backing': ('compat=0.10,cluster_size=4096', ('base.raw', 'raw')),
            'backing-raw': ('cluster_size=65536', ('base.raw', 'raw')),
            'rc1': ('refcount_bits=1', None),
            'extl2-off-lazy': ('lazy_refcounts=on', None),
        }
        for name, (opts, backing) in cases.items():
            with self.subTest(image=name):
                img = self.qemu_image(name + '.qcow2', opts, backing=backing)
                self.fill_with_qemu(img, hash(name) & 0xffff)
                self.assert_reads_like_qemu(img)

    def test_read_compressed(self):
        src = self.make_raw('src.raw', 8 * MiB, 3)
        for ctype in ('zlib', 'zstd'):
            for cs in ('65536', '4096'):
                with self.subTest(compression=ctype, cluster=cs):
                    img = self.path('comp-%s-%s.qcow2' % (ctype, cs))
                    run('qemu-img', 'convert', '-c', '-O', 'qcow2', '-o',
                        'compression_type=%s,cluster_size=%s' % (ctype, cs), src, img)
                    self.assertEqual(qemu_info(img)['format-specific']['data']['compression-type'], ctype)
                    self.assert_reads_like_qemu(img)
                    # Overwriting compressed clusters copies them out.
                    ops = self.random_ops(5, 8 * MiB, count=20)
                    twin = self.path('twin.qcow2')
                    shutil.copy(img, twin)
                    self.apply_ours(img, ops)
                    self.apply_qemu(twin, ops)
                    qemu_check(img)
                    self.assertEqual(run('qemu-img', 'compare', img, twin, check=False).returncode, 0)

    def test_same_writes_as_qemu_io(self):
        base = self.make_raw('base.raw', 16 * MiB, 4)
        configs = [('cluster_size=65536', None), ('cluster_size=4096', None),
                   ('cluster_size=65536', ('base.raw', 'raw')), ('compat=0.10', None),
                   ('compat=0.10', ('base.raw', 'raw')), ('cluster_size=512', None)]
        for i, (opts, backing) in enumerate(configs):
            with self.subTest(opts=opts, backing=backing):
                a = self.qemu_image('a%d.qcow2' % i, opts, backing=backing)
                self.fill_with_qemu(a, i)
                b = self.path('b%d.qcow2' % i)
                shutil.copy(a, b)
                # Discarded ranges read back unspecified data; QEMU leaves
                # part of a discard on v2 + backing in place, so skip it there.
                ops = self.random_ops(100 + i, 16 * MiB, count=80,
                                      discard=not (backing and 'compat=0.10' in opts))
                self.apply_ours(a, ops)
                self.apply_qemu(b, ops)
                qemu_check(a)
                r = run('qemu-img', 'compare', a, b, check=False)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_backing_chain(self):
        base = self.make_raw('base.raw', 8 * MiB, 5)
        mid = self.path('mid.qcow2')
        top = self.path('top.qcow2')
        ours('create', '-c', '4096', '-b', 'base.raw', '-F', 'raw', mid, str(8 * MiB))
        self.apply_ours(mid, [('w', 4096 * 3 + 5, 10000, 9), ('z', MiB, 65536)])
        # Top is larger than its backing: the tail reads as zeros.
        ours('create', '-b', 'mid.qcow2', top, str(12 * MiB))
        self.apply_ours(top, [('w', 100, 5000, 10), ('w', 8 * MiB - 10, 100, 11)])
        qemu_check(mid)
        qemu_check(top)
        self.assert_reads_like_qemu(top)
        # Relative names resolve against the image's directory, not the cwd.
        r = ours('dump', top, self.path('t.raw'), cwd='/')
        self.assertEqual(r.returncode, 0)
        # A loop is refused instead of recursing.
        loop = self.path('loop.qcow2')
        ours('create', '-b', 'loop.qcow2', '-F', 'qcow2', loop, str(MiB))
        r = ours('dump', loop, self.path('l.raw'), check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn('Too many levels', r.stderr)

    def test_snapshots(self):
        img = self.qemu_image('snap.qcow2', 'cluster_size=65536', size=8 * MiB)
        self.fill_with_qemu(img, 7, size=8 * MiB)
        run('qemu-img', 'snapshot', '-c', 'first', img)
        run('qemu-img', 'snapshot', '-c', 'second snap', img)
        out = ours('snapshots', img).stdout.splitlines()
        self.assertEqual(out, ['1 first 0', '2 second snap 0'])
        # Writes after a snapshot copy shared clusters and L2 tables.
        twin = self.path('twin.qcow2')
        shutil.copy(img, twin)
        ops = self.random_ops(9, 8 * MiB, count=40)
        self.apply_ours(img, ops)
        self.apply_qemu(twin, ops)
        qemu_check(img)
        self.assertEqual(run('qemu-img', 'compare', img, twin, check=False).returncode, 0)
        # The snapshot still holds the old data.
        for p in (img, twin):
            run('qemu-img', 'snapshot', '-a', 'first', p)
        self.assertEqual(run('qemu-img', 'compare', img, twin, check=False).returncode, 0)

    def test_discard_then_check(self):
        img = self.path('disc.qcow2')
        ours('create', img, str(16 * MiB))
        self.apply_ours(img, [('w', 0, 8 * MiB, 1), ('f',), ('d', 0, 4 * MiB), ('d', 5 * MiB + 1, MiB)])
        qemu_check(img)
        self.assert_reads_like_qemu(img)
        # Freed clusters are reused rather than growing the file.
        size = os.path.getsize(img)
        self.apply_ours(img, [('w', 8 * MiB, 3 * MiB, 2)])
        qemu_check(img)
        self.assertLessEqual(os.path.getsize(img), size)

    def test_lazy_refcounts_dirty_bit(self):
        img = self.path('lazy.qcow2')
        ours('create', '-l', img, str(16 * MiB))
        self.apply_ours(img, [('w', 0, MiB, 1)])
        self.assertIn('dirty 0', ours('info', img).stdout)
        qemu_check(img)
        p = subprocess.Popen([IMG_TOOL, 'crash', img, '3'], stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(p.stdout.readline().strip(), 'ready')
        finally:
            p.kill()
            p.wait()
            p.stdout.close()
        self.assertIn('dirty 1', ours('info', img).stdout)
        # Reading a dirty image needs no repair.
        ours('dump', img, self.path('d.raw'))
        # A writable open rebuilds the refcounts: no leaks, no errors.
        ours('ops', img, input='w 0 512 9\n')
        self.assertIn('dirty 0', ours('info', img).stdout)
        qemu_check(img)
        self.assert_reads_like_qemu(img)

    def test_resize(self):
        base = self.make_raw('base.raw', 4 * MiB, 6)
        for name, opts, backing in (('plain', 'cluster_size=4096', None),
                                    ('backing', 'cluster_size=65536', ('base.raw', 'raw')),
                                    ('v2', 'compat=0.10,cluster_size=4096', None)):
            with self.subTest(image=name):
                a = self.qemu_image('r-%s.qcow2' % name, opts, size=16 * MiB, backing=backing)
                self.fill_with_qemu(a, 11)
                b = self.path('r-%s-twin.qcow2' % name)
                shutil.copy(a, b)
                # Grow far enough to need a larger L1 table, write past the
                # old end, then shrink to an unaligned size and grow again.
                steps = [('resize', 2 * 1024 * MiB), ('w', 1536 * MiB, 70000, 5),
                         ('resize', 10 * MiB + 128 * 1024), ('resize', 20 * MiB)]
                self.apply_ours(a, steps)
                for op in steps:
                    if op[0] == 'resize':
                        run('qemu-img', 'resize', '-q', '--shrink', '-f', 'qcow2', b, str(op[1]))
                    else:
                        self.apply_qemu(b, [op])
                qemu_check(a)
                self.assertEqual(qemu_info(a)['virtual-size'], 20 * MiB)
                r = run('qemu-img', 'compare', a, b, check=False)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                # After a shrink to an unaligned size, a grow shows zeros
                # (QEMU 7.2 shows the old tail of the cluster; we do not).
                self.apply_ours(a, [('w', 5 * MiB, 2 * MiB, 9), ('resize', 5 * MiB + 1024),
                                    ('resize', 8 * MiB)])
                qemu_check(a)
                ours('dump', a, self.path('r.raw'))
                data = read_file(self.path('r.raw'))
                self.assertEqual(data[5 * MiB:5 * MiB + 1024], b'\x09' * 1024)
                self.assertEqual(data[5 * MiB + 1024:], bytes(3 * MiB - 1024))

    def test_convert(self):
        base = self.make_raw('base.raw', 8 * MiB, 8)
        src = self.qemu_image('src.qcow2', 'cluster_size=4096', size=8 * MiB, backing=('base.raw', 'raw'))
        self.fill_with_qemu(src, 12, size=8 * MiB)
        # qcow2 (with backing) -> raw -> qcow2: same content, still sparse.
        ours('convert', src, 'raw', self.path('out.raw'))
        ours('convert', self.path('out.raw'), 'qcow2', self.path('out.qcow2'))
        qemu_check(self.path('out.qcow2'))
        for out in ('out.raw', 'out.qcow2'):
            r = run('qemu-img', 'compare', src, self.path(out), check=False)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertLess(os.stat(self.path('out.raw')).st_blocks * 512, 8 * MiB)

    def test_on_block_device(self):
        backing_file = self.path('lo.img')
        with open(backing_file, 'wb') as f:
            f.truncate(64 * MiB)
        r = run('losetup', '-f', '--show', backing_file, check=False)
        if r.returncode != 0:
            self.skipTest('no loop device: ' + r.stderr.strip())
        dev = r.stdout.strip()
        try:
            run('qemu-img', 'create', '-q', '-f', 'qcow2', dev, str(32 * MiB))
            self.apply_ours(dev, [('w', 0, 4096, 1), ('w', MiB - 7, 3 * MiB, 2)])
            # A second open finds the used space by refcounts, not file size.
            self.apply_ours(dev, [('w', 9 * MiB, 100000, 3)])
            qemu_check(dev)
            self.assert_reads_like_qemu(dev)
        finally:
            run('losetup', '-d', dev, check=False)

    def test_crash_consistency(self):
        for i, (cs, lazy) in enumerate((('65536', False), ('4096', False), ('512', False),
                                        ('65536', True), ('512', True))):
            with self.subTest(cluster=cs, lazy=lazy):
                img = self.path('crash%d.qcow2' % i)
                ours('create', '-c', cs, *(['-l'] if lazy else []), img, str(64 * MiB))
                for round_ in range(3):
                    p = subprocess.Popen([IMG_TOOL, 'crash', img, str(i * 10 + round_)],
                                         stdout=subprocess.PIPE, text=True)
                    try:
                        self.assertEqual(p.stdout.readline().strip(), 'ready')
                        time.sleep(random.Random(round_).uniform(0.05, 0.4))
                    finally:
                        p.send_signal(signal.SIGKILL)
                        p.wait()
                        p.stdout.close()
                    self.assertEqual(p.returncode, -signal.SIGKILL)
                    if lazy:
                        # Lazy refcounts: only our repair on open makes them right.
                        self.assertIn('dirty 1', ours('info', img).stdout)
                    else:
                        report = qemu_check(img, allow_leaks=True)
                        self.assertEqual(report.get('corruptions', 0), 0)
                    # Our code reopens the killed image for writing.
                    self.apply_ours(img, [('w', 0, 4096, 1)])
                    qemu_check(img, allow_leaks=not lazy)


if __name__ == '__main__':
    if not shutil.which('qemu-img') or not shutil.which('qemu-io'):
        print('SKIP: qemu-img/qemu-io not installed')
        sys.exit(77)
    unittest.main(verbosity=2)
