#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The persistent domain driver through virsh: define, list filters,
dumpxml, dominfo, domuuid/domname/domid/domstate, autostart, desc/title,
metadata, domrename, edit, undefine flags; bad XML changes nothing;
duplicates are refused; read-only connections cannot change anything."""
import os
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, check, virsh  # noqa: E402

DOM = """<domain type='kvm'>
  <name>{name}</name>
  {uuid}
  <memory unit='MiB'>{mem}</memory>
  <vcpu current='1'>2</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type>{loader}</os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/virtkvm/images/{name}.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='network'><source network='default'/><model type='virtio'/></interface>
    <graphics type='vnc' port='-1' autoport='yes' passwd='sekrit'/>
    <console type='pty'/>
  </devices>
</domain>
"""


def dom_xml(name, mem=128, uuid=None, loader=''):
    return DOM.format(name=name, mem=mem, loader=loader,
                      uuid='<uuid>%s</uuid>' % uuid if uuid else '')


def write(d, fname, text):
    path = os.path.join(d.workdir, fname)
    with open(path, 'w') as f:
        f.write(text)
    return path


def config_files(d):
    cdir = os.path.join(d.root, 'etc', 'virtkvm', 'domains')
    if not os.path.isdir(cdir):
        return []
    return sorted(f for f in os.listdir(cdir) if f != 'autostart')


def names(d, *flags):
    out = virsh(d, 'list', '--name', *flags).stdout
    return sorted(x for x in out.split() if x)


def fails(d, what, *args, readonly=False):
    r = virsh(d, *args, check=False, readonly=readonly)
    check(r.returncode != 0 and what in r.stderr,
          '%s: expected %r, got %d %s%s' % (args, what, r.returncode, r.stdout, r.stderr))
    return r


def test_define_and_query(d):
    virsh(d, 'define', write(d, 'a.xml', dom_xml('alpha')))
    virsh(d, 'define', write(d, 'b.xml', dom_xml('beta', mem=256)))
    check(names(d, '--all') == ['alpha', 'beta'], 'list --all')
    check(names(d, '--inactive') == ['alpha', 'beta'], 'list --inactive')
    check(names(d) == [], 'no active domains')
    check(config_files(d) == ['alpha.xml', 'beta.xml'], config_files(d))
    uuid = virsh(d, 'domuuid', 'alpha').stdout.strip()
    check(len(uuid) == 36, uuid)
    check(virsh(d, 'domname', uuid).stdout.strip() == 'alpha', 'domname')
    check(virsh(d, 'domid', 'alpha').stdout.strip() == '-', 'domid')
    check(virsh(d, 'domstate', '--reason', 'alpha').stdout.strip() == 'shut off (unknown)',
          'domstate')
    uuids = virsh(d, 'list', '--all', '--uuid').stdout.split()
    check(uuid in uuids and len(uuids) == 2, 'list --uuid')
    info = virsh(d, 'dominfo', 'beta').stdout
    for want in ('State:          shut off', 'CPU(s):         1', 'Max memory:     262144 KiB',
                 'Persistent:     yes', 'Autostart:      disable', 'OS Type:        hvm',
                 'Managed save:   no'):
        check(want in info, 'dominfo lacks %r:\n%s' % (want, info))
    check(virsh(d, 'vcpucount', '--maximum', '--config', 'alpha').stdout.strip() == '2',
          'vcpucount max')
    xml = virsh(d, 'dumpxml', 'alpha').stdout
    check("<name>alpha</name>" in xml and 'sekrit' not in xml, 'dumpxml hides passwords')
    check("passwd='sekrit'" in virsh(d, 'dumpxml', '--security-info', 'alpha').stdout,
          'dumpxml --security-info')
    inactive = virsh(d, 'dumpxml', '--inactive', 'alpha').stdout
    check(inactive == xml, 'dumpxml --inactive equals dumpxml for an inactive domain')
    path = write(d, 'alpha-dump.xml', xml)
    r = subprocess.run(['virt-xml-validate', path, 'domain'], capture_output=True, text=True)
    check(r.returncode == 0, 'dumpxml does not validate: %s%s' % (r.stdout, r.stderr))
    # Redefining the dump is an update, not a new domain.
    virsh(d, 'define', path)
    check(names(d, '--all') == ['alpha', 'beta'], 'redefine kept one alpha')


def test_autostart_title_metadata(d):
    virsh(d, 'autostart', 'alpha')
    link = os.path.join(d.root, 'etc/virtkvm/domains/autostart/alpha.xml')
    check(stat.S_ISLNK(os.lstat(link).st_mode), 'autostart link')
    check(names(d, '--all', '--autostart') == ['alpha'], 'list --autostart')
    check(names(d, '--all', '--no-autostart') == ['beta'], 'list --no-autostart')
    check('Autostart:      enable' in virsh(d, 'dominfo', 'alpha').stdout, 'dominfo autostart')
    virsh(d, 'autostart', '--disable', 'alpha')
    check(not os.path.lexists(link), 'autostart link removed')
    check(names(d, '--all', '--autostart') == [], 'no autostart')

    virsh(d, 'desc', 'alpha', '--title', 'The first')
    virsh(d, 'desc', 'alpha', '--config', 'A longer description')
    check(virsh(d, 'desc', 'alpha', '--title').stdout.strip() == 'The first', 'title')
    check(virsh(d, 'desc', 'alpha').stdout.strip() == 'A longer description', 'desc')
    out = virsh(d, 'list', '--all', '--title').stdout
    check('The first' in out, 'list --title:\n' + out)
    xml = virsh(d, 'dumpxml', 'alpha').stdout
    check('<title>The first</title>' in xml and
          '<description>A longer description</description>' in xml, xml)
    fails(d, 'newlines', 'desc', 'alpha', '--title', 'two\nlines')

    uri = 'http://example.org/virtkvm-test/1'
    virsh(d, 'metadata', 'alpha', uri, '--key', 'vkt', '--set',
          '<app owner="ops"><tier>gold</tier></app>')
    got = virsh(d, 'metadata', 'alpha', uri).stdout
    check('<app' in got and 'gold' in got and 'owner="ops"' in got, got)
    check("xmlns:vkt='%s'" % uri in virsh(d, 'dumpxml', 'alpha').stdout, 'metadata in dumpxml')
    virsh(d, 'metadata', 'alpha', uri, '--remove')
    fails(d, 'metadata', 'metadata', 'alpha', uri)
    # Persisted: the config file carries the title.
    with open(os.path.join(d.root, 'etc/virtkvm/domains/alpha.xml')) as f:
        check('<title>The first</title>' in f.read(), 'title in config')


def test_rename_edit(d):
    uuid = virsh(d, 'domuuid', 'beta').stdout.strip()
    virsh(d, 'autostart', 'beta')
    virsh(d, 'domrename', 'beta', 'gamma')
    check(names(d, '--all') == ['alpha', 'gamma'], 'after rename')
    check(virsh(d, 'domuuid', 'gamma').stdout.strip() == uuid, 'rename keeps uuid')
    check(config_files(d) == ['alpha.xml', 'gamma.xml'], config_files(d))
    check(os.path.lexists(os.path.join(d.root, 'etc/virtkvm/domains/autostart/gamma.xml')),
          'autostart link follows the rename')
    fails(d, 'already exists', 'domrename', 'gamma', 'alpha')
    fails(d, 'failed to get domain', 'dominfo', 'beta')

    editor = write(d, 'editor.sh', "#!/bin/sh\nsed -i 's/>262144</>524288</' \"$1\"\n")
    os.chmod(editor, 0o755)
    env = dict(os.environ, EDITOR=editor, VISUAL=editor)
    r = subprocess.run(['virsh', '-c', d.uri, 'edit', 'gamma'], capture_output=True,
                       text=True, env=env, stdin=subprocess.DEVNULL, timeout=30)
    check(r.returncode == 0 and 'edited' in r.stdout, r.stdout + r.stderr)
    check('Max memory:     524288 KiB' in virsh(d, 'dominfo', 'gamma').stdout, 'edit applied')


def test_bad_input(d):
    before = names(d, '--all')
    files = config_files(d)
    bad = {
        'malformed': "<domain type='kvm'><name>bad1</name>",
        'unknown element': dom_xml('bad2').replace('<devices>', '<devices><frobnicator/>'),
        'duplicate device': dom_xml('bad3').replace(
            '</devices>', "<disk type='file' device='disk'><source file='/x'/>"
            "<target dev='vda' bus='virtio'/></disk></devices>"),
        'bad unit': dom_xml('bad4').replace("unit='MiB'", "unit='parsecs'"),
        'out of range': dom_xml('bad5').replace("<vcpu current='1'>2</vcpu>",
                                                '<vcpu>99999999999</vcpu>'),
        'no name': "<domain type='kvm'><memory>1024</memory>"
                   "<os><type>hvm</type></os></domain>",
    }
    for what, xml in bad.items():
        r = virsh(d, 'define', write(d, 'bad.xml', xml), check=False)
        check(r.returncode == 1 and 'error:' in r.stderr, '%s accepted: %s' % (what, r.stdout))
        check(len(r.stderr.strip().splitlines()) >= 2, '%s: no message: %s' % (what, r.stderr))
    uuid = virsh(d, 'domuuid', 'alpha').stdout.strip()
    fails(d, "already exists with uuid", 'define', write(d, 'dup.xml', dom_xml('alpha')))
    fails(d, 'is already defined with uuid', 'define',
          write(d, 'dupu.xml', dom_xml('other', uuid=uuid)))
    fails(d, 'XML document failed to validate', 'define', '--validate',
          write(d, 'inv.xml', dom_xml('v1').replace('<vcpu current', '<vcpu bogus="1" current')))
    check(names(d, '--all') == before, 'bad input changed the list')
    check(config_files(d) == files, 'bad input wrote files: %s' % config_files(d))
    for args in (('define', write(d, 'ro.xml', dom_xml('ro'))), ('undefine', 'alpha'),
                 ('autostart', 'alpha'), ('desc', 'alpha', '--title', 'x'),
                 ('domrename', 'alpha', 'x')):
        fails(d, 'read only', *args, readonly=True)
    fails(d, 'secure flag', 'dumpxml', '--security-info', 'alpha', readonly=True)
    check('<name>alpha</name>' in virsh(d, 'dumpxml', 'alpha', readonly=True).stdout, 'ro dump')
    fails(d, 'not supported', 'domxml-from-native', 'qemu-argv', write(d, 'argv', 'qemu'))


def test_undefine(d):
    nvram = os.path.join(d.workdir, 'vars.fd')
    loader = ("<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>"
              "<nvram>%s</nvram>" % nvram)
    virsh(d, 'define', write(d, 'efi.xml', dom_xml('efi', loader=loader)))
    with open(nvram, 'w') as f:
        f.write('vars')
    fails(d, 'nvram', 'undefine', 'efi')
    virsh(d, 'undefine', '--nvram', 'efi')
    check(not os.path.exists(nvram), 'nvram removed')
    virsh(d, 'undefine', '--managed-save', '--snapshots-metadata', 'gamma')
    virsh(d, 'undefine', '--keep-nvram', 'alpha')
    check(names(d, '--all') == [] and config_files(d) == [], 'all undefined')
    # Default nvram path for a pflash loader without <nvram>.
    virsh(d, 'define', write(d, 'efi2.xml', dom_xml('efi2', loader=loader.split('<nvram>')[0])))
    check('/var/lib/virtkvm/nvram/efi2_VARS.fd' in virsh(d, 'dumpxml', 'efi2').stdout,
          'default nvram path')
    virsh(d, 'undefine', '--nvram', 'efi2')


def main():
    with Daemon() as d:
        test_define_and_query(d)
        test_autostart_title_metadata(d)
        test_rename_edit(d)
        test_bad_input(d)
        test_undefine(d)
        r = virsh(d, 'domcapabilities')
        check('<domainCapabilities>' in r.stdout, 'domcapabilities')
        check(d.alive(), 'daemon died')
    print('ok')


main()
