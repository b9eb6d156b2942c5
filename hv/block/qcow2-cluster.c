/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qcow2 data paths: reads (normal, zero, compressed, unallocated clusters
 * falling through to the backing file), allocating writes with copy-on-write
 * of the untouched part of each cluster, discard and write-zeroes, and the
 * ordered metadata flush.
 */
#include <errno.h>

#include "hv/block/qcow2-int.h"

#define QCOW2_IOV_MAX 1024

/* Reads [@off, +@len) of the guest disk as the backing file shows it. */
static int
qcow2_read_backing(Qcow2State *s, const struct iovec *iov, int iovcnt, size_t skip,
                   uint64_t off, size_t len)
{
    size_t from_backing = 0;

    if (s->backing && off < s->backing_size)
        from_backing = (size_t) MIN((uint64_t) len, s->backing_size - off);
    if (from_backing) {
        struct iovec sub[QCOW2_IOV_MAX];
        int n = block_iov_slice(sub, QCOW2_IOV_MAX, iov, iovcnt, skip, from_backing);
        int ret;

        if (n < 0) {
            g_autofree uint8_t *buf = g_malloc(from_backing);
            struct iovec one = { .iov_base = buf, .iov_len = from_backing };

            ret = block_preadv(s->backing, &one, 1, off);
            if (ret == 0)
                block_iov_from_buf(iov, iovcnt, skip, buf, from_backing);
        } else {
            ret = block_preadv(s->backing, sub, n, off);
        }
        if (ret < 0)
            return ret;
    }
    block_iov_memset(iov, iovcnt, skip + from_backing, 0, len - from_backing);
    return 0;
}

static int
qcow2_read_host(Qcow2State *s, const struct iovec *iov, int iovcnt, size_t skip,
                uint64_t host, size_t len)
{
    struct iovec sub[QCOW2_IOV_MAX];
    int n = block_iov_slice(sub, QCOW2_IOV_MAX, iov, iovcnt, skip, len);
    g_autofree uint8_t *buf = NULL;
    int ret;

    if (n >= 0)
        return block_fd_preadv(s->fd, sub, n, host);
    buf = g_malloc(len);
    ret = block_fd_pread(s->fd, buf, len, host);
    if (ret == 0)
        block_iov_from_buf(iov, iovcnt, skip, buf, len);
    return ret;
}

/* Looks up the cluster at @off and how many following bytes (up to @max)
 * share its type and, for normal clusters, continue contiguously on disk. */
static int
qcow2_extent(Qcow2State *s, uint64_t off, uint64_t max, uint64_t *entry, uint64_t *len)
{
    uint64_t in = off & (s->cluster_size - 1);
    Qcow2ClusterType t;
    uint64_t n;
    int ret = qcow2_l2_lookup(s, off, entry);

    if (ret < 0)
        return ret;
    t = qcow2_entry_type(s, *entry);
    n = MIN(s->cluster_size - in, max);
    while (n < max && t != QCOW2_CLUSTER_COMPRESSED) {
        uint64_t next;

        ret = qcow2_l2_lookup(s, off + n, &next);
        if (ret < 0)
            return ret;
        if (qcow2_entry_type(s, next) != t)
            break;
        if (t == QCOW2_CLUSTER_NORMAL &&
            ((next & QCOW2_OFFSET_MASK) != (*entry & QCOW2_OFFSET_MASK) + in + n ||
             (next & QCOW2_OFLAG_COPIED) != (*entry & QCOW2_OFLAG_COPIED)))
            break;
        n += MIN(s->cluster_size, max - n);
    }
    *len = n;
    return 0;
}

static int
qcow2_read_compressed_part(Qcow2State *s, uint64_t entry, const struct iovec *iov,
                           int iovcnt, size_t skip, uint64_t in, size_t len)
{
    g_autofree uint8_t *buf = g_malloc(s->cluster_size);
    int ret = qcow2_read_compressed(s, entry, buf);

    if (ret == 0)
        block_iov_from_buf(iov, iovcnt, skip, buf + in, len);
    return ret;
}

