#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Volume create/delete rates of a dir pool through python3-libvirt, the
same workload against each daemon; prints rates and the ratios of the
first daemon to the second.  The daemons take turns over several rounds
and the medians are printed, so load from elsewhere on a shared machine
hits both alike.

Usage: volumes.py COUNT ROUNDS WORKDIR NAME=URI NAME=URI"""
import os
import statistics
import sys
import time

import libvirt

POOL_XML = ("<pool type='dir'><name>benchvols</name><target><path>%s</path></target>"
            "</pool>")
RAW_XML = ("<volume><name>%s</name><capacity unit='MiB'>64</capacity>"
           "<allocation>0</allocation><target><format type='raw'/></target></volume>")
QCOW2_XML = ("<volume><name>%s</name><capacity unit='GiB'>8</capacity>"
             "<target><format type='qcow2'/></target></volume>")


def run_cycle(pool, xml, prefix, count):
    t0 = time.perf_counter()
    vols = [pool.createXML(xml % ('%s%d' % (prefix, i)), 0) for i in range(count)]
    t1 = time.perf_counter()
    for v in vols:
        v.delete(0)
    t2 = time.perf_counter()
    return count / (t1 - t0), count / (t2 - t1)


def measure(uri, count, target):
    libvirt.registerErrorHandler(lambda *a: None, None)
    conn = libvirt.open(uri)
    os.makedirs(target, exist_ok=True)
    pool = conn.storagePoolCreateXML(POOL_XML % target, 0)
    try:
        r = {}
        run_cycle(pool, RAW_XML, 'warm', min(count, 20))
        r['raw_create_per_s'], r['raw_delete_per_s'] = run_cycle(pool, RAW_XML, 'r', count)
        n = max(count // 4, 10)
        r['qcow2_create_per_s'], r['qcow2_delete_per_s'] = run_cycle(pool, QCOW2_XML, 'q', n)
        t0 = time.perf_counter()
        for _ in range(count):
            pool.listAllVolumes(0)
        r['list_all_per_s'] = count / (time.perf_counter() - t0)
        return r
    finally:
        pool.destroy()
        conn.close()


def main():
    count, rounds, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    daemons = [a.split('=', 1) for a in sys.argv[4:]]
    samples = {name: {} for name, _ in daemons}
    for _ in range(rounds):
        for name, uri in daemons:
            for key, val in measure(uri, count, os.path.join(work, 'pool-' + name)).items():
                samples[name].setdefault(key, []).append(val)
    names = [n for n, _ in daemons]
    print('%-22s %14s %14s %10s   (median of %d rounds)' % ('per second', names[0], names[1],
                                                            'ratio', rounds))
    for key in samples[names[0]]:
        a = statistics.median(samples[names[0]][key])
        b = statistics.median(samples[names[1]][key])
        print('%-22s %14.1f %14.1f %9.2fx' % (key, a, b, a / b if b else float('inf')))


if __name__ == '__main__':
    main()
