/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Dispatch from the generic block interface to the format drivers, with the
 * bounds and read-only checks every format shares.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "hv/block/block-int.h"

static const BlockDriver *
block_driver_for(BlockFormat format)
{
    switch (format) {
    case BLOCK_FORMAT_RAW:
        return &block_driver_raw;
    case BLOCK_FORMAT_QCOW2:
        return &block_driver_qcow2;
    }
    return NULL;
}

int
block_probe_format(int fd)
{
    uint8_t magic[4] = { 0 };
    ssize_t n;

    do {
        n = pread(fd, magic, sizeof(magic), 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    if (n == 4 && memcmp(magic, "QFI\xfb", 4) == 0)
        return BLOCK_FORMAT_QCOW2;
    return BLOCK_FORMAT_RAW;
}

int
block_open_internal(int fd, const char *path, const BlockOpenOptions *opts,
                    unsigned depth, BlockBackend **out)
{
    BlockOpenOptions o = *opts;
    g_autofree BlockBackend *bb = NULL;
    int ret;

    *out = NULL;
    if (o.auto_format) {
        ret = block_probe_format(fd);
        if (ret < 0) {
            close(fd);
            return ret;
        }
        o.format = (BlockFormat) ret;
    }
    bb = g_new0(BlockBackend, 1);
    bb->drv = block_driver_for(o.format);
    if (!bb->drv) {
        close(fd);
        return -EINVAL;
    }
    bb->read_only = o.read_only;
    ret = bb->drv->open(fd, path, &o, depth, &bb->state, &bb->size);
    if (ret < 0)
        return ret;
    *out = g_steal_pointer(&bb);
    return 0;
}

int
block_open_fd(int fd, const BlockOpenOptions *opts, BlockBackend **out)
{
    return block_open_internal(fd, NULL, opts, 0, out);
}

int
block_open_path(const char *path, const BlockOpenOptions *opts, BlockBackend **out)
{
    int flags = (opts->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;
    int fd;

    *out = NULL;
    do {
        fd = open(path, flags);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -errno;
    return block_open_internal(fd, path, opts, 0, out);
}

uint64_t
block_get_size(BlockBackend *bb)
{
    return bb->size;
}

bool
block_is_read_only(BlockBackend *bb)
{
    return bb->read_only;
}

BlockFormat
block_get_format(BlockBackend *bb)
{
    return bb->drv->format;
}

static int
block_check_range(BlockBackend *bb, uint64_t offset, uint64_t len)
{
    if (offset > bb->size || len > bb->size - offset)
        return -EINVAL;
    return 0;
}

int
block_preadv(BlockBackend *bb, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    size_t len = block_iov_size(iov, iovcnt);
    int ret = block_check_range(bb, offset, len);

    if (ret < 0)
        return ret;
    if (len == 0)
        return 0;
    return bb->drv->preadv(bb->state, iov, iovcnt, offset);
}

int
block_pwritev(BlockBackend *bb, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    size_t len = block_iov_size(iov, iovcnt);
    int ret;

    if (bb->read_only)
        return -EROFS;
    ret = block_check_range(bb, offset, len);
    if (ret < 0)
        return ret;
    if (len == 0)
        return 0;
    return bb->drv->pwritev(bb->state, iov, iovcnt, offset);
}

int
block_flush(BlockBackend *bb)
{
    if (bb->read_only)
        return 0;
    return bb->drv->flush(bb->state);
}

int
block_discard(BlockBackend *bb, uint64_t offset, uint64_t len)
{
    int ret;

    if (bb->read_only)
        return -EROFS;
    ret = block_check_range(bb, offset, len);
    if (ret < 0 || len == 0)
        return ret;
    return bb->drv->discard(bb->state, offset, len);
}

int
block_write_zeroes(BlockBackend *bb, uint64_t offset, uint64_t len, bool may_unmap)
{
    int ret;

    if (bb->read_only)
        return -EROFS;
    ret = block_check_range(bb, offset, len);
    if (ret < 0 || len == 0)
        return ret;
    return bb->drv->write_zeroes(bb->state, offset, len, may_unmap);
}

int
block_resize(BlockBackend *bb, uint64_t new_size, bool allow_shrink)
{
    int ret;

    if (bb->read_only)
        return -EROFS;
    if (new_size < bb->size && !allow_shrink)
        return -EINVAL;
    if (!bb->drv->resize)
        return -ENOTSUP;
    ret = bb->drv->resize(bb->state, &new_size, allow_shrink);
    if (ret < 0)
        return ret;
    bb->size = new_size;
    return 0;
}

#define BLOCK_COPY_CHUNK (1024 * 1024)
#define BLOCK_COPY_PIECE (64 * 1024)

static bool
block_buf_is_zero(const uint8_t *buf, size_t len)
{
    return len == 0 || (buf[0] == 0 && memcmp(buf, buf + 1, len - 1) == 0);
}

/* Writes the non-zero 64 KiB pieces of @buf (all of it unless @skip_zero). */
static int
block_copy_chunk(BlockBackend *dst, uint8_t *buf, size_t len, uint64_t off, bool skip_zero)
{
    size_t pos = 0;

    while (pos < len) {
        size_t start, end;
        struct iovec iov;
        int ret;

        while (skip_zero && pos < len &&
               block_buf_is_zero(buf + pos, MIN(BLOCK_COPY_PIECE, len - pos)))
            pos += MIN(BLOCK_COPY_PIECE, len - pos);
        start = pos;
        while (pos < len &&
               (!skip_zero || !block_buf_is_zero(buf + pos, MIN(BLOCK_COPY_PIECE, len - pos))))
            pos += MIN(BLOCK_COPY_PIECE, len - pos);
        end = pos;
        if (end == start)
            continue;
        iov = (struct iovec) { buf + start, end - start };
        ret = block_pwritev(dst, &iov, 1, off + start);
        if (ret < 0)
            return ret;
    }
    return 0;
}

int
block_copy(BlockBackend *src, BlockBackend *dst, bool dst_zeroed)
{
    g_autofree uint8_t *buf = g_malloc(BLOCK_COPY_CHUNK);

    if (block_get_size(src) != block_get_size(dst))
        return -EINVAL;
    for (uint64_t off = 0; off < src->size; off += BLOCK_COPY_CHUNK) {
        struct iovec iov = { buf, (size_t) MIN((uint64_t) BLOCK_COPY_CHUNK, src->size - off) };
        int ret = block_preadv(src, &iov, 1, off);

        if (ret == 0)
            ret = block_copy_chunk(dst, buf, iov.iov_len, off, dst_zeroed);
        if (ret < 0)
            return ret;
    }
    return block_flush(dst);
}

void
block_close(BlockBackend *bb)
{
    if (!bb)
        return;
    if (!bb->read_only)
        (void) bb->drv->flush(bb->state);
    bb->drv->close(bb->state);
    g_free(bb);
}

int
block_snapshot_list(BlockBackend *bb, BlockSnapshotInfo **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (!bb->drv->snapshot_list)
        return 0;
    return bb->drv->snapshot_list(bb->state, out, count);
}

void
block_snapshot_list_free(BlockSnapshotInfo *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        g_free(list[i].id);
        g_free(list[i].name);
    }
    g_free(list);
}
