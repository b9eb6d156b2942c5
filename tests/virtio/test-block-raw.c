/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A minimal raw BlockBackend for the virtio-blk test and fuzzer until the
 * real one (hv/block/) is on main.  The definitions are weak so that a
 * strong backend linked later takes precedence without a clash.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "hv/block/block.h"

#define WEAK __attribute__((weak))

struct BlockBackend {
    int fd;
    bool read_only;
    uint64_t size;
};

WEAK int
block_open_fd(int fd, const BlockOpenOptions *opts, BlockBackend **out)
{
    struct stat st;
    BlockBackend *bb;

    if (opts->format != BLOCK_FORMAT_RAW || fstat(fd, &st) < 0) {
        close(fd);
        return -EINVAL;
    }
    bb = g_new0(BlockBackend, 1);
    bb->fd = fd;
    bb->read_only = opts->read_only;
    bb->size = (uint64_t) st.st_size;
    *out = bb;
    return 0;
}

WEAK int
block_open_path(const char *path, const BlockOpenOptions *opts, BlockBackend **out)
{
    int fd = open(path, (opts->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);

    if (fd < 0)
        return -errno;
    return block_open_fd(fd, opts, out);
}

WEAK uint64_t
block_get_size(BlockBackend *bb)
{
    return bb->size;
}

WEAK bool
block_is_read_only(BlockBackend *bb)
{
    return bb->read_only;
}

static int
raw_rw(BlockBackend *bb, const struct iovec *iov, int iovcnt, uint64_t offset, bool write)
{
    size_t total = 0, done = 0;

    for (int i = 0; i < iovcnt; i++)
        total += iov[i].iov_len;
    while (done < total) {
        struct iovec tmp[64];
        size_t skip = done;
        int n = 0;
        ssize_t r;

        for (int i = 0; i < iovcnt && n < 64; i++) {
            if (skip >= iov[i].iov_len) {
                skip -= iov[i].iov_len;
                continue;
            }
            tmp[n].iov_base = (uint8_t *) iov[i].iov_base + skip;
            tmp[n++].iov_len = iov[i].iov_len - skip;
            skip = 0;
        }
        r = write ? pwritev(bb->fd, tmp, n, (off_t) (offset + done))
                  : preadv(bb->fd, tmp, n, (off_t) (offset + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (r == 0)
            return -EIO;
        done += (size_t) r;
    }
    return (int) MIN(total, (size_t) INT32_MAX);
}

WEAK int
block_preadv(BlockBackend *bb, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    return raw_rw(bb, iov, iovcnt, offset, false);
}

WEAK int
block_pwritev(BlockBackend *bb, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    if (bb->read_only)
        return -EROFS;
    return raw_rw(bb, iov, iovcnt, offset, true);
}

WEAK int
block_flush(BlockBackend *bb)
{
    return fdatasync(bb->fd) < 0 ? -errno : 0;
}

WEAK int
block_discard(BlockBackend *bb, uint64_t offset, uint64_t len)
{
    if (fallocate(bb->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  (off_t) offset, (off_t) len) < 0)
        return -errno;
    return 0;
}

WEAK int
block_write_zeroes(BlockBackend *bb, uint64_t offset, uint64_t len, bool may_unmap)
{
    int mode = may_unmap ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE : FALLOC_FL_ZERO_RANGE;

    if (bb->read_only)
        return -EROFS;
    if (fallocate(bb->fd, mode, (off_t) offset, (off_t) len) < 0) {
        static const uint8_t zero[4096];

        for (uint64_t done = 0; done < len;) {
            size_t chunk = (size_t) MIN(len - done, sizeof(zero));

            if (pwrite(bb->fd, zero, chunk, (off_t) (offset + done)) != (ssize_t) chunk)
                return -EIO;
            done += chunk;
        }
    }
    return 0;
}

WEAK void
block_close(BlockBackend *bb)
{
    if (!bb)
        return;
    close(bb->fd);
    g_free(bb);
}
