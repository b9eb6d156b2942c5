/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qcow2 unit tests: corrupt headers give clean errors, random I/O matches a
 * shadow copy across cluster sizes and refcount widths (and after reopen),
 * concurrent writers from several threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "hv/block/block.h"
#include "hv/block/qcow2.h"

static char *tmpdir;

static char *
tmp_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static void
put_be32(uint8_t *p, uint32_t v)
{
    v = GUINT32_TO_BE(v);
    memcpy(p, &v, 4);
}

static void
put_be64(uint8_t *p, uint64_t v)
{
    v = GUINT64_TO_BE(v);
    memcpy(p, &v, 8);
}

static int
open_qcow2(const char *path, bool ro, BlockBackend **bb)
{
    BlockOpenOptions o = { .format = BLOCK_FORMAT_QCOW2, .read_only = ro };

    return block_open_path(path, &o, bb);
}

typedef void (*Corruptor)(uint8_t *img, gsize *len);

static void c_magic(uint8_t *b, gsize *l) { (void) l; b[0] = 'X'; }
static void c_version(uint8_t *b, gsize *l) { (void) l; put_be32(b + 4, 4); }
static void c_cluster_big(uint8_t *b, gsize *l) { (void) l; put_be32(b + 20, 30); }
static void c_cluster_small(uint8_t *b, gsize *l) { (void) l; put_be32(b + 20, 8); }
static void c_l1_beyond(uint8_t *b, gsize *l) { (void) l; put_be64(b + 40, 1ULL << 40); }
static void c_l1_small(uint8_t *b, gsize *l) { (void) l; put_be64(b + 24, 1ULL << 50); }
static void c_size_huge(uint8_t *b, gsize *l) { (void) l; put_be64(b + 24, 1ULL << 63); }
static void c_rt_overflow(uint8_t *b, gsize *l) { (void) l; put_be64(b + 48, 0xffffffffffff0000ULL); }
static void c_rt_clusters(uint8_t *b, gsize *l) { (void) l; put_be32(b + 56, 0x7fffffff); }
static void c_rt_zero(uint8_t *b, gsize *l) { (void) l; put_be32(b + 56, 0); }
static void c_crypt(uint8_t *b, gsize *l) { (void) l; put_be32(b + 32, 1); }
static void c_incompat_unknown(uint8_t *b, gsize *l) { (void) l; put_be64(b + 72, 1ULL << 20); }
static void c_incompat_datafile(uint8_t *b, gsize *l) { (void) l; put_be64(b + 72, 1ULL << 2); }
static void c_incompat_extl2(uint8_t *b, gsize *l) { (void) l; put_be64(b + 72, 1ULL << 4); }
static void c_refcount_order(uint8_t *b, gsize *l) { (void) l; put_be32(b + 96, 7); }
static void c_header_len(uint8_t *b, gsize *l) { (void) l; put_be32(b + 100, 80); }
static void c_compression(uint8_t *b, gsize *l) { (void) l; b[104] = 1; }
static void c_compression_unknown(uint8_t *b, gsize *l) { (void) l; put_be64(b + 72, 1ULL << 3); b[104] = 9; }
static void c_backing_len(uint8_t *b, gsize *l) { (void) l; put_be64(b + 8, 200); put_be32(b + 16, 5000); }
static void c_snapshots(uint8_t *b, gsize *l) { (void) l; put_be32(b + 60, 1); put_be64(b + 64, 1ULL << 40); }
static void c_ext_len(uint8_t *b, gsize *l) { (void) l; put_be32(b + 112, 0x12345678); put_be32(b + 116, 0x7fffffff); }
static void c_truncated(uint8_t *b, gsize *l) { (void) b; *l = 50; }
static void c_empty(uint8_t *b, gsize *l) { (void) b; *l = 0; }

