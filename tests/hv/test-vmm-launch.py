#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virtkvm-vmm rejects bad command lines and launch descriptions with exit
code 2 and a clear message, before it opens /dev/kvm."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmmguest  # noqa: E402
from vmmtest import VMM  # noqa: E402

GOOD = {"name": "g", "memory": {"size-mib": 64}, "boot": {"kernel": "/nonexistent"}}

BAD = [
    ("not json", "invalid JSON"),
    ("[]", "must be a JSON object"),
    ('{"name": "g"} x', "trailing data"),
    (dict(GOOD, bogus=1), "unknown key 'bogus'"),
    ({"memory": {"size-mib": 64}, "boot": {"kernel": "/k"}}, "missing 'name'"),
    (dict(GOOD, memory={"size-mib": 1}), "'size-mib' is out of range"),
    (dict(GOOD, memory={"size-mib": "64"}), "'size-mib' must be an integer"),
    (dict(GOOD, memory={"size-mib": 64, "backing": "nvram"}), "unknown memory backing"),
    (dict(GOOD, memory={"size-mib": 63, "backing": "hugepages"}), "multiple of 2 MiB"),
    (dict(GOOD, vcpus={"count": 3, "cores": 2}), "must equal count"),
    (dict(GOOD, vcpus={"count": 0}), "'count' is out of range"),
    (dict(GOOD, boot={}), "missing 'boot.kernel'"),
    (dict(GOOD, serial={"type": "telnet"}), "unknown serial type"),
    (dict(GOOD, serial={"type": "file"}), "needs 'path'"),
    (dict(GOOD, disks=[{"format": "raw"}]), "exactly one of 'path' and 'fd'"),
    (dict(GOOD, disks=[{"path": "/x", "format": "vmdk"}]), "unknown format"),
    (dict(GOOD, nics=[{"tap": "t0", "mac": "zz"}]), "invalid MAC"),
    (dict(GOOD, control={"path": "/a", "fd": 3}), "not both"),
    (dict(GOOD, **{"on-reset": "explode"}), "unknown on-reset"),
    (dict(GOOD, **{"kvm-fd": -1}), "'kvm-fd' is out of range"),
    (dict(GOOD, boot={"kernel": "/k", "kernel-fd": 3}), "'boot.kernel' and 'boot.kernel-fd'"),
    (dict(GOOD, boot={"kernel-fd": 3, "initrd": "/i", "initrd-fd": 4}),
     "'boot.initrd' and 'boot.initrd-fd'"),
    (dict(GOOD, boot={"kernel-fd": 65536}), "'kernel-fd' is out of range"),
    (dict(GOOD, boot={"initrd-fd": 4}), "missing 'boot.kernel'"),
]


def run(args, stdin=None, strace=False):
    cmd = [VMM] + args
    trace = None
    if strace:
        trace = tempfile.NamedTemporaryFile(prefix="vmm-strace-", delete=False)
        trace.close()
        cmd = ["strace", "-f", "-e", "trace=open,openat", "-o", trace.name] + cmd
    env = dict(os.environ)
    if strace:
        # LeakSanitizer cannot run under ptrace.
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    p = subprocess.run(cmd, input=stdin, capture_output=True, timeout=30, env=env)
    opened = ""
    if trace:
        with open(trace.name) as f:
            opened = f.read()
        os.unlink(trace.name)
    return p.returncode, p.stderr.decode(), opened


def main():
    failed = 0
    have_strace = shutil.which("strace") is not None
    for i, (desc, msg) in enumerate(BAD):
        text = desc if isinstance(desc, str) else json.dumps(desc)
        rc, err, opened = run(["--launch", "-"], stdin=text.encode(), strace=have_strace)
        ok = rc == 2 and msg in err and "/dev/kvm" not in opened
        print("%s bad description %d: rc=%d %s" % ("ok  " if ok else "FAIL", i, rc, err.strip()))
        failed += not ok
    with tempfile.TemporaryDirectory() as tmp:
        # Usage errors.
        for args in ([], ["--launch"], ["--frobnicate"], ["--launch", "-", "-name", "guest="]):
            rc, err, _ = run(args)
            ok = rc == 2 and "Usage" in err
            print("%s usage %r: rc=%d" % ("ok  " if ok else "FAIL", args, rc))
            failed += not ok
        path = os.path.join(tmp, "g.json")
        with open(path, "w") as f:
            json.dump(GOOD, f)
        rc, err, _ = run(["--launch", path, "-name", "guest=other"])
        ok = rc == 2 and "does not match" in err
        print("%s -name mismatch: rc=%d" % ("ok  " if ok else "FAIL", rc))
        failed += not ok
        rc, err, _ = run(["--launch", os.path.join(tmp, "missing.json")])
        ok = rc == 2 and "cannot read the launch description" in err
        print("%s missing file: rc=%d" % ("ok  " if ok else "FAIL", rc))
        failed += not ok
        # A valid description naming a file that is not a bzImage: exit 1.
        notbz = os.path.join(tmp, "notbz")
        with open(notbz, "wb") as f:
            f.write(b"\0" * 8192)
        with open(path, "w") as f:
            json.dump(dict(GOOD, boot={"kernel": notbz}), f)
        rc, err, _ = run(["--launch", path])
        ok = rc == 1 and "not a usable bzImage" in err
        print("%s not a bzImage: rc=%d %s" % ("ok  " if ok else "FAIL", rc, err.strip()))
        failed += not ok
        # Backends that cannot be opened: exit 1 naming them.
        good_bz = os.path.join(tmp, "good.bz")
        with open(good_bz, "wb") as f:
            f.write(vmmguest.bzimage(b"\xf4" * 16))
        for extra, msg in (({"disks": [{"path": os.path.join(tmp, "nope.img")}]}, "cannot open disk disk0"),
                           ({"control": {"path": os.path.join(tmp, "no", "dir", "c.sock")}},
                            "cannot open the control socket"),
                           ({"serial": {"type": "file", "path": os.path.join(tmp, "no", "s.log")}},
                            "cannot open the serial backend")):
            with open(path, "w") as f:
                json.dump(dict(GOOD, boot={"kernel": good_bz}, **extra), f)
            rc, err, _ = run(["--launch", path])
            ok = rc == 1 and msg in err
            print("%s unopenable backend: rc=%d %s" % ("ok  " if ok else "FAIL", rc, err.strip()))
            failed += not ok
        # Too old a boot protocol for the 64-bit entry.
        old = os.path.join(tmp, "old.bz")
        with open(old, "wb") as f:
            f.write(vmmguest.bzimage(b"\xf4" * 16, version=0x205))
        with open(path, "w") as f:
            json.dump(dict(GOOD, boot={"kernel": old}), f)
        rc, err, _ = run(["--launch", path])
        ok = rc == 1 and "older than 2.06" in err
        print("%s old boot protocol: rc=%d %s" % ("ok  " if ok else "FAIL", rc, err.strip()))
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
