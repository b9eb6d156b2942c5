#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Start latency and density of the test guest on several daemons.

Usage: bench.py IMAGE WORKDIR NAME=URI [NAME=URI ...]
Env: BENCH_REPS (start latency repetitions, default 5), BENCH_DENSITY_CAP
(most guests per daemon, default 50, at most 200), BENCH_DENSITY_SECONDS
(time budget per daemon, default 300).

Per daemon:
  - start latency: virDomainCreate() until the call returns with the
    domain running, and until the guest's first serial byte is in the
    serial file (64 MiB guest, one vCPU, kernel = the test guest);
  - density: guests started one after another until the cap or the time
    budget; host memory per guest = (MemAvailable before - after) / n and
    the mean PSS of the per-guest processes (VMM / QEMU).
"""
import os
import sys
import time

import libvirt

REPS = int(os.environ.get('BENCH_REPS', '5'))
CAP = min(int(os.environ.get('BENCH_DENSITY_CAP', '50')), 200)
BUDGET = float(os.environ.get('BENCH_DENSITY_SECONDS', '300'))


def xml(name, image, serial):
    return ("<domain type='kvm'><name>%s</name><memory unit='MiB'>64</memory>"
            "<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type><kernel>%s</kernel>"
            "<cmdline>vkt.ticks=0</cmdline></os><devices>"
            "<serial type='file'><source path='%s'/></serial>"
            "<memballoon model='none'/></devices></domain>" % (name, image, serial))


def mem_available_kib():
    with open('/proc/meminfo') as f:
        for line in f:
            if line.startswith('MemAvailable:'):
                return int(line.split()[1])
    return 0


def pss_kib(pid):
    try:
        with open('/proc/%d/smaps_rollup' % pid) as f:
            for line in f:
                if line.startswith('Pss:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def guest_pids(names):
    """pids of per-guest processes whose command line names one of @names."""
    want = {n.encode() for n in names}
    pids = []
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % p, 'rb') as f:
                args = f.read().split(b'\0')
        except OSError:
            continue
        for a in args:
            if a.startswith(b'guest=') and a[6:].split(b',')[0] in want:
                pids.append(int(p))
                break
    return pids


def start_latency(conn, tag, image, work):
    to_running, to_serial = [], []
    name = tag + '-lat'
    serial = os.path.join(work, name + '.serial')
    dom = conn.defineXML(xml(name, image, serial))
    for _ in range(REPS):
        if os.path.exists(serial):
            os.unlink(serial)
        t0 = time.perf_counter()
        dom.create()
        t1 = time.perf_counter()
        while True:
            try:
                if os.path.getsize(serial) > 0:
                    break
            except OSError:
                pass
            if time.perf_counter() - t0 > 60:
                break
            time.sleep(0.0005)
        t2 = time.perf_counter()
        to_running.append(t1 - t0)
        to_serial.append(t2 - t0)
        dom.destroy()
        time.sleep(0.2)
    dom.undefine()
    return min(to_running), sorted(to_running)[len(to_running) // 2], \
        min(to_serial), sorted(to_serial)[len(to_serial) // 2]


def density(conn, tag, image, work):
    names = []
    before = mem_available_kib()
    t0 = time.monotonic()
    try:
        while len(names) < CAP and time.monotonic() - t0 < BUDGET:
            name = '%s-d%03d' % (tag, len(names))
            dom = conn.defineXML(xml(name, image, os.path.join(work, name + '.serial')))
            names.append(name)
            dom.create()
        elapsed = time.monotonic() - t0
        time.sleep(3)       # let them settle (boot, idle)
        after = mem_available_kib()
        pids = guest_pids(names)
        pss = sum(pss_kib(p) for p in pids)
        running = sum(1 for n in names
                      if conn.lookupByName(n).state()[0] == libvirt.VIR_DOMAIN_RUNNING)
        return {'n': len(names), 'running': running, 'seconds': elapsed,
                'memavail_per_guest_kib': (before - after) / max(len(names), 1),
                'pss_per_guest_kib': pss / max(len(pids), 1), 'procs': len(pids)}
    finally:
        for n in names:
            try:
                d = conn.lookupByName(n)
                if d.isActive():
                    d.destroy()
                d.undefine()
            except libvirt.libvirtError:
                pass


def main():
    image, work = sys.argv[1], sys.argv[2]
    libvirt.registerErrorHandler(lambda *a: None, None)
    results = {}
    for arg in sys.argv[3:]:
        label, uri = arg.split('=', 1)
        conn = libvirt.open(uri)
        tag = 'bl' + label[:6]
        lat = start_latency(conn, tag, image, work)
        print('%-9s start->running min %.1f ms median %.1f ms; start->first serial byte '
              'min %.1f ms median %.1f ms' % (label, lat[0] * 1e3, lat[1] * 1e3,
                                               lat[2] * 1e3, lat[3] * 1e3), flush=True)
        den = density(conn, tag, image, work)
        print('%-9s density: %d guests started in %.1f s (%d running after 3 s); host memory '
              'per guest: MemAvailable drop %.0f KiB, PSS %.0f KiB (%d processes)'
              % (label, den['n'], den['seconds'], den['running'],
                 den['memavail_per_guest_kib'], den['pss_per_guest_kib'], den['procs']),
              flush=True)
        results[label] = (lat, den)
        conn.close()
    labels = list(results)
    if len(labels) >= 2:
        a, b = results[labels[0]], results[labels[1]]
        print('ratios %s/%s: start->running %.1fx faster, first serial byte %.1fx faster, '
              'PSS per guest %.1fx smaller'
              % (labels[0], labels[1], b[0][1] / a[0][1], b[0][3] / a[0][3],
                 b[1]['pss_per_guest_kib'] / max(a[1]['pss_per_guest_kib'], 1)))
        # MemAvailable is host-wide and noisy on a shared machine
        if a[1]['memavail_per_guest_kib'] > 0 and b[1]['memavail_per_guest_kib'] > 0:
            print('MemAvailable drop per guest %.1fx smaller (noisy: host-wide)'
                  % (b[1]['memavail_per_guest_kib'] / a[1]['memavail_per_guest_kib']))


if __name__ == '__main__':
    main()
