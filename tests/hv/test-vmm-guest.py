#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs virtkvm-vmm with the project's test guest (tests/guest): boot report
(banner, cmdline, e820, PCI, ACPI), virtio-rng, the power button, stop/cont
against the guest's tick counter, resets, and pvpanic with both on-panic policies."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "guest"))
import guestlib  # noqa: E402
from vmmtest import Vmm, wait_for  # noqa: E402

# e820 RAM for N bytes below 3 GiB: everything but [0x9fc00, 1 MiB).
HOLE = (1 << 20) - 0x9fc00


class GuestVm:
    def __init__(self, tmp, cmdline, mem_mib=64, extra=None, name="tg"):
        self.sock_path = os.path.join(tmp, name + "-serial.sock")
        self.vmm = Vmm(tmp, guestlib.image_path(), cmdline=cmdline, mem_mib=mem_mib,
                       name=name, serial={"type": "unix", "path": self.sock_path},
                       extra=extra)

    def __enter__(self):
        self.vmm.start(**getattr(self.vmm, "start_kw", {}))
        self.ctl = self.vmm.connect(cont=False)
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        wait_for(lambda: os.path.exists(self.sock_path), what="serial socket")
        self.s.connect(self.sock_path)
        self.lines = guestlib.LineReader(self.s)
        time.sleep(0.05)    # let the VMM accept the serial client first
        r = self.ctl.cmd("cont")
        assert "return" in r, r
        return self

    def send(self, text):
        self.s.sendall(text.encode() + b"\r")

    def __exit__(self, *exc):
        self.s.close()
        self.vmm.kill()


def test_boot_report_and_power_button(tmp, mem_mib=64):
    with GuestVm(tmp, "vkt.rng=1 hello=world", mem_mib=mem_mib, extra={"rng": {}}) as g:
        g.lines.wait_for(r"^ready$", 30)
        rep = g.lines.report
        assert rep.cmdline == "vkt.rng=1 hello=world", rep.cmdline
        assert rep.entry == 64, rep.entry
        assert rep.usable_ram() == (mem_mib << 20) - HOLE, (rep.usable_ram(), rep.e820)
        assert rep.pci_ids() == ["1af4:1044", "1b36:0008"], rep.pci
        assert rep.acpi and rep.acpi["s5"] == 5 and not rep.acpi["s5_default"], rep.acpi
        assert rep.acpi["pm1a_cnt"] == 0x604, rep.acpi
        assert len(rep.rng) == 1 and len(rep.rng[0]) == 16 and any(rep.rng[0]), rep.rng
        assert not rep.errors, rep.errors
        devs = g.ctl.cmd("query-devices")["return"]
        assert [d.get("pci-id") for d in devs if d["bus"] == "pci"] == ["1b36:0008", "1af4:1044"], devs
        g.ctl.cmd("system-powerdown")
        ev = g.ctl.wait_event("SHUTDOWN", 30)
        assert ev["data"] == {"guest": True, "reason": "guest-shutdown"}, ev
        assert g.vmm.wait_exit() == 0, g.vmm.stderr


def test_high_memory_e820(tmp):
    # 5 GiB: RAM splits around the 32-bit hole; nothing is touched beyond what the guest uses.
    with GuestVm(tmp, "x", mem_mib=5120, name="big") as g:
        g.lines.wait_for(r"^ready$", 30)
        rep = g.lines.report
        assert rep.usable_ram() == (5 << 30) - HOLE, rep.e820
        assert (0x100000000, (5 << 30) - 0xc0000000, 1) in rep.e820, rep.e820
        assert rep.pci_ids() == ["1b36:0008"], rep.pci
        g.ctl.cmd("quit")
        assert g.vmm.wait_exit() == 0


