/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * File volumes of dir, fs and netfs pools: create (raw sparse or
 * preallocated, qcow2 through hv/block), clone with conversion, resize,
 * delete and permissions.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver/storage/storage-priv.h"
#include "hv/block/block.h"
#include "hv/block/qcow2.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_STORAGE
#define COPY_CHUNK (1024 * 1024)

int
storage_file_vol_prepare(StoragePoolObj *pool, StorageVolDef *vol)
{
    g_free(vol->target_path);
    vol->target_path = g_build_filename(pool->def->target_path, vol->name, NULL);
    g_free(vol->key);
    vol->key = g_strdup(vol->target_path);
    vol->type = vol->target_format && strcmp(vol->target_format, "dir") == 0 ?
        STORAGE_VOL_DIR : STORAGE_VOL_FILE;
    return 0;
}

int
storage_apply_perms(const char *path, const StoragePerms *perms, bool is_dir)
{
    mode_t mode = is_dir ? 0755 : 0600;

    if (perms->mode >= 0)
        mode = (mode_t) perms->mode;
    if (chmod(path, mode) < 0) {
        error_report_errno(DOM, errno, _("cannot set mode of '%1$s' to %2$04o"), path, mode);
        return -1;
    }
    if ((perms->owner >= 0 || perms->group >= 0) &&
        chown(path, perms->owner >= 0 ? (uid_t) perms->owner : (uid_t) -1,
              perms->group >= 0 ? (gid_t) perms->group : (gid_t) -1) < 0) {
        error_report_errno(DOM, errno, _("cannot chown '%1$s' to (%2$lld, %3$lld)"), path,
                           (long long) perms->owner, (long long) perms->group);
        return -1;
    }
    return 0;
}

static bool
is_format(const StorageVolDef *vol, const char *fmt)
{
    const char *f = vol->target_format ? vol->target_format : "raw";

    return strcmp(f, fmt) == 0;
}

static int
check_capacity(const StorageVolDef *vol)
{
    if (vol->capacity > (uint64_t) INT64_MAX) {
        error_report(DOM, VK_ERR_OVERFLOW, _("capacity %1$llu of volume '%2$s' is too large"),
                     (unsigned long long) vol->capacity, vol->name);
        return -1;
    }
    return 0;
}

static int
create_raw(StorageVolDef *vol, unsigned flags)
{
    int oflags = O_WRONLY | O_CREAT | O_CLOEXEC | ((flags & STORAGE_FILE_CREATE_REPLACE) ?
                                                   O_TRUNC : O_EXCL);
    storage_autofd int fd = open(vol->target_path, oflags, 0600);
    uint64_t alloc = vol->has_allocation ? vol->allocation : vol->capacity;

    if (fd < 0) {
        error_report_errno(DOM, errno, _("cannot create volume '%1$s'"), vol->target_path);
        return -1;
    }
    if (ftruncate(fd, (off_t) vol->capacity) < 0) {
        error_report_errno(DOM, errno, _("cannot resize volume '%1$s'"), vol->target_path);
        return -1;
    }
    if (alloc > vol->capacity)
        alloc = vol->capacity;
    if (alloc && !(flags & STORAGE_FILE_CREATE_REPLACE)) {
        int r = posix_fallocate(fd, 0, (off_t) alloc);

        if (r != 0) {
            error_report_errno(DOM, r, _("cannot allocate %1$llu bytes for volume '%2$s'"),
                               (unsigned long long) alloc, vol->target_path);
            return -1;
        }
    }
    return 0;
}

static int
qcow2_options(const StorageVolDef *vol, Qcow2CreateOptions *o, bool with_backing)
{
    memset(o, 0, sizeof(*o));
    o->size = vol->capacity;
    o->cluster_size = (uint32_t) vol->cluster_size;
    o->lazy_refcounts = vol->lazy_refcounts;
    o->compat_v2 = vol->compat && strcmp(vol->compat, "0.10") == 0;
    if (o->compat_v2 && o->lazy_refcounts) {
        error_report(DOM, VK_ERR_CONFIG_UNSUPPORTED, "%s",
                     _("lazy_refcounts not supported with compat level 0.10"));
        return -1;
    }
    if (with_backing && vol->has_backing) {
        o->backing_file = vol->backing_path;
        o->backing_format = vol->backing_format;
    }
    return 0;
}

