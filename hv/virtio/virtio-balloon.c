/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtio-balloon: the host sets num_pages, the driver inflates (hands us
 * PFNs it no longer uses) or deflates, and reports its balloon size in
 * "actual".  Nothing is tracked per page: a deflated page is simply
 * faulted in again on the next guest access.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

#include "hv/virtio/virtio-balloon.h"

#define BALLOON_QUEUE_SIZE  256
#define BALLOON_Q_INFLATE   0
#define BALLOON_Q_DEFLATE   1
#define BALLOON_Q_STATS     2
#define BALLOON_F_STATS_VQ  1
#define BALLOON_STAT_SIZE   10      /* le16 tag, le64 value */

/* Configuration layout (5.5.4), little-endian. */
#define BALLOON_CFG_NUM_PAGES   0
#define BALLOON_CFG_ACTUAL      4
#define BALLOON_CFG_SIZE        8

typedef struct {
    VirtioDevice vdev;
    VirtqElement elem;
    VirtqElement stats_elem;        /* the driver's stats buffer, held */
    bool stats_held;
    uint64_t stats[VIRTIO_BALLOON_NR_STATS];
    uint32_t stats_valid;           /* bit per tag */
    uint8_t config[BALLOON_CFG_SIZE];
    bool warned_pfn;
} VirtioBalloon;

static uint32_t
balloon_cfg_get(const VirtioBalloon *b, uint32_t off)
{
    const uint8_t *p = b->config + off;

    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
           (uint32_t) p[3] << 24;
}

static void
balloon_cfg_set(VirtioBalloon *b, uint32_t off, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b->config[off + i] = (uint8_t) (v >> (8 * i));
}

static const GuestMemoryRegion *
balloon_region(const GuestMemory *mem, uint64_t gpa)
{
    for (unsigned int i = 0; i < mem->nregions; i++) {
        const GuestMemoryRegion *r = &mem->regions[i];

        if (gpa >= r->gpa && gpa - r->gpa < r->size)
            return r;
    }
    return NULL;
}

/* Gives one guest page back to the host; invalid PFNs are logged once. */
static void
balloon_discard(VirtioBalloon *b, uint32_t pfn)
{
    uint64_t gpa = (uint64_t) pfn * VIRTIO_BALLOON_PAGE_SIZE;
    uint8_t *hva = guest_memory_translate(b->vdev.mem, gpa, VIRTIO_BALLOON_PAGE_SIZE);
    const GuestMemoryRegion *r;

    if (!hva) {
        if (!b->warned_pfn)
            g_warning("virtio-balloon: ignoring PFN 0x%x outside guest RAM", pfn);
        b->warned_pfn = true;
        return;
    }
    r = balloon_region(b->vdev.mem, gpa);
    /* A shared memfd keeps its data under MADV_DONTNEED: punch the hole. */
    if (r && r->fd >= 0)
        (void)fallocate(r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                        (off_t) (r->fd_offset + (gpa - r->gpa)), VIRTIO_BALLOON_PAGE_SIZE);
    (void)madvise(hva, VIRTIO_BALLOON_PAGE_SIZE, MADV_DONTNEED);
}

/* Walks the little-endian PFN array of the driver-readable buffers. */
static void
balloon_inflate(VirtioBalloon *b, const VirtqElement *elem)
{
    uint8_t pfn[4];
    unsigned int have = 0;

    for (unsigned int i = 0; i < elem->out_num; i++) {
        const uint8_t *p = elem->iov[i].iov_base;

        for (size_t k = 0; k < elem->iov[i].iov_len; k++) {
            pfn[have++] = p[k];
            if (have == 4) {
                balloon_discard(b, (uint32_t) pfn[0] | (uint32_t) pfn[1] << 8 |
                                   (uint32_t) pfn[2] << 16 | (uint32_t) pfn[3] << 24);
                have = 0;
            }
        }
    }
}

/* Records the (tag, value) entries of the driver's stats buffer. */
static void
balloon_stats_parse(VirtioBalloon *b, const VirtqElement *elem)
{
    uint8_t e[BALLOON_STAT_SIZE];
    unsigned int have = 0;

    for (unsigned int i = 0; i < elem->out_num; i++) {
        const uint8_t *p = elem->iov[i].iov_base;

        for (size_t k = 0; k < elem->iov[i].iov_len; k++) {
            unsigned int tag;
            uint64_t v = 0;

            e[have++] = p[k];
            if (have < BALLOON_STAT_SIZE)
                continue;
            have = 0;
            tag = (unsigned int) e[0] | (unsigned int) e[1] << 8;
            for (int j = 7; j >= 0; j--)
                v = v << 8 | e[2 + j];
            if (tag < VIRTIO_BALLOON_NR_STATS) {
                b->stats[tag] = v;
                b->stats_valid |= 1u << tag;
            }
        }
    }
}

/* Returns the held stats buffer so the driver refills it. */
static void
balloon_stats_release(VirtioBalloon *b, bool notify)
{
    VirtQueue *vq = &b->vdev.queues[BALLOON_Q_STATS];

    if (!b->stats_held)
        return;
    b->stats_held = false;
    virtqueue_push(vq, &b->stats_elem, 0);
    if (notify)
        virtio_device_notify_queue(&b->vdev, vq);
}

static void
balloon_stats_notify(VirtioBalloon *b)
{
    VirtQueue *vq = &b->vdev.queues[BALLOON_Q_STATS];

    /* A kick while a buffer is held: give that one back, take the next. */
    balloon_stats_release(b, true);
    if (!b->stats_held && virtio_device_pop(&b->vdev, vq, &b->stats_elem) > 0) {
        b->stats_held = true;
        balloon_stats_parse(b, &b->stats_elem);
    }
}

