/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The raw format: guest bytes are file bytes.  Regular files and block
 * devices; optional O_DIRECT with aligned bounce buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "hv/block/block-int.h"

#define RAW_ZERO_CHUNK (1024 * 1024)

typedef struct {
    int fd;
    bool is_blk;
    bool direct;
    size_t align;       /* O_DIRECT alignment of offsets, lengths, buffers */
    uint64_t size;
    GMutex rmw_lock;    /* serialises unaligned O_DIRECT writes */
} RawState;

static int
raw_enable_direct(RawState *s)
{
    int flags = fcntl(s->fd, F_GETFL);
    int ssz = 0;

    if (flags < 0)
        return -errno;
    if (s->is_blk && ioctl(s->fd, BLKSSZGET, &ssz) == 0 && ssz >= 512)
        s->align = (size_t) ssz;
    else
        s->align = 4096;
    /* A file whose size is not aligned cannot be written at its tail. */
    if (!s->is_blk && s->size % s->align)
        return 0;
    if (fcntl(s->fd, F_SETFL, flags | O_DIRECT) < 0)
        return 0;   /* file system without O_DIRECT: buffered I/O */
    s->direct = true;
    return 0;
}

static int
raw_open(int fd, const char *path, const BlockOpenOptions *opts, unsigned depth,
         void **state, uint64_t *size)
{
    g_autofree RawState *s = g_new0(RawState, 1);
    struct stat st;
    int flags;
    int ret;

    (void) path;
    (void) depth;
    s->fd = fd;
    if (fstat(fd, &st) < 0)
        goto fail_errno;
    flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        goto fail_errno;
    if (!opts->read_only && (flags & O_ACCMODE) == O_RDONLY) {
        ret = -EBADF;
        goto fail;
    }
    if (S_ISBLK(st.st_mode)) {
        s->is_blk = true;
        if (ioctl(fd, BLKGETSIZE64, &s->size) < 0)
            goto fail_errno;
    } else if (S_ISREG(st.st_mode)) {
        s->size = (uint64_t) st.st_size;
    } else {
        ret = -EINVAL;
        goto fail;
    }
    if (opts->direct) {
        ret = raw_enable_direct(s);
        if (ret < 0)
            goto fail;
    }
    g_mutex_init(&s->rmw_lock);
    *size = s->size;
    *state = g_steal_pointer(&s);
    return 0;

fail_errno:
    ret = -errno;
fail:
    close(fd);
    return ret;
}

static bool
raw_is_aligned(RawState *s, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    if (offset % s->align)
        return false;
    for (int i = 0; i < iovcnt; i++) {
        if ((uintptr_t) iov[i].iov_base % s->align || iov[i].iov_len % s->align)
            return false;
    }
    return true;
}

/* Reads/writes [@offset, +@len) through an aligned bounce buffer. */
static int
raw_bounce_rw(RawState *s, const struct iovec *iov, int iovcnt, uint64_t offset, bool write)
{
    size_t len = block_iov_size(iov, iovcnt);
    uint64_t start = offset - offset % s->align;
    uint64_t end = (offset + len + s->align - 1) / s->align * s->align;
    size_t blen = (size_t) (end - start);
    void *buf = NULL;
    int ret;

    if (posix_memalign(&buf, s->align, blen) != 0)
        return -ENOMEM;
    if (write) {
        g_mutex_lock(&s->rmw_lock);
        ret = 0;
        if (start != offset || end != offset + len)
            ret = block_fd_pread(s->fd, buf, blen, start);
        if (ret == 0) {
            block_iov_to_buf(iov, iovcnt, 0, (uint8_t *) buf + (offset - start), len);
            ret = block_fd_pwrite(s->fd, buf, blen, start);
        }
        g_mutex_unlock(&s->rmw_lock);
    } else {
        ret = block_fd_pread(s->fd, buf, blen, start);
        if (ret == 0)
            block_iov_from_buf(iov, iovcnt, 0, (uint8_t *) buf + (offset - start), len);
    }
    free(buf);
    return ret;
}

static int
raw_preadv(void *state, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    RawState *s = state;

    if (s->direct && !raw_is_aligned(s, iov, iovcnt, offset))
        return raw_bounce_rw(s, (struct iovec *) iov, iovcnt, offset, false);
    return block_fd_preadv(s->fd, iov, iovcnt, offset);
}

static int
raw_pwritev(void *state, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    RawState *s = state;

    if (s->direct && !raw_is_aligned(s, iov, iovcnt, offset))
        return raw_bounce_rw(s, iov, iovcnt, offset, true);
    return block_fd_pwritev(s->fd, iov, iovcnt, offset);
}

static int
raw_flush(void *state)
{
    RawState *s = state;

    return block_fd_sync(s->fd);
}

static int
raw_discard(void *state, uint64_t offset, uint64_t len)
{
    RawState *s = state;

    if (s->is_blk) {
        uint64_t range[2] = { offset, len };

        if (ioctl(s->fd, BLKDISCARD, range) < 0 && errno != EOPNOTSUPP)
            return -errno;
        return 0;
    }
    if (fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  (off_t) offset, (off_t) len) < 0 && errno != EOPNOTSUPP)
        return -errno;
    return 0;
}

/* Writes zeros with plain writes: the fallback for every method. */
static int
raw_write_zero_buffers(RawState *s, uint64_t offset, uint64_t len)
{
    void *buf = NULL;
    int ret = 0;

    if (posix_memalign(&buf, 4096, RAW_ZERO_CHUNK) != 0)
        return -ENOMEM;
    memset(buf, 0, RAW_ZERO_CHUNK);
    while (len > 0 && ret == 0) {
        size_t n = (size_t) MIN(len, (uint64_t) RAW_ZERO_CHUNK);
        struct iovec iov = { .iov_base = buf, .iov_len = n };

        ret = raw_pwritev(s, &iov, 1, offset);
        offset += n;
        len -= n;
    }
    free(buf);
    return ret;
}

static int
raw_write_zeroes(void *state, uint64_t offset, uint64_t len, bool may_unmap)
{
    RawState *s = state;

    if (s->is_blk) {
        uint64_t range[2] = { offset, len };

        if (ioctl(s->fd, BLKZEROOUT, range) == 0)
            return 0;
    } else {
        if (may_unmap && fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                                   (off_t) offset, (off_t) len) == 0)
            return 0;
        if (fallocate(s->fd, FALLOC_FL_ZERO_RANGE, (off_t) offset, (off_t) len) == 0)
            return 0;
    }
    return raw_write_zero_buffers(s, offset, len);
}

static int
raw_resize(void *state, uint64_t *new_size, bool allow_shrink)
{
    RawState *s = state;

    (void) allow_shrink;
    if (s->is_blk)
        return -ENOTSUP;
    if (s->direct && *new_size % s->align)
        return -EINVAL;
    if (ftruncate(s->fd, (off_t) *new_size) < 0)
        return -errno;
    s->size = *new_size;
    return 0;
}

static void
raw_close(void *state)
{
    RawState *s = state;

    g_mutex_clear(&s->rmw_lock);
    close(s->fd);
    g_free(s);
}

const BlockDriver block_driver_raw = {
    .name = "raw",
    .format = BLOCK_FORMAT_RAW,
    .open = raw_open,
    .preadv = raw_preadv,
    .pwritev = raw_pwritev,
    .flush = raw_flush,
    .discard = raw_discard,
    .write_zeroes = raw_write_zeroes,
    .close = raw_close,
    .resize = raw_resize,
};
