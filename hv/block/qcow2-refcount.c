/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qcow2 refcounts: the refcount table and blocks (refcount_order 0..6),
 * cluster allocation with a free-cluster search, growth of the refcount
 * table, and deferred frees.
 *
 * Crash ordering: a cluster's refcount reaches the disk before any L2 entry
 * that points to it (qcow2_before_l2_write); a refcount is only lowered
 * after the L2 entry that dropped the reference is durable
 * (pending_frees), so a crash can leak clusters but never leave a
 * reference to a free cluster.
 */
#include <errno.h>
#include <linux/falloc.h>
#include <fcntl.h>
#include <unistd.h>

#include "hv/block/qcow2-int.h"

#define QCOW2_PENDING_FREES_MAX 4096

static uint64_t
qcow2_rb_get(Qcow2State *s, const uint8_t *block, uint64_t idx)
{
    uint32_t order = s->h.refcount_order;

    switch (order) {
    case 0: case 1: case 2: {
        uint32_t bits = 1U << order;
        uint32_t per_byte = 8 / bits;
        uint8_t b = block[idx / per_byte];

        return (b >> ((idx % per_byte) * bits)) & ((1U << bits) - 1);
    }
    case 3:
        return block[idx];
    case 4:
        return qcow2_be16(block + idx * 2);
    case 5:
        return qcow2_be32(block + idx * 4);
    default:
        return qcow2_be64(block + idx * 8);
    }
}

static void
qcow2_rb_set(Qcow2State *s, uint8_t *block, uint64_t idx, uint64_t v)
{
    uint32_t order = s->h.refcount_order;

    switch (order) {
    case 0: case 1: case 2: {
        uint32_t bits = 1U << order;
        uint32_t per_byte = 8 / bits;
        uint32_t shift = (idx % per_byte) * bits;
        uint8_t mask = (uint8_t) (((1U << bits) - 1) << shift);
        uint8_t *b = &block[idx / per_byte];

        *b = (uint8_t) ((*b & ~mask) | ((v << shift) & mask));
        break;
    }
    case 3:
        block[idx] = (uint8_t) v;
        break;
    case 4:
        qcow2_put_be16(block + idx * 2, (uint16_t) v);
        break;
    case 5:
        qcow2_put_be32(block + idx * 4, (uint32_t) v);
        break;
    default:
        qcow2_put_be64(block + idx * 8, v);
        break;
    }
}

static uint64_t
qcow2_rc_max(Qcow2State *s)
{
    uint32_t bits = 1U << s->h.refcount_order;

    return bits == 64 ? UINT64_MAX : (1ULL << bits) - 1;
}

int
qcow2_refcount_init(Qcow2State *s)
{
    uint64_t bytes = (uint64_t) s->h.refcount_table_clusters << s->cluster_bits;
    g_autofree uint8_t *buf = g_malloc(bytes);
    int ret;

    s->rt_entries = bytes / 8;
    s->rt = g_new(uint64_t, s->rt_entries);
    ret = block_fd_pread(s->fd, buf, bytes, s->h.refcount_table_offset);
    if (ret < 0)
        return ret;
    for (uint64_t i = 0; i < s->rt_entries; i++) {
        uint64_t e = qcow2_be64(buf + i * 8);

        if (e & (s->cluster_size - 1))
            return -EINVAL;     /* refcount blocks are cluster aligned */
        s->rt[i] = e;
    }
    s->pending_frees = g_array_new(FALSE, FALSE, sizeof(Qcow2Range));
    return 0;
}

/* Loads the refcount block of @cluster; *block NULL when not allocated. */
static int
qcow2_rb_load(Qcow2State *s, uint64_t cluster, uint8_t **block)
{
    uint64_t ri = cluster >> s->rb_bits;

    *block = NULL;
    if (ri >= s->rt_entries || s->rt[ri] == 0)
        return 0;
    return qcow2_cache_get(s, &s->rb_cache, s->rt[ri], true, block);
}

int
qcow2_refcount_get(Qcow2State *s, uint64_t cluster, uint64_t *rc)
{
    uint8_t *block;
    int ret = qcow2_rb_load(s, cluster, &block);

    if (ret < 0)
        return ret;
    *rc = block ? qcow2_rb_get(s, block, cluster & ((1ULL << s->rb_bits) - 1)) : 0;
    return 0;
}

