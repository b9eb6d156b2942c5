/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The transport-independent virtio device: an ops table each device file
 * fills (trimmed like Firecracker's VirtioDevice), the queues, feature and
 * status bookkeeping.  virtio-rng.c is the template for a new device.
 *
 * Locking: VirtioDevice.lock (recursive) serialises the transport, queue
 * processing and device threads.  Every ops callback is called with it held;
 * device threads take it through virtio_device_lock().
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "hv/core/guest-memory.h"
#include "hv/pci/state.h"
#include "hv/virtio/virtqueue.h"

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE   1
#define VIRTIO_STATUS_DRIVER        2
#define VIRTIO_STATUS_DRIVER_OK     4
#define VIRTIO_STATUS_FEATURES_OK   8
#define VIRTIO_STATUS_NEEDS_RESET   64
#define VIRTIO_STATUS_FAILED        128

/* Reserved feature bits (6). */
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX     29
#define VIRTIO_F_VERSION_1          32

/* Device ids (5). */
#define VIRTIO_ID_NET       1
#define VIRTIO_ID_BLOCK     2
#define VIRTIO_ID_CONSOLE   3
#define VIRTIO_ID_RNG       4

#define VIRTIO_BIT(b)       (1ULL << (b))

typedef struct VirtioDevice VirtioDevice;

typedef struct {
    const char *name;
    uint16_t device_id;
    /*
     * Reads / writes @len bytes of the device configuration at @offset
     * (already checked against config_size).  NULL read = zeros, NULL write
     * = read-only configuration.
     */
    void (*config_read)(VirtioDevice *vdev, uint32_t offset, uint8_t *data, uint32_t len);
    void (*config_write)(VirtioDevice *vdev, uint32_t offset, const uint8_t *data, uint32_t len);
    /* DRIVER_OK was set with valid queues; 0 or -errno (then NEEDS_RESET). */
    int (*activate)(VirtioDevice *vdev);
    /* The driver reset the device (after the queues were reset). */
    void (*reset)(VirtioDevice *vdev);
    /* The driver notified queue @q (only after activation). */
    void (*queue_notify)(VirtioDevice *vdev, unsigned int q);
    /* Optional device-specific state after the common state (migration). */
    int (*save)(VirtioDevice *vdev, GByteArray *out);
    int (*load)(VirtioDevice *vdev, StateReader *in);
    /* Stops threads and frees the device (the containing object). */
    void (*destroy)(VirtioDevice *vdev);
} VirtioDeviceOps;

/* What the transport provides: interrupts and error reporting. */
typedef struct {
    void (*signal_queue)(void *opaque, VirtQueue *vq);
    void (*signal_config)(void *opaque);
    void *opaque;
} VirtioTransport;

struct VirtioDevice {
    const VirtioDeviceOps *ops;
    GRecMutex lock;
    GuestMemory *mem;
    VirtioTransport transport;

    uint64_t host_features;
    uint64_t driver_features;
    uint8_t status;
    uint8_t config_generation;
    uint32_t config_size;
    bool activated;
    bool broken;        /* NEEDS_RESET set; queues are not processed */
    bool warned;

    unsigned int num_queues;
    VirtQueue *queues;
};

/*
 * Initialises the embedded VirtioDevice of a device: @features are the
 * device-specific feature bits (VERSION_1, INDIRECT_DESC and EVENT_IDX are
 * added here).
 */
void virtio_device_init(VirtioDevice *vdev, const VirtioDeviceOps *ops, uint64_t features,
                        unsigned int num_queues, uint16_t queue_max_size, uint32_t config_size);
/* Frees what virtio_device_init allocated. */
void virtio_device_cleanup(VirtioDevice *vdev);
/* Calls ops->destroy; accepts NULL. */
void virtio_device_free(VirtioDevice *vdev);

static inline bool
virtio_has_feature(const VirtioDevice *vdev, unsigned int bit)
{
    return vdev->driver_features & VIRTIO_BIT(bit);
}

static inline void
virtio_device_lock(VirtioDevice *vdev)
{
    g_rec_mutex_lock(&vdev->lock);
}

static inline void
virtio_device_unlock(VirtioDevice *vdev)
{
    g_rec_mutex_unlock(&vdev->lock);
}

/* Whether the device may process queues (activated and not broken). */
bool virtio_device_running(const VirtioDevice *vdev);

/* Interrupts the driver for @vq if it asked for it (event index / flags). */
void virtio_device_notify_queue(VirtioDevice *vdev, VirtQueue *vq);
/* Signals a configuration change (bumps config_generation). */
void virtio_device_notify_config(VirtioDevice *vdev);

/*
 * The guest violated the specification: sets NEEDS_RESET, stops queue
 * processing until the driver resets the device, notifies the driver and
 * logs the reason once per device.
 */
void virtio_device_set_needs_reset(VirtioDevice *vdev, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/*
 * Transport helpers (virtio-pci.c, tests, fuzzers): the status state
 * machine.  Returns the new status.
 */
uint8_t virtio_device_set_status(VirtioDevice *vdev, uint8_t status);
/* Back to the power-on state; calls ops->reset. */
void virtio_device_reset(VirtioDevice *vdev);
/* Driver-side feature acceptance check used for FEATURES_OK. */
bool virtio_device_features_ok(const VirtioDevice *vdev);
/* Handles a driver notification of queue @q. */
void virtio_device_queue_notify(VirtioDevice *vdev, unsigned int q);

/*
 * Common state (features, status, queues with their ring positions), then
 * ops->save.  Load re-maps the rings of an active device and calls
 * ops->activate again (which must tolerate that) so device threads resume.
 * 0 or -EINVAL (different device or features, truncated blob).
 */
int virtio_device_save(VirtioDevice *vdev, GByteArray *out);
int virtio_device_load(VirtioDevice *vdev, StateReader *in);

/* Common buffer-processing helper: pops, and sets NEEDS_RESET on a fault. */
int virtio_device_pop(VirtioDevice *vdev, VirtQueue *vq, VirtqElement *elem);