static const struct {
    const char *name;
    Corruptor fn;
    int err;
} corruptions[] = {
    { "magic", c_magic, -EINVAL },
    { "version", c_version, -ENOTSUP },
    { "cluster-bits-huge", c_cluster_big, -EINVAL },
    { "cluster-bits-small", c_cluster_small, -EINVAL },
    { "l1-beyond-eof", c_l1_beyond, -EINVAL },
    { "l1-too-small", c_l1_small, -EINVAL },
    { "size-huge", c_size_huge, -EINVAL },
    { "refcount-table-overflow", c_rt_overflow, -EINVAL },
    { "refcount-table-huge", c_rt_clusters, -EINVAL },
    { "refcount-table-empty", c_rt_zero, -EINVAL },
    { "encrypted", c_crypt, -ENOTSUP },
    { "incompat-unknown", c_incompat_unknown, -ENOTSUP },
    { "incompat-data-file", c_incompat_datafile, -ENOTSUP },
    { "incompat-extended-l2", c_incompat_extl2, -ENOTSUP },
    { "refcount-order", c_refcount_order, -EINVAL },
    { "header-length", c_header_len, -EINVAL },
    { "compression-without-bit", c_compression, -EINVAL },
    { "compression-unknown", c_compression_unknown, -ENOTSUP },
    { "backing-name-length", c_backing_len, -EINVAL },
    { "snapshot-table-beyond-eof", c_snapshots, -EINVAL },
    { "extension-length", c_ext_len, -EINVAL },
    { "truncated", c_truncated, -EINVAL },
    { "empty", c_empty, -EINVAL },
};

static void
test_corrupt_headers(void)
{
    g_autofree char *good = tmp_path("good.qcow2");
    g_autofree char *bad = tmp_path("bad.qcow2");
    Qcow2CreateOptions co = { .size = 1 << 20 };
    g_autofree gchar *orig = NULL;
    gsize orig_len = 0;

    g_assert_cmpint(qcow2_create(good, &co), ==, 0);
    g_assert_cmpint(qcow2_create(good, &co), ==, -EEXIST);
    g_assert_true(g_file_get_contents(good, &orig, &orig_len, NULL));
    for (size_t i = 0; i < G_N_ELEMENTS(corruptions); i++) {
        g_autofree uint8_t *img = g_memdup2(orig, orig_len);
        gsize len = orig_len;
        BlockBackend *bb = NULL;
        int fd;
        Qcow2ImageInfo info;

        corruptions[i].fn(img, &len);
        g_assert_true(g_file_set_contents(bad, (gchar *) img, (gssize) len, NULL));
        if (g_test_verbose())
            g_printerr("corruption %s\n", corruptions[i].name);
        g_assert_cmpint(open_qcow2(bad, false, &bb), ==, corruptions[i].err);
        g_assert_null(bb);
        g_assert_cmpint(open_qcow2(bad, true, &bb), ==, corruptions[i].err);
        fd = open(bad, O_RDONLY);
        g_assert_cmpint(qcow2_image_info(fd, &info), ==, corruptions[i].err);
        close(fd);
    }
}

static void
test_corrupt_bit_and_bad_l2(void)
{
    g_autofree char *path = tmp_path("cbit.qcow2");
    Qcow2CreateOptions co = { .size = 1 << 20, .cluster_size = 4096 };
    BlockBackend *bb = NULL;
    uint8_t buf[8192];
    struct iovec iov = { buf, sizeof(buf) };
    uint8_t b8[8];
    int fd;

    g_assert_cmpint(qcow2_create(path, &co), ==, 0);
    g_assert_cmpint(open_qcow2(path, false, &bb), ==, 0);
    memset(buf, 0x5a, sizeof(buf));
    g_assert_cmpint(block_pwritev(bb, &iov, 1, 0), ==, 0);
    block_close(bb);

    /* Corrupt bit: read-only only. */
    fd = open(path, O_RDWR);
    put_be64(b8, 1ULL << 1);
    g_assert_cmpint(pwrite(fd, b8, 8, 72), ==, 8);
    g_assert_cmpint(open_qcow2(path, false, &bb), ==, -EUCLEAN);
    g_assert_cmpint(open_qcow2(path, true, &bb), ==, 0);
    block_close(bb);
    put_be64(b8, 0);
    g_assert_cmpint(pwrite(fd, b8, 8, 72), ==, 8);

    /* An L1 entry pointing at a misaligned L2 table: -EIO, no crash. */
    {
        uint8_t h[48];
        uint64_t l1off;

        g_assert_cmpint(pread(fd, h, sizeof(h), 0), ==, sizeof(h));
        memcpy(&l1off, h + 40, 8);
        l1off = GUINT64_FROM_BE(l1off);
        put_be64(b8, (1ULL << 63) | (4096 * 3 + 512));
        g_assert_cmpint(pwrite(fd, b8, 8, (off_t) l1off), ==, 8);
    }
    close(fd);
    g_assert_cmpint(open_qcow2(path, false, &bb), ==, 0);
    g_assert_cmpint(block_preadv(bb, &iov, 1, 0), ==, -EIO);
    g_assert_cmpint(block_pwritev(bb, &iov, 1, 0), ==, -EIO);
    block_close(bb);
}

