#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""python3-libvirt against a private virtkvmd: open, version calls,
listAllDomains, isAlive with the event loop and keepalive running,
registerCloseCallback, domainEventRegisterAny, lookup error codes and a
read-only connection refusing a mutating call."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check  # noqa: E402

import libvirt  # noqa: E402


def run_event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def main():
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=run_event_loop, daemon=True).start()
    libvirt.registerErrorHandler(lambda *a: None, None)
    # keepalive every second so a few PING/PONG rounds happen quickly.
    with Daemon(config={'keepalive_interval': 1, 'keepalive_count': 3}) as d:
        conn = libvirt.open(d.uri)
        check(conn.getLibVersion() == 9000000, 'lib version')
        check(conn.getVersion() > 0, 'version')
        check(conn.getType() == 'virtkvm', conn.getType())
        check(conn.getURI() == d.uri, conn.getURI())
        check(conn.isSecure() == 1, 'isSecure')
        check(conn.listAllDomains() == [], 'listAllDomains')
        caps = conn.getCapabilities()
        check(caps.startswith('<capabilities>') and '<arch>x86_64</arch>' in caps, caps[:200])
        info = conn.getInfo()
        check(info[0] == 'x86_64' and info[1] > 0 and info[2] > 0, repr(info))
        check(conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE) == [], 'active')
        check(conn.numOfDomains() == 0 and conn.listDefinedDomains() == [], 'legacy lists')
        closed = []
        conn.registerCloseCallback(lambda c, reason, opaque: closed.append(reason), None)
        events = []
        cb = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         lambda *a: events.append(a), None)
        cb2 = conn.networkEventRegisterAny(None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                           lambda *a: None, None)
        cb3 = conn.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                               lambda *a: None, None)
        conn.setKeepAlive(1, 3)
        time.sleep(3.5)   # several keepalive intervals of silence on both sides
        check(conn.isAlive() == 1, 'connection died during keepalive')
        conn.domainEventDeregisterAny(cb)
        conn.networkEventDeregisterAny(cb2)
        conn.storagePoolEventDeregisterAny(cb3)
        for fn, code in ((lambda: conn.lookupByName('nope'), libvirt.VIR_ERR_NO_DOMAIN),
                         (lambda: conn.lookupByUUIDString('6c8b1e66-7d5a-4f0e-9c41-3c9a2f0d8a11'),
                          libvirt.VIR_ERR_NO_DOMAIN),
                         (lambda: conn.networkLookupByName('nope'), libvirt.VIR_ERR_NO_NETWORK),
                         (lambda: conn.storagePoolLookupByName('nope'),
                          libvirt.VIR_ERR_NO_STORAGE_POOL)):
            try:
                fn()
                raise AssertionError('lookup succeeded')
            except libvirt.libvirtError as e:
                check(e.get_error_code() == code, '%s: %d' % (e, e.get_error_code()))
        try:
            conn.lookupByName('nope')
        except libvirt.libvirtError as e:
            check(str(e) == "Domain not found: no domain with matching name 'nope'", str(e))
            check(e.get_error_domain() == libvirt.VIR_FROM_QEMU, 'error domain')
        conn.unregisterCloseCallback()
        conn.close()

        ro = libvirt.openReadOnly(d.ro_uri)
        check(ro.listAllDomains() == [], 'ro listAllDomains')
        check(ro.isAlive() == 1, 'ro alive')
        ro.close()
        check(d.alive(), 'daemon died')
    print('ok')


main()
