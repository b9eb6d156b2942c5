# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the benchmarks that run Debian's libvirtd next to virtkvmd in
# one run without changing the host: the caller re-executes itself under
# `unshare --mount` (and --net where it needs one), then:
#   bench_private_libvirt WORK   tmpfs over /run and libvirt's state dirs, a
#                                copy of /etc/libvirt in WORK/etc-libvirt
#   bench_bind_libvirt_config WORK   binds that copy (after any edits)
#   bench_wait_sock PATH         waits until a UNIX socket accepts
#   bench_stop PID...            SIGTERM, up to 5 s, then SIGKILL

bench_private_libvirt() {
    local work=$1 d
    mount --make-rprivate /
    mount -t tmpfs tmpfs /run
    for d in /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
        [ -d "$d" ] && mount -t tmpfs tmpfs "$d"
    done
    cp -a /etc/libvirt "$work/etc-libvirt"
}

bench_bind_libvirt_config() {
    mount --bind "$1/etc-libvirt" /etc/libvirt
}

bench_wait_sock() {
    for _ in $(seq 300); do
        [ -S "$1" ] && /usr/bin/python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "$(basename "$0"): $1 did not come up"
    return 1
}

bench_stop() {
    local p
    for p in "$@"; do
        [ -n "$p" ] || continue
        kill -TERM "$p" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null || true
    done
}
