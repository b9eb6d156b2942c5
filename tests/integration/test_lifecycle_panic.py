#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Guest crashes (issue 5): the test guest with vkt.panic=1 reports a panic
on the ISA pvpanic port of <panic model='isa'/>, and each <on_crash> action
gives libvirt's qemu driver's states and lifecycle events:
destroy  -> CRASHED/PANICKED, STOPPED/CRASHED, shut off (crashed);
restart  -> CRASHED/PANICKED, STOPPED/CRASHED, STARTED/BOOTED with a new
            VMM, running (crashed);
preserve -> CRASHED/PANICKED only, crashed (panicked), the VMM kept; it
            can be resumed (RESUMED/UNPAUSED) and destroyed."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import libvirt  # noqa: E402
from harness import Daemon, check  # noqa: E402
from lifecycle_lib import (define, domstate, guest_xml, kill_guests,  # noqa: E402
                           read, require_kvm, serial_path, vmm_pids, wait_for)

TAG = 'lp%d' % os.getpid()
NAMES = {a: TAG + a[0] for a in ('destroy', 'restart', 'preserve')}
# guest_xml appends these elements to <devices> as they are
PANIC_DEV = "<panic model='isa'/>"

STARTED = (libvirt.VIR_DOMAIN_EVENT_STARTED, libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED)
SUSPENDED = (libvirt.VIR_DOMAIN_EVENT_SUSPENDED, libvirt.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED)
RESUMED = (libvirt.VIR_DOMAIN_EVENT_RESUMED, libvirt.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED)
CRASHED = (libvirt.VIR_DOMAIN_EVENT_CRASHED, libvirt.VIR_DOMAIN_EVENT_CRASHED_PANICKED)
STOPPED_CRASHED = (libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_CRASHED)
STOPPED_DESTROYED = (libvirt.VIR_DOMAIN_EVENT_STOPPED,
                     libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED)


class Events:
    """LIFECYCLE events per domain name, from domainEventRegisterAny."""

    def __init__(self, conn):
        self.lock = threading.Lock()
        self.by_name = {}
        conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                    self._cb, None)

    def _cb(self, conn, dom, event, detail, opaque):
        if event in (libvirt.VIR_DOMAIN_EVENT_DEFINED, libvirt.VIR_DOMAIN_EVENT_UNDEFINED):
            return
        with self.lock:
            self.by_name.setdefault(dom.name(), []).append((event, detail))

    def of(self, name):
        with self.lock:
            return list(self.by_name.get(name, []))

    def wait(self, name, want, timeout=30):
        deadline = time.monotonic() + timeout
        while self.of(name) != want and time.monotonic() < deadline:
            time.sleep(0.02)
        check(self.of(name) == want, 'events of %s: want %r, got %r'
              % (name, want, self.of(name)))


def xml(d, action, cmdline):
    name = NAMES[action]
    return guest_xml(name, d.workdir, disk=False, cmdline=cmdline, nets=[PANIC_DEV],
                     extra='<on_crash>%s</on_crash>' % action)


def test_destroy(d, conn, ev):
    name = NAMES['destroy']
    define(d, name, xml(d, 'destroy', 'vkt.panic=1'))
    conn.lookupByName(name).create()
    ev.wait(name, [STARTED, CRASHED, STOPPED_CRASHED])
    check(domstate(d, name) == 'shut off (crashed)', domstate(d, name))
    check(conn.lookupByName(name).state() ==
          [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_CRASHED],
          conn.lookupByName(name).state())
    check('panic' in read(serial_path(d.workdir, name)).splitlines(), 'no panic line')
    wait_for('VMM gone', lambda: not vmm_pids(name), timeout=10)


def test_restart(d, conn, ev):
    name = NAMES['restart']
    define(d, name, xml(d, 'restart', 'vkt.panic=1'))
    dom = conn.lookupByName(name)
    dom.createWithFlags(libvirt.VIR_DOMAIN_START_PAUSED)
    first = vmm_pids(name)
    check(len(first) == 1, 'VMMs %r' % first)
    # the next boot (the restart) takes the config defined now: no panic
    new = xml(d, 'restart', 'vkt.restarted=1').replace(
        '</name>', '</name><uuid>%s</uuid>' % dom.UUIDString(), 1)
    define(d, name, new)
    dom.resume()
    ev.wait(name, [STARTED, SUSPENDED, RESUMED, CRASHED, STOPPED_CRASHED, STARTED])
    check(dom.state() == [libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_CRASHED],
          dom.state())
    check(domstate(d, name) == 'running (crashed)', domstate(d, name))
    second = vmm_pids(name)
    check(len(second) == 1 and second != first, 'VMMs %r then %r' % (first, second))
    wait_for('restarted guest ready',
             lambda: 'cmdline: vkt.restarted=1' in read(serial_path(d.workdir, name)) and
             'ready' in read(serial_path(d.workdir, name)))
    dom.destroy()
    check(domstate(d, name) == 'shut off (destroyed)', domstate(d, name))


def test_preserve(d, conn, ev):
    name = NAMES['preserve']
    define(d, name, xml(d, 'preserve', 'vkt.panic=1'))
    dom = conn.lookupByName(name)
    dom.create()
    ev.wait(name, [STARTED, CRASHED])
    check(dom.state() == [libvirt.VIR_DOMAIN_CRASHED, libvirt.VIR_DOMAIN_CRASHED_PANICKED],
          dom.state())
    check(domstate(d, name) == 'crashed (panicked)', domstate(d, name))
    pids = vmm_pids(name)
    check(len(pids) == 1, 'VMM of the preserved domain: %r' % pids)
    # the VMM's STOP after the panic changes nothing
    time.sleep(0.5)
    check(ev.of(name) == [STARTED, CRASHED], 'events %r' % ev.of(name))
    check(domstate(d, name) == 'crashed (panicked)', domstate(d, name))
    try:
        dom.shutdown()
        check(False, 'shutdown of a crashed domain succeeded')
    except libvirt.libvirtError as e:
        check(e.get_error_code() == libvirt.VIR_ERR_OPERATION_INVALID, str(e))
    # as libvirt: a panicked domain may be resumed (this guest halts again)
    dom.resume()
    ev.wait(name, [STARTED, CRASHED, RESUMED])
    check(domstate(d, name) == 'running (unpaused)', domstate(d, name))
    dom.destroy()
    ev.wait(name, [STARTED, CRASHED, RESUMED, STOPPED_DESTROYED])
    check(domstate(d, name) == 'shut off (destroyed)', domstate(d, name))
    check(not vmm_pids(name), 'VMM left after destroy')


def main():
    require_kvm()
    libvirt.registerErrorHandler(lambda ctx, err: None, None)  # expected errors are checked
    libvirt.virEventRegisterDefaultImpl()
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            libvirt.virEventRunDefaultImpl()
    threading.Thread(target=loop, daemon=True).start()
    with Daemon() as d:
        conn = None
        try:
            conn = libvirt.open(d.uri)
            ev = Events(conn)
            test_destroy(d, conn, ev)
            test_restart(d, conn, ev)
            test_preserve(d, conn, ev)
        finally:
            kill_guests(NAMES.values())
            if conn:
                conn.close()
    stop.set()
    print('ok')


if __name__ == '__main__':
    main()
