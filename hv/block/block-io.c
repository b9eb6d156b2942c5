/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Positioned file I/O that never returns short, and iovec helpers.
 */
#include <errno.h>
#include <limits.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "hv/block/block-int.h"

#define BLOCK_IOV_STACK 64

size_t
block_iov_size(const struct iovec *iov, int iovcnt)
{
    size_t len = 0;

    for (int i = 0; i < iovcnt; i++)
        len += iov[i].iov_len;
    return len;
}

int
block_iov_slice(struct iovec *dst, int dst_max, const struct iovec *iov, int iovcnt,
                size_t skip, size_t len)
{
    int n = 0;

    for (int i = 0; i < iovcnt && len > 0; i++) {
        size_t l = iov[i].iov_len;

        if (skip >= l) {
            skip -= l;
            continue;
        }
        if (n == dst_max)
            return -EINVAL;
        dst[n].iov_base = (uint8_t *) iov[i].iov_base + skip;
        dst[n].iov_len = MIN(l - skip, len);
        len -= dst[n].iov_len;
        skip = 0;
        n++;
    }
    return n;
}

void
block_iov_to_buf(const struct iovec *iov, int iovcnt, size_t skip, void *buf, size_t len)
{
    uint8_t *p = buf;

    for (int i = 0; i < iovcnt && len > 0; i++) {
        size_t l = iov[i].iov_len;
        size_t c;

        if (skip >= l) {
            skip -= l;
            continue;
        }
        c = MIN(l - skip, len);
        memcpy(p, (uint8_t *) iov[i].iov_base + skip, c);
        p += c;
        len -= c;
        skip = 0;
    }
}

void
block_iov_from_buf(const struct iovec *iov, int iovcnt, size_t skip, const void *buf,
                   size_t len)
{
    const uint8_t *p = buf;

    for (int i = 0; i < iovcnt && len > 0; i++) {
        size_t l = iov[i].iov_len;
        size_t c;

        if (skip >= l) {
            skip -= l;
            continue;
        }
        c = MIN(l - skip, len);
        memcpy((uint8_t *) iov[i].iov_base + skip, p, c);
        p += c;
        len -= c;
        skip = 0;
    }
}

void
block_iov_memset(const struct iovec *iov, int iovcnt, size_t skip, int c, size_t len)
{
    for (int i = 0; i < iovcnt && len > 0; i++) {
        size_t l = iov[i].iov_len;
        size_t n;

        if (skip >= l) {
            skip -= l;
            continue;
        }
        n = MIN(l - skip, len);
        memset((uint8_t *) iov[i].iov_base + skip, c, n);
        len -= n;
        skip = 0;
    }
}

int
block_fd_pread(int fd, void *buf, size_t len, uint64_t offset)
{
    struct iovec iov = { .iov_base = buf, .iov_len = len };

    return block_fd_preadv(fd, &iov, 1, offset);
}

int
block_fd_pwrite(int fd, const void *buf, size_t len, uint64_t offset)
{
    struct iovec iov = { .iov_base = (void *) buf, .iov_len = len };

    return block_fd_pwritev(fd, &iov, 1, offset);
}

/* Advances a private copy of the iovec past @done bytes. */
static int
block_iov_rest(struct iovec *tmp, const struct iovec *iov, int iovcnt, size_t done,
               size_t total)
{
    int n = block_iov_slice(tmp, BLOCK_IOV_STACK, iov, iovcnt, done, total - done);

    /* More entries than fit: transfer the first BLOCK_IOV_STACK now. */
    return n < 0 ? BLOCK_IOV_STACK : n;
}

/* One loop for both directions: a short transfer goes on from where it
 * stopped; at end of file a read fills the rest with zeros and a write
 * fails with -EIO. */
static int
block_fd_rw(int fd, const struct iovec *iov, int iovcnt, uint64_t offset, bool write)
{
    size_t total = block_iov_size(iov, iovcnt);
    size_t done = 0;
    struct iovec tmp[BLOCK_IOV_STACK];

    while (done < total) {
        int n = block_iov_rest(tmp, iov, iovcnt, done, total);
        ssize_t r;

        if (n > IOV_MAX)
            n = IOV_MAX;
        if (write)
            r = pwritev(fd, tmp, n, (off_t) (offset + done));
        else
            r = preadv(fd, tmp, n, (off_t) (offset + done));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (r == 0) {
            if (write)
                return -EIO;
            block_iov_memset(iov, iovcnt, done, 0, total - done);
            return 0;
        }
        done += (size_t) r;
    }
    return 0;
}

int
block_fd_preadv(int fd, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    return block_fd_rw(fd, iov, iovcnt, offset, false);
}

int
block_fd_pwritev(int fd, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    return block_fd_rw(fd, iov, iovcnt, offset, true);
}

int
block_fd_sync(int fd)
{
    while (fdatasync(fd) < 0) {
        if (errno != EINTR)
            return -errno;
    }
    return 0;
}

int
block_fd_size(int fd, uint64_t *size, bool *is_blk)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        return -errno;
    *is_blk = S_ISBLK(st.st_mode);
    if (*is_blk)
        return ioctl(fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
    *size = (uint64_t) st.st_size;
    return 0;
}
