#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs virtkvm-vmm on /dev/kvm with the hand-written guest of vmmguest.py."""
import json
import os
import pwd
import shutil
import socket
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmmguest  # noqa: E402
from vmmtest import VMM, Control, Vmm, wait_for  # noqa: E402

# RAM in the e820 map for 64 MiB: [0, 0x9fc00) and [1 MiB, 64 MiB).
E820_RAM_64M = 0x9fc00 + (64 << 20) - (1 << 20)


def test_boot_and_powerdown(tmp, kernel):
    v = Vmm(tmp, kernel, cmdline="hello world").start()
    try:
        ctl = v.connect()
        assert ctl.greeting["greeting"]["name"] == "guest"
        v.wait_serial("ready")
        out = v.serial()
        assert "virtkvm test guest\ncmdline: hello world\n" in out, out
        assert "e820 ram: %016x" % E820_RAM_64M in out, out
        assert "rtc regb: 0000000000000002" in out, out
        st = ctl.cmd("query-status")
        assert st["return"]["status"] == "running", st
        assert st["id"] == "query-status"
        r = ctl.cmd("system-powerdown")
        assert "return" in r, r
        ev = ctl.wait_event("SHUTDOWN")
        assert ev["data"] == {"guest": True, "reason": "guest-shutdown"}, ev
        assert v.wait_exit() == 0, v.stderr
        assert "power button: off" in v.serial()
    finally:
        v.kill()


def test_stop_cont(tmp, kernel):
    v = Vmm(tmp, kernel, name="stopcont").start()
    try:
        ctl = v.connect()
        v.wait_serial("ready\n..")
        assert "return" in ctl.cmd("stop")
        ctl.wait_event("STOP")
        assert ctl.cmd("query-status")["return"]["status"] == "paused"
        n = len(v.serial())
        time.sleep(0.8)
        assert len(v.serial()) == n, "guest ticked while stopped"
        assert "return" in ctl.cmd("cont")
        ctl.wait_event("RESUME")
        wait_for(lambda: len(v.serial()) > n + 1, what="ticks after cont")
        assert "return" in ctl.cmd("quit")
        ev = ctl.wait_event("SHUTDOWN")
        assert ev["data"]["reason"] == "host-quit", ev
        assert v.wait_exit() == 0
    finally:
        v.kill()


def test_i8042_reset(tmp, kernel):
    v = Vmm(tmp, kernel, cmdline="R", name="reset").start()
    try:
        ctl = v.connect()
        ev = ctl.wait_event("RESET")
        assert ev["data"] == {"guest": True, "reason": "guest-reset"}, ev
        v.wait_serial("ready")
        assert v.serial().count("virtkvm test guest") == 2, v.serial()
        ctl.cmd("system-reset")
        ctl.wait_event("RESET")
        wait_for(lambda: v.serial().count("virtkvm test guest") == 3, what="third boot")
        ctl.cmd("system-powerdown")
        ctl.wait_event("SHUTDOWN")
        assert v.wait_exit() == 0
    finally:
        v.kill()


def test_triple_fault_shutdown_policy(tmp, kernel):
    v = Vmm(tmp, kernel, cmdline="T", name="triple", extra={"on-reset": "shutdown"}).start()
    try:
        ctl = v.connect()
        v.wait_serial("triple fault")
        # KVM_EXIT_SHUTDOWN with hardware virtualization; KVM's emulator (PVM
        # hosts) reports an emulation failure instead.  Either way the VMM
        # must stay up and report it.
        wait_for(lambda: any(e["event"] in ("SHUTDOWN", "ERROR") for e in ctl.events)
                 or ctl.cmd("query-status")["return"]["status"] != "running", what="fault")
        if [e for e in ctl.events if e["event"] == "ERROR"] or \
                ctl.cmd("query-status")["return"]["status"] == "internal-error":
            ev = ctl.wait_event("ERROR")
            assert "internal error" in ev["data"]["reason"], ev
            assert "error" in ctl.cmd("cont")
            ctl.cmd("quit")
        else:
            ev = ctl.wait_event("SHUTDOWN")
            assert ev["data"] == {"guest": True, "reason": "guest-reset"}, ev
        assert v.wait_exit() == 0
    finally:
        v.kill()


def test_pvpanic(tmp, kernel):
    v = Vmm(tmp, kernel, cmdline="P", name="panic", extra={"pvpanic": True}).start()
    try:
        ctl = v.connect()
        ev = ctl.wait_event("GUEST_PANIC")
        assert ev["data"]["action"] == "pause"
        ctl.wait_event("STOP")
        assert ctl.cmd("query-status")["return"]["status"] == "guest-panicked"
        devs = [d["type"] for d in ctl.cmd("query-devices")["return"] if d["bus"] == "isa"]
        assert devs == ["serial", "i8042", "rtc", "acpi-pm", "pvpanic"], devs
        ctl.cmd("cont")
        v.wait_serial("ready")
        ctl.cmd("quit")
        assert v.wait_exit() == 0
    finally:
        v.kill()


