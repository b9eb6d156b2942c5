#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# net-start to DHCP-ready and net-destroy times: virtkvmd's network driver
# against Debian's libvirtd network driver, in one run.  Everything runs
# in a private mount + network namespace: tmpfs over /run and libvirt's
# state directories, a copy of /etc/libvirt (without autostarted
# networks), so the host's links, firewall and files are untouched.
# Not a test.  Usage: bench/network/run.sh [rounds]
set -euo pipefail
. "$(dirname "$0")/../lib/incumbent.sh"
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
    bench_stop $vkpid $lvpid
    # dnsmasq processes of either daemon that outlived it, by pid file.
    for f in "$work"/vk/var/lib/virtkvm/dnsmasq/*.pid /run/libvirt/network/*.pid; do
        [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

bench_private_libvirt "$work"
rm -f "$work"/etc-libvirt/qemu/networks/autostart/*
bench_bind_libvirt_config "$work"
ip link set lo up

libvirtd >"$work/libvirtd.log" 2>&1 &
lvpid=$!
"$build/daemon/virtkvmd" --root "$work/vk" >"$work/virtkvmd.log" 2>&1 &
vkpid=$!
bench_wait_sock /run/libvirt/libvirt-sock
bench_wait_sock "$work/vk/run/libvirt/libvirt-sock"

echo "virtkvmd $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?') vs libvirtd $(libvirtd --version | awk '{print $NF}'), $(nproc) CPUs"
/usr/bin/python3 "$here/bench.py" "$rounds" \
    "virtkvmd=qemu+unix:///system?socket=$work/vk/run/libvirt/libvirt-sock" \
    "libvirtd=qemu+unix:///system?socket=/run/libvirt/libvirt-sock" || {
        echo "--- libvirtd log"; tail -20 "$work/libvirtd.log"
        echo "--- virtkvmd log"; tail -20 "$work/virtkvmd.log"; exit 1; }
