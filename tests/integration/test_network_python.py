#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""python3-libvirt against the network driver (private network namespace):
lifecycle events, listAllNetworks flags, the legacy listing calls,
transient networks, XML with INACTIVE, network ports."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check  # noqa: E402
import test_network_common as nc  # noqa: E402

nc.enter_netns()
import libvirt  # noqa: E402

ISOLATED = """<network><name>%s</name><bridge name='%s'/>
<ip address='%s' netmask='255.255.255.0'/></network>"""


def events_loop(stop):
    while not stop.is_set():
        libvirt.virEventRunDefaultImpl()


def main():
    libvirt.virEventRegisterDefaultImpl()
    d = Daemon()
    try:
        with d:
            conn = libvirt.open(d.uri)
            stop = threading.Event()
            t = threading.Thread(target=events_loop, args=(stop,), daemon=True)
            t.start()
            seen = []
            cb = conn.networkEventRegisterAny(
                None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE,
                lambda c, n, ev, det, op: seen.append((n.name(), ev)), None)

            p = conn.networkDefineXML(ISOLATED % ('pa', 'vkpa', '10.71.1.1'))
            check(not p.isActive() and p.isPersistent(), 'defined state')
            p.create()
            check(p.isActive(), 'not active')
            check(p.bridgeName() == 'vkpa', 'bridge name')
            table = nc.nft_table()
            check('fwd_vkpa' in table and 'nat_vkpa' not in table, 'isolated rules: ' + table)
            tr = conn.networkCreateXML(ISOLATED % ('pt', 'vkpt', '10.71.2.1'))
            check(tr.isActive() and not tr.isPersistent(), 'transient state')
            conn.networkDefineXML(ISOLATED % ('pi', 'vkpi', '10.71.3.1'))
            conn.networkLookupByName('pi').setAutostart(True)

            def names(flags):
                return sorted(n.name() for n in conn.listAllNetworks(flags))
            check(names(0) == ['pa', 'pi', 'pt'], names(0))
            check(names(libvirt.VIR_CONNECT_LIST_NETWORKS_ACTIVE) == ['pa', 'pt'], 'active')
            check(names(libvirt.VIR_CONNECT_LIST_NETWORKS_INACTIVE) == ['pi'], 'inactive')
            check(names(libvirt.VIR_CONNECT_LIST_NETWORKS_TRANSIENT) == ['pt'], 'transient')
            check(names(libvirt.VIR_CONNECT_LIST_NETWORKS_PERSISTENT) == ['pa', 'pi'], 'pers')
            check(names(libvirt.VIR_CONNECT_LIST_NETWORKS_AUTOSTART) == ['pi'], 'autostart')
            check(names(libvirt.VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART) == ['pa', 'pt'], 'noauto')
            check(conn.numOfNetworks() == 2 and sorted(conn.listNetworks()) == ['pa', 'pt'],
                  'legacy active listing')
            check(conn.numOfDefinedNetworks() == 1 and conn.listDefinedNetworks() == ['pi'],
                  'legacy defined listing')
            check(conn.networkLookupByUUID(p.UUID()).name() == 'pa', 'lookup by uuid')

            # Redefine while active: the live XML stays until destroy.
            conn.networkDefineXML(ISOLATED.replace("<bridge", "<domain name='x.test'/><bridge")
                                  % ('pa', 'vkpa', '10.71.1.1'))
            check('x.test' not in p.XMLDesc(0), 'live XML changed')
            check('x.test' in p.XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE), 'inactive XML')

            # Ports.
            port = p.portCreateXML("""<networkport>
  <owner><name>guest1</name><uuid>11111111-2222-3333-4444-555555555555</uuid></owner>
  <mac address='52:54:00:12:34:56'/>
</networkport>""")
            x = port.XMLDesc()
            check("bridge='vkpa'" in x and 'guest1' in x and '52:54:00:12:34:56' in x, x)
            check([q.UUIDString() for q in p.listAllPorts()] == [port.UUIDString()], 'ports')
            check(p.portLookupByUUIDString(port.UUIDString()).UUIDString() == port.UUIDString(),
                  'port lookup')
            check('connections="1"' in p.XMLDesc(0) or "connections='1'" in p.XMLDesc(0),
                  'connections: ' + p.XMLDesc(0))
            port.delete()
            check(p.listAllPorts() == [], 'port not deleted')
            try:
                p.portLookupByUUIDString(port.UUIDString())
                check(False, 'deleted port found')
            except libvirt.libvirtError as e:
                check(e.get_error_code() == libvirt.VIR_ERR_NO_NETWORK_PORT, str(e))

            # VIR_NETWORK_DEFINE_VALIDATE checks libvirt's schema first.
            try:
                conn.networkDefineXMLFlags("<network><name>bad</name><bogus/></network>",
                                           libvirt.VIR_NETWORK_DEFINE_VALIDATE)
                check(False, 'schema-invalid XML accepted')
            except libvirt.libvirtError as e:
                check(e.get_error_code() == libvirt.VIR_ERR_XML_INVALID_SCHEMA, str(e))
            conn.networkDefineXMLFlags(ISOLATED % ('pv', 'vkpv', '10.71.4.1'),
                                       libvirt.VIR_NETWORK_DEFINE_VALIDATE).undefine()

            try:
                conn.networkLookupByName('nope')
                check(False, 'lookup of a missing network succeeded')
            except libvirt.libvirtError as e:
                check(e.get_error_code() == libvirt.VIR_ERR_NO_NETWORK, str(e))

            tr.destroy()
            check('pt' not in names(0), 'transient network kept after destroy')
            p.destroy()
            check('x.test' in p.XMLDesc(0), 'new config not applied after destroy')
            p.undefine()
            conn.networkLookupByName('pi').undefine()
            check(names(0) == [], names(0))
            check(not nc.link_exists('vkpa') and not nc.link_exists('vkpt'), 'bridges left')

            deadline = time.time() + 5
            want = [('pa', 0), ('pa', 2), ('pt', 2), ('pi', 0), ('pa', 0), ('pv', 0), ('pv', 1),
                    ('pt', 3),
                    ('pa', 3), ('pa', 1), ('pi', 1)]
            while time.time() < deadline and len(seen) < len(want):
                time.sleep(0.05)
            check(seen == want, 'events: %s' % seen)
            conn.networkEventDeregisterAny(cb)
            stop.set()
            conn.close()
    finally:
        nc.cleanup_dnsmasq(d.root)
    print('ok')


main()