int
qcow2_co_preadv(Qcow2State *s, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    size_t total = block_iov_size(iov, iovcnt);
    size_t done = 0;

    while (done < total) {
        uint64_t off = offset + done;
        uint64_t in = off & (s->cluster_size - 1);
        uint64_t entry, len;
        int ret;

        g_mutex_lock(&s->lock);
        ret = qcow2_extent(s, off, total - done, &entry, &len);
        g_mutex_unlock(&s->lock);
        if (ret < 0)
            return ret;
        switch (qcow2_entry_type(s, entry)) {
        case QCOW2_CLUSTER_UNALLOCATED:
            ret = qcow2_read_backing(s, iov, iovcnt, done, off, len);
            break;
        case QCOW2_CLUSTER_ZERO:
            block_iov_memset(iov, iovcnt, done, 0, len);
            break;
        case QCOW2_CLUSTER_COMPRESSED:
            ret = qcow2_read_compressed_part(s, entry, iov, iovcnt, done, in, len);
            break;
        case QCOW2_CLUSTER_NORMAL:
            ret = qcow2_read_host(s, iov, iovcnt, done, (entry & QCOW2_OFFSET_MASK) + in, len);
            break;
        }
        if (ret < 0)
            return ret;
        done += len;
    }
    return 0;
}

/* The current content of the guest cluster at @coff whose entry is @entry. */
static int
qcow2_cluster_content(Qcow2State *s, uint64_t coff, uint64_t entry, uint8_t *buf)
{
    struct iovec iov = { .iov_base = buf, .iov_len = s->cluster_size };
    uint64_t len = MIN(s->cluster_size, s->h.size - coff);

    if (len < s->cluster_size)
        memset(buf + len, 0, s->cluster_size - len);
    iov.iov_len = len;
    switch (qcow2_entry_type(s, entry)) {
    case QCOW2_CLUSTER_UNALLOCATED:
        return qcow2_read_backing(s, &iov, 1, 0, coff, len);
    case QCOW2_CLUSTER_ZERO:
        memset(buf, 0, len);
        return 0;
    case QCOW2_CLUSTER_COMPRESSED:
        return qcow2_read_compressed(s, entry, buf);
    case QCOW2_CLUSTER_NORMAL:
        return block_fd_pread(s->fd, buf, len, entry & QCOW2_OFFSET_MASK);
    }
    return -EIO;
}

/* Whether the cluster's current content is known to be all zeros. */
static bool
qcow2_cluster_is_zero(Qcow2State *s, uint64_t coff, uint64_t entry)
{
    Qcow2ClusterType t = qcow2_entry_type(s, entry);

    if (t == QCOW2_CLUSTER_ZERO)
        return true;
    return t == QCOW2_CLUSTER_UNALLOCATED && (!s->backing || coff >= s->backing_size);
}

/* Drops the reference of a replaced L2 entry once the new entry is durable. */
static void
qcow2_release_entry(Qcow2State *s, uint64_t entry)
{
    uint64_t off, len;

    if (entry & QCOW2_OFLAG_COMPRESSED) {
        qcow2_compressed_range(s, entry, &off, &len);
        qcow2_free_deferred(s, off & ~511ULL, len + (off & 511));
    } else if (entry & QCOW2_OFFSET_MASK) {
        qcow2_free_deferred(s, entry & QCOW2_OFFSET_MASK, s->cluster_size);
    }
}

typedef struct {
    uint64_t off;           /* guest offset of the request part */
    uint64_t len;
    size_t skip;            /* where it starts in the request's iovec */
    uint64_t first_entry;
    uint64_t last_entry;
    uint64_t nclusters;
} Qcow2AllocReq;

/* Counts how many clusters from @off need a new cluster (up to @max bytes). */
static int
qcow2_alloc_extent(Qcow2State *s, Qcow2AllocReq *r, uint64_t max)
{
    uint64_t in = r->off & (s->cluster_size - 1);
    uint64_t entry;
    int ret;

    r->len = MIN(s->cluster_size - in, max);
    r->nclusters = 1;
    r->last_entry = r->first_entry;
    /* Whole clusters after the first one, up to 64 per request and few
     * enough that a free run fits beside a new refcount block. */
    uint64_t cap = MIN(64, 1ULL << (s->rb_bits - 2));

    while (r->len < max && r->nclusters < cap) {
        ret = qcow2_l2_lookup(s, r->off + r->len, &entry);
        if (ret < 0)
            return ret;
        if (qcow2_entry_type(s, entry) == QCOW2_CLUSTER_NORMAL &&
            (entry & QCOW2_OFLAG_COPIED))
            break;
        r->last_entry = entry;
        r->len += MIN(s->cluster_size, max - r->len);
        r->nclusters++;
    }
    return 0;
}

/* Writes the request part into @host (fresh clusters), with the
 * untouched head and tail of the first and last cluster copied. */
