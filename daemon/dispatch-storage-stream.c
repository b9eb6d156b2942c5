/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Volume upload and download as libvirt streams.  Upload: client data is
 * written at the current offset on the main loop; holes (sparse streams)
 * punch or skip in files and write zeroes on block devices.  Download: a
 * thread reads the range and sends it, as holes where the file has none
 * and the client asked for a sparse stream, throttled by what the client
 * has not read yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/dispatch-storage.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "daemon/protocol/virtkvm_remote_storage.h"
#include "driver/storage/storage-driver.h"
#include "util/error.h"
#include "util/i18n.h"

#define SPARSE_STREAM 1u
#define XFER_CHUNK (256 * 1024)
#define MAX_PENDING (8 * 1024 * 1024)

typedef struct {
    int fd;
    char *pool;
    char *name;
    uint64_t offset;         /* next byte to write or read */
    uint64_t end;            /* UINT64_MAX: no limit */
    uint64_t size;           /* size when opened */
    bool is_block;
    bool sparse;
    bool upload;
    gint aborted;
} VolXfer;

static void
xfer_free(void *opaque)
{
    VolXfer *x = opaque;

    if (x->fd >= 0)
        close(x->fd);
    if (x->upload)
        storage_vol_uploaded(x->pool, x->name);
    g_free(x->pool);
    g_free(x->name);
    g_free(x);
}

static void
xfer_abort(Stream *st, void *opaque)
{
    g_atomic_int_set(&((VolXfer *) opaque)->aborted, 1);
}

static int
xfer_room(VolXfer *x, uint64_t len)
{
    if (x->end != UINT64_MAX && (x->offset > x->end || len > x->end - x->offset)) {
        error_report(VK_FROM_STORAGE, VK_ERR_INVALID_ARG, "%s",
                     _("the stream carries more data than the requested length"));
        return -1;
    }
    return 0;
}

static int
upload_data(Stream *st, const char *buf, size_t len, void *opaque)
{
    VolXfer *x = opaque;

    if (xfer_room(x, len) < 0)
        return -1;
    while (len > 0) {
        ssize_t n = pwrite(x->fd, buf, len, (off_t) x->offset);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error_report_errno(VK_FROM_STORAGE, n < 0 ? errno : ENOSPC,
                               _("cannot write to volume '%1$s'"), x->name);
            return -1;
        }
        buf += n;
        len -= (size_t) n;
        x->offset += (uint64_t) n;
    }
    return 0;
}

static int
write_zeroes(VolXfer *x, uint64_t len)
{
    static const char zero[64 * 1024];

    while (len > 0) {
        size_t n = MIN(len, sizeof(zero));

        if (upload_data(NULL, zero, n, x) < 0)
            return -1;
        len -= n;
    }
    return 0;
}

static int
upload_hole(Stream *st, gint64 length, unsigned flags, void *opaque)
{
    VolXfer *x = opaque;
    uint64_t len = (uint64_t) length;
    struct stat sb;

    if (length < 0 || xfer_room(x, len) < 0) {
        if (length < 0)
            error_report(VK_FROM_STORAGE, VK_ERR_INVALID_ARG, "%s", _("negative hole length"));
        return -1;
    }
    if (x->is_block)
        return write_zeroes(x, len);
    /* inside the file the old data must read as zeroes afterwards */
    if (fstat(x->fd, &sb) == 0 && x->offset < (uint64_t) sb.st_size) {
        uint64_t inside = MIN(len, (uint64_t) sb.st_size - x->offset);

        if (fallocate(x->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t) x->offset,
                      (off_t) inside) < 0) {
            uint64_t save = x->offset;

            if (write_zeroes(x, inside) < 0)
                return -1;
            x->offset = save;
        }
    }
    x->offset += len;
    return 0;
}

static int
upload_finish(Stream *st, void *opaque)
{
    VolXfer *x = opaque;
    struct stat sb;

    /* a trailing hole extends the file */
    if (!x->is_block && fstat(x->fd, &sb) == 0 && x->offset > (uint64_t) sb.st_size &&
        ftruncate(x->fd, (off_t) x->offset) < 0) {
        error_report_errno(VK_FROM_STORAGE, errno, _("cannot resize volume '%1$s'"), x->name);
        return -1;
    }
    if (fdatasync(x->fd) < 0 && errno != EINVAL) {
        error_report_errno(VK_FROM_STORAGE, errno, _("cannot sync volume '%1$s'"), x->name);
        return -1;
    }
    return 0;
}

static const StreamOps upload_ops = {
    .data = upload_data,
    .hole = upload_hole,
    .finish = upload_finish,
    .abort = xfer_abort,
    .free = xfer_free,
};

