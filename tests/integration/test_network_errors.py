#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Bad network input gets clear errors and changes nothing: subnets that
overlap an active network or a host address/route, a bridge name used by
another network or by an existing link, invalid DHCP ranges, unknown
networks.  Runs in a private network namespace."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virsh  # noqa: E402
import test_network_common as nc  # noqa: E402

nc.enter_netns()


def net(name, bridge, subnet, rng=None):
    dhcp = ''
    if rng:
        dhcp = "<dhcp><range start='%s' end='%s'/></dhcp>" % rng
    return ("<network><name>%s</name><forward mode='nat'/><bridge name='%s'/>"
            "<ip address='%s.1' netmask='255.255.255.0'>%s</ip></network>"
            % (name, bridge, subnet, dhcp))


def state():
    """What must not change: links, nft table, config files."""
    links = nc.sh('ip', '-o', 'link').stdout
    return (sorted(l.split(':')[1].strip() for l in links.splitlines()), nc.nft_table())


def expect_fail(d, what, *args):
    r = virsh(d, *args, check=False)
    check(r.returncode != 0, what + ': unexpectedly succeeded')
    check(what.lower() in r.stderr.lower(), 'expected %r in: %s' % (what, r.stderr))
    return r.stderr


def main():
    work = tempfile.mkdtemp(prefix='virtkvm-neterr-')
    d = Daemon()
    try:
        with d:
            def xml(name, text):
                p = os.path.join(work, name)
                with open(p, 'w') as f:
                    f.write(text)
                return p

            virsh(d, 'net-define', xml('a.xml', net('neta', 'vkbra', '10.70.1',
                                                    ('10.70.1.10', '10.70.1.20'))))
            virsh(d, 'net-start', 'neta')
            before = state()
            configs = sorted(os.listdir(os.path.join(d.root, 'etc/virtkvm/networks')))

            # Overlap with an active network: defined, but it cannot start.
            virsh(d, 'net-define', xml('b.xml', net('netb', 'vkbrb', '10.70.1')))
            expect_fail(d, "overlaps the subnet of active network 'neta'", 'net-start', 'netb')
            check(state() == before, 'failed start changed the host')
            virsh(d, 'net-undefine', 'netb')

            # A bridge name another network uses.
            expect_fail(d, "bridge name 'vkbra' already in use", 'net-define',
                        xml('c.xml', net('netc', 'vkbra', '10.70.3')))

            # A link that is not ours.
            nc.sh('ip', 'link', 'add', 'vkext0', 'type', 'veth', 'peer', 'name', 'vkext1')
            try:
                nc.sh('ip', 'addr', 'add', '10.70.5.1/24', 'dev', 'vkext0')
                nc.sh('ip', 'link', 'set', 'vkext0', 'up')
                before2 = state()
                virsh(d, 'net-define', xml('e.xml', net('nete', 'vkext1', '10.70.6')))
                expect_fail(d, "bridge name 'vkext1' already in use", 'net-start', 'nete')
                # A host address/route in the subnet.
                virsh(d, 'net-define', xml('f.xml', net('netf', 'vkbrf', '10.70.5')))
                expect_fail(d, 'Network is already in use by interface vkext0',
                            'net-start', 'netf')
                check(state() == before2, 'failed starts changed the host')
                virsh(d, 'net-undefine', 'nete')
                virsh(d, 'net-undefine', 'netf')
            finally:
                nc.sh('ip', 'link', 'del', 'vkext0', check=False)

            # Invalid ranges: outside the subnet, reversed.
            r = virsh(d, 'net-define', xml('g.xml', net('netg', 'vkbrg', '10.70.7',
                                                        ('10.70.8.10', '10.70.8.20'))),
                      check=False)
            check(r.returncode != 0 and 'range' in r.stderr, 'range outside subnet: ' + r.stderr)
            r = virsh(d, 'net-define', xml('h.xml', net('neth', 'vkbrh', '10.70.9',
                                                        ('10.70.9.50', '10.70.9.10'))),
                      check=False)
            check(r.returncode != 0 and 'range' in r.stderr, 'reversed range: ' + r.stderr)
            r = virsh(d, 'net-update', 'neta', 'add', 'ip-dhcp-range',
                      "<range start='10.70.1.15' end='10.70.1.30'/>", '--live', check=False)
            check(r.returncode != 0, 'overlapping range accepted')

            # Lifecycle misuse.
            expect_fail(d, 'network is already active', 'net-start', 'neta')
            expect_fail(d, "no network with matching name 'nope'", 'net-start', 'nope')
            r = virsh(d, 'net-destroy', 'nope', check=False)
            check('Network not found' in r.stderr, r.stderr)

            check(state() == before, 'state changed:\n%s\n%s' % (before, state()))
            check(sorted(os.listdir(os.path.join(d.root, 'etc/virtkvm/networks'))) == configs,
                  'configs changed')
            virsh(d, 'net-destroy', 'neta')
            virsh(d, 'net-undefine', 'neta')
            check(not nc.link_exists('vkbra') and nc.nft_table() == '', 'neta not torn down')
    finally:
        nc.cleanup_dnsmasq(d.root)
        shutil.rmtree(work, ignore_errors=True)
    print('ok')


main()
