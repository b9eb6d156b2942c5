/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals shared by the block formats: the per-format ops table and the
 * fd helpers every format uses for its own file.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "hv/block/block.h"

/* Backing chains deeper than this are refused (also stops loops). */
#define BLOCK_MAX_BACKING_DEPTH 16

typedef struct {
    const char *name;
    BlockFormat format;
    /* @path may be NULL (opened by fd); @depth counts backing levels. */
    int (*open)(int fd, const char *path, const BlockOpenOptions *opts,
                unsigned depth, void **state, uint64_t *size);
    int (*preadv)(void *state, const struct iovec *iov, int iovcnt, uint64_t offset);
    int (*pwritev)(void *state, const struct iovec *iov, int iovcnt, uint64_t offset);
    int (*flush)(void *state);
    int (*discard)(void *state, uint64_t offset, uint64_t len);
    int (*write_zeroes)(void *state, uint64_t offset, uint64_t len, bool may_unmap);
    void (*close)(void *state);
    /* Optional. */
    /* May round *new_size up; stores the size it set. */
    int (*resize)(void *state, uint64_t *new_size, bool allow_shrink);
    int (*snapshot_list)(void *state, BlockSnapshotInfo **out, size_t *count);
} BlockDriver;

extern const BlockDriver block_driver_raw;
extern const BlockDriver block_driver_qcow2;

struct BlockBackend {
    const BlockDriver *drv;
    void *state;
    uint64_t size;
    bool read_only;
};

int block_open_internal(int fd, const char *path, const BlockOpenOptions *opts,
                        unsigned depth, BlockBackend **out);

/* Full-length positioned I/O on a file: retries short transfers and EINTR.
 * Reads past the end of the file fill zeros. */
int block_fd_pread(int fd, void *buf, size_t len, uint64_t offset);
int block_fd_pwrite(int fd, const void *buf, size_t len, uint64_t offset);
int block_fd_preadv(int fd, const struct iovec *iov, int iovcnt, uint64_t offset);
int block_fd_pwritev(int fd, const struct iovec *iov, int iovcnt, uint64_t offset);
int block_fd_sync(int fd);
/* Length of a regular file or block device. */
int block_fd_size(int fd, uint64_t *size, bool *is_blk);

/* Total length of an iovec array. */
size_t block_iov_size(const struct iovec *iov, int iovcnt);

/* Fills @dst (capacity @dst_max) with the part [@skip, @skip + @len) of @iov.
 * Returns the count of entries used, or -EINVAL when @dst_max is too small. */
int block_iov_slice(struct iovec *dst, int dst_max, const struct iovec *iov, int iovcnt,
                    size_t skip, size_t len);
/* Copies between a flat buffer and part of an iovec. */
void block_iov_to_buf(const struct iovec *iov, int iovcnt, size_t skip, void *buf, size_t len);
void block_iov_from_buf(const struct iovec *iov, int iovcnt, size_t skip, const void *buf,
                        size_t len);
void block_iov_memset(const struct iovec *iov, int iovcnt, size_t skip, int c, size_t len);
