#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmarks virtkvmd against Debian's libvirtd with the same
# python3-libvirt workload (bench.py), in one run on this machine.
# libvirtd runs inside a private mount namespace with its own tmpfs over
# /run and over its state directories and a copy of /etc/libvirt, so
# nothing on the host changes and a host libvirtd is not disturbed.
# Not a test.  Usage: bench/rpc/run.sh [seconds per measurement]
set -euo pipefail
. "$(dirname "$0")/../lib/incumbent.sh"
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
    bench_stop $vkpid $lvpid
    rm -rf "$work"
}
trap cleanup EXIT
[ -n "${VIRTKVM_BENCH_KEEPLOG:-}" ] && trap 'cp "$work"/*.log /tmp/; cleanup' EXIT

bench_private_libvirt "$work"
bench_bind_libvirt_config "$work"

libvirtd >"$work/libvirtd.log" 2>&1 &
lvpid=$!
"$build/daemon/virtkvmd" --root "$work/vk" >"$work/virtkvmd.log" 2>&1 &
vkpid=$!
bench_wait_sock /run/libvirt/libvirt-sock
bench_wait_sock "$work/vk/run/libvirt/libvirt-sock"

echo "virtkvmd $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?') vs libvirtd $(libvirtd --version | awk '{print $NF}'), ${duration}s per measurement, $(nproc) CPUs"
BENCH_PIDS="virtkvmd:$vkpid,libvirtd:$lvpid" /usr/bin/python3 "$here/bench.py" "$duration" \
    "virtkvmd=qemu+unix:///system?socket=$work/vk/run/libvirt/libvirt-sock" \
    "libvirtd=qemu+unix:///system?socket=/run/libvirt/libvirt-sock"
