/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test helper: drives hv/block from the command line so the interop tests
 * can compare our results with qemu-img / qemu-io.
 *
 *   virtkvm-img create FILE SIZE [-c CLUSTER] [-b BACKING] [-F FMT] [-l] [-2] [-r BITS]
 *   virtkvm-img dump FILE OUT          whole disk as raw bytes
 *   virtkvm-img ops FILE               stdin: "w OFF LEN BYTE" | "z OFF LEN" |
 *                                      "zk OFF LEN" | "d OFF LEN" | "f" |
 *                                      "resize SIZE"
 *   virtkvm-img snapshots FILE
 *   virtkvm-img info FILE
 *   virtkvm-img convert SRC FMT DST    copy SRC into a new raw/qcow2 image
 *   virtkvm-img crash FILE SEED        random writes until killed
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "hv/block/block.h"
#include "hv/block/qcow2.h"

static int
fail(const char *what, int err)
{
    fprintf(stderr, "virtkvm-img: %s: %s\n", what, g_strerror(-err));
    return 1;
}

static int
open_image(const char *path, bool ro, BlockBackend **bb)
{
    BlockOpenOptions o = { .read_only = ro, .auto_format = true };

    return block_open_path(path, &o, bb);
}

static uint64_t
parse_size(const char *str)
{
    char *end = NULL;
    uint64_t v = g_ascii_strtoull(str, &end, 0);

    switch (end ? *end : 0) {
    case 'G': v <<= 10; /* fall through */
    case 'M': v <<= 10; /* fall through */
    case 'K': v <<= 10; break;
    default: break;
    }
    return v;
}

static int
cmd_create(int argc, char **argv)
{
    Qcow2CreateOptions o = { 0 };
    int opt, ret;

    while ((opt = getopt(argc, argv, "c:b:F:l2r:")) != -1) {
        switch (opt) {
        case 'c': o.cluster_size = (uint32_t) strtoul(optarg, NULL, 0); break;
        case 'b': o.backing_file = optarg; break;
        case 'F': o.backing_format = optarg; break;
        case 'l': o.lazy_refcounts = true; break;
        case '2': o.compat_v2 = true; break;
        case 'r': o.refcount_bits = (unsigned) strtoul(optarg, NULL, 0); break;
        default: return 2;
        }
    }
    if (argc - optind != 2)
        return 2;
    o.size = parse_size(argv[optind + 1]);
    ret = qcow2_create(argv[optind], &o);
    return ret < 0 ? fail("create", ret) : 0;
}

static int
cmd_dump(const char *path, const char *out)
{
    BlockBackend *bb = NULL;
    g_autofree uint8_t *buf = g_malloc(1 << 20);
    FILE *f;
    int ret = open_image(path, true, &bb);

    if (ret < 0)
        return fail("open", ret);
    f = fopen(out, "wb");
    if (!f) {
        block_close(bb);
        return fail("output", -errno);
    }
    for (uint64_t off = 0; off < block_get_size(bb) && ret == 0; off += 1 << 20) {
        struct iovec iov = { buf, MIN(1 << 20, block_get_size(bb) - off) };

        ret = block_preadv(bb, &iov, 1, off);
        if (ret == 0 && fwrite(buf, 1, iov.iov_len, f) != iov.iov_len)
            ret = -EIO;
    }
    fclose(f);
    block_close(bb);
    return ret < 0 ? fail("dump", ret) : 0;
}

static int
do_op(BlockBackend *bb, const char *line)
{
    char op[8];
    uint64_t off = 0, len = 0;
    unsigned byte = 0;
    int n = sscanf(line, "%7s %" SCNu64 " %" SCNu64 " %u", op, &off, &len, &byte);

    if (n < 1)
        return 0;
    if (g_str_equal(op, "w") && n == 4) {
        g_autofree uint8_t *buf = g_malloc(len);
        struct iovec iov = { buf, len };

        memset(buf, (int) byte, len);
        return block_pwritev(bb, &iov, 1, off);
    }
    if (g_str_equal(op, "z") && n == 3)
        return block_write_zeroes(bb, off, len, true);
    if (g_str_equal(op, "zk") && n == 3)
        return block_write_zeroes(bb, off, len, false);
    if (g_str_equal(op, "d") && n == 3)
        return block_discard(bb, off, len);
    if (g_str_equal(op, "f"))
        return block_flush(bb);
    if (g_str_equal(op, "resize") && n == 2)
        return block_resize(bb, off, true);
    return -EINVAL;
}

static int
cmd_ops(const char *path)
{
    BlockBackend *bb = NULL;
    char line[256];
    int ret = open_image(path, false, &bb);

    if (ret < 0)
        return fail("open", ret);
    while (ret == 0 && fgets(line, sizeof(line), stdin))
        ret = do_op(bb, line);
    block_close(bb);
    return ret < 0 ? fail("op", ret) : 0;
}

