/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Transport-independent virtio device state: status state machine
 * (virtio 1.x 2.1, 3.1), feature negotiation, NEEDS_RESET.
 */
#include <errno.h>
#include <stdarg.h>

#include "hv/virtio/virtio.h"
#include "util/log.h"

#define VIRTIO_TRANSPORT_FEATURES \
    (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) | \
     VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX))

void
virtio_device_init(VirtioDevice *vdev, const VirtioDeviceOps *ops, uint64_t features,
                   unsigned int num_queues, uint16_t queue_max_size, uint32_t config_size)
{
    vdev->ops = ops;
    g_rec_mutex_init(&vdev->lock);
    vdev->host_features = features | VIRTIO_TRANSPORT_FEATURES;
    vdev->config_size = config_size;
    vdev->num_queues = num_queues;
    vdev->queues = g_new0(VirtQueue, num_queues);
    for (unsigned int i = 0; i < num_queues; i++)
        virtqueue_reset(&vdev->queues[i], queue_max_size);
}

void
virtio_device_cleanup(VirtioDevice *vdev)
{
    g_clear_pointer(&vdev->queues, g_free);
    g_rec_mutex_clear(&vdev->lock);
}

void
virtio_device_free(VirtioDevice *vdev)
{
    if (vdev && vdev->ops->destroy)
        vdev->ops->destroy(vdev);
}

bool
virtio_device_running(const VirtioDevice *vdev)
{
    return vdev->activated && !vdev->broken;
}

void
virtio_device_notify_queue(VirtioDevice *vdev, VirtQueue *vq)
{
    if (virtqueue_should_notify(vq) && vdev->transport.signal_queue)
        vdev->transport.signal_queue(vdev->transport.opaque, vq);
}

void
virtio_device_notify_config(VirtioDevice *vdev)
{
    vdev->config_generation++;
    if (vdev->transport.signal_config)
        vdev->transport.signal_config(vdev->transport.opaque);
}

void
virtio_device_set_needs_reset(VirtioDevice *vdev, const char *fmt, ...)
{
    va_list ap;

    if (vdev->broken)
        return;
    vdev->broken = true;
    vdev->status |= VIRTIO_STATUS_NEEDS_RESET;
    if (!vdev->warned) {
        g_autofree char *msg = NULL;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        vdev->warned = true;
        log_warning("virtio-%s: guest error, device needs reset: %s (further errors not logged)",
                    vdev->ops->name, msg);
    }
    if (vdev->status & VIRTIO_STATUS_DRIVER_OK)
        virtio_device_notify_config(vdev);
}

bool
virtio_device_features_ok(const VirtioDevice *vdev)
{
    return (vdev->driver_features & ~vdev->host_features) == 0 &&
           virtio_has_feature(vdev, VIRTIO_F_VERSION_1);
}

void
virtio_device_reset(VirtioDevice *vdev)
{
    vdev->activated = false;
    for (unsigned int i = 0; i < vdev->num_queues; i++)
        virtqueue_reset(&vdev->queues[i], vdev->queues[i].max_size);
    vdev->status = 0;
    vdev->driver_features = 0;
    vdev->broken = false;
    if (vdev->ops->reset)
        vdev->ops->reset(vdev);
}

static int
virtio_device_activate(VirtioDevice *vdev)
{
    bool event_idx = virtio_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX);
    bool indirect = virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC);

    for (unsigned int i = 0; i < vdev->num_queues; i++) {
        VirtQueue *vq = &vdev->queues[i];
        int r;

        if (!vq->enabled)
            continue;
        r = virtqueue_start(vq, vdev->mem, event_idx, indirect);
        if (r < 0) {
            virtio_device_set_needs_reset(vdev, "queue %u: %s", i,
                                          r == -EFAULT ? "ring outside guest RAM"
                                                       : "bad size or alignment");
            return r;
        }
    }
    vdev->activated = true;
    if (vdev->ops->activate && vdev->ops->activate(vdev) < 0) {
        virtio_device_set_needs_reset(vdev, "activation failed");
        return -EIO;
    }
    return 0;
}

uint8_t
virtio_device_set_status(VirtioDevice *vdev, uint8_t status)
{
    uint8_t old = vdev->status;
    uint8_t added;

    if (status == 0) {
        virtio_device_reset(vdev);
        return 0;
    }
    /* NEEDS_RESET belongs to the device; the driver never clears a bit */
    status = (uint8_t) ((status & ~VIRTIO_STATUS_NEEDS_RESET) | (old & VIRTIO_STATUS_NEEDS_RESET));
    if (old & ~status) {
        virtio_device_set_needs_reset(vdev, "driver cleared status bits 0x%x", old & ~status);
        return vdev->status;
    }
    added = status & ~old;
    if ((added & VIRTIO_STATUS_FEATURES_OK) && !virtio_device_features_ok(vdev))
        status &= (uint8_t) ~VIRTIO_STATUS_FEATURES_OK;
    vdev->status = status;
    if (added & VIRTIO_STATUS_DRIVER_OK) {
        if (!(status & VIRTIO_STATUS_FEATURES_OK))
            virtio_device_set_needs_reset(vdev, "DRIVER_OK without FEATURES_OK");
        else if (!vdev->broken)
            virtio_device_activate(vdev);
    }
    return vdev->status;
}