def test_stop_cont_ticks(tmp):
    with GuestVm(tmp, "vkt.ticks=1 vkt.tickevery=2000", name="ticks",
                 extra={"vcpus": {"count": 2}}) as g:
        g.lines.wait_for(r"^tick \d+$", 30)
        g.ctl.cmd("stop")
        g.ctl.wait_event("STOP")
        # Drain what was printed before the stop took effect.
        while g.lines.readline(0.3) is not None:
            pass
        before = list(g.lines.report.ticks)
        assert g.lines.readline(1.0) is None, "guest ticked while stopped"
        assert g.lines.report.ticks == before
        g.ctl.cmd("cont")
        g.ctl.wait_event("RESUME")
        g.lines.wait_for(r"^tick \d+$", 30)
        assert g.lines.report.ticks[-1] > before[-1], (before[-1], g.lines.report.ticks[-1])
        # Rapid stop/cont cycles never wedge a vCPU.
        for _ in range(25):
            assert "return" in g.ctl.cmd("stop")
            assert "return" in g.ctl.cmd("cont")
        assert g.ctl.cmd("query-status")["return"]["status"] == "running"
        last = g.lines.report.ticks[-1]
        wait_for(lambda: g.lines.readline(1.0) is not None and g.lines.report.ticks[-1] > last,
                 20, "ticks after stop/cont cycles")
        g.ctl.cmd("quit")
        assert g.vmm.wait_exit() == 0


def test_serial_commands_and_reset(tmp):
    with GuestVm(tmp, "vkt.echo=0", name="cmds") as g:
        g.lines.wait_for(r"^ready$", 30)
        g.send("ticks")
        g.lines.wait_for(r"^ticks \d+$", 30)
        g.send("reset")
        ev = g.ctl.wait_event("RESET", 30)
        assert ev["data"]["guest"] is True, ev
        g.lines.wait_for(guestlib.BANNER_RE.pattern, 30)
        g.lines.wait_for(r"^ready$", 30)
        g.ctl.cmd("system-reset")
        g.ctl.wait_event("RESET", 30)
        g.lines.wait_for(r"^ready$", 30)
        g.send("poweroff")
        ev = g.ctl.wait_event("SHUTDOWN", 30)
        assert ev["data"]["reason"] == "guest-shutdown", ev
        assert g.vmm.wait_exit() == 0


def test_panic_pause(tmp):
    """The guest's `panic` command with on-panic pause (the default)."""
    with GuestVm(tmp, "vkt.echo=0", name="panicp", extra={"pvpanic": True}) as g:
        g.lines.wait_for(r"^ready$", 30)
        g.send("panic")
        g.lines.wait_for(r"^panic$", 30)
        ev = g.ctl.wait_event("GUEST_PANIC", 30)
        assert ev["data"]["action"] == "pause", ev
        g.ctl.wait_event("STOP", 30)
        assert g.ctl.cmd("query-status")["return"]["status"] == "guest-panicked"
        # The vCPUs stay stopped until cont (the guest would then halt again).
        assert g.ctl.cmd("query-status")["return"]["running"] is False
        g.ctl.cmd("quit")
        assert g.vmm.wait_exit() == 0, g.vmm.stderr


def test_panic_shutdown(tmp):
    """vkt.panic=1 with on-panic shutdown: SHUTDOWN guest-panic, exit 0."""
    with GuestVm(tmp, "vkt.panic=1", name="panics",
                 extra={"pvpanic": True, "on-panic": "shutdown"}) as g:
        g.lines.wait_for(r"^panic$", 30)
        ev = g.ctl.wait_event("GUEST_PANIC", 30)
        assert ev["data"]["action"] == "shutdown", ev
        ev = g.ctl.wait_event("SHUTDOWN", 30)
        assert ev["data"] == {"guest": True, "reason": "guest-panic"}, ev
        assert g.vmm.wait_exit() == 0, g.vmm.stderr
        assert "ready" not in g.lines.report.lines