def test_pvpanic_shutdown(tmp, kernel):
    v = Vmm(tmp, kernel, cmdline="P", name="panic2",
            extra={"pvpanic": True, "on-panic": "shutdown"}).start()
    try:
        ctl = v.connect()
        ev = ctl.wait_event("GUEST_PANIC")
        assert ev["data"]["action"] == "shutdown", ev
        ev = ctl.wait_event("SHUTDOWN")
        assert ev["data"] == {"guest": True, "reason": "guest-panic"}, ev
        assert v.wait_exit() == 0
    finally:
        v.kill()


def test_sigterm(tmp, kernel):
    v = Vmm(tmp, kernel, name="sigterm").start()
    try:
        ctl = v.connect()
        v.wait_serial("ready")
        v.proc.terminate()
        ev = ctl.wait_event("SHUTDOWN")
        assert ev["data"] == {"guest": False, "reason": "host-signal"}, ev
        assert v.wait_exit() == 0
        assert not os.path.exists(v.control_path), "control socket left behind"
    finally:
        v.kill()


def test_hugepages(tmp, kernel):
    path = "/proc/sys/vm/nr_hugepages"
    if os.getuid() != 0 or not os.path.exists(path):
        print("  skipped: needs root and hugetlbfs")
        return
    with open(path) as f:
        old = int(f.read())
    with open(path, "w") as f:
        f.write(str(old + 40))
    try:
        with open("/proc/meminfo") as f:
            free = int([l for l in f if l.startswith("HugePages_Free")][0].split()[1])
        if free < 32:
            print("  skipped: could not reserve 32 hugepages")
            return
        v = Vmm(tmp, kernel, name="huge",
                extra={"memory": {"size-mib": 64, "backing": "hugepages"}}).start()
        try:
            ctl = v.connect()
            v.wait_serial("ready")
            with open("/proc/%d/smaps" % v.proc.pid) as f:
                smaps = f.read()
            assert "memfd:guest-ram" in smaps, "no guest-ram memfd mapping"
            seg = smaps[smaps.index("memfd:guest-ram"):].split("VmFlags")[0]
            assert "KernelPageSize:     2048 kB" in seg, seg
            ctl.cmd("system-powerdown")
            ctl.wait_event("SHUTDOWN")
            assert v.wait_exit() == 0
        finally:
            v.kill()
    finally:
        with open(path, "w") as f:
            f.write(str(old))


def test_mmio_unclaimed_and_smp(tmp, kernel):
    extra = {"vcpus": {"count": 2, "sockets": 1, "cores": 2, "threads": 1}}
    v = Vmm(tmp, kernel, cmdline="M", name="smp", extra=extra).start()
    try:
        ctl = v.connect()
        v.wait_serial("ready")
        vcpus = ctl.cmd("query-vcpus")["return"]
        assert [c["apic-id"] for c in vcpus] == [0, 1], vcpus
        assert all(c["thread-id"] > 0 for c in vcpus), vcpus
        ctl.cmd("system-powerdown")
        ctl.wait_event("SHUTDOWN")
        assert v.wait_exit() == 0
    finally:
        v.kill()


def test_serial_unix_input(tmp, kernel):
    sock_path = os.path.join(tmp, "serial.sock")
    v = Vmm(tmp, kernel, name="echo", serial={"type": "unix", "path": sock_path}).start()
    try:
        ctl = v.connect(cont=False)
        assert ctl.cmd("query-status")["return"]["status"] == "paused"
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        wait_for(lambda: os.path.exists(sock_path), what="serial socket")
        s.connect(sock_path)
        s.settimeout(10)
        time.sleep(0.1)
        ctl.cmd("cont")
        buf = b""
        while b"ready" not in buf:
            buf += s.recv(4096)
        s.sendall(b"xyzzy")
        while b"xyzzy" not in buf:
            buf += s.recv(4096)
        s.close()
        ctl.cmd("quit")
        assert v.wait_exit() == 0
    finally:
        v.kill()


def test_control_robustness(tmp, kernel):
    v = Vmm(tmp, kernel, name="robust").start()
    try:
        ctl = v.connect()
        other = Control(v.control_path)
        ctl.send_raw(b"this is not json\n")
        r = ctl.read()
        assert r["error"]["class"] == "GenericError", r
        ctl.send_raw(b'{"execute": "no-such-command", "id": 7}\n')
        r = ctl.read()
        assert r["error"]["class"] == "CommandNotFound" and r["id"] == 7, r
        ctl.send_raw(b'{"execute": "stop", "arguments": {"x": 1}}\n')
        assert "error" in ctl.read()
        ctl.send_raw(b"[1,2,3]\n\n")
        assert "error" in ctl.read()
        # An oversized line: error, then the VMM closes that connection only.
        big = Control(v.control_path)
        try:
            big.send_raw(b"x" * (200 * 1024))
        except OSError:
            pass
        try:
            r = big.read()
            assert "error" in r, r
            big.read()
            raise AssertionError("connection stayed open")
        except (EOFError, ConnectionResetError):
            pass
        big.close()
        # Random garbage lines: each gets an error reply, nothing else happens.
        junk = Control(v.control_path)
        for i in range(200):
            line = os.urandom(1 + i % 97).replace(b"\n", b" ") + b"\n"
            junk.send_raw(line)
        for i in range(200):
            assert "error" in junk.read()
        junk.close()
        # A client that vanishes mid-line.
        gone = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        gone.connect(v.control_path)
        gone.sendall(b'{"execute": "query-')
        gone.close()
        assert ctl.cmd("query-status")["return"]["status"] == "running"
        ctl.cmd("stop")
        other.wait_event("STOP")
        ctl.cmd("cont")
        other.wait_event("RESUME")
        assert "return" in other.cmd("query-commands")
        ctl.cmd("quit")
        other.wait_event("SHUTDOWN")
        assert v.wait_exit() == 0
    finally:
        v.kill()


