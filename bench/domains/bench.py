#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Domain catalogue workload through python3-libvirt against several
daemons: define N domains (one connection, then 8 parallel clients),
listAllDomains, XMLDesc of each, undefine each.  Prints seconds per step
and the ratio libvirtd / virtkvmd (> 1: virtkvmd is faster).

Usage: bench.py N NAME=URI NAME=URI"""
import multiprocessing
import sys
import time

import libvirt

XML = """<domain type='kvm'>
  <name>{name}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>2</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/><apic/></features>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/{name}.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='bridge'><source bridge='br0'/><model type='virtio'/></interface>
    <serial type='pty'/>
    <console type='pty'/>
  </devices>
</domain>
"""


def quiet():
    libvirt.registerErrorHandler(lambda *a: None, None)


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def step(r, key, fn):
    r[key] = timed(fn)
    print('  %-20s %8.3f s' % (key, r[key]), flush=True)


def _define_part(args):
    uri, names = args
    quiet()
    conn = libvirt.open(uri)
    for n in names:
        conn.defineXML(XML.format(name=n))
    conn.close()


def measure(uri, count):
    quiet()
    conn = libvirt.open(uri)
    names = ['bench%05d' % i for i in range(count)]
    r = {}
    step(r, 'define', lambda: [conn.defineXML(XML.format(name=n)) for n in names])
    doms = []
    step(r, 'list', lambda: doms.extend(conn.listAllDomains()))
    assert len(doms) >= count, len(doms)
    step(r, 'list x20', lambda: [conn.listAllDomains() for _ in range(20)])
    step(r, 'xmldesc', lambda: [d.XMLDesc(0) for d in doms])
    step(r, 'lookup+info', lambda: [conn.lookupByName(n).info() for n in names])
    step(r, 'undefine', lambda: [d.undefine() for d in doms])
    pnames = ['par%05d' % i for i in range(count)]
    parts = [(uri, pnames[i::8]) for i in range(8)]
    with multiprocessing.Pool(8) as pool:
        t0 = time.perf_counter()
        pool.map(_define_part, parts)
        r['define 8 clients'] = time.perf_counter() - t0
    doms = conn.listAllDomains()
    step(r, 'undefine (2)', lambda: [d.undefine() for d in doms])
    conn.close()
    return r


def warm_up(name, uri):
    quiet()
    t0 = time.perf_counter()
    conn = libvirt.open(uri)
    conn.getVersion()
    conn.listAllDomains()
    conn.close()
    print('%s: first call after start took %.1f s (excluded)' % (name, time.perf_counter() - t0))


def main():
    count = int(sys.argv[1])
    targets = [a.split('=', 1) for a in sys.argv[2:]]
    for name, uri in targets:
        warm_up(name, uri)
    results = {}
    for name, uri in targets:
        print(name + ':', flush=True)
        results[name] = measure(uri, count)
    a, b = [n for n, _ in targets]
    print('%-22s %12s %12s %9s' % ('step (%d domains)' % count, a + ' s', b + ' s',
                                   'speedup'))
    for key in results[a]:
        ta, tb = results[a][key], results[b][key]
        print('%-22s %12.3f %12.3f %8.1fx' % (key, ta, tb, tb / ta if ta else float('inf')))
    print('(speedup = %s time / %s time)' % (b, a))


if __name__ == '__main__':
    main()
