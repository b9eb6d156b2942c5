/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtio-blk: requests are a 16-byte header (type, reserved, sector) in
 * device-readable buffers, data, and a status byte in the last writable
 * byte.  Sectors are always 512 bytes, whatever the logical block size.
 */
#include <errno.h>
#include <string.h>

#include "hv/pci/pci.h"
#include "hv/virtio/virtio-blk.h"

#define SECTOR_SIZE         512ULL
#define BLK_SIZE_MAX        (1u << 20)
#define BLK_MAX_DISCARD     (1u << 22)      /* sectors per segment */
#define BLK_SEG_BYTES       16

typedef struct {
    VirtioDevice vdev;
    BlockBackend *bb;
    bool read_only;
    uint64_t capacity;          /* sectors */
    uint8_t config[VIRTIO_BLK_CONFIG_SIZE];
    char serial[VIRTIO_BLK_ID_BYTES];
    VirtqElement elem;
    struct iovec *data_iov;
    unsigned int data_iov_cap;
    VirtioBlkStats stats;       /* __atomic accesses only */
} VirtioBlk;

static void
blk_count(uint64_t *counter, uint64_t n)
{
    __atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

void
virtio_blk_get_stats(VirtioDevice *vdev, VirtioBlkStats *st)
{
    VirtioBlk *blk = (VirtioBlk *) vdev;

    st->rd_req = __atomic_load_n(&blk->stats.rd_req, __ATOMIC_RELAXED);
    st->rd_bytes = __atomic_load_n(&blk->stats.rd_bytes, __ATOMIC_RELAXED);
    st->wr_req = __atomic_load_n(&blk->stats.wr_req, __ATOMIC_RELAXED);
    st->wr_bytes = __atomic_load_n(&blk->stats.wr_bytes, __ATOMIC_RELAXED);
    st->flush_req = __atomic_load_n(&blk->stats.flush_req, __ATOMIC_RELAXED);
}

static void
blk_config_read(VirtioDevice *vdev, uint32_t offset, uint8_t *data, uint32_t len)
{
    memcpy(data, ((VirtioBlk *) vdev)->config + offset, len);
}

/* The part [offset, offset + len) of the chain's @writable / readable side. */
static unsigned int
blk_data_iov(VirtioBlk *blk, bool writable, size_t offset, size_t len)
{
    const VirtqElement *e = &blk->elem;
    unsigned int n = e->out_num + e->in_num;

    if (n > blk->data_iov_cap) {
        blk->data_iov_cap = n;
        blk->data_iov = g_renew(struct iovec, blk->data_iov, n);
    }
    if (writable)
        return iov_slice(e->iov + e->out_num, e->in_num, offset, len, blk->data_iov, n);
    return iov_slice(e->iov, e->out_num, offset, len, blk->data_iov, n);
}

static bool
blk_range_ok(VirtioBlk *blk, uint64_t sector, uint64_t bytes)
{
    return sector <= blk->capacity && bytes % SECTOR_SIZE == 0 &&
           bytes / SECTOR_SIZE <= blk->capacity - sector;
}

static uint8_t
blk_rw(VirtioBlk *blk, bool write, uint64_t sector, uint32_t *used)
{
    const VirtqElement *e = &blk->elem;
    size_t len = write ? e->out_len - BLK_SEG_BYTES : e->in_len - 1;
    unsigned int n;
    int r;

    if (write && blk->read_only)
        return VIRTIO_BLK_S_IOERR;
    if (!blk_range_ok(blk, sector, len))
        return VIRTIO_BLK_S_IOERR;
    if (len == 0) {
        blk_count(write ? &blk->stats.wr_req : &blk->stats.rd_req, 1);
        return VIRTIO_BLK_S_OK;
    }
    n = blk_data_iov(blk, !write, write ? BLK_SEG_BYTES : 0, len);
    if (write) {
        r = block_pwritev(blk->bb, blk->data_iov, (int) n, sector * SECTOR_SIZE);
    } else {
        r = block_preadv(blk->bb, blk->data_iov, (int) n, sector * SECTOR_SIZE);
        if (r >= 0)
            *used += (uint32_t) len;
    }
    if (r < 0)
        return VIRTIO_BLK_S_IOERR;
    blk_count(write ? &blk->stats.wr_req : &blk->stats.rd_req, 1);
    blk_count(write ? &blk->stats.wr_bytes : &blk->stats.rd_bytes, len);
    return VIRTIO_BLK_S_OK;
}

static uint8_t
blk_get_id(VirtioBlk *blk, uint32_t *used)
{
    const VirtqElement *e = &blk->elem;
    size_t len = MIN((size_t) VIRTIO_BLK_ID_BYTES, e->in_len - 1);

    *used += (uint32_t) iov_from_buf(e->iov + e->out_num, e->in_num, 0, blk->serial, len);
    return VIRTIO_BLK_S_OK;
}

/* DISCARD and WRITE_ZEROES: one segment (max_*_seg = 1). */
static uint8_t
blk_discard_wz(VirtioBlk *blk, uint32_t type)
{
    const VirtqElement *e = &blk->elem;
    uint8_t seg[BLK_SEG_BYTES];
    uint64_t sector;
    uint32_t nsect, flags;
    int r;

    if (!virtio_has_feature(&blk->vdev, type == VIRTIO_BLK_T_DISCARD ?
                            VIRTIO_BLK_F_DISCARD : VIRTIO_BLK_F_WRITE_ZEROES))
        return VIRTIO_BLK_S_UNSUPP;
    if (e->out_len - BLK_SEG_BYTES != BLK_SEG_BYTES)
        return VIRTIO_BLK_S_UNSUPP;
    iov_to_buf(e->iov, e->out_num, BLK_SEG_BYTES, seg, sizeof(seg));
    memcpy(&sector, seg, 8);
    memcpy(&nsect, seg + 8, 4);
    memcpy(&flags, seg + 12, 4);
    sector = GUINT64_FROM_LE(sector);
    nsect = GUINT32_FROM_LE(nsect);
    flags = GUINT32_FROM_LE(flags);
    /* only "unmap" is defined, and only for WRITE_ZEROES */
    if ((flags & ~1u) || (type == VIRTIO_BLK_T_DISCARD && flags))
        return VIRTIO_BLK_S_UNSUPP;
    if (blk->read_only || nsect > BLK_MAX_DISCARD ||
        !blk_range_ok(blk, sector, (uint64_t) nsect * SECTOR_SIZE))
        return VIRTIO_BLK_S_IOERR;
    if (type == VIRTIO_BLK_T_DISCARD)
        r = block_discard(blk->bb, sector * SECTOR_SIZE, (uint64_t) nsect * SECTOR_SIZE);
    else
        r = block_write_zeroes(blk->bb, sector * SECTOR_SIZE, (uint64_t) nsect * SECTOR_SIZE,
                               flags & 1);
    /* discard is a hint: a backend that cannot punch holes still succeeds */
    if (r == -EOPNOTSUPP && type == VIRTIO_BLK_T_DISCARD)
        r = 0;
    return r < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

/* Handles the popped request; returns the used length, or -1 if malformed. */
static int
blk_handle(VirtioBlk *blk)
{
    const VirtqElement *e = &blk->elem;
    uint8_t hdr[BLK_SEG_BYTES], status;
    uint32_t type, used = 1;
    uint64_t sector;

    if (e->out_len < BLK_SEG_BYTES || e->in_len < 1)
        return -1;
    iov_to_buf(e->iov, e->out_num, 0, hdr, sizeof(hdr));
    memcpy(&type, hdr, 4);
    memcpy(&sector, hdr + 8, 8);
    type = GUINT32_FROM_LE(type);
    sector = GUINT64_FROM_LE(sector);
    switch (type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT:
        status = blk_rw(blk, type == VIRTIO_BLK_T_OUT, sector, &used);
        break;
    case VIRTIO_BLK_T_FLUSH:
        blk_count(&blk->stats.flush_req, 1);
        status = block_flush(blk->bb) < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
        break;
    case VIRTIO_BLK_T_GET_ID:
        status = blk_get_id(blk, &used);
        break;
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
        status = blk_discard_wz(blk, type);
        break;
    default:
        status = VIRTIO_BLK_S_UNSUPP;
        break;
    }
    iov_from_buf(e->iov + e->out_num, e->in_num, e->in_len - 1, &status, 1);
    return (int) used;
}

static void
blk_queue_notify(VirtioDevice *vdev, unsigned int q)
{
    VirtioBlk *blk = (VirtioBlk *) vdev;
    VirtQueue *vq = &vdev->queues[q];
    bool pushed = false;

    while (virtio_device_pop(vdev, vq, &blk->elem) > 0) {
        int used = blk_handle(blk);

        if (used < 0) {
            virtio_device_set_needs_reset(vdev, "request without header or status byte");
            break;
        }
        virtqueue_push(vq, &blk->elem, (uint32_t) used);
        pushed = true;
    }
    if (pushed)
        virtio_device_notify_queue(vdev, vq);
}

static void
blk_destroy(VirtioDevice *vdev)
{
    VirtioBlk *blk = (VirtioBlk *) vdev;

    block_close(blk->bb);
    virtqueue_element_clear(&blk->elem);
    g_free(blk->data_iov);
    virtio_device_cleanup(vdev);
    g_free(blk);
}

static const VirtioDeviceOps virtio_blk_ops = {
    .name = "blk",
    .device_id = VIRTIO_ID_BLOCK,
    .config_read = blk_config_read,
    .queue_notify = blk_queue_notify,
    .destroy = blk_destroy,
};

static void
blk_fill_config(VirtioBlk *blk, uint32_t block_size, uint16_t queue_size)
{
    uint8_t *c = blk->config;
    uint64_t cap = GUINT64_TO_LE(blk->capacity);

    memcpy(c + VIRTIO_BLK_CFG_CAPACITY, &cap, 8);
    pci_set_long(c + VIRTIO_BLK_CFG_SIZE_MAX, BLK_SIZE_MAX);
    pci_set_long(c + VIRTIO_BLK_CFG_SEG_MAX, queue_size - 2u);
    pci_set_long(c + VIRTIO_BLK_CFG_BLK_SIZE, block_size);
    pci_set_word(c + VIRTIO_BLK_CFG_NUM_QUEUES, 1);
    pci_set_long(c + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, BLK_MAX_DISCARD);
    pci_set_long(c + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 1);
    pci_set_long(c + VIRTIO_BLK_CFG_DISCARD_ALIGN, block_size / SECTOR_SIZE);
    pci_set_long(c + VIRTIO_BLK_CFG_MAX_WZ_SECTORS, BLK_MAX_DISCARD);
    pci_set_long(c + VIRTIO_BLK_CFG_MAX_WZ_SEG, 1);
    c[VIRTIO_BLK_CFG_WZ_MAY_UNMAP] = 1;
}

VirtioDevice *
virtio_blk_create(BlockBackend *bb, const VirtioBlkConfig *cfg)
{
    static const VirtioBlkConfig defaults = { 0 };
    VirtioBlk *blk;
    uint32_t bs;
    uint16_t qs;
    uint64_t features;

    if (!cfg)
        cfg = &defaults;
    bs = cfg->logical_block_size ? cfg->logical_block_size : SECTOR_SIZE;
    qs = cfg->queue_size ? cfg->queue_size : 256;
    if (!bb || bs < SECTOR_SIZE || bs > 65536 || (bs & (bs - 1)) || qs < 4 ||
        qs > VIRTQ_MAX_SIZE || (qs & (qs - 1))) {
        block_close(bb);
        return NULL;
    }
    blk = g_new0(VirtioBlk, 1);
    blk->bb = bb;
    blk->read_only = cfg->read_only || block_is_read_only(bb);
    blk->capacity = block_get_size(bb) / SECTOR_SIZE;
    if (cfg->serial)
        memcpy(blk->serial, cfg->serial, MIN(strlen(cfg->serial), sizeof(blk->serial)));
    features = VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
               VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |
               VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
    if (blk->read_only)
        features |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
    virtio_device_init(&blk->vdev, &virtio_blk_ops, features, 1, qs, VIRTIO_BLK_CONFIG_SIZE);
    blk_fill_config(blk, bs, qs);
    return &blk->vdev;
}
