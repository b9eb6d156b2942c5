/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the input is a qcow2 image file.  It is parsed for info,
 * opened read-only (a few clusters read, snapshots listed) and then
 * writable (a write, a discard, a flush) from a memfd.  Backing files are
 * not followed: the backing name is cleared before opening.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

#include "hv/block/block.h"
#include "hv/block/qcow2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
make_memfd(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-qcow2", MFD_CLOEXEC);

    if (fd < 0)
        return -1;
    if (size > 0 && write(fd, data, size) != (ssize_t) size) {
        close(fd);
        return -1;
    }
    return fd;
}

static void
read_some(BlockBackend *bb)
{
    uint64_t size = block_get_size(bb);
    uint8_t buf[8192];
    const uint64_t offsets[] = { 0, 65536, size / 2, size > sizeof(buf) ? size - sizeof(buf) : 0 };

    for (size_t i = 0; i < G_N_ELEMENTS(offsets); i++) {
        struct iovec iov = { buf, MIN(sizeof(buf), size) };

        if (offsets[i] + iov.iov_len <= size)
            (void) block_preadv(bb, &iov, 1, offsets[i]);
    }
}

static void
open_and_exercise(const uint8_t *data, size_t size, bool writable)
{
    BlockOpenOptions o = { .format = BLOCK_FORMAT_QCOW2, .read_only = !writable };
    BlockBackend *bb = NULL;
    int fd = make_memfd(data, size);

    if (fd < 0 || block_open_fd(fd, &o, &bb) < 0)
        return;
    read_some(bb);
    if (writable) {
        uint8_t buf[3000];
        struct iovec iov = { buf, MIN(sizeof(buf), block_get_size(bb)) };

        memset(buf, 0x42, sizeof(buf));
        (void) block_pwritev(bb, &iov, 1, 0);
        (void) block_discard(bb, 0, MIN(block_get_size(bb), 1 << 20));
        (void) block_flush(bb);
        read_some(bb);
    } else {
        BlockSnapshotInfo *list = NULL;
        size_t n = 0;

        if (block_snapshot_list(bb, &list, &n) == 0)
            block_snapshot_list_free(list, n);
    }
    block_close(bb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree uint8_t *copy = NULL;
    Qcow2ImageInfo info;
    int fd;

    if (size > 4 * 1024 * 1024)
        return 0;
    fd = make_memfd(data, size);
    if (fd >= 0) {
        if (qcow2_image_info(fd, &info) == 0)
            qcow2_image_info_clear(&info);
        close(fd);
    }
    copy = g_memdup2(data, size);
    if (size >= 20)
        memset(copy + 8, 0, 12);    /* no backing file */
    open_and_exercise(copy, size, false);
    open_and_exercise(copy, size, true);
    return 0;
}
