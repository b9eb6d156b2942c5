#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The test guest through its 64-bit entry under KVM (kvmrun.py, no QEMU).

On the CI machines this runs in KVM's instruction emulator, so it also shows
the guest's steps are cheap enough there (times are printed).
"""
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guestlib  # noqa: E402
import kvmrun  # noqa: E402


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)
    print('ok: ' + what)


def lines(g):
    return g.text().split('\n')


def wait_line(g, pattern, timeout=30):
    rx = re.compile(pattern)
    start = len(lines(g)) - 1          # only lines completed from now on
    found = []

    def until(guest):
        found[:] = [m for m in (rx.match(l) for l in lines(guest)[start:-1]) if m]
        return bool(found)
    t0 = time.monotonic()
    why = g.run(until, timeout)
    if why != 'done':
        raise Fail('no /%s/ (%s); output:\n%s' % (pattern, why, g.text()[-2000:]))
    return found[0], time.monotonic() - t0


def vmm_acpi_tables():
    """The tables virtkvm-vmm builds (via dump-acpi.c), or None outside meson."""
    tool = os.environ.get('VKT_DUMP_ACPI')
    if not tool or not os.path.exists(tool):
        return None
    with tempfile.TemporaryDirectory(prefix='vkt-acpi-') as tmp:
        path = os.path.join(tmp, 'acpi.bin')
        subprocess.run([tool, path], check=True)
        return open(path, 'rb').read()


def boot(image):
    append = 'vkt.ticks=1 vkt.tickevery=200 vkt.dirty=8 vkt.echo=0'
    acpi = vmm_acpi_tables()
    g = kvmrun.KvmGuest(image, append, mem_mb=64, acpi=acpi)
    try:
        _, took = wait_line(g, r'^ready$', 60)
        print('boot to ready: %.2f s, %d exits' % (took, g.exits))
        rep = guestlib.GuestReport()
        for line in lines(g)[:-1]:
            rep.feed(line)
        check(rep.version is not None, 'banner')
        check(rep.entry == 64, 'entered at payload + 0x200 in long mode')
        check(rep.cmdline == append, 'cmdline from boot_params.cmd_line_ptr')
        check(rep.e820 == [(0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0xE0000, 0x20000, 2),
                           (0x100000, (64 << 20) - 0x100000, 1)], 'e820 from boot_params')
        check(rep.pci == [], 'no PCI devices on a bus that answers all-ones')
        if acpi:
            check(rep.acpi and rep.acpi['rsdp'] == 0xE0000 and not rep.acpi['s5_default'] and
                  rep.acpi['s5'] == 5 and rep.acpi['pm1a_evt'] == 0x600 and
                  rep.acpi['pm1a_cnt'] == 0x604,
                  "virtkvm-vmm's ACPI tables: RSDP, FADT PM1a blocks and \\_S5 found")
        else:
            print('note: no VKT_DUMP_ACPI, booting without ACPI tables')
        check(g.pm1_en & 0x100, 'PWRBTN_EN set')

        g.send('echo hello\r')
        wait_line(g, r'^echo: hello$')
        g.send('ticks\r')
        m1, _ = wait_line(g, r'^ticks (\d+)$')
        wait_line(g, r'^tick %d$' % ((int(m1.group(1)) // 200 + 2) * 200))
        g.send('ticks\r')
        t0 = time.monotonic()
        m2, _ = wait_line(g, r'^ticks (\d+)$')
        n1, n2 = int(m1.group(1)), int(m2.group(1))
        check(n2 > n1, 'tick counter advances with guest execution')
        wait_line(g, r'^tick %d$' % ((n2 // 200 + 5) * 200))
        print('tick rate: about %d iterations/s' % (1000 / max(time.monotonic() - t0, 1e-3)))
        check(struct.unpack_from('<Q', g.mem, 0x400000 + 3 * 4096)[0] != 0,
              'vkt.dirty writes guest pages')

        g.power_button()
        wait_line(g, r'^power button$')
        why = g.run(lambda guest: guest.sleep_value is not None, 30)
        check(why == 'done' and g.sleep_value == (5 << 10) | 0x2000 | 1,
              'power button: S5 written to PM1a_CNT (SLP_TYP 5 | SLP_EN, SCI_EN kept)')
    finally:
        g.close()

    g = kvmrun.KvmGuest(image, 'vkt.echo=0', mem_mb=32)
    try:
        wait_line(g, r'^ready$', 60)
        rep = guestlib.GuestReport()
        for line in lines(g)[:-1]:
            rep.feed(line)
        check(rep.acpi and rep.acpi['s5_default'] and rep.acpi['rsdp'] == 0 and
              rep.acpi['pm1a_evt'] == 0x600 and rep.acpi['pm1a_cnt'] == 0x604,
              'without ACPI tables the guest uses the layout defaults')
        g.send('reset\r')
        why = g.run(lambda guest: guest.reset, 30)
        check(why == 'done', 'reset writes 0xFE to the i8042 command port')
    finally:
        g.close()


def main():
    image = sys.argv[1] if len(sys.argv) > 1 else guestlib.image_path()
    try:
        probe = kvmrun.KvmGuest(image, '', mem_mb=4)
        probe.close()
    except (kvmrun.Unsupported, OSError) as e:
        print('SKIP: cannot create a KVM guest here: %s' % e)
        return 77
    try:
        boot(image)
    except Fail as e:
        print('FAIL: %s' % e)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
