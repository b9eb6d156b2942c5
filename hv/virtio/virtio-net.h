/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "hv/virtio/virtio.h"

#define VIRTIO_NET_F_MAC        5
#define VIRTIO_NET_F_STATUS     16
#define VIRTIO_NET_S_LINK_UP    1
#define VIRTIO_NET_HDR_SIZE     12      /* struct virtio_net_hdr with num_buffers */
#define VIRTIO_NET_CONFIG_SIZE  12
#define VIRTIO_NET_RX           0
#define VIRTIO_NET_TX           1

/*
 * virtio-net (virtio 1.x 5.1) on a tap fd (IFF_TAP | IFF_NO_PI; with
 * IFF_VNET_HDR the header is passed through after TUNSETVNETHDRSZ 12).  Any
 * fd that carries one frame per read/write works (a SOCK_SEQPACKET or
 * SOCK_DGRAM socket in tests).  Offers MAC (@mac in the configuration) and
 * STATUS (link up); no offloads, no mergeable buffers, no control queue.
 * RX: a thread reads frames into receive buffers when the driver has some;
 * TX: frames are written in the notifying thread.  The fd stays owned by
 * the caller and must outlive the device.  Returns NULL if the receive
 * thread cannot be started.
 */
VirtioDevice *virtio_net_create(int tap_fd, const uint8_t mac[6]);

/* Sets the link state the driver sees (STATUS) and signals the change. */
void virtio_net_set_link(VirtioDevice *vdev, bool up);