void
virtio_device_queue_notify(VirtioDevice *vdev, unsigned int q)
{
    if (!virtio_device_running(vdev) || q >= vdev->num_queues ||
        !vdev->queues[q].enabled || !vdev->ops->queue_notify)
        return;
    vdev->ops->queue_notify(vdev, q);
}

int
virtio_device_pop(VirtioDevice *vdev, VirtQueue *vq, VirtqElement *elem)
{
    int r;

    if (!virtio_device_running(vdev))
        return 0;
    r = virtqueue_pop(vq, elem);
    if (r < 0)
        virtio_device_set_needs_reset(vdev, "queue %u: %s", (unsigned int) (vq - vdev->queues),
                                      r == -EFAULT ? "descriptor outside guest RAM"
                                                   : "malformed descriptor chain");
    return r;
}

#define VIRTIO_STATE_VERSION 1

int
virtio_device_save(VirtioDevice *vdev, GByteArray *out)
{
    state_put(out, VIRTIO_STATE_VERSION, 1);
    state_put(out, vdev->ops->device_id, 2);
    state_put(out, vdev->host_features, 8);
    state_put(out, vdev->driver_features, 8);
    state_put(out, vdev->status, 1);
    state_put(out, vdev->config_generation, 1);
    state_put(out, vdev->activated, 1);
    state_put(out, vdev->broken, 1);
    state_put(out, vdev->num_queues, 2);
    for (unsigned int i = 0; i < vdev->num_queues; i++) {
        const VirtQueue *vq = &vdev->queues[i];

        state_put(out, vq->max_size, 2);
        state_put(out, vq->size, 2);
        state_put(out, vq->enabled, 1);
        state_put(out, vq->msix_vector, 2);
        state_put(out, vq->desc_addr, 8);
        state_put(out, vq->avail_addr, 8);
        state_put(out, vq->used_addr, 8);
        state_put(out, vq->last_avail_idx, 2);
        state_put(out, vq->used_idx, 2);
        state_put(out, vq->signalled_used, 2);
        state_put(out, vq->signalled_used_valid, 1);
    }
    return vdev->ops->save ? vdev->ops->save(vdev, out) : 0;
}

static int
virtio_queue_load(VirtioDevice *vdev, VirtQueue *vq, StateReader *in)
{
    uint16_t last_avail, used, signalled;
    bool valid;

    if (state_get(in, 2) != vq->max_size)
        return -EINVAL;
    vq->size = (uint16_t) state_get(in, 2);
    vq->enabled = state_get(in, 1) != 0;
    vq->msix_vector = (uint16_t) state_get(in, 2);
    vq->desc_addr = state_get(in, 8);
    vq->avail_addr = state_get(in, 8);
    vq->used_addr = state_get(in, 8);
    last_avail = (uint16_t) state_get(in, 2);
    used = (uint16_t) state_get(in, 2);
    signalled = (uint16_t) state_get(in, 2);
    valid = state_get(in, 1) != 0;
    if (in->bad)
        return -EINVAL;
    if (vdev->activated && !vdev->broken && vq->enabled &&
        virtqueue_start(vq, vdev->mem, virtio_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX),
                        virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC)) < 0)
        return -EINVAL;
    vq->last_avail_idx = last_avail;
    vq->used_idx = used;
    vq->signalled_used = signalled;
    vq->signalled_used_valid = valid;
    return 0;
}

int
virtio_device_load(VirtioDevice *vdev, StateReader *in)
{
    if (state_get(in, 1) != VIRTIO_STATE_VERSION || state_get(in, 2) != vdev->ops->device_id ||
        state_get(in, 8) != vdev->host_features)
        return -EINVAL;
    virtio_device_reset(vdev);
    vdev->driver_features = state_get(in, 8);
    vdev->status = (uint8_t) state_get(in, 1);
    vdev->config_generation = (uint8_t) state_get(in, 1);
    vdev->activated = state_get(in, 1) != 0;
    vdev->broken = state_get(in, 1) != 0;
    if (in->bad || state_get(in, 2) != vdev->num_queues ||
        (vdev->driver_features & ~vdev->host_features))
        return -EINVAL;
    for (unsigned int i = 0; i < vdev->num_queues; i++)
        if (virtio_queue_load(vdev, &vdev->queues[i], in) < 0)
            return -EINVAL;
    if (vdev->ops->load && vdev->ops->load(vdev, in) < 0)
        return -EINVAL;
    if (vdev->activated && !vdev->broken && vdev->ops->activate)
        vdev->ops->activate(vdev);
    return in->bad ? -EINVAL : 0;
}