def test_virtio_devices(tmp):
    disk = os.path.join(tmp, "disk.img")
    data = guestlib.make_disk(disk, 2048)
    crc0 = guestlib.expected_read_crc(data, 0, 8)
    console = os.path.join(tmp, "console.log")
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    extra = {"rng": {}, "disks": [{"path": disk, "serial": "VKTSER1"}],
             "nics": [{"fd": b.fileno(), "mac": "52:54:00:ab:cd:ef"}],
             "console": {"type": "file", "path": console}}
    g = GuestVm(tmp, "vkt.blk=1 vkt.blkwrite=5:171 vkt.net=1 vkt.console=1 vkt.rng=1",
                name="virtio", extra=extra)
    g.vmm.start_kw = {"pass_fds": (b.fileno(),)}
    with g:
        b.close()
        g.lines.wait_for(r"^ready$", 30)
        rep = g.lines.report
        assert rep.pci_ids() == sorted(["1b36:0008", "1af4:1044", "1af4:1042", "1af4:1041",
                                        "1af4:1043"]), rep.pci
        assert rep.blk[0] == (2048, "VKTSER1"), rep.blk
        assert rep.blk_reads[0] == (0, 0, 8, crc0), (rep.blk_reads, hex(crc0))
        assert rep.blk_writes == [(0, 5, 0xab)], rep.blk_writes
        assert guestlib.sector_is_pattern(disk, 5, 0xab), "write did not land in the file"
        assert rep.net_macs[0] == "52:54:00:ab:cd:ef", rep.net_macs
        a.settimeout(10)
        frame = a.recv(4096)
        dst, src, ethertype, text = guestlib.parse_frame(frame)
        assert src == "52:54:00:ab:cd:ef" and ethertype == guestlib.ETHERTYPE_TEST, frame[:32]
        assert text.startswith(guestlib.FRAME_PREFIX), text
        assert len(rep.rng) == 1 and any(rep.rng[0])
        wait_for(lambda: os.path.exists(console) and
                 guestlib.CONSOLE_HELLO in open(console).read(), what="console hello")
        # After a reset the guest finds and drives the devices again.
        nreads = len(rep.blk_reads)
        g.send("reset")
        g.ctl.wait_event("RESET", 30)
        g.lines.wait_for(r"^ready$", 30)
        assert len(rep.blk_reads) > nreads, rep.blk_reads
        assert rep.blk_reads[nreads] == (0, 0, 8, guestlib.expected_read_crc(disk, 0, 8)), \
            rep.blk_reads
        devs = g.ctl.cmd("query-devices")["return"]
        assert [(d["id"], d["pci-address"]) for d in devs if d["bus"] == "pci"] == [
            ("pci0", "0000:00:00.0"), ("rng0", "0000:00:01.0"), ("disk0", "0000:00:02.0"),
            ("net0", "0000:00:03.0"), ("console0", "0000:00:04.0")], devs
        # Two boots, each: read sectors 0-7, write sector 5, read it back.
        g.send("blk flush")
        g.lines.wait_for(r"^blk0: flush ok$", 30)
        stats = g.ctl.cmd("query-blockstats")["return"]
        assert stats == [{"id": "disk0", "rd-req": 4, "rd-bytes": 2 * (4096 + 512),
                          "wr-req": 2, "wr-bytes": 1024, "flush-req": 1}], stats
        g.ctl.cmd("system-powerdown")
        g.ctl.wait_event("SHUTDOWN", 30)
        assert g.vmm.wait_exit() == 0
    a.close()