int
qcow2_refcount_update(Qcow2State *s, uint64_t cluster, uint64_t n, int delta)
{
    uint64_t mask = (1ULL << s->rb_bits) - 1;

    for (uint64_t c = cluster; c < cluster + n; c++) {
        uint8_t *block;
        uint64_t rc;
        int ret = qcow2_rb_load(s, c, &block);

        if (ret < 0)
            return ret;
        if (!block)
            return -EIO;
        rc = qcow2_rb_get(s, block, c & mask);
        if ((delta < 0 && rc < (uint64_t) -delta) ||
            (delta > 0 && rc > qcow2_rc_max(s) - (uint64_t) delta))
            return -EIO;    /* refcount underflow/overflow: corrupt image */
        rc += (uint64_t) (int64_t) delta;
        qcow2_rb_set(s, block, c & mask, rc);
        qcow2_cache_mark_dirty(&s->rb_cache, block);
        if (rc == 0 && c < s->free_hint)
            s->free_hint = c;
    }
    return 0;
}

/* End (bytes) of the last cluster with a non-zero refcount. */
int
qcow2_refcount_last_used(Qcow2State *s, uint64_t *end)
{
    uint64_t per = 1ULL << s->rb_bits;

    *end = 0;
    for (uint64_t ri = s->rt_entries; ri-- > 0;) {
        uint8_t *block;
        int ret;

        if (!s->rt[ri])
            continue;
        ret = qcow2_cache_get(s, &s->rb_cache, s->rt[ri], true, &block);
        if (ret < 0)
            return ret;
        for (uint64_t i = per; i-- > 0;) {
            if (qcow2_rb_get(s, block, i)) {
                *end = ((ri << s->rb_bits) + i + 1) << s->cluster_bits;
                return 0;
            }
        }
    }
    return 0;
}

/* Sets a refcount outright (refcount rebuild); the block must exist. */
int
qcow2_refcount_set(Qcow2State *s, uint64_t cluster, uint64_t value)
{
    uint8_t *block;
    int ret = qcow2_rb_load(s, cluster, &block);

    if (ret < 0)
        return ret;
    if (!block || value > qcow2_rc_max(s))
        return -EUCLEAN;
    qcow2_rb_set(s, block, cluster & ((1ULL << s->rb_bits) - 1), value);
    qcow2_cache_mark_dirty(&s->rb_cache, block);
    return 0;
}

/* First run of @n clusters with refcount 0 at or after the hint. */
static int
qcow2_find_free(Qcow2State *s, uint64_t n, uint64_t *start)
{
    uint64_t c = MAX(s->free_hint, 1);  /* cluster 0 is the header */
    uint64_t run = 0;
    uint64_t beyond = 0;

    for (;;) {
        uint64_t rc;
        int ret = qcow2_refcount_get(s, c, &rc);

        if (ret < 0)
            return ret;
        if (rc == 0) {
            if (++run == n) {
                *start = c + 1 - n;
                return 0;
            }
        } else {
            /* Clusters counted beyond the end of the file: leaks from a
             * crash, or a corrupt refcount block; bound the search. */
            if (c >= (s->file_end >> s->cluster_bits)) {
                if (++beyond > (4ULL << s->rb_bits) + 65536)
                    return -EIO;
                s->file_end = (c + 1) << s->cluster_bits;
            }
            run = 0;
        }
        c++;
        if (c > (1ULL << (56 - s->cluster_bits)))
            return -ENOSPC;
    }
}

static int
qcow2_rt_write_entry(Qcow2State *s, uint64_t ri)
{
    uint8_t b[8];

    qcow2_put_be64(b, s->rt[ri]);
    return block_fd_pwrite(s->fd, b, 8, s->h.refcount_table_offset + ri * 8);
}

/* A refcount block for range @ri, placed inside that range at the end of
 * the used space, so it counts itself. */
static int
qcow2_refblock_create(Qcow2State *s, uint64_t ri)
{
    uint64_t first = ri << s->rb_bits;
    uint64_t per = 1ULL << s->rb_bits;
    uint64_t loc = MAX(first, s->file_end >> s->cluster_bits);
    g_autofree uint8_t *buf = NULL;
    int ret;

    if (loc >= first + per)
        return -EIO;    /* used space without refcounts: corrupt image */
    buf = g_malloc0(s->cluster_size);
    qcow2_rb_set(s, buf, loc - first, 1);
    ret = block_fd_pwrite(s->fd, buf, s->cluster_size, loc << s->cluster_bits);
    if (ret == 0)
        ret = block_fd_sync(s->fd);
    if (ret < 0)
        return ret;
    s->rt[ri] = loc << s->cluster_bits;
    ret = qcow2_rt_write_entry(s, ri);
    if (ret < 0)
        return ret;
    s->file_end = MAX(s->file_end, (loc + 1) << s->cluster_bits);
    s->phys_size = MAX(s->phys_size, s->file_end);
    s->need_sync = true;
    return 0;
}