typedef struct {
    uint32_t cluster_size;
    unsigned refcount_bits;
    bool v2;
    bool backing;
} ModelCase;

static void
check_equal(BlockBackend *bb, const uint8_t *shadow, uint64_t size)
{
    g_autofree uint8_t *buf = g_malloc(size);
    struct iovec iov = { buf, size };

    g_assert_cmpint(block_preadv(bb, &iov, 1, 0), ==, 0);
    g_assert_true(memcmp(buf, shadow, size) == 0);
}

static void
model_one_op(BlockBackend *bb, GRand *rng, uint8_t *shadow, uint64_t size, bool backing,
             bool v2, uint8_t *base)
{
    uint64_t len = (uint64_t) g_rand_int_range(rng, 1, 200000);
    uint64_t off = (uint64_t) g_rand_int_range(rng, 0, (gint32) (size - len));
    int kind = g_rand_int_range(rng, 0, 10);
    g_autofree uint8_t *buf = g_malloc(len);
    struct iovec iov[2] = { { buf, len / 3 }, { buf + len / 3, len - len / 3 } };

    if (kind == 0) {
        g_assert_cmpint(block_write_zeroes(bb, off, len, g_rand_boolean(rng)), ==, 0);
        memset(shadow + off, 0, len);
    } else if (kind == 1) {
        uint64_t cs = 512;  /* discard: only whole clusters change; learn by reading */
        g_autofree uint8_t *after = g_malloc(len);
        struct iovec r = { after, len };

        (void) cs;
        g_assert_cmpint(block_discard(bb, off, len), ==, 0);
        g_assert_cmpint(block_preadv(bb, &r, 1, off), ==, 0);
        /* Each byte is either unchanged or reads as zero / backing data. */
        for (uint64_t i = 0; i < len; i++) {
            uint8_t under = (backing && v2) ? base[off + i] : 0;

            g_assert_true(after[i] == shadow[off + i] || after[i] == under);
        }
        memcpy(shadow + off, after, len);
    } else if (kind == 2) {
        g_assert_cmpint(block_flush(bb), ==, 0);
    } else {
        for (uint64_t i = 0; i < len; i++)
            buf[i] = (uint8_t) g_rand_int(rng);
        g_assert_cmpint(block_pwritev(bb, iov, 2, off), ==, 0);
        memcpy(shadow + off, buf, len);
    }
}

static void
test_model(gconstpointer data)
{
    const ModelCase *mc = data;
    uint64_t size = 8 * 1024 * 1024 + 1536;
    g_autofree char *path = tmp_path("model.qcow2");
    g_autofree char *base_path = tmp_path("base.raw");
    g_autofree uint8_t *shadow = g_malloc0(size);
    g_autofree uint8_t *base = g_malloc0(size);
    g_autoptr(GRand) rng = g_rand_new_with_seed(mc->cluster_size + mc->refcount_bits);
    Qcow2CreateOptions co = {
        .size = size, .cluster_size = mc->cluster_size, .refcount_bits = mc->refcount_bits,
        .compat_v2 = mc->v2,
    };
    BlockBackend *bb = NULL;

    unlink(path);
    if (mc->backing) {
        for (uint64_t i = 0; i < size - 4096; i += 4096)
            base[i + (i / 4096) % 4000] = (uint8_t) (i / 4096 + 1);
        memcpy(shadow, base, size);
        g_assert_true(g_file_set_contents(base_path, (gchar *) base, (gssize) size, NULL));
        co.backing_file = "base.raw";
        co.backing_format = "raw";
    }
    g_assert_cmpint(qcow2_create(path, &co), ==, 0);
    g_assert_cmpint(open_qcow2(path, false, &bb), ==, 0);
    g_assert_cmpuint(block_get_size(bb), ==, size);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 40; i++)
            model_one_op(bb, rng, shadow, size, mc->backing, mc->v2, base);
        check_equal(bb, shadow, size);
        block_close(bb);
        g_assert_cmpint(open_qcow2(path, false, &bb), ==, 0);
        check_equal(bb, shadow, size);
    }
    block_close(bb);
    unlink(path);
    unlink(base_path);
}

typedef struct {
    BlockBackend *bb;
    unsigned id;
    size_t piece;
} ThreadArg;

static gpointer
writer_thread(gpointer data)
{
    ThreadArg *a = data;
    uint8_t buf[6000];

    memset(buf, (int) a->id + 1, sizeof(buf));
    for (unsigned i = 0; i < 200; i++) {
        /* Interleaved pieces: threads share clusters and L2 tables. */
        struct iovec iov = { buf, a->piece };
        uint64_t off = ((uint64_t) i * 4 + a->id) * a->piece;

        g_assert_cmpint(block_pwritev(a->bb, &iov, 1, off), ==, 0);
    }
    return NULL;
}