def test_pty_and_backing(tmp, kernel):
    extra = {"memory": {"size-mib": 96, "backing": "memfd", "shared": True,
                        "merge": True, "thp": True}}
    v = Vmm(tmp, kernel, name="pty", serial={"type": "pty"}, extra=extra).start()
    try:
        ctl = v.connect()
        devs = ctl.cmd("query-devices")["return"]
        pty = devs[0].get("pty")
        assert pty and pty.startswith("/dev/pts/"), devs
        fd = os.open(pty, os.O_RDWR | os.O_NOCTTY)
        try:
            buf = b""
            end = time.monotonic() + 10
            while b"ready" not in buf and time.monotonic() < end:
                buf += os.read(fd, 4096)
            assert b"ready" in buf, buf
        finally:
            os.close(fd)
        ctl.cmd("quit")
        assert v.wait_exit() == 0
    finally:
        v.kill()


def test_unprivileged_with_fds(tmp, kernel):
    try:
        pw = pwd.getpwnam("virtkvm")
    except KeyError:
        print("  skipped: no 'virtkvm' user (scripts/deps.sh creates it)")
        return
    if os.getuid() != 0:
        print("  skipped: needs root to drop privileges")
        return
    os.chmod(tmp, 0o755)
    os.chmod(os.path.dirname(kernel), 0o755)
    os.chmod(kernel, 0o644)
    kvm = os.open("/dev/kvm", os.O_RDWR)
    serial_path = os.path.join(tmp, "unpriv-serial.log")
    serial = os.open(serial_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ctl_path = os.path.join(tmp, "unpriv.sock")
    lsock.bind(ctl_path)
    lsock.listen(4)
    os.chmod(ctl_path, 0o600)   # only root's test process may connect
    lfd = lsock.fileno()
    extra = {"kvm-fd": kvm, "control": {"fd": lfd}, "start-paused": True}
    v = Vmm(tmp, kernel, name="unpriv", serial={"type": "fd", "fd": serial},
            extra=extra, control=False)

    def drop():
        os.setgroups([])
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)

    v.start(pass_fds=(kvm, serial, lfd), preexec_fn=drop)
    os.close(kvm)
    os.close(serial)
    try:
        time.sleep(0.2)
        assert v.proc.poll() is None, v.proc.communicate()
        ctl = Control(ctl_path)
        ctl.cmd("cont")
        wait_for(lambda: b"ready" in open(serial_path, "rb").read(), what="unprivileged guest")
        status = open("/proc/%d/status" % v.proc.pid).read()
        uid_line = [l for l in status.splitlines() if l.startswith("Uid:")][0]
        assert uid_line.split()[1] == str(pw.pw_uid), uid_line
        cmdline = open("/proc/%d/cmdline" % v.proc.pid, "rb").read()
        assert b"guest=unpriv" in cmdline
        ctl.cmd("system-powerdown")
        ctl.wait_event("SHUTDOWN")
        assert v.wait_exit() == 0, v.stderr
    finally:
        v.kill()
        lsock.close()


TESTS = [
    test_boot_and_powerdown,
    test_stop_cont,
    test_i8042_reset,
    test_triple_fault_shutdown_policy,
    test_pvpanic,
    test_pvpanic_shutdown,
    test_sigterm,
    test_hugepages,
    test_mmio_unclaimed_and_smp,
    test_serial_unix_input,
    test_control_robustness,
    test_pty_and_backing,
    test_unprivileged_with_fds,
]


def main():
    if not os.path.exists("/dev/kvm"):
        print("SKIP: /dev/kvm is missing")
        return 77
    if not shutil.which("as") or not shutil.which("objcopy"):
        print("SKIP: binutils (as, objcopy) missing")
        return 77
    failed = 0
    only = sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="vmm-live-") as tmp:
        kernel = os.path.join(tmp, "guest.bz")
        vmmguest.write_guest(kernel)
        for t in TESTS:
            if only and t.__name__ not in only:
                continue
            d = tempfile.mkdtemp(dir=tmp)
            start = time.monotonic()
            try:
                t(d, kernel)
                print("ok   %s (%.2fs)" % (t.__name__, time.monotonic() - start))
            except Exception:
                failed += 1
                print("FAIL %s" % t.__name__)
                traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
