#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""bench/vmm: virtkvm-vmm against Debian's qemu-system-x86_64, same guest,
same devices (COM1 on stdio + virtio-rng), in one run.

For 64 MiB and 1 GiB guests it measures
  * start: time from exec to the first byte the guest writes on COM1;
  * overhead: the process's Pss minus the Pss of its guest-RAM mapping, once
    the guest printed "ready" (what the VMM itself costs, not the guest).
and prints medians and ratios.  Not a test: it never fails on numbers.

    bench/vmm/run.py [--build DIR] [--runs N] [--qemu-runs N]
"""
import argparse
import json
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def smaps_pss(pid, guest_pred):
    total = guest = 0
    cur_guest = False
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                name = parts[5] if len(parts) > 5 else ""
                cur_guest = guest_pred(hi - lo, " ".join(parts[5:]) if name else "")
            elif parts[0] == "Pss:":
                kb = int(parts[1])
                total += kb
                if cur_guest:
                    guest += kb
    return total, guest


def run_once(argv, mem_bytes, guest_pred, env=None, timeout=120.0):
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    first = None
    buf = b""
    try:
        end = t0 + timeout
        while b"ready" not in buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no 'ready' from %s; output %r" % (argv[0], buf[-300:]))
            r, _, _ = select.select([p.stdout], [], [], left)
            if not r:
                continue
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError("%s exited: %s" % (argv[0], p.stderr.read().decode()[-500:]))
            if first is None:
                first = time.monotonic() - t0
            buf += chunk
        time.sleep(0.3)
        total, guest = smaps_pss(p.pid, guest_pred)
        return first, (total - guest) / 1024.0, guest / 1024.0
    finally:
        p.kill()
        p.wait()


def vmm_argv(build, tmp, image, mem_mib):
    desc = {"name": "bench", "memory": {"size-mib": mem_mib},
            "boot": {"kernel": image, "cmdline": "vkt.rng=1"},
            "serial": {"type": "stdio"}, "rng": {}}
    path = os.path.join(tmp, "bench-%d.json" % mem_mib)
    with open(path, "w") as f:
        json.dump(desc, f)
    return [os.path.join(build, "hv", "virtkvm-vmm"), "--launch", path, "-name", "guest=bench"]


def qemu_argv(image, mem_mib):
    return ["qemu-system-x86_64", "-enable-kvm", "-m", str(mem_mib), "-smp", "1",
            "-kernel", image, "-append", "vkt.rng=1", "-nographic", "-nodefaults",
            "-serial", "stdio", "-device", "virtio-rng-pci", "-no-reboot"]


def measure(name, argv, mem_mib, pred, runs, timeout):
    starts, overheads, guests = [], [], []
    for _ in range(runs):
        s, o, g = run_once(argv, mem_mib << 20, pred, timeout=timeout)
        starts.append(s)
        overheads.append(o)
        guests.append(g)
    return {"name": name, "mem": mem_mib, "start": statistics.median(starts),
            "overhead": statistics.median(overheads), "guest": statistics.median(guests),
            "runs": runs}


def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--build", default=os.environ.get("VIRTKVM_BUILD_ROOT", os.path.join(root, "build")))
    ap.add_argument("--image", default=None)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--qemu-runs", type=int, default=3)
    ap.add_argument("--qemu-timeout", type=float, default=180.0)
    a = ap.parse_args()
    image = a.image or os.path.join(a.build, "tests", "guest", "test-guest.bzImage")
    if not os.path.exists(image):
        print("no test guest image at", image)
        return 1
    have_qemu = shutil.which("qemu-system-x86_64") is not None
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-vmm-") as tmp:
        for mem in (64, 1024):
            results.append(measure("virtkvm-vmm", vmm_argv(a.build, tmp, image, mem), mem,
                                   lambda size, name: "memfd:guest-ram" in name,
                                   a.runs, 30.0))
            if have_qemu:
                # QEMU's pc.ram is the one anonymous mapping of at least the RAM size.
                try:
                    results.append(measure("qemu", qemu_argv(image, mem), mem,
                                           lambda size, name, m=mem: size >= (m << 20) and not name,
                                           a.qemu_runs, a.qemu_timeout))
                except (TimeoutError, RuntimeError) as e:
                    print("qemu %d MiB: %s" % (mem, e))
    print("%-12s %6s %14s %16s %14s" % ("vmm", "MiB", "start->serial", "overhead (Pss)", "guest RAM Pss"))
    for r in results:
        print("%-12s %6d %11.1f ms %13.2f MiB %11.2f MiB  (median of %d)" %
              (r["name"], r["mem"], r["start"] * 1000, r["overhead"], r["guest"], r["runs"]))
    for mem in (64, 1024):
        v = [r for r in results if r["mem"] == mem and r["name"] == "virtkvm-vmm"]
        q = [r for r in results if r["mem"] == mem and r["name"] == "qemu"]
        if v and q:
            print("%4d MiB: start %.1fx faster than QEMU, overhead %.3f of QEMU's (%.2f vs %.2f MiB)" %
                  (mem, q[0]["start"] / v[0]["start"], v[0]["overhead"] / q[0]["overhead"],
                   v[0]["overhead"], q[0]["overhead"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
