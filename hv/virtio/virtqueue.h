/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Split virtqueues (virtio 1.x section 2.7) on the device side.  Every guest
 * address is translated through guest_memory_translate(); a malformed ring
 * or descriptor chain makes the call fail with -EINVAL / -EFAULT, and the
 * caller then sets NEEDS_RESET on its device.  Callers serialise access to
 * one queue (the device lock).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "hv/core/guest-memory.h"

#define VIRTQ_DESC_F_NEXT       1
#define VIRTQ_DESC_F_WRITE      2
#define VIRTQ_DESC_F_INDIRECT   4

#define VIRTQ_USED_F_NO_NOTIFY  1
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

#define VIRTQ_MAX_SIZE          1024
/* Longest indirect table accepted (entries), as QEMU. */
#define VIRTQ_MAX_INDIRECT      1024
#define VIRTIO_MSI_NO_VECTOR    0xffff

typedef struct {
    /* configured by the driver through the transport */
    uint16_t max_size;
    uint16_t size;
    bool enabled;
    uint16_t msix_vector;
    uint64_t desc_addr;
    uint64_t avail_addr;
    uint64_t used_addr;

    /* run-time state */
    GuestMemory *mem;
    bool event_idx;
    bool indirect;
    uint16_t last_avail_idx;
    uint16_t used_idx;
    uint16_t signalled_used;
    bool signalled_used_valid;
    uint8_t *desc;          /* host pointers, valid once started */
    uint8_t *avail;
    uint8_t *used;
} VirtQueue;

/* One popped descriptor chain: device-readable buffers first, then writable. */
typedef struct {
    uint16_t head;
    unsigned int out_num;   /* readable iovecs: iov[0 .. out_num) */
    unsigned int in_num;    /* writable iovecs: iov[out_num .. out_num + in_num) */
    size_t out_len;
    size_t in_len;
    struct iovec *iov;
    unsigned int iov_cap;
} VirtqElement;

/* Resets a queue to its power-on state (size = max_size, not enabled). */
void virtqueue_reset(VirtQueue *vq, uint16_t max_size);

/*
 * Validates the driver's configuration and maps the rings.  0, or -EINVAL
 * for a bad size or alignment, -EFAULT when a ring is not in guest RAM.
 */
int virtqueue_start(VirtQueue *vq, GuestMemory *mem, bool event_idx, bool indirect);

/*
 * Takes the next available chain.  1 with @elem filled, 0 when the ring is
 * empty (guest notifications are then enabled), -EINVAL / -EFAULT when the
 * guest broke the ring (loop, chain too long, bad index, DMA outside RAM).
 */
int virtqueue_pop(VirtQueue *vq, VirtqElement *elem);

/* Gives the last popped chain back (e.g. no data to put in it yet). */
void virtqueue_unpop(VirtQueue *vq);

/* Returns @elem to the driver with @len bytes written. */
void virtqueue_push(VirtQueue *vq, const VirtqElement *elem, uint32_t len);

/* Whether the driver wants an interrupt for what was pushed since last time. */
bool virtqueue_should_notify(VirtQueue *vq);

void virtqueue_element_clear(VirtqElement *elem);

/* Copies between an iovec array and a flat buffer from byte @offset. */
size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t offset,
                  void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, unsigned int n, size_t offset,
                    const void *buf, size_t len);
/*
 * Fills @dst (capacity @dst_cap) with the part [offset, offset + len) of
 * @iov; returns the number of entries used.
 */
unsigned int iov_slice(const struct iovec *iov, unsigned int n, size_t offset,
                       size_t len, struct iovec *dst, unsigned int dst_cap);
