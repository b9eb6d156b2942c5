#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Volume create/delete rates of a dir pool: virtkvmd against Debian's
# libvirtd, same python3-libvirt workload (volumes.py), in one run.
# libvirtd runs inside a private mount namespace with tmpfs over /run and
# its state directories and a private copy of /etc/libvirt, so nothing on
# the host changes.  Both pools live in one temp dir on the same file
# system.  Not a test.
# Usage: bench/storage/volumes.sh [volumes per cycle] [rounds]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${VIRTKVM_BUILD_ROOT:-$src/build}
count=${1:-300}
rounds=${2:-5}

if [ "${VIRTKVM_BENCH_NS:-}" != 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "volumes.sh: needs root (mount namespace)"; exit 1; }
    [ -x "$build/daemon/virtkvmd" ] || { echo "volumes.sh: build virtkvmd first ($build)"; exit 1; }
    command -v libvirtd >/dev/null || { echo "volumes.sh: libvirtd not installed"; exit 1; }
    exec env VIRTKVM_BENCH_NS=1 unshare --mount "$0" "$@"
fi

work=$(mktemp -d /var/tmp/virtkvm-bench-vols-XXXXXX)
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
    echo "volumes.sh: $1 did not come up"; return 1
}

libvirtd >"$work/libvirtd.log" 2>&1 &
lvpid=$!
"$build/daemon/virtkvmd" --root "$work/vk" >"$work/virtkvmd.log" 2>&1 &
vkpid=$!
wait_sock /run/libvirt/libvirt-sock
wait_sock "$work/vk/run/libvirt/libvirt-sock"

echo "virtkvmd $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?') vs libvirtd $(libvirtd --version | awk '{print $NF}'), $count raw volumes per cycle (qcow2: a quarter), $rounds alternating rounds, $(nproc) CPUs, pools on $(df --output=fstype "$work" | tail -1)"
/usr/bin/python3 "$here/volumes.py" "$count" "$rounds" "$work" \
    "virtkvmd=qemu+unix:///system?socket=$work/vk/run/libvirt/libvirt-sock" \
    "libvirtd=qemu+unix:///system?socket=/run/libvirt/libvirt-sock"
