/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hv/virtio/virtio.h"

/*
 * virtio-rng (virtio 1.x 5.4): one request queue; every device-writable
 * buffer is filled from getrandom(), at most 64 KiB per chain.  Processing
 * is inline in the notifying thread.  Free with virtio_device_free().
 */
VirtioDevice *virtio_rng_create(void);