def test_tap_in_netns(tmp):
    if os.getuid() != 0 or not os.path.exists("/dev/net/tun"):
        print("  skipped: needs root and /dev/net/tun")
        return
    ns = "vkt-vmm-%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    cap = None
    try:
        run = ["ip", "netns", "exec", ns]
        subprocess.run(run + ["ip", "tuntap", "add", "dev", "vkt0", "mode", "tap"], check=True)
        subprocess.run(run + ["ip", "link", "set", "vkt0", "up"], check=True)
        # A raw socket in the namespace captures what the guest sends.
        cap = subprocess.Popen(run + [sys.executable, "-c", CAPTURE], stdout=subprocess.PIPE)
        time.sleep(0.3)
        g = GuestVm(tmp, "vkt.net=1", name="tap",
                    extra={"nics": [{"tap": "vkt0", "mac": "52:54:00:00:00:42"}]})
        g.vmm.start_kw = {"wrapper": run}
        with g:
            g.lines.wait_for(r"^net0: sent \d+ bytes", 30)
            out, _ = cap.communicate(timeout=10)
            assert b"virtkvm-test-frame" in out and b"52:54:00:00:00:42" in out, out
            g.ctl.cmd("quit")
            assert g.vmm.wait_exit() == 0
    finally:
        if cap and cap.poll() is None:
            cap.kill()
            cap.wait()
        subprocess.run(["ip", "netns", "del", ns])


# Runs inside the test's network namespace as root: opens what only root may
# (/dev/kvm, the root-only disk image, the tap), then becomes the virtkvm
# user and execs the VMM, which inherits only fds.
LAUNCHER = r"""
import fcntl, json, os, pwd, struct, sys
vmm, desc_path, disk, tap, user = sys.argv[1:6]
desc = json.load(open(desc_path))
kvm = os.open("/dev/kvm", os.O_RDWR)
dfd = os.open(disk, os.O_RDWR)
tfd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(tfd, 0x400454ca, struct.pack("16sH", tap.encode(), 0x0002 | 0x1000))
desc["kvm-fd"] = kvm
desc["disks"] = [{"fd": dfd, "format": "raw"}]
desc["nics"] = [{"fd": tfd, "mac": "52:54:00:00:00:77"}]
for fd in (kvm, dfd, tfd):
    os.set_inheritable(fd, True)
data = json.dumps(desc).encode()
r, w = os.pipe()
os.write(w, data)
os.close(w)
os.dup2(r, 0)
pw = pwd.getpwnam(user)
os.setgroups([])
os.setgid(pw.pw_gid)
os.setuid(pw.pw_uid)
os.execv(vmm, [vmm, "--launch", "-", "-name", "guest=" + desc["name"]])
"""


def test_boot_images_by_fd(tmp):
    """boot.kernel-fd / initrd-fd: the images are read from inherited fds
    (their files are already unlinked), and a bad fd fails cleanly."""
    kpath, ipath = os.path.join(tmp, "kernel"), os.path.join(tmp, "initrd")
    shutil.copyfile(guestlib.image_path(), kpath)
    with open(ipath, "wb") as f:
        f.write(os.urandom(70000))
    kfd, ifd = os.open(kpath, os.O_RDONLY), os.open(ipath, os.O_RDONLY)
    os.unlink(kpath)
    os.unlink(ipath)
    try:
        g = GuestVm(tmp, "by=fd", name="byfd",
                    extra={"boot": {"kernel-fd": kfd, "initrd-fd": ifd, "cmdline": "by=fd"}})
        g.vmm.start_kw = {"pass_fds": (kfd, ifd)}
        with g:
            g.lines.wait_for(r"^ready$", 30)
            assert g.lines.report.cmdline == "by=fd", g.lines.report.cmdline
            assert not g.lines.report.errors, g.lines.report.errors
            g.ctl.cmd("quit")
            assert g.vmm.wait_exit() == 0, g.vmm.stderr
    finally:
        os.close(kfd)
        os.close(ifd)
    bad = Vmm(tmp, guestlib.image_path(), name="badfd", control=False,
              extra={"boot": {"kernel-fd": 99}})
    bad.start()
    assert bad.wait_exit() == 1 and "cannot read kernel from fd 99" in bad.stderr, bad.stderr


