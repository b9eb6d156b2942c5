#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The domain catalogue benchmark: define 1,000 domains, listAllDomains,
# XMLDesc of each, undefine each, against Debian's libvirtd (qemu driver)
# and virtkvmd in one run; prints times and ratios (bench.py).
# libvirtd runs in a private mount namespace: tmpfs over /run and
# /var/lib/libvirt (+ cache, log), and a copy of /etc/libvirt bind-mounted
# over it, so its domain configs land in a scratch directory and nothing
# on the host changes.  Both daemons keep their configs on the same
# filesystem (the scratch directory under /tmp), so fsync costs match.
# Not a test.  Usage: [VIRTKVM_BENCH_TMPFS=1] bench/domains/run.sh [number of domains]
set -euo pipefail
. "$(dirname "$0")/../lib/incumbent.sh"
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${VIRTKVM_BUILD_ROOT:-$src/build}
count=${1:-1000}

if [ "${VIRTKVM_BENCH_NS:-}" != 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "run.sh: needs root (mount namespace)"; exit 1; }
    [ -x "$build/daemon/virtkvmd" ] || { echo "run.sh: build virtkvmd first ($build)"; exit 1; }
    command -v libvirtd >/dev/null || { echo "run.sh: libvirtd not installed"; exit 1; }
    exec env VIRTKVM_BENCH_NS=1 unshare --mount "$0" "$@"
fi

work=$(mktemp -d /tmp/virtkvm-bench-domains-XXXXXX)
lvpid=""
vkpid=""
cleanup() {
    bench_stop $vkpid $lvpid
    umount "$work" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM

# VIRTKVM_BENCH_TMPFS=1: both daemons' configs on tmpfs, where fsync is
# free, to compare the drivers without the disk's flush cost.
[ "${VIRTKVM_BENCH_TMPFS:-}" = 1 ] && mount -t tmpfs tmpfs "$work"
bench_private_libvirt "$work"
rm -rf "$work/etc-libvirt/qemu"/*.xml "$work/etc-libvirt/qemu/autostart"
# /dev/kvm is root-only (0600) on hosts without the udev rule: libvirtd
# then finds KVM "not usable" for its libvirt-qemu user, declares its QEMU
# capabilities stale and re-probes QEMU (seconds) on every define.  Run
# its guests as root in this private copy so the comparison measures the
# driver, not the probe.
[ "$(stat -c %a /dev/kvm 2>/dev/null)" = 600 ] &&
    printf 'user = "root"\ngroup = "root"\n' >> "$work/etc-libvirt/qemu.conf"
bench_bind_libvirt_config "$work"

libvirtd >"$work/libvirtd.log" 2>&1 &
lvpid=$!
"$build/daemon/virtkvmd" --root "$work/vk" >"$work/virtkvmd.log" 2>&1 &
vkpid=$!
bench_wait_sock /run/libvirt/libvirt-sock
bench_wait_sock "$work/vk/run/libvirt/libvirt-sock"

echo "virtkvmd $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?') vs libvirtd $(libvirtd --version | awk '{print $NF}'), $count domains, $(nproc) CPUs"
/usr/bin/python3 "$here/bench.py" "$count" \
    "virtkvmd=qemu+unix:///system?socket=$work/vk/run/libvirt/libvirt-sock" \
    "libvirtd=qemu+unix:///system?socket=/run/libvirt/libvirt-sock"
