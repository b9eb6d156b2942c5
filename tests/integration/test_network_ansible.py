#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Ansible's community.libvirt.virt_net against virtkvmd (private network
namespace): define, autostart, start, list_nets, info, facts, modify,
get_xml, destroy, undefine."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, skip  # noqa: E402
import test_network_common as nc  # noqa: E402

nc.enter_netns()

PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: /usr/bin/python3
    uri: "%(uri)s"
    netxml: |
      <network>
        <name>ansnet</name>
        <forward mode='nat'/>
        <bridge name='vkans0'/>
        <ip address='10.72.0.1' netmask='255.255.255.0'>
          <dhcp><range start='10.72.0.10' end='10.72.0.99'/></dhcp>
        </ip>
      </network>
  tasks:
    - community.libvirt.virt_net:
        command: define
        name: ansnet
        xml: "{{ netxml }}"
        uri: "{{ uri }}"
    - community.libvirt.virt_net:
        name: ansnet
        autostart: true
        uri: "{{ uri }}"
    - community.libvirt.virt_net:
        state: active
        name: ansnet
        uri: "{{ uri }}"
      register: started
    - assert: {that: [started.changed]}
    - community.libvirt.virt_net:
        state: active
        name: ansnet
        uri: "{{ uri }}"
      register: again
    - assert: {that: [not again.changed]}
    - community.libvirt.virt_net:
        command: list_nets
        uri: "{{ uri }}"
      register: nets
    - assert: {that: ["'ansnet' in nets.list_nets"]}
    - community.libvirt.virt_net:
        command: info
        uri: "{{ uri }}"
      register: info
    - assert:
        that:
          - info.networks.ansnet.state == 'active'
          - info.networks.ansnet.autostart == 'yes'
          - info.networks.ansnet.persistent == 'yes'
          - info.networks.ansnet.bridge == 'vkans0'
    - community.libvirt.virt_net:
        command: facts
        uri: "{{ uri }}"
    - assert:
        that:
          - ansible_libvirt_networks.ansnet.state == 'active'
          - ansible_libvirt_networks.ansnet.dhcp_leases is defined
    - community.libvirt.virt_net:
        command: modify
        name: ansnet
        xml: "<host mac='52:54:00:01:02:03' name='ansvm' ip='10.72.0.30'/>"
        uri: "{{ uri }}"
    - community.libvirt.virt_net:
        command: get_xml
        name: ansnet
        uri: "{{ uri }}"
      register: x
    - assert: {that: ["'10.72.0.30' in x.get_xml"]}
    - community.libvirt.virt_net:
        command: destroy
        name: ansnet
        uri: "{{ uri }}"
    - community.libvirt.virt_net:
        command: status
        name: ansnet
        uri: "{{ uri }}"
      register: st
    - assert: {that: ["st.status == 'inactive'"]}
    - community.libvirt.virt_net:
        command: undefine
        name: ansnet
        uri: "{{ uri }}"
    - community.libvirt.virt_net:
        command: list_nets
        uri: "{{ uri }}"
      register: nets2
    - assert: {that: ["'ansnet' not in nets2.list_nets"]}
"""


def main():
    if not shutil.which('ansible-playbook'):
        skip('ansible-playbook is not installed')
    work = tempfile.mkdtemp(prefix='virtkvm-netans-')
    d = Daemon()
    try:
        with d:
            pb = os.path.join(work, 'net.yml')
            with open(pb, 'w') as f:
                f.write(PLAYBOOK % {'uri': d.uri})
            env = dict(os.environ, ANSIBLE_LOCAL_TEMP=os.path.join(work, 'tmp'),
                       ANSIBLE_HOME=os.path.join(work, 'home'),
                       ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='0')
            r = subprocess.run(['ansible-playbook', '-i', 'localhost,', pb],
                               capture_output=True, text=True, env=env, timeout=200,
                               stdin=subprocess.DEVNULL)
            if r.returncode != 0:
                print(r.stdout, r.stderr)
            print([l for l in r.stdout.splitlines() if 'localhost' in l and 'ok=' in l])
            check(r.returncode == 0, 'playbook failed')
            check(not nc.link_exists('vkans0') and nc.dnsmasq_pids(d.root) == [],
                  'network left behind')
    finally:
        nc.cleanup_dnsmasq(d.root)
        shutil.rmtree(work, ignore_errors=True)
    print('ok')


main()
