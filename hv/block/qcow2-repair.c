/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Refcount rebuild for images left dirty with lazy refcounts: count every
 * reference the header, the tables and the snapshots make, then rewrite the
 * existing refcount blocks with those counts.  Anything that does not fit
 * (a reference past the end of the file, a referenced cluster without a
 * refcount block) is refused with -EUCLEAN rather than guessed.
 */
#include <errno.h>

#include "hv/block/qcow2-int.h"

typedef struct {
    Qcow2State *s;
    uint64_t n;             /* clusters counted: the used part of the file */
    uint32_t *counts;
} Qcow2Recount;

static int
recount_add(Qcow2Recount *r, uint64_t offset, uint64_t len)
{
    uint64_t first = offset >> r->s->cluster_bits;
    uint64_t last;

    if (len == 0)
        return 0;
    last = (offset + len - 1) >> r->s->cluster_bits;
    if (last >= r->n || last < first)
        return -EUCLEAN;
    for (uint64_t c = first; c <= last; c++) {
        if (r->counts[c] == UINT32_MAX)
            return -EUCLEAN;
        r->counts[c]++;
    }
    return 0;
}

static int
recount_l2(Qcow2Recount *r, const uint8_t *table)
{
    Qcow2State *s = r->s;
    uint64_t entries = 1ULL << s->l2_bits;

    for (uint64_t i = 0; i < entries; i++) {
        uint64_t e = qcow2_be64(table + i * 8);
        uint64_t off, len;
        int ret = 0;

        switch (qcow2_entry_type(s, e)) {
        case QCOW2_CLUSTER_COMPRESSED:
            qcow2_compressed_range(s, e, &off, &len);
            ret = recount_add(r, off & ~511ULL, len + (off & 511));
            break;
        case QCOW2_CLUSTER_NORMAL:
        case QCOW2_CLUSTER_ZERO:
            off = e & QCOW2_OFFSET_MASK;
            if (off & (s->cluster_size - 1))
                return -EUCLEAN;
            ret = recount_add(r, off, off ? s->cluster_size : 0);
            break;
        case QCOW2_CLUSTER_UNALLOCATED:
            break;
        }
        if (ret < 0)
            return ret;
    }
    return 0;
}

/* One L1 table (the active one from memory, or a snapshot's from disk). */
static int
recount_l1(Qcow2Recount *r, uint64_t l1_off, uint32_t l1_size, const uint64_t *mem)
{
    Qcow2State *s = r->s;
    g_autofree uint8_t *disk = NULL;
    g_autofree uint8_t *table = g_malloc(s->cluster_size);
    int ret;

    if ((uint64_t) l1_size * 8 > QCOW2_MAX_L1_BYTES || (l1_off & (s->cluster_size - 1)))
        return -EUCLEAN;
    ret = recount_add(r, l1_off, (uint64_t) l1_size * 8);
    if (ret < 0)
        return ret;
    if (!mem && l1_size) {
        disk = g_malloc((size_t) l1_size * 8);
        ret = block_fd_pread(s->fd, disk, (size_t) l1_size * 8, l1_off);
        if (ret < 0)
            return ret;
    }
    for (uint32_t i = 0; i < l1_size; i++) {
        uint64_t off = (mem ? mem[i] : qcow2_be64(disk + (size_t) i * 8)) & QCOW2_OFFSET_MASK;

        if (!off)
            continue;
        if (off & (s->cluster_size - 1))
            return -EUCLEAN;
        ret = recount_add(r, off, s->cluster_size);
        if (ret == 0)
            ret = block_fd_pread(s->fd, table, s->cluster_size, off);
        if (ret == 0)
            ret = recount_l2(r, table);
        if (ret < 0)
            return ret;
    }
    return 0;
}

static int
recount_all(Qcow2Recount *r)
{
    Qcow2State *s = r->s;
    int ret = recount_add(r, 0, s->cluster_size);

    if (ret == 0)
        ret = recount_add(r, s->h.refcount_table_offset,
                          (uint64_t) s->h.refcount_table_clusters << s->cluster_bits);
    for (uint64_t i = 0; ret == 0 && i < s->rt_entries; i++)
        ret = recount_add(r, s->rt[i], s->rt[i] ? s->cluster_size : 0);
    if (ret == 0)
        ret = recount_l1(r, s->h.l1_table_offset, s->l1_size, s->l1);
    if (ret == 0 && s->nb_snapshots)
        ret = recount_add(r, s->h.snapshots_offset, s->snapshots_end - s->h.snapshots_offset);
    for (size_t i = 0; ret == 0 && i < s->nb_snapshots; i++)
        ret = recount_l1(r, s->snap_l1_offsets[i], s->snap_l1_sizes[i], NULL);
    return ret;
}

/* Rewrites every refcount block with the counted values. */
static int
recount_store(Qcow2Recount *r)
{
    Qcow2State *s = r->s;
    uint64_t per = 1ULL << s->rb_bits;
    uint64_t max = s->h.refcount_order >= 5 ? UINT32_MAX :
                   (1ULL << (1U << s->h.refcount_order)) - 1;

    for (uint64_t c = 0; c < r->n; c++) {
        uint64_t ri = c >> s->rb_bits;

        if (r->counts[c] && (ri >= s->rt_entries || !s->rt[ri] || r->counts[c] > max))
            return -EUCLEAN;
    }
    for (uint64_t ri = 0; ri < s->rt_entries; ri++) {
        uint64_t rc;
        int ret;

        if (!s->rt[ri])
            continue;
        for (uint64_t i = 0; i < per; i++) {
            uint64_t c = (ri << s->rb_bits) + i;
            uint64_t want = c < r->n ? r->counts[c] : 0;

            ret = qcow2_refcount_get(s, c, &rc);
            if (ret == 0 && rc != want)
                ret = qcow2_refcount_set(s, c, want);
            if (ret < 0)
                return ret;
        }
    }
    return 0;
}

int
qcow2_repair_refcounts(Qcow2State *s)
{
    Qcow2Recount r = { .s = s, .n = s->file_end >> s->cluster_bits };
    g_autofree uint32_t *counts = NULL;
    int ret;

    if (r.n > (1ULL << 32))
        return -EUCLEAN;
    counts = g_try_new0(uint32_t, MAX(r.n, 1));
    if (!counts)
        return -ENOMEM;
    r.counts = counts;
    ret = recount_all(&r);
    if (ret == 0)
        ret = recount_store(&r);
    if (ret == 0)
        ret = qcow2_cache_writeback(s, &s->rb_cache);
    if (ret == 0)
        ret = block_fd_sync(s->fd);
    if (ret < 0)
        return ret;
    s->h.incompatible_features &= ~QCOW2_INCOMPAT_DIRTY;
    ret = qcow2_header_write_u64(s, QCOW2_HDR_INCOMPAT, s->h.incompatible_features);
    if (ret == 0)
        ret = block_fd_sync(s->fd);
    s->free_hint = 0;
    return ret;
}
