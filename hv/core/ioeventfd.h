/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* KVM ioeventfds for virtio-pci queue notifications; see ioeventfd.c. */
#pragma once

#include <stdbool.h>

#include <glib.h>

struct PciDevice;

typedef struct {
    GMutex lock;
    int vm_fd;
    GPtrArray *events;
    bool unsupported;       /* KVM refused once: stay on MMIO exits */
} IoEventFds;

void ioeventfd_init(IoEventFds *ie, int vm_fd);
/* Called from PciMsiSink.bar_changed (any thread, device lock held). */
void ioeventfd_bar_changed(IoEventFds *ie, struct PciDevice *dev, int bar, bool mapped);
/* Deassigns everything (main thread, after the vCPUs stopped). */
void ioeventfd_cleanup(IoEventFds *ie);
unsigned int ioeventfd_count(IoEventFds *ie);
