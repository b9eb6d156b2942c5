/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The qcow2 header (version 2 and 3) and its extensions: parsing of
 * untrusted bytes with every offset and size checked against the file, and
 * in-place updates of the feature bits.
 */
#include <errno.h>

#include "hv/block/qcow2-int.h"

void
qcow2_header_clear(Qcow2Header *h)
{
    g_clear_pointer(&h->backing_file, g_free);
    g_clear_pointer(&h->backing_format, g_free);
}

/* True when [@off, @off + @len) lies within [0, @limit). */
static bool
qcow2_range_ok(uint64_t off, uint64_t len, uint64_t limit)
{
    return off <= limit && len <= limit - off;
}

static void
qcow2_header_parse_fixed(const uint8_t *buf, Qcow2Header *h)
{
    h->version = qcow2_be32(buf + 4);
    h->backing_file_offset = qcow2_be64(buf + 8);
    h->backing_file_size = qcow2_be32(buf + 16);
    h->cluster_bits = qcow2_be32(buf + 20);
    h->size = qcow2_be64(buf + 24);
    h->crypt_method = qcow2_be32(buf + 32);
    h->l1_size = qcow2_be32(buf + 36);
    h->l1_table_offset = qcow2_be64(buf + 40);
    h->refcount_table_offset = qcow2_be64(buf + 48);
    h->refcount_table_clusters = qcow2_be32(buf + 56);
    h->nb_snapshots = qcow2_be32(buf + 60);
    h->snapshots_offset = qcow2_be64(buf + 64);
    h->refcount_order = 4;
    h->header_length = QCOW2_V2_HEADER_LEN;
}

static int
qcow2_header_parse_v3(const uint8_t *buf, size_t buflen, uint64_t cluster_size, Qcow2Header *h)
{
    if (buflen < QCOW2_V3_HEADER_LEN)
        return -EINVAL;
    h->incompatible_features = qcow2_be64(buf + 72);
    h->compatible_features = qcow2_be64(buf + 80);
    h->autoclear_features = qcow2_be64(buf + 88);
    h->refcount_order = qcow2_be32(buf + 96);
    h->header_length = qcow2_be32(buf + 100);
    if (h->header_length < QCOW2_V3_HEADER_LEN || h->header_length > cluster_size ||
        h->header_length > buflen)
        return -EINVAL;
    if (h->refcount_order > 6)
        return -EINVAL;
    if (h->incompatible_features & ~QCOW2_INCOMPAT_KNOWN)
        return -ENOTSUP;    /* external data file, extended L2, or unknown */
    if (h->header_length > QCOW2_V3_HEADER_LEN)
        h->compression_type = buf[104];
    if (h->compression_type != QCOW2_COMPRESSION_ZLIB &&
        !(h->incompatible_features & QCOW2_INCOMPAT_COMPRESSION))
        return -EINVAL;
    if (h->compression_type > QCOW2_COMPRESSION_ZSTD)
        return -ENOTSUP;
    return 0;
}

static int
qcow2_header_check_tables(const Qcow2Header *h, uint64_t file_size)
{
    uint64_t cs = 1ULL << h->cluster_bits;
    uint32_t l2_bits = h->cluster_bits - 3;
    uint64_t per_l1 = 1ULL << (h->cluster_bits + l2_bits);
    uint64_t need_l1;

    /* Sizes beyond 2^62 would overflow offset arithmetic. */
    if (h->size > (1ULL << 62))
        return -EINVAL;
    need_l1 = (h->size + per_l1 - 1) / per_l1;
    if (h->l1_size < need_l1 || (uint64_t) h->l1_size * 8 > QCOW2_MAX_L1_BYTES)
        return -EINVAL;
    if (h->l1_size > 0 &&
        ((h->l1_table_offset & (cs - 1)) || h->l1_table_offset == 0 ||
         !qcow2_range_ok(h->l1_table_offset, (uint64_t) h->l1_size * 8, file_size)))
        return -EINVAL;
    if (h->refcount_table_clusters == 0 ||
        (uint64_t) h->refcount_table_clusters * cs > QCOW2_MAX_REFTABLE_BYTES ||
        h->refcount_table_offset == 0 || (h->refcount_table_offset & (cs - 1)) ||
        !qcow2_range_ok(h->refcount_table_offset, (uint64_t) h->refcount_table_clusters * cs,
                        file_size))
        return -EINVAL;
    if (h->nb_snapshots > QCOW2_MAX_SNAPSHOTS)
        return -EINVAL;
    if (h->nb_snapshots > 0 &&
        ((h->snapshots_offset & (cs - 1)) || h->snapshots_offset == 0 ||
         h->snapshots_offset >= file_size))
        return -EINVAL;
    return 0;
}

static int
qcow2_header_parse_extensions(const uint8_t *buf, size_t end, Qcow2Header *h)
{
    size_t off = h->header_length;

    while (off + 8 <= end) {
        uint32_t type = qcow2_be32(buf + off);
        uint32_t len = qcow2_be32(buf + off + 4);
        size_t padded = ((size_t) len + 7) & ~(size_t) 7;

        off += 8;
        if (type == QCOW2_EXT_END)
            return 0;
        if (len > end - off || padded > end - off)
            return -EINVAL;
        if (type == QCOW2_EXT_BACKING_FORMAT) {
            if (len == 0 || len > 16 || memchr(buf + off, 0, len))
                return -EINVAL;
            g_free(h->backing_format);
            h->backing_format = g_strndup((const char *) buf + off, len);
        } else if (type == QCOW2_EXT_FEATURE_TABLE) {
            if (len % 48)
                return -EINVAL;
        }
        off += padded;
    }
    return 0;
}

