/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The raw block backend on a regular file: bounds, read-only, zero reads
 * past EOF, discard and write-zeroes, O_DIRECT with unaligned buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "hv/block/block.h"

static char *tmpdir;

static char *
make_file(const char *name, off_t size)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, size), ==, 0);
    close(fd);
    return path;
}

static int
rw(BlockBackend *bb, bool write, void *buf, size_t len, uint64_t off)
{
    struct iovec iov = { .iov_base = buf, .iov_len = len };

    return write ? block_pwritev(bb, &iov, 1, off) : block_preadv(bb, &iov, 1, off);
}

static void
test_raw_basic(gconstpointer data)
{
    bool direct = GPOINTER_TO_INT(data);
    g_autofree char *path = make_file("basic.raw", 1 << 20);
    BlockOpenOptions o = { .format = BLOCK_FORMAT_RAW, .direct = direct };
    BlockBackend *bb = NULL;
    g_autofree uint8_t *buf = g_malloc(70000);
    g_autofree uint8_t *back = g_malloc(70000);
    struct iovec iov[3];

    g_assert_cmpint(block_open_path(path, &o, &bb), ==, 0);
    g_assert_cmpuint(block_get_size(bb), ==, 1 << 20);
    g_assert_cmpint(block_get_format(bb), ==, BLOCK_FORMAT_RAW);
    for (size_t i = 0; i < 70000; i++)
        buf[i] = (uint8_t) (i * 7 + 3);
    /* Unaligned offset and length, split across three iovec entries. */
    iov[0] = (struct iovec) { buf, 13 };
    iov[1] = (struct iovec) { buf + 13, 40000 };
    iov[2] = (struct iovec) { buf + 40013, 29987 };
    g_assert_cmpint(block_pwritev(bb, iov, 3, 1001), ==, 0);
    g_assert_cmpint(rw(bb, false, back, 70000, 1001), ==, 0);
    g_assert_cmpmem(buf, 70000, back, 70000);
    /* Out of range. */
    g_assert_cmpint(rw(bb, false, back, 2, (1 << 20) - 1), ==, -EINVAL);
    g_assert_cmpint(rw(bb, true, back, 1, 1 << 20), ==, -EINVAL);
    g_assert_cmpint(block_discard(bb, 0, UINT64_MAX), ==, -EINVAL);
    /* Write-zeroes and discard read back as zeros. */
    g_assert_cmpint(block_write_zeroes(bb, 4096, 8192, false), ==, 0);
    g_assert_cmpint(block_write_zeroes(bb, 20000, 100, true), ==, 0);
    g_assert_cmpint(block_discard(bb, 32768, 32768), ==, 0);
    g_assert_cmpint(block_flush(bb), ==, 0);
    g_assert_cmpint(rw(bb, false, back, 70000, 1001), ==, 0);
    for (size_t i = 0; i < 70000; i++) {
        uint64_t off = 1001 + i;
        bool zero = (off >= 4096 && off < 12288) || (off >= 20000 && off < 20100) ||
                    (off >= 32768 && off < 65536);

        g_assert_cmpuint(back[i], ==, zero ? 0 : buf[i]);
    }
    block_close(bb);
}

static void
test_raw_read_only(void)
{
    g_autofree char *path = make_file("ro.raw", 4096);
    BlockOpenOptions o = { .format = BLOCK_FORMAT_RAW, .read_only = true };
    BlockBackend *bb = NULL;
    uint8_t b[16] = { 0 };
    int fd;

    g_assert_cmpint(block_open_path(path, &o, &bb), ==, 0);
    g_assert_true(block_is_read_only(bb));
    g_assert_cmpint(rw(bb, true, b, 16, 0), ==, -EROFS);
    g_assert_cmpint(block_discard(bb, 0, 16), ==, -EROFS);
    g_assert_cmpint(block_write_zeroes(bb, 0, 16, false), ==, -EROFS);
    block_close(bb);

    /* A read-only fd cannot back a writable device. */
    fd = open(path, O_RDONLY);
    o.read_only = false;
    g_assert_cmpint(block_open_fd(fd, &o, &bb), ==, -EBADF);
    g_assert_null(bb);
}

static void
test_raw_past_eof(void)
{
    g_autofree char *path = make_file("eof.raw", 8192);
    BlockOpenOptions o = { .format = BLOCK_FORMAT_RAW };
    BlockBackend *bb = NULL;
    uint8_t b[4096];
    int fd;

    g_assert_cmpint(block_open_path(path, &o, &bb), ==, 0);
    /* The file shrinks under us: reads past its end are zeros. */
    fd = open(path, O_RDWR);
    g_assert_cmpint(pwrite(fd, "xy", 2, 4094), ==, 2);
    g_assert_cmpint(ftruncate(fd, 4096), ==, 0);
    close(fd);
    memset(b, 0xaa, sizeof(b));
    g_assert_cmpint(rw(bb, false, b, sizeof(b), 4094), ==, 0);
    g_assert_cmpuint(b[0], ==, 'x');
    g_assert_cmpuint(b[1], ==, 'y');
    for (size_t i = 2; i < sizeof(b); i++)
        g_assert_cmpuint(b[i], ==, 0);
    /* Resize: grow, refuse an unflagged shrink, shrink. */
    g_assert_cmpint(block_resize(bb, 16384, false), ==, 0);
    g_assert_cmpuint(block_get_size(bb), ==, 16384);
    g_assert_cmpint(rw(bb, false, b, sizeof(b), 12288), ==, 0);
    g_assert_cmpint(block_resize(bb, 4096, false), ==, -EINVAL);
    g_assert_cmpint(block_resize(bb, 4096, true), ==, 0);
    g_assert_cmpint(rw(bb, false, b, 1, 4096), ==, -EINVAL);
    block_close(bb);
}

static void
test_probe(void)
{
    g_autofree char *path = make_file("probe.raw", 4096);
    int fd = open(path, O_RDWR);

    g_assert_cmpint(block_probe_format(fd), ==, BLOCK_FORMAT_RAW);
    g_assert_cmpint(pwrite(fd, "QFI\xfb", 4, 0), ==, 4);
    g_assert_cmpint(block_probe_format(fd), ==, BLOCK_FORMAT_QCOW2);
    close(fd);
    g_assert_cmpint(block_probe_format(-1), ==, -EBADF);
}

int
main(int argc, char **argv)
{
    g_autofree char *rm = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("test-raw-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);
    g_test_add_data_func("/block/raw/basic", GINT_TO_POINTER(0), test_raw_basic);
    g_test_add_data_func("/block/raw/direct", GINT_TO_POINTER(1), test_raw_basic);
    g_test_add_func("/block/raw/read-only", test_raw_read_only);
    g_test_add_func("/block/raw/past-eof", test_raw_past_eof);
    g_test_add_func("/block/probe", test_probe);
    ret = g_test_run();
    rm = g_strdup_printf("rm -rf '%s'", tmpdir);
    g_assert_cmpint(system(rm), ==, 0);
    g_free(tmpdir);
    return ret;
}
