/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "hv/block/block.h"
#include "hv/virtio/virtio.h"

#define VIRTIO_BLK_F_SIZE_MAX       1
#define VIRTIO_BLK_F_SEG_MAX        2
#define VIRTIO_BLK_F_RO             5
#define VIRTIO_BLK_F_BLK_SIZE       6
#define VIRTIO_BLK_F_FLUSH          9
#define VIRTIO_BLK_F_DISCARD        13
#define VIRTIO_BLK_F_WRITE_ZEROES   14

#define VIRTIO_BLK_T_IN             0
#define VIRTIO_BLK_T_OUT            1
#define VIRTIO_BLK_T_FLUSH          4
#define VIRTIO_BLK_T_GET_ID         8
#define VIRTIO_BLK_T_DISCARD        11
#define VIRTIO_BLK_T_WRITE_ZEROES   13

#define VIRTIO_BLK_S_OK             0
#define VIRTIO_BLK_S_IOERR          1
#define VIRTIO_BLK_S_UNSUPP         2

#define VIRTIO_BLK_ID_BYTES         20
#define VIRTIO_BLK_CONFIG_SIZE      60

/* struct virtio_blk_config offsets */
#define VIRTIO_BLK_CFG_CAPACITY     0
#define VIRTIO_BLK_CFG_SIZE_MAX     8
#define VIRTIO_BLK_CFG_SEG_MAX      12
#define VIRTIO_BLK_CFG_BLK_SIZE     20
#define VIRTIO_BLK_CFG_NUM_QUEUES   34
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS 36
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG 40
#define VIRTIO_BLK_CFG_DISCARD_ALIGN 44
#define VIRTIO_BLK_CFG_MAX_WZ_SECTORS 48
#define VIRTIO_BLK_CFG_MAX_WZ_SEG   52
#define VIRTIO_BLK_CFG_WZ_MAY_UNMAP 56

typedef struct {
    const char *serial;         /* GET_ID answer (at most 20 bytes used); NULL = empty */
    uint32_t logical_block_size; /* 0 = 512; a power of two >= 512 */
    bool read_only;             /* refuse writes even if the backend is writable */
    uint16_t queue_size;        /* 0 = 256; a power of two <= 1024 */
} VirtioBlkConfig;

/*
 * virtio-blk (virtio 1.x 5.2) on @bb, which the device owns from then on
 * (block_close() on destroy, also on failure).  One request queue; requests
 * are processed synchronously in the thread that notifies the queue (the
 * vCPU on an MMIO exit, or the machine's ioeventfd thread).  Offers FLUSH,
 * DISCARD, WRITE_ZEROES, BLK_SIZE, SEG_MAX, SIZE_MAX and RO (when @cfg or
 * the backend is read-only).  Requests past the capacity and write requests
 * on a read-only disk complete with IOERR; unknown types with UNSUPP.
 * Returns NULL for an invalid @cfg.
 */
VirtioDevice *virtio_blk_create(BlockBackend *bb, const VirtioBlkConfig *cfg);

/* I/O counters of a virtio-blk device: completed (successful) read and
 * write requests and their bytes, and flush requests.  Updated atomically
 * by the thread handling the queue, readable from any thread. */
typedef struct {
    uint64_t rd_req;
    uint64_t rd_bytes;
    uint64_t wr_req;
    uint64_t wr_bytes;
    uint64_t flush_req;
} VirtioBlkStats;

void virtio_blk_get_stats(VirtioDevice *vdev, VirtioBlkStats *st);
