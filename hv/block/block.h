/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One interface for every disk image format (raw, qcow2).  virtio-blk in the
 * VMM and the storage driver in the daemon use only this header.
 * All functions return 0 / a non-negative count, or -errno.
 * A BlockBackend may be used from several threads; each backend serialises
 * its own metadata updates.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

typedef struct BlockBackend BlockBackend;

typedef enum {
    BLOCK_FORMAT_RAW,
    BLOCK_FORMAT_QCOW2,
} BlockFormat;

typedef struct {
    BlockFormat format;
    bool read_only;
    bool direct;            /* O_DIRECT where the file system allows */
    bool auto_format;       /* probe the format instead of trusting @format */
} BlockOpenOptions;

/* Opens an image on @fd, taking ownership of it (closed on failure too). */
int block_open_fd(int fd, const BlockOpenOptions *opts, BlockBackend **out);

/* Opens an image by path (backing files of qcow2 are resolved by path). */
int block_open_path(const char *path, const BlockOpenOptions *opts, BlockBackend **out);

/* Guest-visible size in bytes. */
uint64_t block_get_size(BlockBackend *bb);
bool block_is_read_only(BlockBackend *bb);

/* Reads/writes exactly the iovec's total length at @offset (bytes). */
int block_preadv(BlockBackend *bb, const struct iovec *iov, int iovcnt, uint64_t offset);
int block_pwritev(BlockBackend *bb, const struct iovec *iov, int iovcnt, uint64_t offset);

int block_flush(BlockBackend *bb);
int block_discard(BlockBackend *bb, uint64_t offset, uint64_t len);
int block_write_zeroes(BlockBackend *bb, uint64_t offset, uint64_t len, bool may_unmap);

/* Changes the guest-visible size (rounded up to 512 bytes for qcow2).
 * Shrinking needs @allow_shrink and drops the data past the new end;
 * growing reads zeros in the new part.  -ENOTSUP for block devices. */
int block_resize(BlockBackend *bb, uint64_t new_size, bool allow_shrink);

/* Copies the whole guest-visible content of @src to @dst (sizes must
 * match, -EINVAL otherwise).  With @dst_zeroed (a new image), all-zero
 * chunks are skipped so the copy stays sparse.  Flushes @dst. */
int block_copy(BlockBackend *src, BlockBackend *dst, bool dst_zeroed);

/* Flushes and frees; accepts NULL. */
void block_close(BlockBackend *bb);

/* BLOCK_FORMAT_QCOW2 when @fd starts with the qcow2 magic, else
 * BLOCK_FORMAT_RAW; -errno when it cannot be read.  Uses pread only. */
int block_probe_format(int fd);
BlockFormat block_get_format(BlockBackend *bb);

typedef struct {
    char *id;
    char *name;
    uint64_t vm_state_size;
    uint32_t date_sec;
    uint32_t date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t disk_size;     /* 0 when the image does not record it */
} BlockSnapshotInfo;

/* Internal snapshots of the image (none for raw). Free with
 * block_snapshot_list_free. */
int block_snapshot_list(BlockBackend *bb, BlockSnapshotInfo **out, size_t *count);
void block_snapshot_list_free(BlockSnapshotInfo *list, size_t count);
