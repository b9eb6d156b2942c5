/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "tests/virtio/fuzz-virtio.h"
#include "util/log.h"

static uint16_t
le16_at(const uint8_t *p)
{
    return (uint16_t) (p[0] | (p[1] << 8));
}

int
fuzz_guest_init(FuzzGuest *g, const uint8_t *data, size_t size)
{
    memset(g, 0, sizeof(*g));
    if (size < FUZZ_HDR_SIZE)
        return 0;
    log_set_level(LOG_LEVEL_ERROR);
    if (posix_memalign((void **) &g->ram, 4096, FUZZ_RAM_SIZE) != 0)
        abort();
    memset(g->ram, 0, FUZZ_RAM_SIZE);
    memcpy(g->ram, data + FUZZ_HDR_SIZE, MIN(size - FUZZ_HDR_SIZE, (size_t) FUZZ_RAM_SIZE));
    guest_memory_add_region(&g->mem, 0, FUZZ_RAM_SIZE, g->ram, -1, 0);
    g->data = data;
    g->size = size;
    return 1;
}

void
fuzz_guest_run(FuzzGuest *g, VirtioDevice *vdev)
{
    uint8_t flags = g->data[0];
    unsigned int nnotify = MIN(g->data[1], 64u);
    uint64_t features = VIRTIO_BIT(VIRTIO_F_VERSION_1);

    if (flags & 1)
        features |= VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX);
    if (flags & 2)
        features |= VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC);
    if (flags & 4)
        features |= vdev->host_features & 0xffffffffULL & ~(VIRTIO_BIT(28) | VIRTIO_BIT(29));

    virtio_device_lock(vdev);
    vdev->mem = &g->mem;
    virtio_device_set_status(vdev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    vdev->driver_features = features;
    virtio_device_set_status(vdev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                             VIRTIO_STATUS_FEATURES_OK);
    for (unsigned int q = 0; q < vdev->num_queues && q < 2; q++) {
        const uint8_t *p = g->data + 4 + 8 * q;
        VirtQueue *vq = &vdev->queues[q];

        vq->size = le16_at(p);
        vq->desc_addr = (uint64_t) le16_at(p + 2) * 16;
        vq->avail_addr = (uint64_t) le16_at(p + 4) * 2;
        vq->used_addr = (uint64_t) le16_at(p + 6) * 4;
        vq->enabled = true;
    }
    virtio_device_set_status(vdev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                             VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
    for (unsigned int i = 0; i < nnotify; i++)
        virtio_device_queue_notify(vdev, g->data[20 + i % 12] % vdev->num_queues);
    virtio_device_unlock(vdev);
}

void
fuzz_guest_cleanup(FuzzGuest *g)
{
    free(g->ram);
}