static int
qcow2_alloc_write(Qcow2State *s, Qcow2AllocReq *r, const struct iovec *iov, int iovcnt,
                  uint64_t host, bool fresh)
{
    uint64_t cs = s->cluster_size;
    uint64_t in = r->off & (cs - 1);
    uint64_t end_in = (in + r->len) - (r->nclusters - 1) * cs;   /* in last cluster */
    uint64_t last_coff = (r->off - in) + (r->nclusters - 1) * cs;
    g_autofree uint8_t *head = NULL;
    g_autofree uint8_t *tail = NULL;
    g_autofree struct iovec *v = g_new(struct iovec, QCOW2_IOV_MAX + 2);
    uint64_t wstart = host + in, wlen = r->len;
    int n = 0, m;
    int ret;

    if (in && !(fresh && qcow2_cluster_is_zero(s, r->off - in, r->first_entry))) {
        head = g_malloc(cs);
        ret = qcow2_cluster_content(s, r->off - in, r->first_entry, head);
        if (ret < 0)
            return ret;
        v[n++] = (struct iovec) { head, in };
        wstart = host;
        wlen += in;
    }
    m = block_iov_slice(v + n, QCOW2_IOV_MAX, iov, iovcnt, r->skip, r->len);
    if (m < 0)
        return -EINVAL;
    n += m;
    if (end_in < cs && !(fresh && qcow2_cluster_is_zero(s, last_coff, r->last_entry))) {
        tail = g_malloc(cs);
        ret = qcow2_cluster_content(s, last_coff, r->last_entry, tail);
        if (ret < 0)
            return ret;
        v[n++] = (struct iovec) { tail + end_in, cs - end_in };
        wlen += cs - end_in;
    }
    ret = block_fd_pwritev(s->fd, v, n, wstart);
    /* Clusters must exist in the file up to their end: one zero byte at
     * the end of our own (fresh) cluster extends it and never shrinks it,
     * unlike ftruncate racing with other writers. */
    if (ret == 0 && wstart + wlen < host + r->nclusters * cs)
        ret = block_fd_pwrite(s->fd, "", 1, host + r->nclusters * cs - 1);
    return ret;
}

static bool
qcow2_inflight_overlaps(Qcow2State *s, uint64_t start, uint64_t end)
{
    for (guint i = 0; i < s->inflight->len; i++) {
        Qcow2Range *f = &g_array_index(s->inflight, Qcow2Range, i);

        if (start < f->offset + f->len && f->offset < end)
            return true;
    }
    return false;
}

/* Waits (dropping the lock) while an allocating write covers part of the
 * guest range; true when it had to wait, so lookups must be redone. */
static bool
qcow2_inflight_wait(Qcow2State *s, uint64_t start, uint64_t end)
{
    bool waited = false;

    while (qcow2_inflight_overlaps(s, start, end)) {
        g_cond_wait(&s->alloc_cond, &s->lock);
        waited = true;
    }
    return waited;
}

static void
qcow2_inflight_remove(Qcow2State *s, uint64_t start)
{
    for (guint i = 0; i < s->inflight->len; i++) {
        if (g_array_index(s->inflight, Qcow2Range, i).offset == start) {
            g_array_remove_index_fast(s->inflight, i);
            break;
        }
    }
    g_cond_broadcast(&s->alloc_cond);
}

static int
qcow2_write_allocating(Qcow2State *s, Qcow2AllocReq *r, const struct iovec *iov, int iovcnt)
{
    uint64_t cs = s->cluster_size;
    uint64_t cfirst = r->off & ~(cs - 1);
    Qcow2Range busy = { .offset = cfirst, .len = r->nclusters * cs };
    int64_t host = qcow2_alloc_clusters(s, r->nclusters);
    bool fresh;
    int ret;

    if (host < 0)
        return (int) host;
    /* The data goes out without the lock; other allocating writes and
     * discards of these guest clusters wait for it (inflight). */
    fresh = (uint64_t) host >= s->phys_size;
    g_array_append_val(s->inflight, busy);
    g_mutex_unlock(&s->lock);
    ret = qcow2_alloc_write(s, r, iov, iovcnt, (uint64_t) host, fresh);
    g_mutex_lock(&s->lock);
    qcow2_inflight_remove(s, cfirst);
    if (ret < 0)
        return ret;     /* the new clusters leak; nothing points at them */
    s->phys_size = MAX(s->phys_size, (uint64_t) host + r->nclusters * cs);
    s->need_sync = true;
    for (uint64_t i = 0; i < r->nclusters; i++) {
        uint64_t old;

        ret = qcow2_l2_lookup(s, cfirst + i * cs, &old);
        if (ret == 0)
            ret = qcow2_l2_set(s, cfirst + i * cs, ((uint64_t) host + i * cs) | QCOW2_OFLAG_COPIED);
        if (ret < 0)
            return ret;
        qcow2_release_entry(s, old);
    }
    return 0;
}

