/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The virtio-pci modern transport (virtio 1.x 4.1): PCI vendor 0x1af4,
 * device 0x1040 + virtio id, revision 1, and one 64-bit prefetchable memory
 * BAR 4 of 32 KiB holding every virtio structure plus MSI-X:
 *
 *     0x0000  common configuration (struct virtio_pci_common_cfg, 0x38 bytes)
 *     0x1000  ISR status (1 byte, read clears, deasserts INTx)
 *     0x2000  device-specific configuration
 *     0x3000  notifications: queue N at 0x3000 + 4 * N
 *             (queue_notify_off = N, notify_off_multiplier = 4)
 *     0x4000  MSI-X table (num_queues + 1 vectors)
 *     0x5000  MSI-X pending bit array
 *
 * Capabilities: COMMON_CFG, NOTIFY_CFG, ISR_CFG, DEVICE_CFG (when the
 * device has configuration), PCI_CFG (the configuration-space window), and
 * MSI-X.  Without MSI-X enabled, interrupts go through INTA (ISR bit 0 for
 * queues, bit 1 for configuration changes).
 */
#pragma once

#include "hv/pci/pci.h"
#include "hv/virtio/virtio.h"

#define VIRTIO_PCI_VENDOR_ID        0x1af4
#define VIRTIO_PCI_DEVICE_ID_BASE   0x1040
#define VIRTIO_PCI_BAR              4
#define VIRTIO_PCI_BAR_SIZE         0x8000
#define VIRTIO_PCI_COMMON_OFFSET    0x0000
#define VIRTIO_PCI_ISR_OFFSET       0x1000
#define VIRTIO_PCI_DEVICE_OFFSET    0x2000
#define VIRTIO_PCI_NOTIFY_OFFSET    0x3000
#define VIRTIO_PCI_NOTIFY_MULTIPLIER 4
#define VIRTIO_PCI_MSIX_TABLE_OFFSET 0x4000
#define VIRTIO_PCI_MSIX_PBA_OFFSET  0x5000

/* virtio_pci_cap.cfg_type */
#define VIRTIO_PCI_CAP_COMMON_CFG   1
#define VIRTIO_PCI_CAP_NOTIFY_CFG   2
#define VIRTIO_PCI_CAP_ISR_CFG      3
#define VIRTIO_PCI_CAP_DEVICE_CFG   4
#define VIRTIO_PCI_CAP_PCI_CFG      5

/* struct virtio_pci_common_cfg offsets */
#define VIRTIO_PCI_COMMON_DFSELECT  0x00
#define VIRTIO_PCI_COMMON_DF        0x04
#define VIRTIO_PCI_COMMON_GFSELECT  0x08
#define VIRTIO_PCI_COMMON_GF        0x0c
#define VIRTIO_PCI_COMMON_MSIX      0x10
#define VIRTIO_PCI_COMMON_NUMQ      0x12
#define VIRTIO_PCI_COMMON_STATUS    0x14
#define VIRTIO_PCI_COMMON_CFGGENERATION 0x15
#define VIRTIO_PCI_COMMON_Q_SELECT  0x16
#define VIRTIO_PCI_COMMON_Q_SIZE    0x18
#define VIRTIO_PCI_COMMON_Q_MSIX    0x1a
#define VIRTIO_PCI_COMMON_Q_ENABLE  0x1c
#define VIRTIO_PCI_COMMON_Q_NOFF    0x1e
#define VIRTIO_PCI_COMMON_Q_DESCLO  0x20
#define VIRTIO_PCI_COMMON_Q_DESCHI  0x24
#define VIRTIO_PCI_COMMON_Q_AVAILLO 0x28
#define VIRTIO_PCI_COMMON_Q_AVAILHI 0x2c
#define VIRTIO_PCI_COMMON_Q_USEDLO  0x30
#define VIRTIO_PCI_COMMON_Q_USEDHI  0x34
#define VIRTIO_PCI_COMMON_SIZE      0x38

/*
 * Wraps @vdev (ownership passes to the returned device; on NULL the caller
 * keeps it) in a virtio-pci function whose DMA goes through @mem.  Plug it
 * with pci_bus_add_device(); it is destroyed with the bus (or on unplug),
 * which also destroys @vdev.
 */
PciDevice *virtio_pci_create(VirtioDevice *vdev, GuestMemory *mem);

/* The virtio device behind a function made by virtio_pci_create(). */
VirtioDevice *virtio_pci_get_device(PciDevice *dev);

/*
 * ioeventfd support: the guest-physical address the driver writes to notify
 * queue @q (0 or -ENODEV while BAR 4 is not decoded / -EINVAL), and the
 * entry point an event loop calls when that eventfd fires.
 */
int virtio_pci_notify_address(PciDevice *dev, unsigned int q, uint64_t *addr);
void virtio_pci_queue_notify(PciDevice *dev, unsigned int q);
