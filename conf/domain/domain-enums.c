/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* String tables of every domain XML enum, in one place. */
#include <string.h>

#include "conf/domain/domain-enums.h"
#include <glib.h>

static int
enum_lookup(const char *const *names, int n, const char *str)
{
    if (!str)
        return -1;
    for (int i = 0; i < n; i++) {
        if (names[i] && strcmp(names[i], str) == 0)
            return i;
    }
    return -1;
}

#define DOMAIN_ENUM_IMPL(prefix, last, ...) \
    static const char *const prefix##_names[] = { __VA_ARGS__ }; \
    G_STATIC_ASSERT(G_N_ELEMENTS(prefix##_names) == last); \
    const char * \
    prefix##_to_string(int value) \
    { \
        if (value < 0 || value >= (int) G_N_ELEMENTS(prefix##_names)) \
            return NULL; \
        return prefix##_names[value]; \
    } \
    int \
    prefix##_from_string(const char *str) \
    { \
        return enum_lookup(prefix##_names, (int) G_N_ELEMENTS(prefix##_names), str); \
    }

DOMAIN_ENUM_IMPL(domain_lifecycle, DOMAIN_LIFECYCLE_LAST,
                 "destroy", "restart", "rename-restart", "preserve",
                 "coredump-destroy", "coredump-restart")

DOMAIN_ENUM_IMPL(domain_boot_dev, DOMAIN_BOOT_LAST,
                 "fd", "cdrom", "hd", "network")

DOMAIN_ENUM_IMPL(domain_addr_type, DOMAIN_ADDR_LAST,
                 "none", "pci", "drive", "virtio-serial", "usb", "isa")

DOMAIN_ENUM_IMPL(domain_disk_type, DOMAIN_DISK_TYPE_LAST,
                 "file", "block", "network", "volume")

DOMAIN_ENUM_IMPL(domain_disk_device, DOMAIN_DISK_DEVICE_LAST,
                 "disk", "cdrom", "floppy", "lun")

DOMAIN_ENUM_IMPL(domain_disk_bus, DOMAIN_DISK_BUS_LAST,
                 "ide", "fdc", "scsi", "virtio", "usb", "sata")

DOMAIN_ENUM_IMPL(domain_disk_format, DOMAIN_DISK_FORMAT_LAST,
                 "none", "raw", "qcow2")

DOMAIN_ENUM_IMPL(domain_controller_type, DOMAIN_CONTROLLER_LAST,
                 "ide", "fdc", "scsi", "sata", "virtio-serial", "usb", "pci")

DOMAIN_ENUM_IMPL(domain_net_type, DOMAIN_NET_LAST,
                 "user", "ethernet", "network", "bridge", "direct")

DOMAIN_ENUM_IMPL(domain_chr_kind, DOMAIN_CHR_KIND_LAST,
                 "serial", "console", "channel")

DOMAIN_ENUM_IMPL(domain_chr_type, DOMAIN_CHR_TYPE_LAST,
                 "null", "vc", "pty", "dev", "file", "pipe", "stdio", "udp",
                 "tcp", "unix", "spicevmc")

DOMAIN_ENUM_IMPL(domain_rng_backend, DOMAIN_RNG_BACKEND_LAST,
                 "random", "builtin")

DOMAIN_ENUM_IMPL(domain_generic_kind, DOMAIN_GENERIC_LAST,
                 "filesystem", "input", "tpm", "graphics", "sound", "audio",
                 "video", "hostdev", "redirdev", "watchdog", "panic")

DOMAIN_ENUM_IMPL(domain_cpu_mode, DOMAIN_CPU_MODE_LAST,
                 "custom", "host-model", "host-passthrough", "maximum")