/* Fills capacity from the backing store when the XML gave none. */
static int
check_backing(StorageVolDef *vol)
{
    g_autoptr(StorageVolDef) b = NULL;

    if (!vol->has_backing)
        return 0;
    if (!is_format(vol, "qcow2")) {
        error_report(DOM, VK_ERR_NO_SUPPORT, _("format '%1$s' does not support a backing store"),
                     vol->target_format ? vol->target_format : "raw");
        return -1;
    }
    b = storage_vol_def_blank("backing", vol->backing_path);
    if (vol->backing_format)
        b->target_format = g_strdup(vol->backing_format);
    if (storage_file_probe(b) < 0)
        return -1;
    if (vol->backing_format && strcmp(vol->backing_format, b->target_format) != 0 &&
        strcmp(vol->backing_format, "raw") != 0) {
        error_report(DOM, VK_ERR_INVALID_ARG,
                     _("backing store '%1$s' has format '%2$s', not '%3$s'"),
                     vol->backing_path, b->target_format, vol->backing_format);
        return -1;
    }
    if (!vol->backing_format)
        vol->backing_format = g_strdup(b->target_format);
    if (!vol->has_capacity || vol->capacity == 0) {
        vol->capacity = b->capacity;
        vol->has_capacity = true;
    }
    return 0;
}

