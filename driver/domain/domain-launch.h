/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DomainDef -> virtkvm-vmm launch description (docs/launch-description.md).
 *
 * The daemon opens every privileged resource itself and passes it to the
 * VMM at fixed fd numbers, named in the description:
 *   DOMAIN_LAUNCH_FD_KVM      /dev/kvm
 *   DOMAIN_LAUNCH_FD_CONTROL  the listening control socket
 *   DOMAIN_LAUNCH_FD_SERIAL   serial file (type='file'); a pty serial is
 *                             created by the VMM (its path comes from
 *                             query-devices)
 *   DOMAIN_LAUNCH_FD_KERNEL   <os><kernel> (read by the VMM, not by path)
 *   DOMAIN_LAUNCH_FD_INITRD   <os><initrd>, when there is one
 *   DOMAIN_LAUNCH_FD_DISK0+i  disk i (only file/block disks)
 *   DOMAIN_LAUNCH_FD_NIC0+i   tap fd of interface i
 * stderr (fd 2) is the per-domain log file.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "conf/domain/domain-conf.h"

enum {
    DOMAIN_LAUNCH_FD_KVM = 3,
    DOMAIN_LAUNCH_FD_CONTROL = 4,
    DOMAIN_LAUNCH_FD_SERIAL = 5,
    DOMAIN_LAUNCH_FD_CONSOLE = 6,
    DOMAIN_LAUNCH_FD_KERNEL = 7,
    DOMAIN_LAUNCH_FD_INITRD = 8,
    DOMAIN_LAUNCH_FD_DISK0 = 10,
    DOMAIN_LAUNCH_FD_NIC0 = 30,
    DOMAIN_LAUNCH_FD_END = 46,      /* first number above every fixed fd */
    DOMAIN_LAUNCH_MAX_DISKS = 16,
    DOMAIN_LAUNCH_MAX_NICS = 16,
};

/* How the serial port / console reaches the host. */
typedef enum {
    DOMAIN_LAUNCH_CHR_NONE,
    DOMAIN_LAUNCH_CHR_PTY,          /* VMM-created pty */
    DOMAIN_LAUNCH_CHR_FD,           /* file opened by the daemon */
} DomainLaunchChr;

/* The serial device of @def (first <serial>, else a serial <console>). */
const DomainChrDef *domain_launch_serial(const DomainDef *def);

/* Whether the domain gets the VMM's virtio-balloon ("balloon" in the launch
 * description): <memballoon model='virtio'> or a virtio-(non-)transitional one. */
bool domain_launch_has_balloon(const DomainDef *def);
DomainLaunchChr domain_launch_chr_kind(const DomainChrDef *chr);

/*
 * Checks @def for what the VMM cannot run (no kernel, unsupported disk or
 * interface types...).  Returns 0, or -1 with VK_ERR_CONFIG_UNSUPPORTED
 * naming the element.
 */
int domain_launch_check(const DomainDef *def);

/*
 * The launch description of @def as pretty JSON (fixed fd numbers above).
 * @start_paused: vCPUs wait for "cont".  Returns NULL with an error.
 */
char *domain_launch_build(const DomainDef *def, bool start_paused);
