#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Running the test guest through virsh: start, list, dominfo, domstate
--reason, suspend/resume (the guest's tick counter halts), reset, reboot,
shutdown (ACPI button: the guest powers off), destroy, domstats,
domifstat, domblkstat (real counters), domblklist, domiflist, dommemstat,
vcpuinfo, security labels, create (transient), kill -9 of the VMM (crashed
within a second), the VMM's user, disk ownership changed and restored, taps
removed, `virsh event --loop` output of every transition, a kernel only root
can read (passed as an fd), and start failures that name their cause and
leave nothing behind."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import libvirt

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virsh  # noqa: E402
from lifecycle_lib import (GUEST, define, domstate, event_listener, guest_xml,  # noqa: E402
                           kill_guests, proc_user, read, require_kvm,
                           serial_path, taps, vmm_pids, wait_for)

TAG = 'lc%d' % os.getpid()
G = TAG + 'a'
T = TAG + 't'
VMM_UID = 995


def ticks(path):
    return [int(x) for x in re.findall(r'tick (\d+)', read(path))]


def status_files(d):
    run = os.path.join(d.root, 'run', 'virtkvm', 'domains')
    return [f for f in os.listdir(run) if f.endswith('.json')] if os.path.isdir(run) else []


def check_security_label(d, info, pid):
    """The VMM's process labels, as libvirt reports them: the primary model's
    (dominfo; "none" on a host without SELinux: no label line) and, through
    the _LIST call, one per model of the stack, DAC last ("+UID:+GID")."""
    with open('/proc/%d/status' % pid) as f:
        ids = {ln.split(':')[0]: ln.split()[1] for ln in f if ln.startswith(('Uid:', 'Gid:'))}
    dac = ['+%s:+%s' % (ids['Uid'], ids['Gid']), 0]
    conn = libvirt.openReadOnly(d.ro_uri)
    try:
        model = conn.getSecurityModel()
        dom = conn.lookupByName(G)
        primary = dom.securityLabel()
        labels = dom.securityLabelList()
    finally:
        conn.close()
    check(re.search(r'Security model:\s+%s\n' % model[0], info), info)
    check(re.search(r'Security DOI:\s+0\n', info), info)
    check(labels[0] == primary and labels[-1] == dac, (labels, primary))
    if model[0] == 'dac':
        want = dac
    elif model[0] == 'none':
        want = ['', 0]
    else:
        want = None
    if want is not None:
        check(primary == want, primary)
        check(len(labels) == (1 if model[0] == 'dac' else 2), labels)
    if primary[0]:
        check(re.search(r'Security label:\s+%s \((permissive|enforcing)\)' %
                        re.escape(primary[0]), info), info)
    else:
        check('Security label' not in info, info)


def test_start_and_state(d, disk, serial):
    before = os.stat(disk)
    t0 = time.monotonic()
    virsh(d, 'start', G)
    print('start took %.3f s' % (time.monotonic() - t0))
    out = virsh(d, 'list').stdout
    check(re.search(r'\d+\s+%s\s+running' % G, out), out)
    info = virsh(d, 'dominfo', G).stdout
    check(re.search(r'State:\s+running', info), info)
    check(domstate(d, G) == 'running (booted)', domstate(d, G))
    pids = vmm_pids(G)
    check(len(pids) == 1, pids)
    check(proc_user(pids[0]) == VMM_UID, 'VMM uid %s' % proc_user(pids[0]))
    ps = subprocess.run(['ps', '-o', 'user=,args=', '-p', str(pids[0])],
                        capture_output=True, text=True).stdout
    check('guest=' + G in ps and ps.split()[0] in ('virtkvm', str(VMM_UID)), ps)
    with open('/proc/%d/status' % pids[0]) as f:
        capeff = [ln for ln in f if ln.startswith('CapEff')][0]
    check(capeff.split()[1] == '0000000000000000', capeff)
    check_security_label(d, info, pids[0])
    check(os.stat(disk).st_uid == VMM_UID, 'disk not chowned while running')
    tap = TAG + 'tap'
    check(tap in taps(), 'tap %s missing' % tap)
    wait_for('guest ready', lambda: 'ready' in read(serial))
    wait_for('ticks', lambda: len(ticks(serial)) >= 2)
    return before, tap


def test_stats(d, disk, tap):
    out = virsh(d, 'domstats', G).stdout
    for field in ('state.state=1', 'state.reason=1', 'cpu.time=', 'balloon.current=65536',
                  'balloon.maximum=65536', 'balloon.rss=', 'vcpu.current=1', 'vcpu.0.state=1',
                  'net.count=1', 'net.0.name=' + tap, 'net.0.rx.bytes=', 'net.0.tx.pkts=',
                  'block.count=1', 'block.0.name=vda', 'block.0.path=' + disk,
                  'block.0.rd.reqs=1\n', 'block.0.rd.bytes=4096\n', 'block.0.wr.reqs=0\n',
                  'block.0.wr.bytes=0\n', 'block.0.fl.reqs=0\n'):
        check(field in out, '%s missing:\n%s' % (field, out))
    rss = int(re.search(r'balloon.rss=(\d+)', out).group(1))
    check(0 < rss < 64 * 1024, 'rss %d KiB' % rss)
    out = virsh(d, 'domifstat', G, tap).stdout
    check(re.search(tap + r' rx_bytes \d+', out) and re.search(tap + r' tx_packets \d+', out), out)
    r = virsh(d, 'domifstat', G, 'nosuchdev', check=False)
    check(r.returncode != 0 and 'nosuchdev' in r.stderr, r.stderr)
    # The guest read sectors 0-7 of vda at boot, in one request.
    out = virsh(d, 'domblkstat', G, 'vda').stdout
    stats = dict(ln.split()[1:] for ln in out.splitlines() if ln.strip())
    check(stats.get('rd_req') == '1' and stats.get('rd_bytes') == '4096' and
          stats.get('wr_req') == '0' and stats.get('wr_bytes') == '0', out)
    check(stats.get('flush_operations') == '0' and 'errs' not in stats, out)
    conn = libvirt.openReadOnly(d.ro_uri)
    try:
        dom = conn.lookupByName(G)
        check(dom.blockStats('vda') == (1, 4096, 0, 0, -1), dom.blockStats('vda'))
        check(dom.blockStatsFlags(disk) == {'wr_bytes': 0, 'wr_operations': 0, 'rd_bytes': 4096,
                                            'rd_operations': 1, 'flush_operations': 0},
              dom.blockStatsFlags(disk))
    finally:
        conn.close()
    r = virsh(d, 'domblkstat', G, 'vdz', check=False)
    check(r.returncode != 0 and 'vdz' in r.stderr, r.stderr)
    out = virsh(d, 'domblklist', G).stdout
    check(re.search(r'vda\s+' + re.escape(disk), out), out)
    out = virsh(d, 'domiflist', G).stdout
    check(re.search(tap + r'\s+ethernet\s+-\s+virtio\s+52:54:00:11:22:33', out), out)
    out = virsh(d, 'dommemstat', G).stdout
    check('actual 65536' in out and 'rss' in out, out)
    check(virsh(d, 'domcontrol', G).stdout.strip() == 'ok', 'domcontrol')
    out = virsh(d, 'vcpuinfo', G).stdout
    check(re.search(r'State:\s+running', out), out)
    r = virsh(d, 'domtime', G, check=False)
    check(r.returncode != 0 and 'guest agent' in r.stderr, r.stderr)
    # The default <memballoon model='virtio'> makes setmem work: see
    # test_lifecycle_balloon.py.  Above the maximum it is refused.
    r = virsh(d, 'setmem', G, '128M', check=False)
    check(r.returncode != 0 and 'max memory' in r.stderr, r.stderr)


def test_suspend_resume(d, serial):
    virsh(d, 'suspend', G)
    check(domstate(d, G) == 'paused (user)', domstate(d, G))
    time.sleep(0.2)
    n = len(ticks(serial))
    time.sleep(0.8)
    check(len(ticks(serial)) == n, 'ticks advanced while paused')
    virsh(d, 'resume', G)
    check(domstate(d, G) == 'running (unpaused)', domstate(d, G))
    wait_for('ticks after resume', lambda: len(ticks(serial)) > n + 1)


def test_reset_reboot(d, serial):
    """Each reset boots the guest again; wait for "ready" each time (the
    guest clears a pending button press while it boots)."""
    boots = read(serial).count('ready')
    virsh(d, 'reset', G)
    wait_for('boot after reset', lambda: read(serial).count('ready') > boots)
    virsh(d, 'reboot', G)
    wait_for('boot after reboot', lambda: read(serial).count('ready') > boots + 1)
    check(domstate(d, G).startswith('running'), domstate(d, G))


def test_shutdown(d, serial):
    virsh(d, 'shutdown', G)
    wait_for('shut off', lambda: domstate(d, G) == 'shut off (shutdown)', timeout=15)
    check('power button' in read(serial), read(serial)[-500:])
    check(not vmm_pids(G), 'VMM left after shutdown')


def test_destroy_and_leftovers(d, disk, before, tap):
    virsh(d, 'start', G)
    virsh(d, 'destroy', G)
    check(domstate(d, G) == 'shut off (destroyed)', domstate(d, G))
    check(not vmm_pids(G), 'VMM left after destroy')
    conn = libvirt.openReadOnly(d.ro_uri)
    try:
        dom = conn.lookupByName(G)
        check(dom.securityLabel() == ['', 0] and dom.securityLabelList() == [],
              'labels of an inactive domain')
    finally:
        conn.close()
    st = os.stat(disk)
    check((st.st_uid, st.st_gid) == (before.st_uid, before.st_gid), 'owner not restored')
    check(not status_files(d), status_files(d))
    check(tap not in taps(), 'tap %s left behind' % tap)
    log = read(os.path.join(d.root, 'var', 'log', 'virtkvm', G + '.log'))
    check('starting up' in log and 'shutting down' in log, log)


def test_kill_vmm(d):
    virsh(d, 'start', G)
    pid = vmm_pids(G)[0]
    os.kill(pid, signal.SIGKILL)
    t0 = time.monotonic()
    wait_for('crashed', lambda: domstate(d, G) == 'shut off (crashed)', timeout=5)
    check(time.monotonic() - t0 < 1.0, 'crash seen after %.2f s' % (time.monotonic() - t0))


def test_transient(d):
    path = os.path.join(d.workdir, T + '.xml')
    with open(path, 'w') as f:
        f.write(guest_xml(T, d.workdir, serial='none'))
    virsh(d, 'create', path)
    check(domstate(d, T) == 'running (booted)', domstate(d, T))
    out = virsh(d, 'list', '--transient').stdout
    check(T in out, out)
    virsh(d, 'destroy', T)
    out = virsh(d, 'list', '--all').stdout
    check(T not in out, out)


def test_failures(d):
    cases = [
        ('missing disk', guest_xml(TAG + 'f1', d.workdir, disk_path='/nonexistent/disk.img'),
         "Cannot access storage file '/nonexistent/disk.img'"),
        ('missing bridge', guest_xml(TAG + 'f2', d.workdir, disk=False, nets=[
            "<interface type='bridge'><source bridge='nobr%s'/><target dev='%s'/>"
            "<model type='virtio'/></interface>" % (os.getpid(), TAG + 'f2t')]),
         "bridge 'nobr%d' does not exist" % os.getpid()),
        ('too much memory', guest_xml(TAG + 'f3', d.workdir, disk=False,
                                      memory_mib=64 * 1024 * 1024), 'exceeds the host'),
        ('missing kernel', guest_xml(TAG + 'f4', d.workdir, disk=False).replace(
            GUEST, '/nonexistent/kernel'), "Cannot access kernel '/nonexistent/kernel'"),
    ]
    for what, xml, msg in cases:
        name = re.search(r'<name>(.*?)</name>', xml).group(1)
        define(d, name, xml)
        r = virsh(d, 'start', name, check=False)
        check(r.returncode != 0 and msg in r.stderr, '%s: %s' % (what, r.stderr))
        print('%s: %s' % (what, r.stderr.strip()))
        check(domstate(d, name) == 'shut off (unknown)', domstate(d, name))
        check(not vmm_pids(name), what + ': VMM left')
    check(TAG + 'f2t' not in taps(), 'tap left behind')
    check(not status_files(d), status_files(d))


def check_events(ev):
    time.sleep(0.3)
    ev.send_signal(signal.SIGINT)
    out = ev.communicate(timeout=10)[0]
    lines = [ln for ln in out.splitlines() if "domain '%s'" % G in ln]
    want = ['Started Booted', 'Suspended Paused', 'Resumed Unpaused', 'Shutdown Finished',
            'Stopped Shutdown', 'Started Booted', 'Stopped Destroyed', 'Started Booted',
            'Stopped Crashed']
    got = [ln.split(': ', 1)[1] for ln in lines if "'lifecycle'" in ln]
    got = [g for g in got if not g.startswith(('Defined', 'Undefined'))]
    check(got == want, 'events:\n' + out)
    check(any("'reboot'" in ln for ln in lines), 'no reboot event:\n' + out)


def main():
    require_kvm()
    with Daemon() as d:
        ev = None
        try:
            tap = TAG + 'tap'
            xml = guest_xml(G, d.workdir, cmdline='vkt.blk=1 vkt.ticks=1 vkt.tickevery=1000', nets=[
                "<interface type='ethernet'><target dev='%s'/><model type='virtio'/>"
                "<mac address='52:54:00:11:22:33'/></interface>" % tap])
            # The VMM's user cannot read this kernel: the daemon passes it as an fd.
            kernel = os.path.join(d.workdir, 'root-only.bzImage')
            shutil.copyfile(GUEST, kernel)
            os.chmod(kernel, 0o600)
            define(d, G, xml.replace(GUEST, kernel))
            ev = event_listener(d)
            time.sleep(0.3)
            disk = os.path.join(d.workdir, G + '.img')
            serial = serial_path(d.workdir, G)
            before, tap = test_start_and_state(d, disk, serial)
            test_stats(d, disk, tap)
            test_suspend_resume(d, serial)
            test_reset_reboot(d, serial)
            test_shutdown(d, serial)
            test_destroy_and_leftovers(d, disk, before, tap)
            test_kill_vmm(d)
            check_events(ev)
            ev = None
            test_transient(d)
            test_failures(d)
        finally:
            if ev:
                ev.kill()
            kill_guests([G, T, TAG + 'f1', TAG + 'f2', TAG + 'f3', TAG + 'f4'])
    print('ok')


if __name__ == '__main__':
    main()