static bool
qcow2_rt_covered(Qcow2State *s, uint64_t ri)
{
    return ri < s->rt_entries && s->rt[ri] != 0;
}

/* New refcount blocks needed for clusters [@start, @end) beyond the table. */
static uint64_t
qcow2_count_missing_blocks(Qcow2State *s, uint64_t start, uint64_t end)
{
    uint64_t count = 0;

    for (uint64_t ri = start >> s->rb_bits; ri <= (end - 1) >> s->rb_bits; ri++) {
        if (!qcow2_rt_covered(s, ri))
            count++;
    }
    return count;
}

/* Writes the refcount blocks of a grown table: each counts the new table
 * and new block clusters in its own range. */
static int
qcow2_grow_write_blocks(Qcow2State *s, uint64_t *new_rt, uint64_t start, uint64_t tcl,
                        uint64_t end)
{
    g_autofree uint8_t *buf = g_malloc(s->cluster_size);
    uint64_t next = start + tcl;
    int ret;

    for (uint64_t ri = start >> s->rb_bits; ri <= (end - 1) >> s->rb_bits; ri++) {
        uint64_t first = ri << s->rb_bits;

        if (qcow2_rt_covered(s, ri))
            continue;
        memset(buf, 0, s->cluster_size);
        for (uint64_t c = MAX(first, start); c < MIN(end, first + (1ULL << s->rb_bits)); c++)
            qcow2_rb_set(s, buf, c - first, 1);
        new_rt[ri] = next << s->cluster_bits;
        ret = block_fd_pwrite(s->fd, buf, s->cluster_size, new_rt[ri]);
        if (ret < 0)
            return ret;
        next++;
    }
    /* Clusters in ranges that already have a block count there. */
    for (uint64_t c = start; c < end; c++) {
        if (qcow2_rt_covered(s, c >> s->rb_bits)) {
            ret = qcow2_refcount_update(s, c, 1, 1);
            if (ret < 0)
                return ret;
        }
    }
    return qcow2_cache_writeback(s, &s->rb_cache);
}

static int
qcow2_grow_switch(Qcow2State *s, uint64_t *new_rt, uint64_t new_entries, uint64_t start,
                  uint64_t tcl)
{
    g_autofree uint8_t *tbuf = g_malloc0(tcl << s->cluster_bits);
    uint8_t hdr[12];
    uint64_t old_off = s->h.refcount_table_offset;
    uint64_t old_cl = s->h.refcount_table_clusters;
    int ret;

    for (uint64_t i = 0; i < new_entries; i++)
        qcow2_put_be64(tbuf + i * 8, new_rt[i]);
    ret = block_fd_pwrite(s->fd, tbuf, tcl << s->cluster_bits, start << s->cluster_bits);
    if (ret == 0)
        ret = block_fd_sync(s->fd);
    if (ret < 0)
        return ret;
    qcow2_put_be64(hdr, start << s->cluster_bits);
    qcow2_put_be32(hdr + 8, (uint32_t) tcl);
    ret = block_fd_pwrite(s->fd, hdr, sizeof(hdr), QCOW2_HDR_REFTABLE_OFFSET);
    if (ret == 0)
        ret = block_fd_sync(s->fd);
    if (ret < 0)
        return ret;
    g_free(s->rt);
    s->rt = new_rt;
    s->rt_entries = new_entries;
    s->h.refcount_table_offset = start << s->cluster_bits;
    s->h.refcount_table_clusters = (uint32_t) tcl;
    /* Nothing points at the old table any more. */
    return qcow2_refcount_update(s, old_off >> s->cluster_bits, old_cl, -1);
}

/* Grows the refcount table so that it has entry @need, moving it to the
 * end of the used space together with the blocks that count it. */
