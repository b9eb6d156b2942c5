#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmarks virtkvmd against Debian's libvirtd with the same
# python3-libvirt workload (bench.py), in one run on this machine.
# libvirtd runs inside a private mount namespace with its own tmpfs over
# /run and over its state directories and a copy of /etc/libvirt, so
# nothing on the host changes and a host libvirtd is not disturbed.
# Not a test.  Usage: bench/rpc/run.sh [seconds per measurement]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${VIRTKVM_BUILD_ROOT:-$src/build}
duration=${1:-3}

if [ "${VIRTKVM_BENCH_NS:-}" != 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "run.sh: needs root (mount namespace)"; exit 1; }
    [ -x "$build/daemon/virtkvmd" ] || { echo "run.sh: build virtkvmd first ($build)"; exit 1; }
    command -v libvirtd >/dev/null || { echo "run.sh: libvirtd not installed"; exit 1; }
    exec env VIRTKVM_BENCH_NS=1 unshare --mount "$0" "$@"
fi

work=$(mktemp -d /tmp/virtkvm-bench-XXXXXX)
lvpid=""
vkpid=""
cleanup() {
    for p in $vkpid $lvpid; do
        kill -TERM "$p" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
[ -n "${VIRTKVM_BENCH_KEEPLOG:-}" ] && trap 'cp "$work"/*.log /tmp/; cleanup' EXIT

mount --make-rprivate /
mount -t tmpfs tmpfs /run
for d in /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
    [ -d "$d" ] && mount -t tmpfs tmpfs "$d"
done
cp -a /etc/libvirt "$work/etc-libvirt"
mount --bind "$work/etc-libvirt" /etc/libvirt

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

echo "virtkvmd $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?') vs libvirtd $(libvirtd --version | awk '{print $NF}'), ${duration}s per measurement, $(nproc) CPUs"
BENCH_PIDS="virtkvmd:$vkpid,libvirtd:$lvpid" /usr/bin/python3 "$here/bench.py" "$duration" \
    "virtkvmd=qemu+unix:///system?socket=$work/vk/run/libvirt/libvirt-sock" \
    "libvirtd=qemu+unix:///system?socket=/run/libvirt/libvirt-sock"
