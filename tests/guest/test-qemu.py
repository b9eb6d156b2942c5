#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Cross-check the test guest against a reference VMM: Debian's QEMU (TCG).

Boots the bzImage with -kernel (the 16-bit setup entry path), virtio-blk on a
disk made here, virtio-net on a datagram socket read here, virtio-rng and a
single-port virtio console on a socket, and checks the guest's report lines,
its serial commands, and that the ACPI power button powers it off.  Further
runs cover BAR assignment by the guest (q35 and pc), the i8042 reset and
vkt.panic=1 with QEMU's ISA pvpanic (status guest-panicked).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guestlib  # noqa: E402

QEMU = shutil.which('qemu-system-x86_64')
MAC = '52:54:00:12:34:56'
HOST_MAC = '52:54:00:ab:cd:ef'
SERIAL = 'VKTSERIAL01'
DISK_SECTORS = 2048
MEM_MB = 128


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)
    print('ok: ' + what)


def connect_unix(path, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Qmp:
    def __init__(self, path):
        self.sock = connect_unix(path)
        self.file = self.sock.makefile('rw')
        json.loads(self.file.readline())          # greeting
        self.command('qmp_capabilities')

    def command(self, name, **args):
        self.file.write(json.dumps({'execute': name, 'arguments': args}) + '\n')
        self.file.flush()
        while True:
            msg = json.loads(self.file.readline())
            if 'return' in msg or 'error' in msg:
                return msg

    def close(self):
        self.file.close()
        self.sock.close()


class Vm:
    """One QEMU process with the guest; serial on a socket QEMU waits for."""

    def __init__(self, tmp, name, append, extra, machine='q35', reboot=False):
        self.tmp = tmp
        self.serial_path = os.path.join(tmp, name + '-serial.sock')
        self.qmp_path = os.path.join(tmp, name + '-qmp.sock')
        self.log = open(os.path.join(tmp, name + '-serial.log'), 'w')
        argv = [QEMU, '-accel', 'tcg', '-machine', machine, '-m', str(MEM_MB),
                '-nodefaults', '-display', 'none'] + ([] if reboot else ['-no-reboot']) + [
                '-kernel', guestlib.image_path(), '-append', append,
                '-chardev', 'socket,id=ser0,path=%s,server=on,wait=on' % self.serial_path,
                '-serial', 'chardev:ser0',
                '-qmp', 'unix:%s,server=on,wait=off' % self.qmp_path] + extra
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            self.sock = connect_unix(self.serial_path)
        except OSError:
            self.proc.kill()
            self.proc.wait()
            self.log.close()
            raise Fail('QEMU did not start: ' + self.proc.stdout.read().decode(errors='replace'))
        self.out = guestlib.LineReader(self.sock, log=self.log)

    def send(self, line):
        self.sock.sendall(line.encode() + b'\r')

    def wait_exit(self, timeout=30):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        out = self.proc.stdout.read().decode(errors='replace')
        out = '\n'.join(l for l in out.splitlines() if 'waiting for connection' not in l)
        if out.strip():
            print('qemu output: ' + out.strip())
        self.proc.stdout.close()
        self.sock.close()
        self.log.close()


def dgram_socket(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.settimeout(20)
    return s


def recv_test_frame(sock, seq):
    """Skips unrelated frames; returns the parsed test frame `seq`."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        frame = sock.recv(65536)
        parsed = guestlib.parse_frame(frame)
        if parsed and parsed[2] == guestlib.ETHERTYPE_TEST:
            check(len(frame) == 60, 'frame %d is 60 bytes' % seq)
            check(parsed[3] == guestlib.test_frame_text(seq), 'frame payload %r' % parsed[3])
            return parsed
    raise Fail('no test frame %d' % seq)


def run_full(tmp):
    """q35, firmware-assigned BARs, every device, serial commands, power button."""
    disk = os.path.join(tmp, 'disk.raw')
    data = guestlib.make_disk(disk, DISK_SECTORS)
    disk2 = os.path.join(tmp, 'disk2.raw')
    data2 = guestlib.make_disk(disk2, 6, seed=3)
    net_guest = os.path.join(tmp, 'net-qemu.sock')
    net_host = os.path.join(tmp, 'net-test.sock')
    cons_path = os.path.join(tmp, 'console.sock')
    nsock = dgram_socket(net_host)
    append = 'vkt.blk=1 vkt.net=1 vkt.rng=1 vkt.console=1 vkt.blkwrite=16:0xa5 vkt.echo=1'
    extra = [
        '-drive', 'if=none,id=d0,format=raw,file=%s' % disk,
        '-device', 'virtio-blk-pci,drive=d0,serial=%s,disable-legacy=on' % SERIAL,
        '-drive', 'if=none,id=d1,format=raw,readonly=on,file=%s' % disk2,
        '-device', 'virtio-blk-pci,drive=d1,disable-legacy=on',
        '-netdev', 'dgram,id=n0,local.type=unix,local.path=%s,remote.type=unix,remote.path=%s'
        % (net_guest, net_host),
        '-device', 'virtio-net-pci,netdev=n0,mac=%s,disable-legacy=on' % MAC,
        '-device', 'virtio-rng-pci,disable-legacy=on',
        '-chardev', 'socket,id=c0,path=%s,server=on,wait=off' % cons_path,
        '-device', 'virtio-serial-pci,disable-legacy=on,max_ports=1',
        '-device', 'virtconsole,chardev=c0,nr=0',
    ]
    vm = Vm(tmp, 'full', append, extra)
    csock = None
    try:
        csock = connect_unix(cons_path)
        csock.settimeout(20)
        out = vm.out
        out.wait_for(r'^ready$', 60)
        rep = out.report
        check(rep.version is not None, 'banner, version %s' % rep.version)
        check(rep.entry == 32, 'entered through the 16-bit setup and 32-bit entry')
        check(rep.cmdline == append, 'cmdline printed')
        ram = [e for e in rep.e820 if e[2] == 1]
        check(ram and ram[0][0] == 0 and max(s + z for s, z, _ in ram) <= MEM_MB << 20 and
              rep.usable_ram() > (MEM_MB - 2) << 20, 'e820 RAM matches -m %d' % MEM_MB)
        ids = rep.pci_ids()
        for kind in ('blk', 'net', 'rng', 'console'):
            check(ids.count(guestlib.VIRTIO_PCI_IDS[kind]) == (2 if kind == 'blk' else 1),
                  'PCI lists virtio-' + kind)
        check(all(b[4] == 'firmware' for b in rep.bars), 'firmware BARs kept')
        check(rep.acpi and rep.acpi['s5'] == 0 and not rep.acpi['s5_default'],
              '\\_S5 parsed from the DSDT (QEMU uses SLP_TYP 0)')
        check(rep.blk.get(0) == (DISK_SECTORS, SERIAL), 'blk capacity and serial')
        check((0, 0, 8, guestlib.expected_read_crc(data, 0, 8)) in rep.blk_reads,
              'blk read 0 8 checksum matches the disk')
        check(rep.blk.get(1) == (6, '-'), 'second disk: capacity, no serial')
        check((1, 0, 6, guestlib.expected_read_crc(data2, 0, 6)) in rep.blk_reads,
              'second disk: whole-disk checksum')
        check('blk1: pci 00:02.0 ro 1 flush 1' in rep.lines, 'second disk is read-only')
        check((0, 16, 0xa5) in rep.blk_writes, 'blk write reported')
        check((0, 16, 1, guestlib.crc32(b'\xa5' * 512)) in rep.blk_reads,
              'written sector reads back')
        check(rep.net_macs.get(0) == MAC, 'net MAC from config space')
        parsed = recv_test_frame(nsock, 1)
        check(parsed[0] == 'ff:ff:ff:ff:ff:ff' and parsed[1] == MAC, 'frame addresses')
        check((0, 60, 1) in rep.net_sent, 'net sent line')
        check(len(rep.rng) == 1 and len(rep.rng[0]) == 16 and rep.rng[0] != bytes(16),
              'rng bytes')
        hello = b''
        while not hello.endswith(b'\n'):
            hello += csock.recv(256)
        check(hello.decode() == guestlib.CONSOLE_HELLO + '\n', 'console hello')

        # Serial commands.
        vm.send('echo hello guest')
        out.wait_for(r'^echo: hello guest$', 20)
        vm.send('blk read 100 3')
        m = out.wait_for(r'^blk0: read 100 3 crc32 (0x[0-9a-f]{8})$', 20)
        check(int(m.group(1), 16) == guestlib.expected_read_crc(data, 100, 3), 'blk read command')
        vm.send('blk write 20 90')
        out.wait_for(r'^blk0: write 20 pattern 0x5a ok$', 20)
        vm.send('blk write 0 1 1')
        out.wait_for(r'^blk1: write 0 pattern 0x01 error [1-9]\d*$', 20)
        vm.send('blk flush')
        out.wait_for(r'^blk0: flush ok$', 20)
        vm.send('net send')
        out.wait_for(r'^net0: sent 60 bytes seq 2$', 20)
        recv_test_frame(nsock, 2)
        nsock.sendto(guestlib.build_frame(MAC, HOST_MAC, 'host-frame 7'), net_guest)
        m = out.wait_for(r'^net0: received (\d+) bytes from (\S+) payload (.*)$', 20)
        check(m.group(2) == HOST_MAC and m.group(3) == 'host-frame 7', 'frame received')
        vm.send('rng 32')
        m = out.wait_for(r'^rng0: 32 bytes ([0-9a-f]{64})$', 20)
        csock.sendall(b'ping console\n')
        out.wait_for(r'^console0: rx 13 bytes ping console\.$', 20)
        out.wait_for(r'^console0: echoed 13 bytes$', 20)
        echo = b''
        while not echo.endswith(b'\n'):
            echo += csock.recv(256)
        check(echo == b'ping console\n', 'console echo')
        vm.send('ticks')
        t1 = int(out.wait_for(r'^ticks (\d+)$', 20).group(1))
        vm.send('ticks')
        t2 = int(out.wait_for(r'^ticks (\d+)$', 20).group(1))
        check(t2 > t1, 'tick counter advances')
        vm.send('bogus')
        out.wait_for(r'^error: unknown command bogus$', 20)

        # The power button.
        qmp = Qmp(vm.qmp_path)
        check('return' in qmp.command('system_powerdown'), 'system_powerdown sent')
        out.wait_for(r'^power button$', 20)
        out.wait_for(r'^poweroff$', 20)
        rc = vm.wait_exit(30)
        qmp.close()
        check(rc == 0, 'QEMU exited 0 after the guest powered off')
        check(guestlib.sector_is_pattern(disk, 16, 0xa5) and
              guestlib.sector_is_pattern(disk, 20, 0x5a), 'writes landed in the disk file')
        check(open(disk2, 'rb').read() == data2, 'the read-only disk is unchanged')
        check(rep.errors == ['unknown command bogus'], 'no error lines but the bogus command')
    finally:
        vm.close()
        nsock.close()
        if csock:
            csock.close()


def run_reassign(tmp, machine):
    """The guest assigns BARs itself (as under virtkvm-vmm) and powers off by cmdline."""
    disk = os.path.join(tmp, 'disk-%s.raw' % machine)
    data = guestlib.make_disk(disk, 64, seed=2)
    append = 'vkt.pcireassign=1 vkt.blk=1 vkt.rng=1 vkt.poweroff=1'
    extra = ['-drive', 'if=none,id=d0,format=raw,file=%s' % disk,
             '-device', 'virtio-blk-pci,drive=d0',
             '-device', 'virtio-rng-pci']        # transitional ids here
    vm = Vm(tmp, 'reassign-' + machine, append, extra, machine=machine)
    try:
        vm.out.wait_for(r'^poweroff$', 60)
        rep = vm.out.report
        mem = [b for b in rep.bars if b[2] != 'io']
        check(mem and all(b[4] == 'assigned' and 0xC0000000 <= b[3] < 0xE0000000 for b in mem),
              '%s: memory BARs assigned from 0xc0000000' % machine)
        check((0, 0, 8, guestlib.expected_read_crc(data, 0, 8)) in rep.blk_reads,
              '%s: blk works through self-assigned BARs' % machine)
        check(len(rep.rng) == 1, '%s: rng works through self-assigned BARs' % machine)
        check(vm.wait_exit(30) == 0, '%s: vkt.poweroff powers off' % machine)
    finally:
        vm.close()


def read_qword(qmp, addr):
    r = qmp.command('human-monitor-command', **{'command-line': 'xp /1gx 0x%x' % addr})
    return int(r['return'].split(':')[1].split()[0], 16)


def run_ticks_dirty_reset(tmp):
    """Ticks, memory dirtying (seen through QEMU's monitor), help, reset."""
    vm = Vm(tmp, 'reset', 'vkt.ticks=1 vkt.tickevery=1000 vkt.dirty=16', [], reboot=True)
    qmp = None
    try:
        vm.out.wait_for(r'^dirty: 16 pages at 0x400000$', 60)
        vm.out.wait_for(r'^ready$', 20)
        vm.out.wait_for(r'^tick 2000$', 20)
        qmp = Qmp(vm.qmp_path)
        addr = 0x400000 + 5 * 4096
        v1 = read_qword(qmp, addr)
        vm.out.wait_for(r'^tick %d$' % ((v1 // 1000 + 2) * 1000), 20)
        v2 = read_qword(qmp, addr)
        check(v1 != 0 and v2 > v1, 'dirty pages keep changing (0x%x -> 0x%x)' % (v1, v2))
        vm.send('help')
        vm.out.wait_for(r'^help: .*blk read', 20)
        vm.send('reset')
        vm.out.wait_for(r'^reset$', 20)
        vm.out.wait_for(guestlib.BANNER_RE.pattern, 30)
        vm.out.wait_for(r'^ready$', 30)
        check(sum(1 for l in vm.out.report.lines if guestlib.BANNER_RE.match(l)) == 2,
              'reset command reboots the machine into the guest again')
        vm.send('poweroff')
        vm.out.wait_for(r'^poweroff$', 20)
        check(vm.wait_exit(30) == 0, 'poweroff command powers off')
    finally:
        if qmp:
            qmp.close()
        vm.close()


def run_panic(tmp):
    """vkt.panic=1 with QEMU's ISA pvpanic: the guest stops as guest-panicked."""
    vm = Vm(tmp, 'panic', 'vkt.panic=1', ['-device', 'pvpanic', '-action', 'panic=pause'])
    qmp = None
    try:
        vm.out.wait_for(r'^panic$', 60)
        qmp = Qmp(vm.qmp_path)
        deadline = time.monotonic() + 20
        status = None
        while time.monotonic() < deadline:
            status = qmp.command('query-status')['return']['status']
            if status == 'guest-panicked':
                break
            time.sleep(0.1)
        check(status == 'guest-panicked', 'pvpanic write reaches QEMU (status %s)' % status)
        check(not any(l == 'ready' for l in vm.out.report.lines),
              'the guest panics before ready')
    finally:
        if qmp:
            qmp.close()
        vm.close()


def main():
    if len(sys.argv) > 1:
        os.environ['VKT_GUEST_IMAGE'] = sys.argv[1]
    if not QEMU:
        print('SKIP: qemu-system-x86_64 is not installed')
        return 77
    if not os.path.exists(guestlib.image_path()):
        print('FAIL: no guest image at ' + guestlib.image_path())
        return 1
    tmp = tempfile.mkdtemp(prefix='vkt-guest-')
    try:
        run_full(tmp)
        run_reassign(tmp, 'q35')
        run_reassign(tmp, 'pc')
        run_ticks_dirty_reset(tmp)
        run_panic(tmp)
    except (Fail, TimeoutError) as e:
        print('FAIL: %s' % e)
        for log in sorted(os.listdir(tmp)):
            if log.endswith('.log'):
                print('--- ' + log)
                print(open(os.path.join(tmp, log)).read()[-3000:])
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
