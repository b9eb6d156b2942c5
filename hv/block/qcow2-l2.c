/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qcow2 address translation: the L1 table (kept in memory) and L2 tables
 * (through the L2 cache).  Updating an entry allocates a private L2 table
 * first when the current one is shared with a snapshot or absent.
 */
#include <errno.h>

#include "hv/block/qcow2-int.h"

Qcow2ClusterType
qcow2_entry_type(Qcow2State *s, uint64_t entry)
{
    if (entry & QCOW2_OFLAG_COMPRESSED)
        return QCOW2_CLUSTER_COMPRESSED;
    if ((entry & QCOW2_OFLAG_ZERO) && s->h.version >= 3)
        return QCOW2_CLUSTER_ZERO;
    if ((entry & QCOW2_OFFSET_MASK) == 0)
        return QCOW2_CLUSTER_UNALLOCATED;
    return QCOW2_CLUSTER_NORMAL;
}

static void
qcow2_split(Qcow2State *s, uint64_t guest_offset, uint64_t *l1i, uint64_t *l2i)
{
    uint64_t cluster = guest_offset >> s->cluster_bits;

    *l1i = cluster >> s->l2_bits;
    *l2i = cluster & ((1ULL << s->l2_bits) - 1);
}

static int
qcow2_l1_entry_check(Qcow2State *s, uint64_t l1e)
{
    uint64_t off = l1e & QCOW2_OFFSET_MASK;

    if (off & (s->cluster_size - 1))
        return -EIO;
    return 0;
}

int
qcow2_l2_lookup(Qcow2State *s, uint64_t guest_offset, uint64_t *entry)
{
    uint64_t l1i, l2i, l1e;
    uint8_t *table;
    int ret;

    *entry = 0;
    qcow2_split(s, guest_offset, &l1i, &l2i);
    if (l1i >= s->l1_size)
        return 0;
    l1e = s->l1[l1i];
    if ((l1e & QCOW2_OFFSET_MASK) == 0)
        return 0;
    ret = qcow2_l1_entry_check(s, l1e);
    if (ret < 0)
        return ret;
    ret = qcow2_cache_get(s, &s->l2_cache, l1e & QCOW2_OFFSET_MASK, true, &table);
    if (ret < 0)
        return ret;
    *entry = qcow2_be64(table + l2i * 8);
    if (qcow2_entry_type(s, *entry) == QCOW2_CLUSTER_NORMAL &&
        (*entry & QCOW2_OFFSET_MASK & (s->cluster_size - 1)))
        return -EIO;    /* misaligned data cluster: corrupt image */
    return 0;
}

static void
qcow2_l1_mark_dirty(Qcow2State *s, uint64_t l1i)
{
    if (s->l1_dirty_lo >= s->l1_dirty_hi) {
        s->l1_dirty_lo = (uint32_t) l1i;
        s->l1_dirty_hi = (uint32_t) l1i + 1;
        return;
    }
    s->l1_dirty_lo = MIN(s->l1_dirty_lo, (uint32_t) l1i);
    s->l1_dirty_hi = MAX(s->l1_dirty_hi, (uint32_t) l1i + 1);
}

/* Gives L1 entry @l1i a private L2 table (refcount 1) and returns it. */
static int
qcow2_l2_get_writable(Qcow2State *s, uint64_t l1i, uint8_t **table)
{
    uint64_t l1e = s->l1[l1i];
    uint64_t old = l1e & QCOW2_OFFSET_MASK;
    g_autofree uint8_t *copy = NULL;
    int64_t fresh;
    int ret;

    if (old && (l1e & QCOW2_OFLAG_COPIED)) {
        ret = qcow2_l1_entry_check(s, l1e);
        if (ret < 0)
            return ret;
        return qcow2_cache_get(s, &s->l2_cache, old, true, table);
    }
    if (old) {
        uint8_t *shared;

        ret = qcow2_cache_get(s, &s->l2_cache, old, true, &shared);
        if (ret < 0)
            return ret;
        copy = g_memdup2(shared, s->cluster_size);
    }
    fresh = qcow2_alloc_clusters(s, 1);
    if (fresh < 0)
        return (int) fresh;
    ret = qcow2_cache_get(s, &s->l2_cache, (uint64_t) fresh, false, table);
    if (ret < 0)
        return ret;
    if (copy)
        memcpy(*table, copy, s->cluster_size);
    qcow2_cache_mark_dirty(&s->l2_cache, *table);
    s->l1[l1i] = (uint64_t) fresh | QCOW2_OFLAG_COPIED;
    qcow2_l1_mark_dirty(s, l1i);
    if (old)
        qcow2_free_deferred(s, old, s->cluster_size);
    return 0;
}

int
qcow2_l2_set(Qcow2State *s, uint64_t guest_offset, uint64_t entry)
{
    uint64_t l1i, l2i;
    uint8_t *table;
    int ret;

    qcow2_split(s, guest_offset, &l1i, &l2i);
    if (l1i >= s->l1_size)
        return -EIO;
    ret = qcow2_l2_get_writable(s, l1i, &table);
    if (ret < 0)
        return ret;
    qcow2_put_be64(table + l2i * 8, entry);
    qcow2_cache_mark_dirty(&s->l2_cache, table);
    return 0;
}

/* Writes the dirty part of L1; L2 tables it points to must be on disk. */
int
qcow2_l1_writeback(Qcow2State *s)
{
    uint32_t lo = s->l1_dirty_lo, hi = s->l1_dirty_hi;
    g_autofree uint8_t *buf = NULL;
    int ret;

    if (lo >= hi)
        return 0;
    buf = g_malloc((size_t) (hi - lo) * 8);
    for (uint32_t i = lo; i < hi; i++)
        qcow2_put_be64(buf + (size_t) (i - lo) * 8, s->l1[i]);
    ret = block_fd_pwrite(s->fd, buf, (size_t) (hi - lo) * 8,
                          s->h.l1_table_offset + (uint64_t) lo * 8);
    if (ret < 0)
        return ret;
    s->l1_dirty_lo = s->l1_dirty_hi = 0;
    s->need_sync = true;
    return 0;
}
