#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Boots Debian's stock kernel (linux-image-amd64) with a busybox-static
initramfs to a shell prompt on the serial console, with a virtio-blk disk
and a virtio-net NIC (tap in a private network namespace), and checks both
from inside the guest.

Skips on PVM hosts and hosts without VT-x/AMD-V: there a stock kernel runs
in KVM's instruction emulator and does not boot in useful time."""
import glob
import gzip
import io
import lzma
import os
import socket
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vmmtest import Vmm, wait_for  # noqa: E402

PROMPT = b"virtkvm-linux# "


def skip_reason():
    if os.path.exists("/sys/module/kvm_pvm"):
        return "KVM is the PVM kind here (/sys/module/kvm_pvm): a stock kernel would run emulated"
    with open("/proc/cpuinfo") as f:
        flags = f.read()
    if " vmx" not in flags and " svm" not in flags:
        return "no vmx/svm in /proc/cpuinfo: no hardware virtualization"
    if not os.path.exists("/dev/kvm"):
        return "/dev/kvm is missing"
    if not os.path.exists("/bin/busybox"):
        return "busybox-static is not installed"
    if os.getuid() != 0:
        return "needs root for the tap device and network namespace"
    return None


# Debian builds virtio as modules; loaded in this order by /init.
MODULES = ["virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev",
           "virtio_pci", "virtio_blk", "failover", "net_failover", "virtio_net"]


def fetch_kernel(tmp):
    """apt-get download the kernel image package; extract vmlinuz and the
    virtio modules.  Returns (vmlinuz, {module: path})."""
    deps = subprocess.run(["apt-cache", "depends", "linux-image-amd64"], capture_output=True,
                          text=True, check=True).stdout
    pkg = [l.split(":", 1)[1].strip() for l in deps.splitlines()
           if l.strip().startswith("Depends:") and "linux-image-" in l][0]
    subprocess.run(["apt-get", "download", pkg], cwd=tmp, check=True, capture_output=True)
    deb = glob.glob(os.path.join(tmp, pkg + "_*.deb"))[0]
    root = os.path.join(tmp, "kpkg")
    os.makedirs(root)
    tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", root, "--wildcards", "./boot/vmlinuz-*"] +
                   ["*/%s.ko*" % m for m in MODULES], stdin=tar.stdout, check=True)
    tar.wait()
    mods = {}
    for m in MODULES:
        found = glob.glob(os.path.join(root, "lib", "modules", "*", "kernel", "**", m + ".ko*"),
                          recursive=True)
        if found:
            mods[m] = found[0]
    return glob.glob(os.path.join(root, "boot", "vmlinuz-*"))[0], mods


def cpio_newc(entries):
    """entries: (name, mode, data) -> a newc cpio archive."""
    out = io.BytesIO()
    ino = 1
    for name, mode, data in entries + [("TRAILER!!!", 0, b"")]:
        nb = name.encode() + b"\0"
        hdr = "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x" % (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0)
        out.write(hdr.encode() + nb)
        out.write(b"\0" * ((4 - out.tell() % 4) % 4))
        out.write(data)
        out.write(b"\0" * ((4 - out.tell() % 4) % 4))
        ino += 1
    return out.getvalue()


INIT = b"""#!/bin/busybox sh
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /modules/*.ko; do insmod $m; done
mdev -s
export PS1='virtkvm-linux# '
echo virtkvm-linux-booted
exec setsid cttyhack sh
"""


def make_initramfs(path, mods):
    with open("/bin/busybox", "rb") as f:
        bb = f.read()
    entries = [("bin", stat.S_IFDIR | 0o755, b""), ("bin/busybox", stat.S_IFREG | 0o755, bb),
               ("init", stat.S_IFREG | 0o755, INIT), ("modules", stat.S_IFDIR | 0o755, b"")]
    for i, m in enumerate(MODULES):
        if m not in mods:
            continue
        data = open(mods[m], "rb").read()
        if mods[m].endswith(".xz"):
            data = lzma.decompress(data)
        elif mods[m].endswith(".zst"):
            data = subprocess.run(["zstd", "-dc", mods[m]], capture_output=True,
                                  check=True).stdout
        # The glob in /init loads them in name order: prefix the load order.
        entries.append(("modules/%02d-%s.ko" % (i, m), stat.S_IFREG | 0o644, data))
    with open(path, "wb") as f:
        f.write(gzip.compress(cpio_newc(entries)))


class Console:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        wait_for(lambda: os.path.exists(path), what="console socket")
        self.s.connect(path)
        self.buf = b""

    def expect(self, what, timeout=120):
        end = time.monotonic() + timeout
        while what not in self.buf:
            self.s.settimeout(max(0.1, end - time.monotonic()))
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError(self.buf[-2000:])
            self.buf += chunk
            if time.monotonic() > end:
                raise AssertionError("no %r in %r" % (what, self.buf[-2000:]))
        idx = self.buf.index(what) + len(what)
        before, self.buf = self.buf[:idx], self.buf[idx:]
        return before

    def run(self, cmd, timeout=60):
        self.s.sendall(cmd.encode() + b"\n")
        return self.expect(PROMPT, timeout).decode(errors="replace")


def main():
    reason = skip_reason()
    if reason:
        print("SKIP:", reason)
        return 77
    ns = "vkvm-linux-%d" % os.getpid()
    with tempfile.TemporaryDirectory(prefix="vmm-linux-") as tmp:
        subprocess.run(["ip", "netns", "add", ns], check=True)
        v = None
        try:
            kernel, mods = fetch_kernel(tmp)
            initrd = os.path.join(tmp, "initrd.gz")
            make_initramfs(initrd, mods)
            disk = os.path.join(tmp, "disk.img")
            with open(disk, "wb") as f:
                f.write(b"virtkvm-disk-signature" + b"\0" * (8 << 20))
            subprocess.run(["ip", "netns", "exec", ns, "ip", "tuntap", "add", "dev", "vtap0",
                            "mode", "tap"], check=True)
            subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "vtap0", "up"],
                           check=True)
            console = os.path.join(tmp, "console.sock")
            v = Vmm(tmp, kernel, mem_mib=512, serial={"type": "unix", "path": console},
                    extra={"boot": {"kernel": kernel, "initrd": initrd,
                                    "cmdline": "console=ttyS0 panic=-1"},
                           "vcpus": {"count": 2},
                           "disks": [{"path": disk, "format": "raw"}],
                           "nics": [{"tap": "vtap0", "mac": "52:54:00:12:34:56"}]})
            # Run the VMM inside the namespace so it finds the tap by name.
            v.start(wrapper=["ip", "netns", "exec", ns])
            cons = Console(console)
            ctl = v.connect()
            cons.expect(b"virtkvm-linux-booted", timeout=300)
            cons.expect(PROMPT)
            out = cons.run("cat /proc/cpuinfo | grep -c ^processor")
            assert "2" in out, out
            out = cons.run("head -c 22 /dev/vda")
            assert "virtkvm-disk-signature" in out, out
            out = cons.run("cat /sys/class/net/eth0/address")
            assert "52:54:00:12:34:56" in out, out
            cons.s.sendall(b"poweroff -f\n")
            ev = ctl.wait_event("SHUTDOWN", timeout=120)
            assert ev["data"]["reason"] == "guest-shutdown", ev
            assert v.wait_exit(60) == 0
            print("ok   Debian kernel booted to a shell with virtio-blk and virtio-net")
        finally:
            if v:
                v.kill()
            subprocess.run(["ip", "netns", "del", ns])
    return 0


if __name__ == "__main__":
    sys.exit(main())