static void
balloon_queue_notify(VirtioDevice *vdev, unsigned int q)
{
    VirtioBalloon *b = (VirtioBalloon *) vdev;
    VirtQueue *vq = &vdev->queues[q];
    bool pushed = false;

    if (q == BALLOON_Q_STATS) {
        balloon_stats_notify(b);
        return;
    }
    while (virtio_device_pop(vdev, vq, &b->elem) > 0) {
        if (q == BALLOON_Q_INFLATE)
            balloon_inflate(b, &b->elem);
        virtqueue_push(vq, &b->elem, 0);
        pushed = true;
    }
    if (pushed)
        virtio_device_notify_queue(vdev, vq);
}

static void
balloon_config_read(VirtioDevice *vdev, uint32_t offset, uint8_t *data, uint32_t len)
{
    memcpy(data, ((VirtioBalloon *) vdev)->config + offset, len);
}

/* Only "actual" is driver-writable. */
static void
balloon_config_write(VirtioDevice *vdev, uint32_t offset, const uint8_t *data, uint32_t len)
{
    VirtioBalloon *b = (VirtioBalloon *) vdev;

    for (uint32_t i = 0; i < len; i++) {
        if (offset + i >= BALLOON_CFG_ACTUAL)
            b->config[offset + i] = data[i];
    }
}

static void
balloon_reset(VirtioDevice *vdev)
{
    VirtioBalloon *b = (VirtioBalloon *) vdev;

    balloon_cfg_set(b, BALLOON_CFG_ACTUAL, 0);
    b->stats_held = false;
    b->stats_valid = 0;
}

/* Migration: the host's target and the driver's "actual". */
static int
balloon_save(VirtioDevice *vdev, GByteArray *out)
{
    VirtioBalloon *b = (VirtioBalloon *) vdev;

    state_put(out, balloon_cfg_get(b, BALLOON_CFG_NUM_PAGES), 4);
    state_put(out, balloon_cfg_get(b, BALLOON_CFG_ACTUAL), 4);
    return 0;
}

static int
balloon_load(VirtioDevice *vdev, StateReader *in)
{
    VirtioBalloon *b = (VirtioBalloon *) vdev;
    uint32_t num_pages = (uint32_t) state_get(in, 4);
    uint32_t actual = (uint32_t) state_get(in, 4);

    if (in->bad)
        return -EINVAL;
    balloon_cfg_set(b, BALLOON_CFG_NUM_PAGES, num_pages);
    balloon_cfg_set(b, BALLOON_CFG_ACTUAL, actual);
    return 0;
}

static void
balloon_destroy(VirtioDevice *vdev)
{
    VirtioBalloon *b = (VirtioBalloon *) vdev;

    virtqueue_element_clear(&b->elem);
    virtqueue_element_clear(&b->stats_elem);
    virtio_device_cleanup(vdev);
    g_free(b);
}

static const VirtioDeviceOps virtio_balloon_ops = {
    .name = "balloon",
    .device_id = VIRTIO_ID_BALLOON,
    .config_read = balloon_config_read,
    .config_write = balloon_config_write,
    .reset = balloon_reset,
    .queue_notify = balloon_queue_notify,
    .save = balloon_save,
    .load = balloon_load,
    .destroy = balloon_destroy,
};

VirtioDevice *
virtio_balloon_create(void)
{
    VirtioBalloon *b = g_new0(VirtioBalloon, 1);

    virtio_device_init(&b->vdev, &virtio_balloon_ops, VIRTIO_BIT(BALLOON_F_STATS_VQ), 3,
                       BALLOON_QUEUE_SIZE,
                       BALLOON_CFG_SIZE);
    return &b->vdev;
}

void
virtio_balloon_set_target(VirtioDevice *vdev, uint32_t num_pages)
{
    VirtioBalloon *b = (VirtioBalloon *) vdev;
    bool changed;

    virtio_device_lock(vdev);
    changed = balloon_cfg_get(b, BALLOON_CFG_NUM_PAGES) != num_pages;
    balloon_cfg_set(b, BALLOON_CFG_NUM_PAGES, num_pages);
    if (changed)
        virtio_device_notify_config(vdev);
    virtio_device_unlock(vdev);
}

uint32_t
virtio_balloon_get_target(VirtioDevice *vdev)
{
    uint32_t v;

    virtio_device_lock(vdev);
    v = balloon_cfg_get((VirtioBalloon *) vdev, BALLOON_CFG_NUM_PAGES);
    virtio_device_unlock(vdev);
    return v;
}

uint32_t
virtio_balloon_get_actual(VirtioDevice *vdev)
{
    uint32_t v;

    virtio_device_lock(vdev);
    v = balloon_cfg_get((VirtioBalloon *) vdev, BALLOON_CFG_ACTUAL);
    virtio_device_unlock(vdev);
    return v;
}

uint32_t
virtio_balloon_get_stats(VirtioDevice *vdev, uint64_t stats[VIRTIO_BALLOON_NR_STATS])
{
    VirtioBalloon *b = (VirtioBalloon *) vdev;
    uint32_t valid;

    virtio_device_lock(vdev);
    memcpy(stats, b->stats, sizeof(b->stats));
    valid = b->stats_valid;
    if (virtio_device_running(vdev))
        balloon_stats_release(b, true);
    virtio_device_unlock(vdev);
    return valid;
}
