/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Linux boot protocol, end to end: read and check the images before KVM is
 * touched (linux_boot_prepare), then (re)load them into guest memory and
 * point the BSP at the 64-bit entry (linux_boot_load, also used on reset).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hv/boot/acpi-tables.h"
#include "hv/boot/bzimage.h"
#include "hv/core/vm.h"

typedef struct {
    uint8_t *kernel;
    size_t kernel_len;
    BzImageInfo info;
    uint8_t *initrd;
    size_t initrd_len;
    char *cmdline;
} LinuxBoot;

/* Reads @kernel (and @initrd), checks the setup header.  An image whose fd
 * (@kernel_fd, @initrd_fd) is >= 0 is read from that fd, which is closed;
 * its path is then only used in messages (may be NULL).  -errno + *err. */
int linux_boot_prepare(LinuxBoot *lb, const char *kernel, int kernel_fd,
                       const char *initrd, int initrd_fd, const char *cmdline,
                       char **err);
void linux_boot_clear(LinuxBoot *lb);

/* Writes kernel, initrd, cmdline, ACPI tables, boot_params, page tables and
 * GDT, and sets the BSP's registers.  -errno. */
int linux_boot_load(const LinuxBoot *lb, Vm *vm, const AcpiConfig *acpi);
