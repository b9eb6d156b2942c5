/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared driver for the virtio device fuzzers.  Input layout:
 *
 *   0       flags: bit 0 EVENT_IDX, bit 1 INDIRECT_DESC, bit 2 device features
 *   1       number of notifications (at most 64; the list repeats)
 *   2..3    reserved
 *   4..11   queue 0: le16 size, le16 desc / 16, le16 avail / 2, le16 used / 4
 *   12..19  queue 1: the same
 *   20..31  notification list: queue index per byte
 *   32..    guest RAM contents from guest-physical 0 (64 KiB of RAM)
 *
 * The device runs on the real virtqueue and device core with no transport;
 * rings and buffers may point anywhere, including outside RAM.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hv/virtio/virtio.h"

#define FUZZ_HDR_SIZE   32
#define FUZZ_RAM_SIZE   0x10000

typedef struct {
    uint8_t *ram;
    GuestMemory mem;
    const uint8_t *data;
    size_t size;
} FuzzGuest;

/* Returns 0 when the input is too short to use. */
int fuzz_guest_init(FuzzGuest *g, const uint8_t *data, size_t size);
/* Negotiates, configures the queues, activates @vdev and sends the notifications. */
void fuzz_guest_run(FuzzGuest *g, VirtioDevice *vdev);
void fuzz_guest_cleanup(FuzzGuest *g);
