#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""virt-admin against the admin socket: version, server list, client
list (seeing a connected python client), client info, threadpool and
client limits."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virt_admin  # noqa: E402

import libvirt  # noqa: E402

libvirt.registerErrorHandler(lambda *a: None, None)


def main():
    with Daemon(config={'max_workers': 7, 'max_clients': 50}) as d:
        out = virt_admin(d, 'version').stdout
        check('Running against daemon: 9.0.0' in out, out)
        out = virt_admin(d, 'srv-list').stdout
        check('virtkvmd' in out and 'admin' in out, out)
        conn = libvirt.open(d.uri)
        out = virt_admin(d, 'srv-clients-list', 'virtkvmd').stdout
        rows = [line.split() for line in out.splitlines() if line.strip()]
        check(len(rows) == 1 and rows[0][1] == 'unix', out)
        out = virt_admin(d, 'client-info', 'virtkvmd', rows[0][0]).stdout
        check('unix_process_id' in out and str(os.getpid()) in out, out)
        check('readonly' in out, out)
        out = virt_admin(d, 'srv-threadpool-info', 'virtkvmd').stdout
        check('maxWorkers     : 7' in out, out)
        out = virt_admin(d, 'srv-clients-info', 'virtkvmd').stdout
        check('nclients_max        : 50' in out and 'nclients            : 1' in out, out)
        virt_admin(d, 'srv-threadpool-set', 'virtkvmd', '--max-workers', '9')
        out = virt_admin(d, 'srv-threadpool-info', 'virtkvmd').stdout
        check('maxWorkers     : 9' in out, out)
        virt_admin(d, 'srv-clients-set', 'virtkvmd', '--max-clients', '40')
        out = virt_admin(d, 'srv-clients-info', 'virtkvmd').stdout
        check('nclients_max        : 40' in out, out)
        virt_admin(d, 'client-disconnect', 'virtkvmd', rows[0][0])
        try:
            conn.getVersion()
            raise AssertionError('client-disconnect left the connection usable')
        except libvirt.libvirtError:
            pass
        r = virt_admin(d, 'srv-threadpool-info', 'nosuchserver', check=False)
        check(r.returncode != 0 and 'nosuchserver' in r.stderr, r.stderr)
        check(d.alive(), 'daemon died')
    print('ok')


main()
