#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Durability of domain configs: 1,000 domains survive a SIGTERM and a
SIGKILL restart with identical XML; a daemon killed with SIGKILL in the
middle of 200 concurrent defines restarts with every acknowledged domain
present and parseable, no torn file read as a domain; a torn or invalid
config file is skipped with a log line, never a crash; concurrent defines
of one name give exactly one winner."""
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check  # noqa: E402

import libvirt  # noqa: E402

libvirt.registerErrorHandler(lambda ctx, err: None, None)


def dom_xml(name, mem=64):
    return ("<domain type='kvm'><name>%s</name><memory unit='MiB'>%d</memory>"
            "<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices>"
            "<disk type='file' device='disk'><source file='/img/%s.raw'/>"
            "<target dev='vda' bus='virtio'/></disk>"
            "<interface type='bridge'><source bridge='br0'/><model type='virtio'/></interface>"
            "</devices></domain>" % (name, mem, name))


def dump_all(conn):
    return {d.name(): d.XMLDesc(0) for d in conn.listAllDomains()}


def restart(d, sig):
    d.signal(sig)
    d.proc.wait(20)
    d.proc = None
    d._log.close()
    d.start()


def test_thousand(d):
    conn = libvirt.open(d.uri)
    t0 = time.monotonic()
    for i in range(1000):
        conn.defineXML(dom_xml('vm%04d' % i, 64 + i % 7))
    elapsed = time.monotonic() - t0
    before = dump_all(conn)
    check(len(before) == 1000, 'defined %d' % len(before))
    conn.lookupByName('vm0007').setAutostart(1)
    conn.close()
    print('1000 defines took %.2fs' % elapsed)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        restart(d, sig)
        conn = libvirt.open(d.uri)
        after = dump_all(conn)
        check(after == before, 'XML differs after restart with signal %d' % sig)
        check(conn.lookupByName('vm0007').autostart() == 1, 'autostart lost')
        check(conn.numOfDefinedDomains() == 1000, 'numOfDefinedDomains')
        conn.close()
    conn = libvirt.open(d.uri)
    for dom in conn.listAllDomains():
        dom.undefine()
    check(conn.listAllDomains() == [], 'undefine all')
    conn.close()


def definer(uri, names, ok, errors):
    try:
        conn = libvirt.open(uri)
    except libvirt.libvirtError:
        return
    for name in names:
        try:
            conn.defineXML(dom_xml(name))
            ok.append(name)
        except libvirt.libvirtError as e:
            errors.append(str(e))
            return


def test_kill_during_defines(d):
    ok, errors = [], []
    names = ['k%03d' % i for i in range(200)]
    threads = [threading.Thread(target=definer, args=(d.uri, names[i::20], ok, errors))
               for i in range(20)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(ok) < 60 and time.monotonic() < deadline:
        time.sleep(0.001)
    d.signal(signal.SIGKILL)
    for t in threads:
        t.join(30)
    d.proc.wait(10)
    d.proc = None
    d._log.close()
    acked = set(ok)
    check(60 <= len(acked) < 200, 'killed too late or too early: %d acked' % len(acked))
    d.start()
    conn = libvirt.open(d.uri)
    present = {dom.name(): dom for dom in conn.listAllDomains()}
    missing = acked - set(present)
    check(not missing, 'acknowledged defines lost: %s' % sorted(missing))
    for name, dom in present.items():
        check(name in names, 'unexpected domain %r' % name)
        check("<name>%s</name>" % name in dom.XMLDesc(0), 'bad XML for ' + name)
    cdir = os.path.join(d.root, 'etc/virtkvm/domains')
    stray = [f for f in os.listdir(cdir) if '.new-' in f]
    check(not stray, 'temporary files left: %s' % stray)
    print('kill -9: %d acknowledged, %d present after restart' % (len(acked), len(present)))
    for dom in present.values():
        dom.undefine()
    conn.close()


def test_torn_files(d):
    cdir = os.path.join(d.root, 'etc/virtkvm/domains')
    conn = libvirt.open(d.uri)
    conn.defineXML(dom_xml('good'))
    conn.close()
    with open(os.path.join(cdir, 'good.xml')) as f:
        text = f.read()
    with open(os.path.join(cdir, 'torn.xml'), 'w') as f:
        f.write(text.replace('good', 'torn')[:len(text) // 2])
    with open(os.path.join(cdir, 'other.xml'), 'w') as f:
        f.write(text)                    # names 'good': wrong file name
    with open(os.path.join(cdir, 'x.xml.new-Ab12Cd'), 'w') as f:
        f.write(text.replace('good', 'x'))
    restart(d, signal.SIGTERM)
    conn = libvirt.open(d.uri)
    check([x.name() for x in conn.listAllDomains()] == ['good'], 'only good loads')
    conn.close()
    log = d.log()
    check('torn.xml' in log and 'other.xml' in log, 'skipped files not logged:\n' + log)
    check(not os.path.exists(os.path.join(cdir, 'x.xml.new-Ab12Cd')), 'temp file kept')


def test_same_name_race(d):
    for round_ in range(10):
        name = 'race%d' % round_
        results = []
        barrier = threading.Barrier(4)

        def one():
            conn = libvirt.open(d.uri)
            barrier.wait()
            try:
                conn.defineXML(dom_xml(name))
                results.append('ok')
            except libvirt.libvirtError as e:
                results.append(e.get_error_code())
            conn.close()
        threads = [threading.Thread(target=one) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        check(results.count('ok') == 1 and
              results.count(libvirt.VIR_ERR_OPERATION_FAILED) == 3, repr(results))


def main():
    with Daemon() as d:
        test_thousand(d)
        test_kill_during_defines(d)
        test_torn_files(d)
        test_same_name_race(d)
    print('ok')


main()