static int
cmd_snapshots(const char *path)
{
    BlockBackend *bb = NULL;
    BlockSnapshotInfo *list = NULL;
    size_t n = 0;
    int ret = open_image(path, true, &bb);

    if (ret < 0)
        return fail("open", ret);
    ret = block_snapshot_list(bb, &list, &n);
    for (size_t i = 0; ret == 0 && i < n; i++)
        printf("%s %s %" PRIu64 "\n", list[i].id, list[i].name, list[i].vm_state_size);
    block_snapshot_list_free(list, n);
    block_close(bb);
    return ret < 0 ? fail("snapshots", ret) : 0;
}

static int
cmd_info(const char *path)
{
    Qcow2ImageInfo info;
    int fd = open(path, O_RDONLY);
    int ret;

    if (fd < 0)
        return fail("open", -errno);
    ret = qcow2_image_info(fd, &info);
    close(fd);
    if (ret < 0)
        return fail("info", ret);
    printf("version %u\nsize %" PRIu64 "\ncluster_size %u\nrefcount_bits %u\n"
           "backing %s\nbacking_format %s\nlazy %d\ndirty %d\n",
           info.version, info.size, info.cluster_size, info.refcount_bits,
           info.backing_file ? info.backing_file : "-",
           info.backing_format ? info.backing_format : "-", info.lazy_refcounts, info.dirty);
    qcow2_image_info_clear(&info);
    return 0;
}

/* Copies SRC (any format) into a new image DST of format FMT. */
static int
cmd_convert(const char *src_path, const char *fmt, const char *dst_path)
{
    BlockBackend *src = NULL, *dst = NULL;
    BlockOpenOptions o = { .format = BLOCK_FORMAT_RAW };
    int ret = open_image(src_path, true, &src);

    if (ret < 0)
        return fail("open", ret);
    if (g_str_equal(fmt, "qcow2")) {
        Qcow2CreateOptions co = { .size = block_get_size(src) };

        ret = qcow2_create(dst_path, &co);
        o.format = BLOCK_FORMAT_QCOW2;
    } else {
        int fd = open(dst_path, O_RDWR | O_CREAT | O_EXCL, 0600);

        ret = fd < 0 || ftruncate(fd, (off_t) block_get_size(src)) < 0 ? -errno : 0;
        if (fd >= 0)
            close(fd);
    }
    if (ret == 0)
        ret = block_open_path(dst_path, &o, &dst);
    if (ret == 0)
        ret = block_copy(src, dst, true);
    block_close(dst);
    block_close(src);
    return ret < 0 ? fail("convert", ret) : 0;
}

static int
cmd_crash(const char *path, unsigned seed)
{
    BlockBackend *bb = NULL;
    g_autoptr(GRand) rng = g_rand_new_with_seed(seed);
    g_autofree uint8_t *buf = g_malloc(256 * 1024);
    int ret = open_image(path, false, &bb);

    if (ret < 0)
        return fail("open", ret);
    for (uint64_t i = 0; ret == 0; i++) {
        uint64_t size = block_get_size(bb);
        uint64_t len = (uint64_t) g_rand_int_range(rng, 1, 128) * 512;
        uint64_t off = (uint64_t) g_rand_double_range(rng, 0, (double) (size - len)) & ~511ULL;
        struct iovec iov = { buf, len };
        int kind = g_rand_int_range(rng, 0, 20);

        memset(buf, (int) (i & 0xff), len);
        if (kind == 0)
            ret = block_discard(bb, off, len);
        else if (kind == 1)
            ret = block_write_zeroes(bb, off, len, true);
        else if (kind == 2)
            ret = block_flush(bb);
        else
            ret = block_pwritev(bb, &iov, 1, off);
        if (i == 100) {
            printf("ready\n");
            fflush(stdout);
        }
    }
    block_close(bb);
    return fail("crash", ret);
}

int
main(int argc, char **argv)
{
    if (argc >= 4 && g_str_equal(argv[1], "create"))
        return cmd_create(argc - 1, argv + 1);
    if (argc == 4 && g_str_equal(argv[1], "dump"))
        return cmd_dump(argv[2], argv[3]);
    if (argc == 3 && g_str_equal(argv[1], "ops"))
        return cmd_ops(argv[2]);
    if (argc == 3 && g_str_equal(argv[1], "snapshots"))
        return cmd_snapshots(argv[2]);
    if (argc == 3 && g_str_equal(argv[1], "info"))
        return cmd_info(argv[2]);
    if (argc == 5 && g_str_equal(argv[1], "convert"))
        return cmd_convert(argv[2], argv[3], argv[4]);
    if (argc == 4 && g_str_equal(argv[1], "crash"))
        return cmd_crash(argv[2], (unsigned) atoi(argv[3]));
    fprintf(stderr, "usage: see the comment at the top of virtkvm-img.c\n");
    return 2;
}
