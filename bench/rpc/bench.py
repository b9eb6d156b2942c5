#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The same python3-libvirt workload against several daemons; prints
rates, latencies and the ratios of the first daemon to the second.

Usage: bench.py DURATION NAME=URI NAME=URI"""
import multiprocessing
import os
import statistics
import sys
import time

import libvirt


def quiet():
    libvirt.registerErrorHandler(lambda *a: None, None)


def open_close(uri, duration):
    quiet()
    n = 0
    end = time.perf_counter() + duration
    while time.perf_counter() < end:
        libvirt.open(uri).close()
        n += 1
    return n / duration


def version_loop(uri, duration, method='getVersion'):
    """Returns the latencies in seconds of round trips of one call."""
    quiet()
    conn = libvirt.open(uri)
    call = getattr(conn, method)
    lat = []
    end = time.perf_counter() + duration
    while True:
        t0 = time.perf_counter()
        if t0 >= end:
            break
        call()
        lat.append(time.perf_counter() - t0)
    conn.close()
    return lat


def _worker(args):
    return version_loop(*args)


def version_parallel(uri, duration, clients, method='getVersion'):
    with multiprocessing.Pool(clients) as pool:
        results = pool.map(_worker, [(uri, duration, method)] * clients)
    lat = [x for r in results for x in r]
    return len(lat) / duration, lat


def cpu_seconds(pid):
    """User+system CPU time of a process (and its threads), in seconds."""
    if not pid:
        return 0.0
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def pct(lat, p):
    s = sorted(lat)
    return s[min(len(s) - 1, int(len(s) * p / 100))] * 1e6


def measure(uri, duration, pid):
    r = {}
    r['open_close_per_s'] = open_close(uri, duration)
    lat1 = version_loop(uri, duration)
    r['rtt_per_s_1'] = len(lat1) / duration
    r['p50_us_1'] = pct(lat1, 50)
    r['p99_us_1'] = pct(lat1, 99)
    rate8, lat8 = version_parallel(uri, duration, 8)
    r['rtt_per_s_8'] = rate8
    r['p50_us_8'] = pct(lat8, 50)
    r['p99_us_8'] = pct(lat8, 99)
    r['mean_us_1'] = statistics.mean(lat1) * 1e6
    # getLibVersion: the same round trip without a hypervisor query (on
    # this machine libvirtd's getVersion re-probes QEMU on every call).
    lat1 = version_loop(uri, duration, 'getLibVersion')
    r['lib_per_s_1'] = len(lat1) / duration
    r['lib_p50_us_1'] = pct(lat1, 50)
    r['lib_p99_us_1'] = pct(lat1, 99)
    cpu0 = cpu_seconds(pid)
    rate8, lat8 = version_parallel(uri, duration, 8, 'getLibVersion')
    # Daemon CPU per call: what the server costs, independent of how busy
    # the shared machine and the python clients are.
    r['lib_cpu_us_8'] = (cpu_seconds(pid) - cpu0) / max(len(lat8), 1) * 1e6
    r['lib_per_s_8'] = rate8
    r['lib_p99_us_8'] = pct(lat8, 99)
    return r


def warm_up(name, uri):
    """The first call waits for the daemon's drivers to initialise
    (libvirtd probes QEMU, which takes seconds here): not measured."""
    quiet()
    t0 = time.perf_counter()
    conn = libvirt.open(uri)
    conn.getVersion()
    conn.close()
    print('%s: first getVersion after start took %.1f s (excluded)'
          % (name, time.perf_counter() - t0))


def main():
    duration = float(sys.argv[1])
    targets = [a.split('=', 1) for a in sys.argv[2:]]
    for name, uri in targets:
        warm_up(name, uri)
    pids = dict(x.split(':') for x in os.environ.get('BENCH_PIDS', '').split(',') if x)
    results = {name: measure(uri, duration, int(pids.get(name, 0)))
               for name, uri in targets}
    names = [n for n, _ in targets]
    rows = [('open+close /s', 'open_close_per_s', True),
            ('getVersion /s, 1 client', 'rtt_per_s_1', True),
            ('getVersion /s, 8 clients', 'rtt_per_s_8', True),
            ('p50 latency us, 1 client', 'p50_us_1', False),
            ('p99 latency us, 1 client', 'p99_us_1', False),
            ('p50 latency us, 8 clients', 'p50_us_8', False),
            ('p99 latency us, 8 clients', 'p99_us_8', False),
            ('getLibVersion /s, 1 client', 'lib_per_s_1', True),
            ('getLibVersion /s, 8 clients', 'lib_per_s_8', True),
            ('getLibVersion p50 us, 1', 'lib_p50_us_1', False),
            ('getLibVersion p99 us, 1', 'lib_p99_us_1', False),
            ('getLibVersion p99 us, 8', 'lib_p99_us_8', False),
            ('daemon CPU us per call, 8', 'lib_cpu_us_8', False)]
    print('%-28s %14s %14s %10s' % ('metric', names[0], names[1], 'ratio'))
    for label, key, higher_better in rows:
        a, b = results[names[0]][key], results[names[1]][key]
        ratio = a / b if b else float('inf')
        print('%-28s %14.1f %14.1f %9.2fx' % (label, a, b, ratio))
    print('(ratio = %s / %s; for latencies lower is better)' % (names[0], names[1]))


if __name__ == '__main__':
    main()
