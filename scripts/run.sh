#!/usr/bin/env bash
# Installs dependencies, builds, and starts virtkvmd on libvirt's default
# sockets with a default storage pool, a default NAT network and a demo guest,
# then prints virsh commands to try.  Run as root from a clone.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

if [ "$(id -u)" != 0 ]; then
    echo "scripts/run.sh must run as root (it serves /run/libvirt/libvirt-sock)" >&2
    exit 1
fi

bash scripts/deps.sh
if [ -f build/build.ninja ]; then
    meson setup --reconfigure build >/dev/null
else
    meson setup build >/dev/null
fi
ninja -C build

pidfile=/run/virtkvmd.pid
sock=/run/libvirt/libvirt-sock
uri=qemu:///system

# A virtkvmd left by an earlier run is replaced; a libvirtd is stopped, since
# both cannot serve the same socket.
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "stopping the virtkvmd started earlier (pid $(cat "$pidfile"))"
    kill -TERM "$(cat "$pidfile")"
    for _ in $(seq 50); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
fi
if pgrep -x libvirtd >/dev/null || pgrep -x virtqemud >/dev/null; then
    echo "stopping libvirtd/virtqemud: virtkvmd takes over $sock"
    if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
        systemctl stop libvirtd.service libvirtd.socket libvirtd-ro.socket \
            libvirtd-admin.socket virtqemud.service virtqemud.socket 2>/dev/null || true
    fi
    pkill -x libvirtd 2>/dev/null || true
    pkill -x virtqemud 2>/dev/null || true
    sleep 1
fi

export VIRTKVM_VMM="$top/build/hv/virtkvm-vmm"
mkdir -p /var/log/virtkvm
"$top/build/daemon/virtkvmd" --daemon --pid-file "$pidfile" 2>>/var/log/virtkvm/virtkvmd.log
for _ in $(seq 100); do [ -S "$sock" ] && virsh -c "$uri" version >/dev/null 2>&1 && break; sleep 0.1; done
virsh -c "$uri" version

step() {
    local what=$1; shift
    if out=$("$@" 2>&1); then
        echo "ok: $what"
    else
        echo "skipped: $what: $(echo "$out" | tail -1)"
    fi
}

# Default storage pool.
if ! virsh -c "$uri" pool-info default >/dev/null 2>&1; then
    step "storage pool 'default' defined" virsh -c "$uri" pool-define-as default dir --target /var/lib/virtkvm/images
    step "storage pool 'default' built" virsh -c "$uri" pool-build default
    step "storage pool 'default' autostart" virsh -c "$uri" pool-autostart default
fi
virsh -c "$uri" pool-info default >/dev/null 2>&1 && \
    step "storage pool 'default' started" sh -c "virsh -c $uri pool-start default || virsh -c $uri pool-info default | grep -q running"

# Default NAT network.
if ! virsh -c "$uri" net-info default >/dev/null 2>&1; then
    cat > /tmp/virtkvm-default-net.xml <<'XML'
<network>
  <name>default</name>
  <forward mode='nat'/>
  <bridge name='virbr0' stp='on' delay='0'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
    </dhcp>
  </ip>
</network>
XML
    step "network 'default' defined" virsh -c "$uri" net-define /tmp/virtkvm-default-net.xml
    step "network 'default' autostart" virsh -c "$uri" net-autostart default
fi
virsh -c "$uri" net-info default >/dev/null 2>&1 && \
    step "network 'default' started" sh -c "virsh -c $uri net-start default || virsh -c $uri net-info default | grep -q 'Active:.*yes'"

# Demo guest: the in-tree test guest, booted by our VMM, with a qcow2 disk
# from the default pool and a NIC on the default network.
if ! virsh -c "$uri" dominfo demo >/dev/null 2>&1; then
    mkdir -p /var/lib/virtkvm/images
    virsh -c "$uri" vol-info demo.qcow2 --pool default >/dev/null 2>&1 || \
        step "volume 'demo.qcow2' created" virsh -c "$uri" vol-create-as default demo.qcow2 64M --format qcow2
    install -m 0644 "$top/build/tests/guest/test-guest.bzImage" /var/lib/virtkvm/images/demo-kernel.bzImage
    cat > /tmp/virtkvm-demo.xml <<XML
<domain type='kvm'>
  <name>demo</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>/var/lib/virtkvm/images/demo-kernel.bzImage</kernel>
    <cmdline>console=ttyS0 vkt.blk=1 vkt.net=1 vkt.rng=1</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <devices>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/virtkvm/images/demo.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
  </devices>
</domain>
XML
    step "domain 'demo' defined" virsh -c "$uri" define /tmp/virtkvm-demo.xml
fi
virsh -c "$uri" dominfo demo >/dev/null 2>&1 && \
    step "domain 'demo' started" sh -c "virsh -c $uri domstate demo | grep -q running || virsh -c $uri start demo"

cat <<TXT

virtkvmd is running (pid $(cat "$pidfile"), log /var/log/virtkvm/virtkvmd.log) on $sock.
Try:
  virsh -c $uri version
  virsh -c $uri capabilities
  virsh -c $uri nodeinfo
  virsh -c $uri list --all
  virsh -c $uri dominfo demo
  virsh -c $uri console demo        (Ctrl-] leaves; type 'help' for the test guest's commands)
  virsh -c $uri pool-list --all --details
  virsh -c $uri net-list --all
  virsh -r -c $uri list --all       (read-only socket)
  virt-admin srv-list
Stop it with: kill \$(cat $pidfile)
TXT