static int
qcow2_header_parse_backing(const uint8_t *buf, size_t buflen, uint64_t cs, Qcow2Header *h)
{
    if (h->backing_file_offset == 0)
        return 0;
    if (h->backing_file_size == 0 || h->backing_file_size > QCOW2_MAX_BACKING_NAME ||
        !qcow2_range_ok(h->backing_file_offset, h->backing_file_size, MIN(cs, buflen)) ||
        h->backing_file_offset < h->header_length)
        return -EINVAL;
    if (memchr(buf + h->backing_file_offset, 0, h->backing_file_size))
        return -EINVAL;
    h->backing_file = g_strndup((const char *) buf + h->backing_file_offset,
                                h->backing_file_size);
    return 0;
}

static int
qcow2_header_parse_inner(const uint8_t *buf, size_t buflen, uint64_t file_size, Qcow2Header *h)
{
    uint64_t cs;
    size_t ext_end;
    int ret;

    if (buflen < QCOW2_V2_HEADER_LEN || qcow2_be32(buf) != QCOW2_MAGIC)
        return -EINVAL;
    qcow2_header_parse_fixed(buf, h);
    if (h->version != 2 && h->version != 3)
        return -ENOTSUP;
    if (h->cluster_bits < QCOW2_MIN_CLUSTER_BITS || h->cluster_bits > QCOW2_MAX_CLUSTER_BITS)
        return -EINVAL;
    cs = 1ULL << h->cluster_bits;
    if (h->version == 3) {
        ret = qcow2_header_parse_v3(buf, buflen, cs, h);
        if (ret < 0)
            return ret;
    }
    if (h->crypt_method != 0)
        return -ENOTSUP;
    ret = qcow2_header_check_tables(h, file_size);
    if (ret < 0)
        return ret;
    ret = qcow2_header_parse_backing(buf, buflen, cs, h);
    if (ret < 0)
        return ret;
    /* Extensions run to the backing file name or to the end of cluster 0. */
    ext_end = MIN(buflen, cs);
    if (h->backing_file_offset > h->header_length && h->backing_file_offset < ext_end)
        ext_end = h->backing_file_offset;
    return qcow2_header_parse_extensions(buf, ext_end, h);
}

int
qcow2_header_parse(const uint8_t *buf, size_t buflen, uint64_t file_size, Qcow2Header *h)
{
    int ret;

    memset(h, 0, sizeof(*h));
    ret = qcow2_header_parse_inner(buf, buflen, file_size, h);
    if (ret < 0)
        qcow2_header_clear(h);
    return ret;
}

int
qcow2_header_read(int fd, Qcow2Header *h)
{
    uint64_t fsize;
    bool is_blk;
    uint8_t small[QCOW2_V2_HEADER_LEN];
    g_autofree uint8_t *buf = NULL;
    uint32_t cluster_bits;
    size_t len;
    int ret;

    memset(h, 0, sizeof(*h));
    ret = block_fd_size(fd, &fsize, &is_blk);
    if (ret < 0)
        return ret;
    if (fsize < QCOW2_V2_HEADER_LEN)
        return -EINVAL;
    ret = block_fd_pread(fd, small, sizeof(small), 0);
    if (ret < 0)
        return ret;
    cluster_bits = qcow2_be32(small + 20);
    if (qcow2_be32(small) != QCOW2_MAGIC)
        return -EINVAL;
    if (cluster_bits < QCOW2_MIN_CLUSTER_BITS || cluster_bits > QCOW2_MAX_CLUSTER_BITS)
        return -EINVAL;
    len = (size_t) MIN(fsize, 1ULL << cluster_bits);
    buf = g_malloc(len);
    ret = block_fd_pread(fd, buf, len, 0);
    if (ret < 0)
        return ret;
    return qcow2_header_parse(buf, len, fsize, h);
}

/* Rewrites one 64-bit header field (feature bits) in place. */
int
qcow2_header_write_u64(Qcow2State *s, uint64_t field, uint64_t value)
{
    uint8_t b[8];

    qcow2_put_be64(b, value);
    return block_fd_pwrite(s->fd, b, sizeof(b), field);
}

int
qcow2_image_info(int fd, Qcow2ImageInfo *info)
{
    Qcow2Header h;
    int ret;

    memset(info, 0, sizeof(*info));
    ret = qcow2_header_read(fd, &h);
    if (ret < 0)
        return ret;
    info->version = h.version;
    info->size = h.size;
    info->cluster_size = 1U << h.cluster_bits;
    info->refcount_bits = 1U << h.refcount_order;
    info->backing_file = g_steal_pointer(&h.backing_file);
    info->backing_format = g_steal_pointer(&h.backing_format);
    info->lazy_refcounts = h.compatible_features & QCOW2_COMPAT_LAZY_REFCOUNTS;
    info->dirty = h.incompatible_features & QCOW2_INCOMPAT_DIRTY;
    info->corrupt = h.incompatible_features & QCOW2_INCOMPAT_CORRUPT;
    info->nb_snapshots = h.nb_snapshots;
    info->compression_type = h.compression_type;
    return 0;
}

void
qcow2_image_info_clear(Qcow2ImageInfo *info)
{
    g_clear_pointer(&info->backing_file, g_free);
    g_clear_pointer(&info->backing_format, g_free);
}
