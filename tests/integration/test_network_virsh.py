#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virsh net-* against virtkvmd in a private network namespace: a NAT
network gets its bridge, nftables chains and a dnsmasq that leases an
address to a DHCP client in a veth peer namespace and resolves a static
DNS host; net-update adds a DHCP host live; after net-destroy nothing is
left; a restarted daemon re-adopts a running network."""
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virsh  # noqa: E402
import test_network_common as nc  # noqa: E402

nc.enter_netns()

NET_XML = """<network>
  <name>vknat</name>
  <forward mode='nat'/>
  <bridge name='vkbr0'/>
  <domain name='vk.test'/>
  <dns>
    <host ip='192.168.150.7'><hostname>static1</hostname></host>
  </dns>
  <ip address='192.168.150.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.150.10' end='192.168.150.50'/>
    </dhcp>
  </ip>
</network>
"""

CLIENT_MAC = '52:54:00:aa:00:01'


def write(d, name, text):
    path = os.path.join(d, name)
    with open(path, 'w') as f:
        f.write(text)
    return path


def assert_gone(root):
    check(not nc.link_exists('vkbr0'), 'bridge vkbr0 still exists')
    check(nc.dnsmasq_pids(root) == [], 'dnsmasq still running')
    check('vkbr0' not in nc.nft_table(), 'nft chains of vkbr0 remain:\n' + nc.nft_table())


def lifecycle(d, work):
    xml = write(work, 'net.xml', NET_XML)
    virsh(d, 'net-define', xml)
    out = virsh(d, 'net-list', '--all').stdout
    check('vknat' in out and 'inactive' in out, 'net-list --all: ' + out)
    check(os.path.exists(os.path.join(d.root, 'etc/virtkvm/networks/vknat.xml')),
          'no persistent config')
    virsh(d, 'net-autostart', 'vknat')
    check(os.path.islink(os.path.join(d.root, 'etc/virtkvm/networks/autostart/vknat.xml')),
          'no autostart link')
    virsh(d, 'net-start', 'vknat')
    info = virsh(d, 'net-info', 'vknat').stdout
    for want in ('Active:         yes', 'Persistent:     yes', 'Autostart:      yes',
                 'Bridge:         vkbr0'):
        check(want in info, 'net-info lacks %r: %s' % (want, info))
    dump = virsh(d, 'net-dumpxml', 'vknat').stdout
    check("<bridge name=\"vkbr0\"" in dump or "<bridge name='vkbr0'" in dump, dump)

    # The pieces: bridge with its address, nft chains, dnsmasq.
    link = nc.sh('ip', '-d', 'link', 'show', 'vkbr0').stdout
    check('bridge' in link, 'vkbr0 is not a bridge: ' + link)
    addr = nc.sh('ip', 'addr', 'show', 'vkbr0').stdout
    check('192.168.150.1/24' in addr, 'bridge address missing: ' + addr)
    table = nc.nft_table()
    check('fwd_vkbr0' in table and 'nat_vkbr0' in table and 'masquerade' in table,
          'nft table: ' + table)
    check(len(nc.dnsmasq_pids(d.root)) == 1, 'dnsmasq not running')

    with nc.Client('vkbr0', mac=CLIENT_MAC) as c:
        ip = c.dhcp()
        check(ip is not None, 'no DHCP lease')
        last = int(ip.split('.')[3])
        check(ip.startswith('192.168.150.') and 10 <= last <= 50, 'lease out of range: ' + ip)
        check(c.resolve('192.168.150.1', 'static1') == '192.168.150.7',
              'static1 did not resolve')
        check(c.resolve('192.168.150.1', 'static1.vk.test') == '192.168.150.7',
              'static1.vk.test did not resolve')
        leases = virsh(d, 'net-dhcp-leases', 'vknat').stdout
        check(ip in leases and CLIENT_MAC in leases, 'net-dhcp-leases: ' + leases)
        leases = virsh(d, 'net-dhcp-leases', 'vknat', '--mac', '52:54:00:00:00:99').stdout
        check(ip not in leases, 'mac filter ignored: ' + leases)

        # A static host added live (SIGHUP to dnsmasq) and to the config.
        virsh(d, 'net-update', 'vknat', 'add', 'ip-dhcp-host',
              "<host mac='%s' name='guest1' ip='192.168.150.20'/>" % CLIENT_MAC,
              '--live', '--config')
        hosts = open(os.path.join(d.root, 'var/lib/virtkvm/dnsmasq/vknat.hostsfile')).read()
        check('%s,192.168.150.20,guest1' % CLIENT_MAC in hosts, 'hostsfile: ' + hosts)
        inactive = virsh(d, 'net-dumpxml', 'vknat', '--inactive').stdout
        check('192.168.150.20' in inactive, 'config not updated: ' + inactive)
        ip2 = c.dhcp()
        check(ip2 == '192.168.150.20', 'static lease not given: %s' % ip2)

    virsh(d, 'net-destroy', 'vknat')
    assert_gone(d.root)
    out = virsh(d, 'net-list', '--all').stdout
    check('inactive' in out, 'net-list after destroy: ' + out)
    check(not os.path.exists(os.path.join(d.root, 'run/virtkvm/network/vknat.xml')),
          'status file remains')


def restart(work):
    root = tempfile.mkdtemp(prefix='virtkvm-netroot-')
    try:
        d = Daemon(root=root)
        with d:
            virsh(d, 'net-define', write(work, 'net.xml', NET_XML))
            virsh(d, 'net-start', 'vknat')
            pid = nc.dnsmasq_pids(root)
        check(len(pid) == 1 and nc.link_exists('vkbr0'), 'network did not survive the daemon')
        d2 = Daemon(root=root)
        with d2:
            out = virsh(d2, 'net-list').stdout
            check('vknat' in out and 'active' in out, 'not re-adopted: ' + out)
            check(nc.dnsmasq_pids(root) == pid, 'dnsmasq was restarted')
            virsh(d2, 'net-destroy', 'vknat')
            assert_gone(root)
            # A network whose dnsmasq died while the daemon was down is
            # cleaned up on start.
            virsh(d2, 'net-start', 'vknat')
        nc.cleanup_dnsmasq(root)
        time.sleep(0.1)
        d3 = Daemon(root=root)
        with d3:
            out = virsh(d3, 'net-list', '--all').stdout
            check('inactive' in out, 'dead network reported active: ' + out)
            assert_gone(root)
            virsh(d3, 'net-autostart', 'vknat')
        # An autostart network is started with the daemon.
        d4 = Daemon(root=root)
        with d4:
            out = virsh(d4, 'net-list').stdout
            check('vknat' in out and 'active' in out, 'not autostarted: ' + out)
            check(len(nc.dnsmasq_pids(root)) == 1 and nc.link_exists('vkbr0'),
                  'autostarted network incomplete')
            virsh(d4, 'net-destroy', 'vknat')
            assert_gone(root)
            virsh(d4, 'net-undefine', 'vknat')
    finally:
        nc.cleanup_dnsmasq(root)
        nc.sh('ip', 'link', 'del', 'vkbr0', check=False)
        shutil.rmtree(root, ignore_errors=True)


def main():
    work = tempfile.mkdtemp(prefix='virtkvm-network-')
    d = Daemon()
    try:
        with d:
            lifecycle(d, work)
            virsh(d, 'net-undefine', 'vknat')
            check('vknat' not in virsh(d, 'net-list', '--all').stdout, 'not undefined')
        restart(work)
    finally:
        nc.cleanup_dnsmasq(d.root)
        shutil.rmtree(work, ignore_errors=True)
    print('ok')


main()
