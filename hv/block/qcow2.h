/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qcow2 image creation and header queries, for the storage driver.  Reading
 * and writing go through hv/block/block.h.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uint64_t size;              /* virtual size in bytes, rounded up to 512 */
    uint32_t cluster_size;      /* power of two in 512..2 MiB; 0 means 64 KiB */
    const char *backing_file;   /* NULL: none; stored as given (relative to the image) */
    const char *backing_format; /* "raw", "qcow2" or NULL (probed when opened) */
    bool lazy_refcounts;        /* version 3 only */
    bool compat_v2;             /* write version 2 (qemu-img's compat=0.10) */
    unsigned refcount_bits;     /* 1, 2, 4, ..., 64; 0 means 16; v2 allows only 16 */
} Qcow2CreateOptions;

/* Creates a new image at @path (O_EXCL: an existing file is an error,
 * -EEXIST; mode 0600, the caller sets ownership).  Removes the file again
 * when it fails.  Returns 0 or -errno (-EINVAL for bad options). */
int qcow2_create(const char *path, const Qcow2CreateOptions *opts);
/* The same on an open, empty, writable file; does not close @fd. */
int qcow2_create_fd(int fd, const Qcow2CreateOptions *opts);

typedef struct {
    uint32_t version;           /* 2 or 3 */
    uint64_t size;              /* virtual size */
    uint32_t cluster_size;
    uint32_t refcount_bits;
    char *backing_file;         /* NULL when none */
    char *backing_format;       /* NULL when the header does not say */
    bool lazy_refcounts;
    bool dirty;
    bool corrupt;
    uint32_t nb_snapshots;
    uint8_t compression_type;   /* 0 zlib, 1 zstd */
} Qcow2ImageInfo;

/* Reads and validates the header of the qcow2 image on @fd without opening
 * its backing file.  -EINVAL for a malformed header, -ENOTSUP for features
 * we cannot handle.  Free with qcow2_image_info_clear(). */
int qcow2_image_info(int fd, Qcow2ImageInfo *info);
void qcow2_image_info_clear(Qcow2ImageInfo *info);
