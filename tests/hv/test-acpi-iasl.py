#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Disassembles the VMM's ACPI tables with ACPICA's iasl (acpica-tools) and
checks that they parse cleanly and say what the machine is."""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def main():
    if not shutil.which("iasl"):
        print("SKIP: iasl (package acpica-tools) is not installed")
        return 77
    dump = sys.argv[1]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([dump, tmp, "4"], check=True)
        text = {}
        for name in sorted(os.listdir(tmp)):
            if not name.endswith(".dat"):
                continue
            p = subprocess.run(["iasl", "-d", name], cwd=tmp, capture_output=True, text=True)
            with open(os.path.join(tmp, name[:-4] + ".dsl")) as f:
                text[name[:4]] = f.read()
            bad = p.returncode != 0 or re.search(r"\bError\b|Invalid|checksum.*incorrect",
                                                 p.stdout + p.stderr + text[name[:4]], re.I)
            print("%s %s" % ("FAIL" if bad else "ok  ", name))
            if bad:
                print(p.stdout, p.stderr)
            failed += bool(bad)
        dsdt = text.get("DSDT", "")
        for want in ("PNP0A08", "PNP0A03", "PNP0501", "QEMU0001", "_S5_", "_PRT",
                     "0xC000", "0xC0000000", "0xDFFFFFFF", "IRQNoFlags ()"):
            if want not in dsdt:
                print("FAIL DSDT lacks %s" % want)
                failed += 1
        madt = text.get("APIC", "")
        if madt.count("Subtable Type : 00 [Processor Local APIC]") != 4:
            print("FAIL MADT does not list 4 local APICs")
            failed += 1
        fadt = text.get("FACP", "")
        if not re.search(r"Control Method Power Button \(V1\) : 0", fadt):
            print("FAIL FADT: power button is not the fixed feature")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