static void
test_threads(gconstpointer data)
{
    uint32_t cluster = GPOINTER_TO_UINT(data);
    size_t piece = cluster == 4096 ? 6000 : 1000;
    g_autofree char *path = tmp_path("threads.qcow2");
    Qcow2CreateOptions co = { .size = 8 << 20, .cluster_size = cluster };
    BlockBackend *bb = NULL;
    ThreadArg args[4];
    GThread *t[4];
    g_autofree uint8_t *buf = g_malloc(4 * 200 * piece);
    struct iovec iov = { buf, 4 * 200 * piece };

    unlink(path);
    g_assert_cmpint(qcow2_create(path, &co), ==, 0);
    g_assert_cmpint(open_qcow2(path, false, &bb), ==, 0);
    for (unsigned i = 0; i < 4; i++) {
        args[i] = (ThreadArg) { bb, i, piece };
        t[i] = g_thread_new("writer", writer_thread, &args[i]);
    }
    for (unsigned i = 0; i < 4; i++)
        g_thread_join(t[i]);
    block_close(bb);
    g_assert_cmpint(open_qcow2(path, true, &bb), ==, 0);
    g_assert_cmpint(block_preadv(bb, &iov, 1, 0), ==, 0);
    for (size_t i = 0; i < iov.iov_len; i++)
        g_assert_cmpuint(buf[i], ==, (i / piece) % 4 + 1);
    block_close(bb);
}

static void
test_read_only_and_probe(void)
{
    g_autofree char *path = tmp_path("ro.qcow2");
    Qcow2CreateOptions co = { .size = 1 << 20 };
    BlockOpenOptions o = { .auto_format = true, .read_only = true };
    BlockBackend *bb = NULL;
    uint8_t b[512];
    struct iovec iov = { b, sizeof(b) };
    BlockSnapshotInfo *list = NULL;
    size_t n = 1;

    g_assert_cmpint(qcow2_create(path, &co), ==, 0);
    g_assert_cmpint(block_open_path(path, &o, &bb), ==, 0);
    g_assert_cmpint(block_get_format(bb), ==, BLOCK_FORMAT_QCOW2);
    g_assert_cmpint(block_pwritev(bb, &iov, 1, 0), ==, -EROFS);
    g_assert_cmpint(block_preadv(bb, &iov, 1, (1 << 20) - 256), ==, -EINVAL);
    g_assert_cmpint(block_snapshot_list(bb, &list, &n), ==, 0);
    g_assert_cmpuint(n, ==, 0);
    block_snapshot_list_free(list, n);
    block_close(bb);
}

static const ModelCase model_cases[] = {
    { 65536, 16, false, false },
    { 4096, 16, false, true },
    { 512, 16, false, false },
    { 512, 1, false, false },
    { 1024, 2, false, true },
    { 2048, 4, false, false },
    { 4096, 8, false, false },
    { 8192, 32, false, false },
    { 512, 64, false, false },
    { 65536, 16, true, false },
    { 4096, 16, true, true },
    { 2 * 1024 * 1024, 16, false, true },
};

int
main(int argc, char **argv)
{
    g_autofree char *rm = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("test-qcow2-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);
    g_test_add_func("/qcow2/corrupt-headers", test_corrupt_headers);
    g_test_add_func("/qcow2/corrupt-bit-bad-l2", test_corrupt_bit_and_bad_l2);
    g_test_add_func("/qcow2/read-only-probe", test_read_only_and_probe);
    g_test_add_data_func("/qcow2/threads/c4096", GUINT_TO_POINTER(4096), test_threads);
    g_test_add_data_func("/qcow2/threads/c65536", GUINT_TO_POINTER(65536), test_threads);
    for (size_t i = 0; i < G_N_ELEMENTS(model_cases); i++) {
        const ModelCase *mc = &model_cases[i];
        g_autofree char *name = g_strdup_printf("/qcow2/model/c%u-r%u%s%s", mc->cluster_size,
                                                mc->refcount_bits, mc->v2 ? "-v2" : "",
                                                mc->backing ? "-backing" : "");

        g_test_add_data_func(name, mc, test_model);
    }
    ret = g_test_run();
    rm = g_strdup_printf("rm -rf '%s'", tmpdir);
    g_assert_cmpint(system(rm), ==, 0);
    g_free(tmpdir);
    return ret;
}
