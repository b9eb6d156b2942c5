/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Creation of empty qcow2 images: header (+ backing format extension and
 * backing file name) in cluster 0, then the refcount table, the refcount
 * blocks that count all of this, and the L1 table.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "hv/block/qcow2-int.h"

#define QCOW2_CREATE_HEADER_LEN 112

typedef struct {
    uint32_t cluster_bits;
    uint32_t refcount_order;
    uint64_t size;
    uint64_t l1_size;
    uint64_t rt_clusters, rb_clusters, l1_clusters;
} Qcow2Layout;

static int
qcow2_create_check(const Qcow2CreateOptions *o, Qcow2Layout *l)
{
    uint32_t cs = o->cluster_size ? o->cluster_size : 65536;
    unsigned rbits = o->refcount_bits ? o->refcount_bits : 16;

    if (cs < 512 || cs > (2U << 20) || (cs & (cs - 1)))
        return -EINVAL;
    if (rbits > 64 || (rbits & (rbits - 1)))
        return -EINVAL;
    if (o->compat_v2 && (o->lazy_refcounts || rbits != 16))
        return -EINVAL;
    if (o->backing_format && !g_str_equal(o->backing_format, "raw") &&
        !g_str_equal(o->backing_format, "qcow2"))
        return -EINVAL;
    if (o->backing_format && !o->backing_file)
        return -EINVAL;
    if (o->backing_file && (!*o->backing_file ||
                            strlen(o->backing_file) > QCOW2_MAX_BACKING_NAME))
        return -EINVAL;
    if (o->size > (1ULL << 62))
        return -EFBIG;
    l->cluster_bits = (uint32_t) __builtin_ctz(cs);
    l->refcount_order = (uint32_t) __builtin_ctz(rbits);
    l->size = (o->size + 511) & ~511ULL;
    return 0;
}

static int
qcow2_create_layout(Qcow2Layout *l)
{
    uint64_t cs = 1ULL << l->cluster_bits;
    uint64_t per_l1 = 1ULL << (2 * l->cluster_bits - 3);
    uint64_t per_rb = (cs * 8) >> l->refcount_order;
    uint64_t total, prev_rb = 0;

    l->l1_size = (l->size + per_l1 - 1) / per_l1;
    if (l->l1_size * 8 > QCOW2_MAX_L1_BYTES)
        return -EFBIG;
    l->l1_clusters = (l->l1_size * 8 + cs - 1) / cs;
    l->rb_clusters = 1;
    do {
        prev_rb = l->rb_clusters;
        l->rt_clusters = (l->rb_clusters * 8 + cs - 1) / cs;
        total = 1 + l->rt_clusters + l->rb_clusters + l->l1_clusters;
        l->rb_clusters = (total + per_rb - 1) / per_rb;
    } while (l->rb_clusters != prev_rb);
    return 0;
}

/* Header fields and extensions in cluster 0. */
static int
qcow2_create_header(const Qcow2CreateOptions *o, const Qcow2Layout *l, uint8_t *buf)
{
    uint64_t cs = 1ULL << l->cluster_bits;
    uint32_t hlen = o->compat_v2 ? QCOW2_V2_HEADER_LEN : QCOW2_CREATE_HEADER_LEN;
    size_t p = hlen;

    qcow2_put_be32(buf, QCOW2_MAGIC);
    qcow2_put_be32(buf + 4, o->compat_v2 ? 2 : 3);
    qcow2_put_be32(buf + 20, l->cluster_bits);
    qcow2_put_be64(buf + 24, l->size);
    qcow2_put_be32(buf + 36, (uint32_t) l->l1_size);
    qcow2_put_be64(buf + 40, (1 + l->rt_clusters + l->rb_clusters) * cs);
    qcow2_put_be64(buf + 48, cs);
    qcow2_put_be32(buf + 56, (uint32_t) l->rt_clusters);
    if (!o->compat_v2) {
        qcow2_put_be64(buf + 80, o->lazy_refcounts ? QCOW2_COMPAT_LAZY_REFCOUNTS : 0);
        qcow2_put_be32(buf + 96, l->refcount_order);
        qcow2_put_be32(buf + 100, hlen);
    }
    if (o->backing_format) {
        size_t len = strlen(o->backing_format);

        qcow2_put_be32(buf + p, QCOW2_EXT_BACKING_FORMAT);
        qcow2_put_be32(buf + p + 4, (uint32_t) len);
        memcpy(buf + p + 8, o->backing_format, len);
        p += 8 + ((len + 7) & ~(size_t) 7);
    }
    p += 8;     /* end of extensions: type 0, length 0 */
    if (o->backing_file) {
        size_t len = strlen(o->backing_file);

        if (p + len > cs)
            return -ENAMETOOLONG;
        qcow2_put_be64(buf + 8, p);
        qcow2_put_be32(buf + 16, (uint32_t) len);
        memcpy(buf + p, o->backing_file, len);
    }
    return 0;
}

static void
qcow2_create_refcounts(const Qcow2Layout *l, uint8_t *meta)
{
    uint64_t cs = 1ULL << l->cluster_bits;
    uint64_t per_rb = (cs * 8) >> l->refcount_order;
    uint64_t total = 1 + l->rt_clusters + l->rb_clusters + l->l1_clusters;
    uint8_t *rt = meta + cs;
    uint8_t *rb = meta + (1 + l->rt_clusters) * cs;
    uint32_t bits = 1U << l->refcount_order;

    for (uint64_t i = 0; i < l->rb_clusters; i++)
        qcow2_put_be64(rt + i * 8, (1 + l->rt_clusters + i) * cs);
    /* Refcount 1 for each metadata cluster: the value 1 at entry c. */
    for (uint64_t c = 0; c < total; c++) {
        uint8_t *block = rb + (c / per_rb) * cs;
        uint64_t idx = c % per_rb;

        if (bits < 8)
            block[idx * bits / 8] |= (uint8_t) (1U << ((idx * bits) % 8));
        else
            block[(idx + 1) * (bits / 8) - 1] = 1;     /* big endian */
    }
}

int
qcow2_create_fd(int fd, const Qcow2CreateOptions *opts)
{
    Qcow2Layout l = { 0 };
    g_autofree uint8_t *meta = NULL;
    uint64_t cs, total;
    int ret;

    ret = qcow2_create_check(opts, &l);
    if (ret == 0)
        ret = qcow2_create_layout(&l);
    if (ret < 0)
        return ret;
    cs = 1ULL << l.cluster_bits;
    total = (1 + l.rt_clusters + l.rb_clusters + l.l1_clusters) * cs;
    meta = g_try_malloc0(total);
    if (!meta)
        return -ENOMEM;
    ret = qcow2_create_header(opts, &l, meta);
    if (ret < 0)
        return ret;
    qcow2_create_refcounts(&l, meta);
    if (ftruncate(fd, 0) < 0)
        return -errno;
    ret = block_fd_pwrite(fd, meta, total, 0);
    if (ret == 0)
        ret = block_fd_sync(fd);
    return ret;
}

int
qcow2_create(const char *path, const Qcow2CreateOptions *opts)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int ret;

    if (fd < 0)
        return -errno;
    ret = qcow2_create_fd(fd, opts);
    if (close(fd) < 0 && ret == 0)
        ret = -errno;
    if (ret < 0)
        unlink(path);
    return ret;
}
