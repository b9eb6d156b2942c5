/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hv/virtio/virtio.h"

#define VIRTIO_ID_BALLOON           5
#define VIRTIO_BALLOON_PAGE_SIZE    4096u

/*
 * virtio-balloon (virtio 1.x 5.5): an inflate and a deflate queue of
 * 32-bit 4 KiB page frame numbers.  Inflated pages are given back to the
 * host (hole punched in the backing memfd, MADV_DONTNEED on the mapping);
 * deflate needs nothing.  Queue 2 is the stats queue (STATS_VQ).  Free with
 * virtio_device_free().
 */
VirtioDevice *virtio_balloon_create(void);

/* Sets the number of pages the guest should give up; signals a config
 * change when it differs. */
void virtio_balloon_set_target(VirtioDevice *vdev, uint32_t num_pages);
uint32_t virtio_balloon_get_target(VirtioDevice *vdev);
/* Pages the driver says it holds in the balloon (config "actual"). */
uint32_t virtio_balloon_get_actual(VirtioDevice *vdev);

/*
 * VIRTIO_BALLOON_F_STATS_VQ: the last statistics the driver sent (by tag,
 * 5.5.6.3: swap-in 0 ... hugetlb-failures 9); returns a bit per tag
 * received.  Also hands the held stats buffer back so the driver sends
 * fresh values (seen by the next call).
 */
#define VIRTIO_BALLOON_NR_STATS 16
uint32_t virtio_balloon_get_stats(VirtioDevice *vdev, uint64_t stats[VIRTIO_BALLOON_NR_STATS]);
