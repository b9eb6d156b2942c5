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
. "$(dirname "$0")/../lib/incumbent.sh"
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
    bench_stop $vkpid $lvpid
    rm -rf "$work"
}
trap cleanup EXIT

bench_private_libvirt "$work"
bench_bind_libvirt_config "$work"

libvirtd >"$work/libvirtd.log" 2>&1 &
lvpid=$!
"$build/daemon/virtkvmd" --root "$work/vk" >"$work/virtkvmd.log" 2>&1 &
vkpid=$!
bench_wait_sock /run/libvirt/libvirt-sock
bench_wait_sock "$work/vk/run/libvirt/libvirt-sock"

echo "virtkvmd $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?') vs libvirtd $(libvirtd --version | awk '{print $NF}'), $count raw volumes per cycle (qcow2: a quarter), $rounds alternating rounds, $(nproc) CPUs, pools on $(df --output=fstype "$work" | tail -1)"
/usr/bin/python3 "$here/volumes.py" "$count" "$rounds" "$work" \
    "virtkvmd=qemu+unix:///system?socket=$work/vk/run/libvirt/libvirt-sock" \
    "libvirtd=qemu+unix:///system?socket=/run/libvirt/libvirt-sock"
