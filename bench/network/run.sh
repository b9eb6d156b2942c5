#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# net-start to DHCP-ready and net-destroy times: virtkvmd's network driver
# against Debian's libvirtd network driver, in one run.  Everything runs
# in a private mount + network namespace: tmpfs over /run and libvirt's
# state directories, a copy of /etc/libvirt (without autostarted
# networks), so the host's links, firewall and files are untouched.
# Not a test.  Usage: bench/network/run.sh [rounds]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${VIRTKVM_BUILD_ROOT:-$src/build}
rounds=${1:-10}

if [ "${VIRTKVM_BENCH_NS:-}" != 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "run.sh: needs root (namespaces)"; exit 1; }
    [ -x "$build/daemon/virtkvmd" ] || { echo "run.sh: build virtkvmd first ($build)"; exit 1; }
    command -v libvirtd >/dev/null || { echo "run.sh: libvirtd not installed"; exit 1; }
    exec env VIRTKVM_BENCH_NS=1 unshare --mount --net "$0" "$@"
fi

work=$(mktemp -d /tmp/virtkvm-netbench-XXXXXX)
lvpid=""
vkpid=""
cleanup() {
    for p in $vkpid $lvpid; do
        kill -TERM "$p" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null || true
    done
    # dnsmasq processes of either daemon that outlived it, by pid file.
    for f in "$work"/vk/var/lib/virtkvm/dnsmasq/*.pid /run/libvirt/network/*.pid; do
        [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

mount --make-rprivate /
mount -t tmpfs tmpfs /run
for d in /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
    [ -d "$d" ] && mount -t tmpfs tmpfs "$d"
done
cp -a /etc/libvirt "$work/etc-libvirt"
rm -f "$work"/etc-libvirt/qemu/networks/autostart/*
mount --bind "$work/etc-libvirt" /etc/libvirt
ip link set lo up

wait_sock() {
    for _ in $(seq 300); do
        [ -S "$1" ] && /usr/bin/python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "run.sh: $1 did not come up"; return 1
}

libvirtd >"$work/libvirtd.log" 2>&1 &
lvpid=$!
"$build/daemon/virtkvmd" --root "$work/vk" >"$work/virtkvmd.log" 2>&1 &
vkpid=$!
wait_sock /run/libvirt/libvirt-sock
wait_sock "$work/vk/run/libvirt/libvirt-sock"

echo "virtkvmd $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?') vs libvirtd $(libvirtd --version | awk '{print $NF}'), $(nproc) CPUs"
/usr/bin/python3 "$here/bench.py" "$rounds" \
    "virtkvmd=qemu+unix:///system?socket=$work/vk/run/libvirt/libvirt-sock" \
    "libvirtd=qemu+unix:///system?socket=/run/libvirt/libvirt-sock" || {
        echo "--- libvirtd log"; tail -20 "$work/libvirtd.log"
        echo "--- virtkvmd log"; tail -20 "$work/virtkvmd.log"; exit 1; }