static int
qcow2_grow_table(Qcow2State *s, uint64_t need)
{
    uint64_t per_cluster = s->cluster_size / 8;
    uint64_t entries = MAX(need + 1, s->rt_entries * 2);
    uint64_t start = s->file_end >> s->cluster_bits;
    uint64_t tcl, end, nblocks = 0, prev;
    uint64_t *new_rt;
    int ret;

    for (;;) {
        tcl = (entries + per_cluster - 1) / per_cluster;
        do {
            prev = nblocks;
            end = start + tcl + nblocks;
            nblocks = qcow2_count_missing_blocks(s, start, end);
        } while (nblocks != prev);
        end = start + tcl + nblocks;
        if (((end - 1) >> s->rb_bits) < tcl * per_cluster)
            break;
        entries = ((end - 1) >> s->rb_bits) + 1;
    }
    entries = tcl * per_cluster;
    if ((tcl << s->cluster_bits) > QCOW2_MAX_REFTABLE_BYTES)
        return -EFBIG;
    new_rt = g_new0(uint64_t, entries);
    memcpy(new_rt, s->rt, s->rt_entries * 8);
    ret = qcow2_grow_write_blocks(s, new_rt, start, tcl, end);
    if (ret == 0)
        ret = qcow2_grow_switch(s, new_rt, entries, start, tcl);
    if (ret < 0) {
        if (s->rt != new_rt)
            g_free(new_rt);
        return ret;
    }
    s->file_end = MAX(s->file_end, end << s->cluster_bits);
    s->phys_size = MAX(s->phys_size, s->file_end);
    s->need_sync = true;
    return 0;
}

/* 1 when a refcount block or the table had to be created (search again),
 * 0 when [@start, +@n) is fully covered. */
static int
qcow2_ensure_covered(Qcow2State *s, uint64_t start, uint64_t n)
{
    for (uint64_t ri = start >> s->rb_bits; ri <= (start + n - 1) >> s->rb_bits; ri++) {
        int ret = 0;

        if (ri >= s->rt_entries)
            ret = qcow2_grow_table(s, ri);
        else if (s->rt[ri] == 0)
            ret = qcow2_refblock_create(s, ri);
        else
            continue;
        return ret < 0 ? ret : 1;
    }
    return 0;
}

int64_t
qcow2_alloc_clusters(Qcow2State *s, uint64_t n)
{
    uint64_t start;
    int ret;

    for (;;) {
        ret = qcow2_find_free(s, n, &start);
        if (ret < 0)
            return ret;
        ret = qcow2_ensure_covered(s, start, n);
        if (ret < 0)
            return ret;
        if (ret == 0)
            break;
    }
    ret = qcow2_refcount_update(s, start, n, 1);
    if (ret < 0)
        return ret;
    s->free_hint = start + n;
    s->file_end = MAX(s->file_end, (start + n) << s->cluster_bits);
    return (int64_t) (start << s->cluster_bits);
}

void
qcow2_free_deferred(Qcow2State *s, uint64_t offset, uint64_t len)
{
    Qcow2Range r = { .offset = offset, .len = len };

    g_array_append_val(s->pending_frees, r);
}

/* Lowers the refcounts of clusters whose last reference is already gone
 * from the durable L2/L1 tables; punches holes for clusters now free. */
int
qcow2_apply_pending_frees(Qcow2State *s)
{
    GArray *p = s->pending_frees;

    for (guint i = 0; i < p->len; i++) {
        Qcow2Range *r = &g_array_index(p, Qcow2Range, i);
        uint64_t first = r->offset >> s->cluster_bits;
        uint64_t last = (r->offset + r->len - 1) >> s->cluster_bits;

        for (uint64_t c = first; c <= last; c++) {
            uint64_t rc;
            int ret = qcow2_refcount_update(s, c, 1, -1);

            if (ret == 0)
                ret = qcow2_refcount_get(s, c, &rc);
            if (ret < 0) {
                g_array_remove_range(p, 0, i);
                return ret;
            }
            if (rc == 0) {
                qcow2_cache_drop(&s->l2_cache, c << s->cluster_bits);
                (void) fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                                 (off_t) (c << s->cluster_bits), (off_t) s->cluster_size);
            }
        }
    }
    g_array_set_size(p, 0);
    return 0;
}

bool
qcow2_pending_frees_full(Qcow2State *s)
{
    return s->pending_frees->len >= QCOW2_PENDING_FREES_MAX;
}

int
qcow2_before_l2_write(Qcow2State *s)
{
    int ret;

    if (!qcow2_cache_is_dirty(&s->rb_cache))
        return s->lazy_refcounts || !s->need_sync ? 0 : block_fd_sync(s->fd);
    ret = qcow2_cache_writeback(s, &s->rb_cache);
    if (ret < 0)
        return ret;
    if (s->lazy_refcounts)
        return 0;
    ret = block_fd_sync(s->fd);
    if (ret == 0)
        s->need_sync = false;
    return ret;
}
