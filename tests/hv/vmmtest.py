# SPDX-License-Identifier: LGPL-2.1-or-later
"""Helpers to run virtkvm-vmm from tests: launch files, control client."""
import json
import os
import select
import socket
import subprocess
import time

BUILD = os.environ.get("VIRTKVM_BUILD_ROOT", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
VMM = os.path.join(BUILD, "hv", "virtkvm-vmm")

# How long a wait for the VMM or the guest may take before a test calls it a
# hang.  Waits end as soon as their condition holds; the margin is for a
# loaded 2-core CI machine running the ASan build, where a guest that needs
# milliseconds can be starved for over 10 seconds.
DEADLINE = 30.0


def wait_for(pred, timeout=DEADLINE, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


class Control:
    def __init__(self, path=None, sock=None, timeout=DEADLINE):
        if sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            wait_for(lambda: os.path.exists(path), what="control socket")
            sock.connect(path)
        self.sock = sock
        self.sock.settimeout(timeout)
        self.buf = b""
        self.events = []
        self.greeting = self.read()

    def read(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("control connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def send_raw(self, data):
        self.sock.sendall(data)

    def cmd(self, name, **kw):
        req = {"execute": name, "id": name}
        if kw:
            req["arguments"] = kw
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        while True:
            msg = self.read()
            if "event" in msg:
                self.events.append(msg)
                continue
            return msg

    def wait_event(self, name, timeout=DEADLINE):
        end = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e["event"] == name:
                    return self.events.pop(i)
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError("no %s event (have %r)" % (name, self.events))
            self.sock.settimeout(left)
            msg = self.read()
            if "event" in msg:
                self.events.append(msg)

    def close(self):
        self.sock.close()


class Vmm:
    """One VMM process with a launch description in @tmpdir."""

    def __init__(self, tmpdir, kernel, cmdline="", mem_mib=64, extra=None, name="guest",
                 serial=None, control=True):
        self.tmpdir = tmpdir
        self.serial_path = os.path.join(tmpdir, name + "-serial.log")
        self.control_path = os.path.join(tmpdir, name + ".sock")
        self.desc = {
            "name": name,
            "memory": {"size-mib": mem_mib},
            "vcpus": {"count": 1},
            "boot": {"kernel": kernel, "cmdline": cmdline},
            "serial": serial or {"type": "file", "path": self.serial_path},
        }
        if control:
            self.desc["control"] = {"path": self.control_path}
            # Connect before the guest runs so no event is missed.
            self.desc["start-paused"] = True
        if extra:
            self.desc.update(extra)
        self.proc = None
        self.ctl = None

    def start(self, pass_fds=(), preexec_fn=None, args=(), wrapper=()):
        path = os.path.join(self.tmpdir, self.desc["name"] + ".json")
        with open(path, "w") as f:
            json.dump(self.desc, f)
        os.chmod(path, 0o644)
        self.proc = subprocess.Popen(list(wrapper) + [VMM, "--launch", path, "-name", "guest=" + self.desc["name"]] + list(args),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     pass_fds=pass_fds, preexec_fn=preexec_fn)
        return self

    def connect(self, cont=True):
        self.ctl = Control(self.control_path)
        if cont and self.desc.get("start-paused"):
            r = self.ctl.cmd("cont")
            assert "return" in r, r
            self.ctl.wait_event("RESUME")
        return self.ctl

    def serial(self):
        try:
            with open(self.serial_path, "rb") as f:
                return f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_serial(self, text, timeout=DEADLINE):
        return wait_for(lambda: text in self.serial(), timeout, "serial output %r (have %r)" % (text, self.serial()[-200:]))

    def wait_exit(self, timeout=DEADLINE):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("VMM did not exit")
        self.stderr = err.decode(errors="replace")
        return self.proc.returncode

    def kill(self):
        if self.ctl:
            self.ctl.close()
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