int
qcow2_mark_dirty(Qcow2State *s)
{
    int ret;

    if (!s->lazy_refcounts || s->dirty_marked)
        return 0;
    ret = qcow2_header_write_u64(s, QCOW2_HDR_INCOMPAT,
                                 s->h.incompatible_features | QCOW2_INCOMPAT_DIRTY);
    if (ret == 0)
        ret = block_fd_sync(s->fd);
    if (ret < 0)
        return ret;
    s->h.incompatible_features |= QCOW2_INCOMPAT_DIRTY;
    s->dirty_marked = true;
    return 0;
}

static int
qcow2_pwrite_part(Qcow2State *s, const struct iovec *iov, int iovcnt, size_t done,
                  size_t total, uint64_t offset, size_t *written)
{
    Qcow2AllocReq r = { .off = offset + done, .skip = done };
    uint64_t in = r.off & (s->cluster_size - 1);
    uint64_t len;
    int ret;

    g_mutex_lock(&s->lock);
retry:
    ret = qcow2_mark_dirty(s);
    if (ret == 0)
        ret = qcow2_extent(s, r.off, total - done, &r.first_entry, &len);
    if (ret == 0 && qcow2_entry_type(s, r.first_entry) == QCOW2_CLUSTER_NORMAL &&
        (r.first_entry & QCOW2_OFLAG_COPIED)) {
        struct iovec sub[QCOW2_IOV_MAX];
        int n = block_iov_slice(sub, QCOW2_IOV_MAX, iov, iovcnt, done, len);

        s->need_sync = true;
        g_mutex_unlock(&s->lock);
        if (n < 0)
            return -EINVAL;
        *written = len;
        return block_fd_pwritev(s->fd, sub, n, (r.first_entry & QCOW2_OFFSET_MASK) + in);
    }
    if (ret == 0)
        ret = qcow2_alloc_extent(s, &r, total - done);
    if (ret == 0 && qcow2_inflight_wait(s, r.off - in, r.off - in + r.nclusters * s->cluster_size))
        goto retry;
    if (ret == 0)
        ret = qcow2_write_allocating(s, &r, iov, iovcnt);
    if (ret == 0 && qcow2_pending_frees_full(s))
        ret = qcow2_metadata_flush(s);
    g_mutex_unlock(&s->lock);
    *written = r.len;
    return ret;
}

int
qcow2_co_pwritev(Qcow2State *s, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    size_t total = block_iov_size(iov, iovcnt);
    size_t done = 0;

    while (done < total) {
        size_t n = 0;
        int ret = qcow2_pwrite_part(s, iov, iovcnt, done, total, offset, &n);

        if (ret < 0)
            return ret;
        done += n;
    }
    return 0;
}

/* Whether backing data would show through an unallocated cluster. */
static bool
qcow2_backing_shows(Qcow2State *s, uint64_t coff)
{
    return s->backing && coff < s->backing_size;
}

/* New L2 entry for a discarded or zeroed whole cluster; false to leave it. */
static bool
qcow2_zero_entry(Qcow2State *s, uint64_t coff, uint64_t old, bool zero, bool may_unmap,
                 uint64_t *entry)
{
    Qcow2ClusterType t = qcow2_entry_type(s, old);
    bool under = qcow2_backing_shows(s, coff);

    if (s->h.version >= 3) {
        if (zero && !may_unmap && t == QCOW2_CLUSTER_NORMAL && (old & QCOW2_OFLAG_COPIED)) {
            *entry = old | QCOW2_OFLAG_ZERO;   /* keep the allocation */
            return true;
        }
        if (t == QCOW2_CLUSTER_ZERO && !(old & QCOW2_OFFSET_MASK))
            return false;
        if (t == QCOW2_CLUSTER_UNALLOCATED && !under)
            return false;   /* reads as zeros already */
        *entry = under ? QCOW2_OFLAG_ZERO : 0;
        return true;
    }
    /* Version 2 has no zero flag: a discard unallocates (the backing file
     * shows through, as with QEMU); zeroing can only unallocate without one. */
    if (zero && under)
        return false;
    *entry = 0;
    return t != QCOW2_CLUSTER_UNALLOCATED;
}