/* Waits until the client has taken most of what was queued. */
static bool
download_wait(Stream *st, VolXfer *x)
{
    while (stream_pending_bytes(st) > MAX_PENDING) {
        if (g_atomic_int_get(&x->aborted))
            return false;
        g_usleep(500);
    }
    return !g_atomic_int_get(&x->aborted);
}

/* The next data/hole boundary at or after off (sparse files). */
static uint64_t
next_boundary(int fd, uint64_t off, uint64_t end, bool *is_hole)
{
    off_t data = lseek(fd, (off_t) off, SEEK_DATA);
    off_t hole;

    if (data < 0) {               /* ENXIO: only a hole up to EOF */
        *is_hole = true;
        return end;
    }
    if ((uint64_t) data > off) {
        *is_hole = true;
        return MIN((uint64_t) data, end);
    }
    *is_hole = false;
    hole = lseek(fd, (off_t) off, SEEK_HOLE);
    return hole < 0 ? end : MIN((uint64_t) hole, end);
}

static int
download_range(Stream *st, VolXfer *x, char *buf, uint64_t off, uint64_t end)
{
    while (off < end) {
        size_t len = (size_t) MIN((uint64_t) XFER_CHUNK, end - off);
        ssize_t n = pread(x->fd, buf, len, (off_t) off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error_report_errno(VK_FROM_STORAGE, errno, _("cannot read volume '%1$s'"), x->name);
            return -1;
        }
        if (n == 0)
            return 1;
        if (!download_wait(st, x) || stream_send_data(st, buf, (size_t) n) < 0)
            return -1;
        off += (uint64_t) n;
    }
    return 0;
}

typedef struct {
    Stream *st;
    VolXfer *x;
} DownloadJob;

static gpointer
download_thread(gpointer data)
{
    DownloadJob *job = data;
    Stream *st = job->st;
    VolXfer *x = job->x;
    g_autofree char *buf = g_malloc(XFER_CHUNK);
    uint64_t end = MIN(x->end, x->size);
    uint64_t off = x->offset;
    int r = 0;

    g_free(job);
    while (off < end && r == 0) {
        bool hole = false;
        uint64_t next = end;

        if (x->sparse && !x->is_block)
            next = next_boundary(x->fd, off, end, &hole);
        if (next <= off)
            next = end;
        if (hole) {
            if (!download_wait(st, x) || stream_send_hole(st, (gint64) (next - off), 0) < 0)
                r = -1;
        } else {
            r = download_range(st, x, buf, off, next);
        }
        off = next;
    }
    if (r < 0 && !g_atomic_int_get(&x->aborted) && error_get_last())
        stream_send_error(st);
    else if (r >= 0)
        stream_send_eof(st);
    error_reset();
    stream_unref(st);
    return NULL;
}

static void
download_start(Stream *st, void *opaque)
{
    DownloadJob *job = g_new0(DownloadJob, 1);

    job->st = stream_ref(st);
    job->x = opaque;
    g_thread_unref(g_thread_new("vol-download", download_thread, job));
}

static const StreamOps download_ops = {
    .start = download_start,
    .abort = xfer_abort,
    .free = xfer_free,
};

static int
xfer_open(DispatchCall *call, remote_nonnull_storage_vol *vol, uint64_t offset,
          uint64_t length, unsigned flags, bool upload)
{
    VolXfer *x;
    uint64_t size = 0;
    bool is_block = false;
    int fd;

    if (flags & ~SPARSE_STREAM) {
        error_report(VK_FROM_STORAGE, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"),
                     flags & ~SPARSE_STREAM);
        return -1;
    }
    fd = storage_vol_open(vol->pool, vol->name, upload, offset, length, &size, &is_block);
    if (fd < 0)
        return -1;
    x = g_new0(VolXfer, 1);
    x->fd = fd;
    x->pool = g_strdup(vol->pool);
    x->name = g_strdup(vol->name);
    x->offset = offset;
    x->end = length ? (offset + length < offset ? UINT64_MAX : offset + length) : UINT64_MAX;
    x->size = size;
    x->is_block = is_block;
    x->sparse = flags & SPARSE_STREAM;
    x->upload = upload;
    if (!dispatch_open_stream(call, upload ? &upload_ops : &download_ops, x)) {
        xfer_free(x);
        return -1;
    }
    return 0;
}

int
dispatch_storage_vol_upload(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_upload_args *args = argsp;

    return xfer_open(call, &args->vol, args->offset, args->length, args->flags, true);
}

int
dispatch_storage_vol_download(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_download_args *args = argsp;

    return xfer_open(call, &args->vol, args->offset, args->length, args->flags, false);
}
