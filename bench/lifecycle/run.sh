#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Guest start latency and density: virtkvmd + virtkvm-vmm against Debian's
# libvirtd + QEMU with the same test guest image, in one run (bench.py).
# libvirtd runs in a private mount namespace (tmpfs over /run and its state
# directories, a copy of /etc/libvirt), as bench/rpc does, so the host is
# not changed.  Not a test.
# Usage: bench/lifecycle/run.sh   (env: see bench.py; BENCH_ONLY=virtkvmd)
set -euo pipefail
. "$(dirname "$0")/../lib/incumbent.sh"
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${VIRTKVM_BUILD_ROOT:-$src/build}
image=$build/tests/guest/test-guest.bzImage

if [ "${VIRTKVM_BENCH_NS:-}" != 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "run.sh: needs root (mount namespace)"; exit 1; }
    [ -x "$build/daemon/virtkvmd" ] && [ -f "$image" ] ||
        { echo "run.sh: build virtkvmd, virtkvm-vmm and the test guest first ($build)"; exit 1; }
    exec env VIRTKVM_BENCH_NS=1 unshare --mount "$0" "$@"
fi

work=$(mktemp -d /tmp/virtkvm-lcbench-XXXXXX)
chmod 755 "$work"
lvpid=""
vkpid=""
cleanup() {
    bench_stop $vkpid $lvpid
    # guests left by an interrupted run
    for p in $(pgrep -f "guest=bl" || true); do kill -KILL "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

bench_private_libvirt "$work"
# no virtlogd here; /dev/kvm is root-only 0600 on this host, so QEMU runs as root
printf 'stdio_handler = "file"\nuser = "root"\ngroup = "root"\n' >>"$work/etc-libvirt/qemu.conf"
bench_bind_libvirt_config "$work"
mkdir -p /var/lib/libvirt/qemu /var/cache/libvirt/qemu /var/log/libvirt/qemu

VIRTKVM_VMM=$build/hv/virtkvm-vmm "$build/daemon/virtkvmd" --root "$work/vk" >"$work/virtkvmd.log" 2>&1 &
vkpid=$!
bench_wait_sock "$work/vk/run/libvirt/libvirt-sock"
targets=("virtkvmd=qemu+unix:///system?socket=$work/vk/run/libvirt/libvirt-sock")
if [ "${BENCH_ONLY:-}" != virtkvmd ] && command -v libvirtd >/dev/null; then
    libvirtd >"$work/libvirtd.log" 2>&1 &
    lvpid=$!
    bench_wait_sock /run/libvirt/libvirt-sock
    targets+=("libvirtd=qemu:///system")
fi
echo "virtkvm $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?') vs libvirtd $(libvirtd --version | awk '{print $NF}') + QEMU $(qemu-system-x86_64 --version | head -1 | awk '{print $4}'), $(nproc) CPUs"
/usr/bin/python3 "$here/bench.py" "$image" "$work" "${targets[@]}"