static int
qcow2_zero_clusters(Qcow2State *s, uint64_t off, uint64_t n, bool zero, bool may_unmap)
{
    uint64_t end = off + (n << s->cluster_bits);
    uint64_t l1_span = 1ULL << (s->cluster_bits + s->l2_bits);
    int ret = qcow2_mark_dirty(s);

    for (uint64_t coff = off; coff < end && ret == 0; coff += s->cluster_size) {
        uint64_t l1i = coff / l1_span;
        uint64_t old, entry;

        /* No L2 table and nothing underneath: the whole range reads zeros. */
        if (l1i < s->l1_size && !(s->l1[l1i] & QCOW2_OFFSET_MASK) &&
            !qcow2_backing_shows(s, coff)) {
            coff = MIN(end, (l1i + 1) * l1_span) - s->cluster_size;
            continue;
        }
        ret = qcow2_l2_lookup(s, coff, &old);
        if (ret < 0 || !qcow2_zero_entry(s, coff, old, zero, may_unmap, &entry))
            continue;
        ret = qcow2_l2_set(s, coff, entry);
        if (ret == 0 && (entry & QCOW2_OFFSET_MASK) == 0)
            qcow2_release_entry(s, old);
    }
    if (ret == 0 && qcow2_pending_frees_full(s))
        ret = qcow2_metadata_flush(s);
    return ret;
}

/* Writes explicit zeros over [@off, +@len). */
static int
qcow2_write_zero_bytes(Qcow2State *s, uint64_t off, uint64_t len)
{
    g_autofree uint8_t *zeros = g_malloc0(s->cluster_size);

    while (len > 0) {
        struct iovec iov = { .iov_base = zeros, .iov_len = MIN(len, s->cluster_size) };
        int ret = qcow2_co_pwritev(s, &iov, 1, off);

        if (ret < 0)
            return ret;
        off += iov.iov_len;
        len -= iov.iov_len;
    }
    return 0;
}

int
qcow2_co_discard(Qcow2State *s, uint64_t offset, uint64_t len, bool zero, bool may_unmap)
{
    uint64_t cs = s->cluster_size;
    uint64_t end = offset + len;
    uint64_t a = (offset + cs - 1) & ~(cs - 1);
    uint64_t b = end & ~(cs - 1);
    int ret = 0;

    /* The last cluster may be partial when the disk size is not aligned. */
    if (end == s->h.size)
        b = (end + cs - 1) & ~(cs - 1);
    if (a >= b) {
        return zero ? qcow2_write_zero_bytes(s, offset, len) : 0;
    }
    if (zero && offset < a)
        ret = qcow2_write_zero_bytes(s, offset, a - offset);
    if (ret == 0 && zero && b < end)
        ret = qcow2_write_zero_bytes(s, b, end - b);
    if (ret < 0)
        return ret;
    g_mutex_lock(&s->lock);
    if (zero && s->h.version < 3 && s->backing) {
        g_mutex_unlock(&s->lock);
        return qcow2_write_zero_bytes(s, a, MIN(b, end) - a);
    }
    qcow2_inflight_wait(s, a, b);
    ret = qcow2_zero_clusters(s, a, (b - a) >> s->cluster_bits, zero, may_unmap);
    g_mutex_unlock(&s->lock);
    return ret;
}

int
qcow2_metadata_flush(Qcow2State *s)
{
    int ret = qcow2_cache_writeback(s, &s->rb_cache);

    if (ret == 0 && (qcow2_cache_is_dirty(&s->l2_cache) || s->l1_dirty_lo < s->l1_dirty_hi)) {
        ret = qcow2_before_l2_write(s);
        if (ret == 0)
            ret = qcow2_cache_writeback(s, &s->l2_cache);
        if (ret == 0 && s->l1_dirty_lo < s->l1_dirty_hi) {
            ret = block_fd_sync(s->fd);
            if (ret == 0)
                ret = qcow2_l1_writeback(s);
        }
    }
    if (ret == 0 && s->pending_frees->len > 0) {
        ret = block_fd_sync(s->fd);
        if (ret == 0)
            ret = qcow2_apply_pending_frees(s);
        if (ret == 0)
            ret = qcow2_cache_writeback(s, &s->rb_cache);
    }
    return ret;
}