def test_unprivileged_fds(tmp):
    import pwd
    try:
        pwd.getpwnam("virtkvm")
    except KeyError:
        print("  skipped: no 'virtkvm' user (scripts/deps.sh creates it)")
        return
    if os.getuid() != 0 or not os.path.exists("/dev/net/tun"):
        print("  skipped: needs root and /dev/net/tun")
        return
    from vmmtest import VMM, Control
    os.chmod(tmp, 0o755)
    disk = os.path.join(tmp, "root-only.img")
    data = guestlib.make_disk(disk, 64)
    os.chmod(disk, 0o600)
    serial_a, serial_b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ctl_path = os.path.join(tmp, "ctl.sock")
    lsock.bind(ctl_path)
    lsock.listen(4)
    os.chmod(ctl_path, 0o600)
    desc = {"name": "unpriv", "memory": {"size-mib": 64}, "start-paused": True,
            "boot": {"kernel": guestlib.image_path(), "cmdline": "vkt.blk=1 vkt.net=1"},
            "serial": {"type": "fd", "fd": serial_b.fileno()},
            "control": {"fd": lsock.fileno()}}
    desc_path = os.path.join(tmp, "desc.json")
    with open(desc_path, "w") as f:
        json.dump(desc, f)
    ns = "vkt-unpriv-%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    proc = None
    try:
        run = ["ip", "netns", "exec", ns]
        subprocess.run(run + ["ip", "tuntap", "add", "dev", "vkt1", "mode", "tap"], check=True)
        subprocess.run(run + ["ip", "link", "set", "vkt1", "up"], check=True)
        proc = subprocess.Popen(run + [sys.executable, "-c", LAUNCHER, VMM, desc_path, disk,
                                       "vkt1", "virtkvm"],
                                pass_fds=(serial_b.fileno(), lsock.fileno()))
        serial_b.close()
        ctl = Control(ctl_path)
        status = open("/proc/%d/status" % proc.pid).read()
        uid = [l for l in status.splitlines() if l.startswith("Uid:")][0].split()
        assert uid[1] == str(pwd.getpwnam("virtkvm").pw_uid), uid
        lines = guestlib.LineReader(serial_a)
        ctl.cmd("cont")
        lines.wait_for(r"^ready$", 30)
        rep = lines.report
        assert rep.blk_reads and rep.blk_reads[0][3] == guestlib.expected_read_crc(data, 0, 8), \
            rep.blk_reads
        assert rep.net_sent, rep.lines[-10:]
        ctl.cmd("system-powerdown")
        ctl.wait_event("SHUTDOWN", 30)
        assert proc.wait(10) == 0
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        subprocess.run(["ip", "netns", "del", ns])
        lsock.close()
        serial_a.close()


CAPTURE = r"""
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88B5))
s.bind(("vkt0", 0))
s.settimeout(20)
f = s.recv(4096)
print(":".join("%02x" % b for b in f[6:12]), f[14:].split(b"\0")[0].decode())
"""


TESTS = [
    test_boot_report_and_power_button,
    test_high_memory_e820,
    test_stop_cont_ticks,
    test_serial_commands_and_reset,
    test_panic_pause,
    test_panic_shutdown,
    test_virtio_devices,
    test_tap_in_netns,
    test_boot_images_by_fd,
    test_unprivileged_fds,
]


def main():
    if not os.path.exists("/dev/kvm"):
        print("SKIP: /dev/kvm is missing")
        return 77
    if not os.path.exists(guestlib.image_path()):
        print("SKIP: the test guest image is not built:", guestlib.image_path())
        return 77
    failed = 0
    only = sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="vmm-guest-") as tmp:
        for t in TESTS:
            if only and t.__name__ not in only:
                continue
            d = tempfile.mkdtemp(dir=tmp)
            start = time.monotonic()
            try:
                t(d)
                print("ok   %s (%.2fs)" % (t.__name__, time.monotonic() - start))
            except Exception:
                failed += 1
                print("FAIL %s" % t.__name__)
                traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
