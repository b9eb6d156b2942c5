/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Resizing a qcow2 image: growing may need a larger L1 table (written in a
 * new place, then the header switched to it); shrinking zeroes everything
 * past the new end first, so that a later grow shows zeros there.
 */
#include <errno.h>

#include "hv/block/qcow2-int.h"

#define QCOW2_HDR_SIZE 24
#define QCOW2_HDR_L1_SIZE 36

static int
qcow2_grow_l1(Qcow2State *s, uint64_t size)
{
    uint64_t per_l1 = 1ULL << (s->cluster_bits + s->l2_bits);
    uint64_t need = (size + per_l1 - 1) / per_l1;
    uint64_t bytes, clusters, old_off = s->h.l1_table_offset;
    uint64_t old_clusters = ((uint64_t) s->l1_size * 8 + s->cluster_size - 1) >> s->cluster_bits;
    g_autofree uint8_t *buf = NULL;
    uint8_t hdr[12];
    int64_t off;
    int ret;

    if (need <= s->l1_size)
        return 0;
    bytes = need * 8;
    if (bytes > QCOW2_MAX_L1_BYTES)
        return -EFBIG;
    /* Every L2 table the new L1 copies must be on disk already. */
    ret = qcow2_metadata_flush(s);
    if (ret < 0)
        return ret;
    clusters = (bytes + s->cluster_size - 1) >> s->cluster_bits;
    off = qcow2_alloc_clusters(s, clusters);
    if (off < 0)
        return (int) off;
    buf = g_malloc0(clusters << s->cluster_bits);
    for (uint32_t i = 0; i < s->l1_size; i++)
        qcow2_put_be64(buf + (size_t) i * 8, s->l1[i]);
    ret = qcow2_cache_writeback(s, &s->rb_cache);
    if (ret == 0)
        ret = block_fd_pwrite(s->fd, buf, clusters << s->cluster_bits, (uint64_t) off);
    if (ret == 0)
        ret = block_fd_sync(s->fd);
    if (ret < 0)
        return ret;
    qcow2_put_be32(hdr, (uint32_t) need);
    qcow2_put_be64(hdr + 4, (uint64_t) off);
    ret = block_fd_pwrite(s->fd, hdr, sizeof(hdr), QCOW2_HDR_L1_SIZE);
    if (ret == 0)
        ret = block_fd_sync(s->fd);
    if (ret < 0)
        return ret;
    s->l1 = g_renew(uint64_t, s->l1, need);
    memset(s->l1 + s->l1_size, 0, (need - s->l1_size) * 8);
    s->l1_size = (uint32_t) need;
    s->h.l1_size = (uint32_t) need;
    s->h.l1_table_offset = (uint64_t) off;
    if (old_clusters)
        return qcow2_refcount_update(s, old_off >> s->cluster_bits, old_clusters, -1);
    return 0;
}

int
qcow2_resize(void *state, uint64_t *new_size, bool allow_shrink)
{
    Qcow2State *s = state;
    uint64_t size = (*new_size + 511) & ~511ULL;
    uint8_t b[8];
    int ret = 0;

    if (size > (1ULL << 62))
        return -EFBIG;
    if (size < s->h.size) {
        if (!allow_shrink)
            return -EINVAL;
        ret = qcow2_co_discard(s, size, s->h.size - size, true, true);
        if (ret < 0)
            return ret;
    }
    g_mutex_lock(&s->lock);
    ret = qcow2_mark_dirty(s);
    if (ret == 0)
        ret = qcow2_grow_l1(s, size);
    if (ret == 0)
        ret = qcow2_metadata_flush(s);
    if (ret == 0)
        ret = block_fd_sync(s->fd);
    if (ret == 0) {
        qcow2_put_be64(b, size);
        ret = block_fd_pwrite(s->fd, b, sizeof(b), QCOW2_HDR_SIZE);
    }
    if (ret == 0)
        ret = block_fd_sync(s->fd);
    if (ret == 0)
        s->h.size = size;
    g_mutex_unlock(&s->lock);
    *new_size = size;
    return ret;
}
