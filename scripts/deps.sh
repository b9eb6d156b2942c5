#!/usr/bin/env bash
# Installs every Debian package that virtkvm's build, tests and benchmarks need.
# Idempotent and non-interactive; safe to run on every invocation.
set -euo pipefail

PACKAGES=(
    # build
    build-essential meson ninja-build pkg-config gettext clang lld libfuzzer-14-dev
    libglib2.0-dev libxml2-dev libxml2-utils libjson-c-dev libtirpc-dev rpcsvc-proto
    libsystemd-dev libselinux1-dev libnl-3-dev libnl-route-3-dev libseccomp-dev
    libcap-ng-dev libgnutls28-dev liburing-dev zlib1g-dev libzstd-dev
    # real clients and the incumbent (tests and benchmarks)
    libvirt-clients python3-libvirt libvirt-daemon-system qemu-system-x86 qemu-utils
    virtinst python3-pytest python3-lxml ansible virt-manager xvfb xdotool dbus-daemon
    # host tooling used by drivers and tests
    iproute2 nftables dnsmasq-base busybox-static netcat-openbsd openssh-server util-linux procps
    kmod e2fsprogs parted lvm2 psmisc acpica-tools strace
)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    # libvirt-daemon-system must not start libvirtd on our sockets during install.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    apt-get update -qq </dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
    rm -f /usr/sbin/policy-rc.d
fi

# The unprivileged account every VMM runs as.
getent group virtkvm >/dev/null || groupadd --system virtkvm
getent passwd virtkvm >/dev/null || \
    useradd --system --gid virtkvm --home-dir /var/lib/virtkvm --shell /usr/sbin/nologin virtkvm
exit 0
