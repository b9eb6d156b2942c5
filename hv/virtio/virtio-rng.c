/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtio-rng: the template for a virtio device.  A device embeds
 * VirtioDevice first, fills a VirtioDeviceOps table and processes its
 * queues in queue_notify with the device lock held.
 */
#include <errno.h>
#include <sys/random.h>

#include "hv/virtio/virtio-rng.h"

#define RNG_QUEUE_SIZE      256
#define RNG_MAX_PER_CHAIN   65536

typedef struct {
    VirtioDevice vdev;
    VirtqElement elem;
} VirtioRng;

static uint32_t
rng_fill(VirtqElement *elem)
{
    uint32_t total = 0;

    for (unsigned int i = elem->out_num; i < elem->out_num + elem->in_num; i++) {
        uint8_t *p = elem->iov[i].iov_base;
        size_t len = MIN(elem->iov[i].iov_len, (size_t) (RNG_MAX_PER_CHAIN - total));

        while (len > 0) {
            ssize_t n = getrandom(p, len, 0);

            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return total;
            p += n;
            len -= (size_t) n;
            total += (uint32_t) n;
        }
        if (total >= RNG_MAX_PER_CHAIN)
            break;
    }
    return total;
}

static void
rng_queue_notify(VirtioDevice *vdev, unsigned int q)
{
    VirtioRng *rng = (VirtioRng *) vdev;
    VirtQueue *vq = &vdev->queues[q];
    bool pushed = false;

    while (virtio_device_pop(vdev, vq, &rng->elem) > 0) {
        virtqueue_push(vq, &rng->elem, rng_fill(&rng->elem));
        pushed = true;
    }
    if (pushed)
        virtio_device_notify_queue(vdev, vq);
}

static void
rng_destroy(VirtioDevice *vdev)
{
    VirtioRng *rng = (VirtioRng *) vdev;

    virtqueue_element_clear(&rng->elem);
    virtio_device_cleanup(vdev);
    g_free(rng);
}

static const VirtioDeviceOps virtio_rng_ops = {
    .name = "rng",
    .device_id = VIRTIO_ID_RNG,
    .queue_notify = rng_queue_notify,
    .destroy = rng_destroy,
};

VirtioDevice *
virtio_rng_create(void)
{
    VirtioRng *rng = g_new0(VirtioRng, 1);

    virtio_device_init(&rng->vdev, &virtio_rng_ops, 0, 1, RNG_QUEUE_SIZE, 0);
    return &rng->vdev;
}