/* A fresh image renamed over the old one, keeping its permissions. */
static int
replace_qcow2(StorageVolDef *vol, const Qcow2CreateOptions *o)
{
    g_autofree char *tmp = g_strconcat(vol->target_path, ".virtkvm-new", NULL);
    int r;

    unlink(tmp);
    if ((r = qcow2_create(tmp, o)) < 0) {
        error_report_errno(DOM, -r, _("cannot create qcow2 image '%1$s'"), tmp);
        return -1;
    }
    if (storage_apply_perms(tmp, &vol->target_perms, false) < 0 ||
        rename(tmp, vol->target_path) < 0) {
        if (!error_get_last())
            error_report_errno(DOM, errno, _("cannot replace '%1$s'"), vol->target_path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int
create_image(StorageVolDef *vol, unsigned flags, bool with_backing)
{
    if (is_format(vol, "raw"))
        return create_raw(vol, flags);
    if (is_format(vol, "qcow2")) {
        Qcow2CreateOptions o;
        int r;

        if (qcow2_options(vol, &o, with_backing) < 0)
            return -1;
        if (!(flags & STORAGE_FILE_CREATE_REPLACE) && access(vol->target_path, F_OK) == 0) {
            error_report_errno(DOM, EEXIST, _("cannot create volume '%1$s'"), vol->target_path);
            return -1;
        }
        if (flags & STORAGE_FILE_CREATE_REPLACE)
            return replace_qcow2(vol, &o);
        if ((r = qcow2_create(vol->target_path, &o)) < 0) {
            error_report_errno(DOM, -r, _("cannot create qcow2 image '%1$s'"), vol->target_path);
            return -1;
        }
        return 0;
    }
    if (is_format(vol, "dir")) {
        if (mkdir(vol->target_path, 0755) < 0) {
            error_report_errno(DOM, errno, _("cannot create directory '%1$s'"), vol->target_path);
            return -1;
        }
        return 0;
    }
    error_report(DOM, VK_ERR_NO_SUPPORT, _("creating volumes of format '%1$s' is not supported"),
                 vol->target_format);
    return -1;
}


static void
remove_path(const char *path)
{
    if (unlink(path) < 0 && errno == EISDIR)
        rmdir(path);
}

/* Something not listed in the pool may sit at the path: never touch it. */
static int
check_free_path(const StorageVolDef *vol)
{
    struct stat st;

    if (lstat(vol->target_path, &st) == 0) {
        error_report(DOM, VK_ERR_STORAGE_VOL_EXIST,
                     _("'%1$s': '%2$s' already exists"), vol->name, vol->target_path);
        return -1;
    }
    return 0;
}

int
storage_file_vol_create(StoragePoolObj *pool, StorageVolDef *vol, unsigned flags)
{
    bool replace = flags & STORAGE_FILE_CREATE_REPLACE;

    if (check_capacity(vol) < 0 || check_backing(vol) < 0 || check_capacity(vol) < 0 ||
        (!replace && check_free_path(vol) < 0))
        return -1;
    if (create_image(vol, flags, true) < 0) {
        if (!replace)
            remove_path(vol->target_path);
        return -1;
    }
    if (!(flags & STORAGE_FILE_CREATE_REPLACE) &&
        storage_apply_perms(vol->target_path, &vol->target_perms, is_format(vol, "dir")) < 0) {
        remove_path(vol->target_path);
        return -1;
    }
    return 0;
}

static bool
all_zero(const unsigned char *buf, size_t len)
{
    return len == 0 || (buf[0] == 0 && memcmp(buf, buf + 1, len - 1) == 0);
}

static int
open_image(const char *path, const char *format, bool ro, BlockBackend **bb)
{
    BlockOpenOptions o = {
        .format = format && strcmp(format, "qcow2") == 0 ? BLOCK_FORMAT_QCOW2 : BLOCK_FORMAT_RAW,
        .read_only = ro,
    };
    int r = block_open_path(path, &o, bb);

    if (r < 0)
        error_report_errno(DOM, -r, _("cannot open image '%1$s'"), path);
    return r;
}

int
storage_copy_image(const char *src, const char *src_format,
                   const char *dst, const char *dst_format)
{
    BlockBackend *in = NULL, *out = NULL;
    g_autofree unsigned char *buf = g_malloc(COPY_CHUNK);
    uint64_t size, off;
    int ret = -1, r = 0;

    if (open_image(src, src_format, true, &in) < 0 || open_image(dst, dst_format, false, &out) < 0)
        goto out;
    size = MIN(block_get_size(in), block_get_size(out));
    for (off = 0; off < size; off += COPY_CHUNK) {
        size_t len = MIN((uint64_t) COPY_CHUNK, size - off);
        struct iovec iov = { buf, len };

        if ((r = block_preadv(in, &iov, 1, off)) < 0) {
            error_report_errno(DOM, -r, _("cannot read '%1$s'"), src);
            goto out;
        }
        if (all_zero(buf, len))
            continue;
        if ((r = block_pwritev(out, &iov, 1, off)) < 0) {
            error_report_errno(DOM, -r, _("cannot write '%1$s'"), dst);
            goto out;
        }
    }
    if ((r = block_flush(out)) < 0) {
        error_report_errno(DOM, -r, _("cannot flush '%1$s'"), dst);
        goto out;
    }
    ret = 0;
 out:
    if (in)
        block_close(in);
    if (out)
        block_close(out);
    return ret;
}

int
storage_file_vol_create_from(StoragePoolObj *pool, StorageVolDef *vol,
                             const StorageVolDef *src, unsigned flags)
{
    const char *sfmt = src->target_format ? src->target_format : "raw";

    if (src->type != STORAGE_VOL_FILE && src->type != STORAGE_VOL_BLOCK) {
        error_report(DOM, VK_ERR_NO_SUPPORT, _("cannot clone volume '%1$s' of this type"),
                     src->name);
        return -1;
    }
    if (strcmp(sfmt, "raw") != 0 && strcmp(sfmt, "qcow2") != 0) {
        error_report(DOM, VK_ERR_NO_SUPPORT, _("cannot copy volumes of format '%1$s'"), sfmt);
        return -1;
    }
    /* a clone is a full copy: it does not share the source's backing file */
    vol->has_backing = false;
    if (check_capacity(vol) < 0 || check_free_path(vol) < 0)
        return -1;
    if (is_format(vol, "raw"))
        vol->allocation = 0, vol->has_allocation = true;
    if (create_image(vol, flags, false) < 0) {
        remove_path(vol->target_path);
        return -1;
    }
    if (storage_copy_image(src->target_path, sfmt, vol->target_path,
                           vol->target_format ? vol->target_format : "raw") < 0 ||
        storage_apply_perms(vol->target_path, &vol->target_perms, false) < 0) {
        unlink(vol->target_path);
        return -1;
    }
    return 0;
}

int
storage_file_vol_delete(StoragePoolObj *pool, StorageVolDef *vol, unsigned flags)
{
    int r = vol->type == STORAGE_VOL_DIR ? rmdir(vol->target_path) : unlink(vol->target_path);

    if (r < 0 && errno != ENOENT) {
        error_report_errno(DOM, errno, _("cannot unlink file '%1$s'"), vol->target_path);
        return -1;
    }
    return 0;
}

static int
resize_raw(StorageVolDef *vol, uint64_t capacity, unsigned flags)
{
    storage_autofd int fd = open(vol->target_path, O_WRONLY | O_CLOEXEC);

    if (fd < 0 || ftruncate(fd, (off_t) capacity) < 0) {
        error_report_errno(DOM, errno, _("cannot resize volume '%1$s'"), vol->target_path);
        return -1;
    }
    if ((flags & 1) && capacity > vol->capacity) {
        int r = posix_fallocate(fd, (off_t) vol->capacity, (off_t) (capacity - vol->capacity));

        if (r != 0) {
            error_report_errno(DOM, r, _("cannot allocate space for volume '%1$s'"),
                               vol->target_path);
            return -1;
        }
    }
    return 0;
}

int
storage_file_vol_resize(StoragePoolObj *pool, StorageVolDef *vol, uint64_t capacity,
                        unsigned flags)
{
    if (capacity > (uint64_t) INT64_MAX) {
        error_report(DOM, VK_ERR_OVERFLOW, _("capacity %1$llu is too large"),
                     (unsigned long long) capacity);
        return -1;
    }
    if (vol->type != STORAGE_VOL_FILE) {
        error_report(DOM, VK_ERR_NO_SUPPORT, "%s", _("only file volumes can be resized"));
        return -1;
    }
    if (is_format(vol, "raw"))
        return resize_raw(vol, capacity, flags);
    if (is_format(vol, "qcow2")) {
        if (capacity < vol->capacity) {
            error_report(DOM, VK_ERR_OPERATION_UNSUPPORTED, "%s",
                         _("shrinking qcow2 volumes is not supported"));
            return -1;
        }
        return storage_qcow2_grow(vol->target_path, capacity);
    }
    error_report(DOM, VK_ERR_NO_SUPPORT, _("cannot resize volumes of format '%1$s'"),
                 vol->target_format);
    return -1;
}
