#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""net-start to DHCP-ready and net-destroy times of one NAT network with
DHCP, for each daemon given as NAME=URI (run by run.sh inside a private
network namespace).  DHCP-ready: a client plugged into the bridge gets a
DHCPOFFER.  The bridge has STP off: with STP on, a new bridge port spends
the kernel's minimum forward delay (2 s listening + 2 s learning and
more) before it passes traffic, whichever daemon made the bridge, which
would hide the daemons' own times.  The client has a static DHCP host
entry, so dnsmasq offers at once (for a dynamic address it first pings
the address for a few seconds, with either daemon).  Prints medians and the ratios
against the last daemon."""
import statistics
import subprocess
import sys
import time

import libvirt

NET = """<network><name>bench{i}</name><forward mode='nat'/><bridge name='bnbr{i}' stp='off'/>
<ip address='10.{n}.0.1' netmask='255.255.255.0'><dhcp>
<range start='10.{n}.0.10' end='10.{n}.0.200'/>
<host mac='52:54:00:be:00:{i:02x}' ip='10.{n}.0.5'/></dhcp></ip></network>"""


def quiet(*a):
    pass


def sh(*args):
    subprocess.run(list(args), check=True)


def measure(idx, uri, rounds, probe, client_pid):
    conn = libvirt.open(uri)
    net = conn.networkDefineXML(NET.format(i=idx, n=80 + idx))
    host_end, peer = 'bnh%d' % idx, 'bnp%d' % idx
    sh('ip', 'link', 'add', host_end, 'type', 'veth', 'peer', 'name', peer)
    sh('ip', 'link', 'set', peer, 'address', '52:54:00:be:00:%02x' % idx)
    sh('ip', 'link', 'set', peer, 'netns', str(client_pid))
    sh('nsenter', '--net=/proc/%d/ns/net' % client_pid, 'ip', 'link', 'set', peer, 'up')
    start, ready, destroy = [], [], []
    try:
        for _ in range(rounds):
            t0 = time.monotonic()
            net.create()
            t1 = time.monotonic()
            sh('ip', 'link', 'set', host_end, 'master', 'bnbr%d' % idx, 'up')
            probe.stdin.write(peer + '\n')
            probe.stdin.flush()
            got = probe.stdout.readline().strip()
            t2 = time.monotonic()
            if got == 'timeout':
                raise RuntimeError('no DHCPOFFER from %s' % uri)
            net.destroy()
            t3 = time.monotonic()
            start.append(t1 - t0)
            ready.append(t2 - t0)
            destroy.append(t3 - t2)
    finally:
        if net.isActive():
            net.destroy()
        net.undefine()
        subprocess.run(['ip', 'link', 'del', host_end])
        conn.close()
    return statistics.median(start), statistics.median(ready), statistics.median(destroy)


def main():
    libvirt.registerErrorHandler(quiet, None)
    rounds = int(sys.argv[1])
    daemons = [a.split('=', 1) for a in sys.argv[2:]]
    client = subprocess.Popen(['unshare', '--net', 'sleep', '3600'])
    time.sleep(0.2)
    probe = subprocess.Popen(['nsenter', '--net=/proc/%d/ns/net' % client.pid,
                              '/usr/bin/python3', sys.path[0] + '/dhcp_probe.py'],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    results = {}
    try:
        for idx, (name, uri) in enumerate(daemons):
            results[name] = measure(idx, uri, rounds, probe, client.pid)
    finally:
        probe.stdin.close()
        probe.wait()
        client.kill()
        client.wait()
    ref = daemons[-1][0]
    print('%-10s %14s %18s %14s   (median of %d, seconds)'
          % ('daemon', 'net-start', 'start->DHCP offer', 'net-destroy', rounds))
    for name, (s, r, d) in results.items():
        print('%-10s %14.4f %18.4f %14.4f' % (name, s, r, d))
    for name, (s, r, d) in results.items():
        if name == ref:
            continue
        rs, rr, rd = results[ref]
        print('%s is %.1fx faster to start, %.1fx faster to DHCP-ready, %.1fx faster to '
              'destroy than %s' % (name, rs / s, rr / r, rd / d, ref))


main()
