#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Domain lifecycle events of the persistent driver: DEFINED (added,
updated, renamed) and UNDEFINED (removed, renamed) reach python3-libvirt
callbacks (domainEventRegisterAny and the old domainEventRegister) and
`virsh event --loop --all`."""
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check  # noqa: E402

import libvirt  # noqa: E402

XML = ("<domain type='kvm'><name>%s</name><memory unit='MiB'>64</memory>"
       "<os><type arch='x86_64'>hvm</type></os></domain>")

EXPECTED = [
    ('ev1', libvirt.VIR_DOMAIN_EVENT_DEFINED, libvirt.VIR_DOMAIN_EVENT_DEFINED_ADDED),
    ('ev1', libvirt.VIR_DOMAIN_EVENT_DEFINED, libvirt.VIR_DOMAIN_EVENT_DEFINED_UPDATED),
    ('ev1', libvirt.VIR_DOMAIN_EVENT_UNDEFINED, libvirt.VIR_DOMAIN_EVENT_UNDEFINED_RENAMED),
    ('ev2', libvirt.VIR_DOMAIN_EVENT_DEFINED, libvirt.VIR_DOMAIN_EVENT_DEFINED_RENAMED),
    ('ev2', libvirt.VIR_DOMAIN_EVENT_UNDEFINED, libvirt.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED),
]


def run_loop(stop):
    while not stop.is_set():
        libvirt.virEventRunDefaultImpl()


def wait_for(events, n, timeout=30):
    deadline = time.monotonic() + timeout
    while len(events) < n and time.monotonic() < deadline:
        time.sleep(0.02)


VIRSH_WANT = ("event 'lifecycle' for domain 'ev1': Defined Added",
              "event 'lifecycle' for domain 'ev1': Defined Updated",
              "event 'lifecycle' for domain 'ev1': Undefined Renamed",
              "event 'lifecycle' for domain 'ev2': Defined Renamed",
              "event 'lifecycle' for domain 'ev2': Undefined Removed")


class VirshEvents:
    """`virsh event --loop --all` with a thread collecting its output."""

    def __init__(self, uri):
        # the hang guard only: the test terminates it
        self.proc = subprocess.Popen(['virsh', '-c', uri, 'event', '--loop', '--all',
                                      '--timeout', '120'],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, text=True)
        self.lines = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def out(self):
        return ''.join(self.lines)

    def wait(self, texts, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = self.out()
            if all(t in out for t in texts):
                return True
            if not self.thread.is_alive():
                break
            time.sleep(0.02)
        out = self.out()
        return all(t in out for t in texts)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.thread.join(timeout=10)
        return self.out()


def virsh_registered(virsh_ev, other):
    """Define and undefine marker domains until virsh prints the last event
    of one: its callback is registered and every marker event was sent."""
    deadline = time.monotonic() + 30
    n = 0
    while time.monotonic() < deadline:
        name = 'evmark%d' % n
        other.defineXML(XML % name).undefine()
        if virsh_ev.wait(["event 'lifecycle' for domain '%s': Undefined Removed" % name],
                         0.5):
            return True
        n += 1
    return False


def main():
    libvirt.virEventRegisterDefaultImpl()
    stop = threading.Event()
    loop = threading.Thread(target=run_loop, args=(stop,), daemon=True)
    loop.start()
    with Daemon() as d:
        virsh_ev = VirshEvents(d.uri)
        try:
            other = libvirt.open(d.uri)
            check(virsh_registered(virsh_ev, other),
                  'virsh event printed no marker event:\n%s' % virsh_ev.out())
            conn = libvirt.open(d.uri)
            any_events, old_events = [], []
            conn.domainEventRegisterAny(
                None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                lambda c, dom, ev, det, op: any_events.append((dom.name(), ev, det)), None)
            conn.domainEventRegister(
                lambda c, dom, ev, det, op: old_events.append((dom.name(), ev, det)), None)
            dom = other.defineXML(XML % 'ev1')
            other.defineXML(dom.XMLDesc(0))
            dom.rename('ev2', 0)
            other.lookupByName('ev2').undefine()
            wait_for(any_events, len(EXPECTED))
            wait_for(old_events, len(EXPECTED))
            check(any_events == EXPECTED, 'registerAny got %r' % any_events)
            check(old_events == EXPECTED, 'register got %r' % old_events)
            # METADATA_CHANGE: type and namespace URI (none for the title)
            md_events = []
            conn.domainEventRegisterAny(
                None, libvirt.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                lambda c, dom, mtype, nsuri, op: md_events.append((dom.name(), mtype, nsuri)),
                None)
            md = other.defineXML(XML % 'md1')
            md.setMetadata(libvirt.VIR_DOMAIN_METADATA_TITLE, 'a title', None, None,
                           libvirt.VIR_DOMAIN_AFFECT_CONFIG)
            md.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, '<x/>', 'k',
                           'http://example.org/x', libvirt.VIR_DOMAIN_AFFECT_CONFIG)
            wait_for(md_events, 2)
            check(md_events == [('md1', libvirt.VIR_DOMAIN_METADATA_TITLE, None),
                                ('md1', libvirt.VIR_DOMAIN_METADATA_ELEMENT,
                                 'http://example.org/x')],
                  'metadata events %r' % md_events)
            md.undefine()
            other.close()
            conn.close()
            # read virsh's output until the lines the checks want are there
            virsh_ev.wait(VIRSH_WANT, 30)
        finally:
            out = virsh_ev.stop()
        for want in VIRSH_WANT:
            check(want in out, 'virsh event lacks %r:\n%s' % (want, out))
    stop.set()
    print('ok')


main()
