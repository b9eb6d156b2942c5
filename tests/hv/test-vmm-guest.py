#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs virtkvm-vmm with the project's test guest (tests/guest): boot report
(banner, cmdline, e820, PCI, ACPI), virtio-rng, the power button, stop/cont
against the guest's tick counter, and resets."""
import os
import socket
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
        self.vmm.start()
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


TESTS = [
    test_boot_report_and_power_button,
    test_high_memory_e820,
    test_stop_cont_ticks,
    test_serial_commands_and_reset,
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
