/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The qcow2 block driver: open (header, L1, refcounts, caches, backing
 * chain, feature bits), flush, clean close.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "hv/block/qcow2-int.h"
#include "util/i18n.h"
#include "util/log.h"

#define QCOW2_L2_CACHE_BYTES (32 * 1024 * 1024)
#define QCOW2_L2_CACHE_MAX 1024
#define QCOW2_RB_CACHE_MAX 64

static void
qcow2_state_free(Qcow2State *s)
{
    if (!s)
        return;
    block_close(s->backing);
    qcow2_cache_free(&s->l2_cache);
    qcow2_cache_free(&s->rb_cache);
    if (s->pending_frees)
        g_array_free(s->pending_frees, TRUE);
    block_snapshot_list_free(s->snapshots, s->nb_snapshots);
    g_free(s->snap_l1_offsets);
    g_free(s->snap_l1_sizes);
    g_free(s->l1);
    g_free(s->rt);
    qcow2_header_clear(&s->h);
    g_free(s->path);
    g_mutex_clear(&s->lock);
    g_cond_clear(&s->alloc_cond);
    if (s->inflight)
        g_array_free(s->inflight, TRUE);
    if (s->fd >= 0)
        close(s->fd);
    g_free(s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Qcow2State, qcow2_state_free)

static int
qcow2_read_l1(Qcow2State *s)
{
    size_t bytes = (size_t) s->l1_size * 8;
    g_autofree uint8_t *buf = g_malloc(MAX(bytes, 1));
    int ret;

    s->l1 = g_new0(uint64_t, MAX(s->l1_size, 1));
    if (bytes == 0)
        return 0;
    ret = block_fd_pread(s->fd, buf, bytes, s->h.l1_table_offset);
    if (ret < 0)
        return ret;
    for (uint32_t i = 0; i < s->l1_size; i++)
        s->l1[i] = qcow2_be64(buf + (size_t) i * 8);
    return 0;
}

/* The directory of the image on @fd, for relative backing file names. */
static char *
qcow2_image_dir(int fd, const char *path)
{
    g_autofree char *link = NULL;
    g_autofree char *target = NULL;

    if (path)
        return g_path_get_dirname(path);
    link = g_strdup_printf("/proc/self/fd/%d", fd);
    target = g_file_read_link(link, NULL);
    return target ? g_path_get_dirname(target) : g_strdup(".");
}

static int
qcow2_open_backing(Qcow2State *s, const char *path, const BlockOpenOptions *opts,
                   unsigned depth)
{
    BlockOpenOptions bo = { .read_only = true, .direct = opts->direct };
    g_autofree char *dir = NULL;
    g_autofree char *bpath = NULL;
    const char *fmt = s->h.backing_format;
    int fd;
    int ret;

    if (!s->h.backing_file)
        return 0;
    if (depth + 1 >= BLOCK_MAX_BACKING_DEPTH)
        return -ELOOP;
    if (!fmt)
        bo.auto_format = true;
    else if (g_str_equal(fmt, "raw"))
        bo.format = BLOCK_FORMAT_RAW;
    else if (g_str_equal(fmt, "qcow2"))
        bo.format = BLOCK_FORMAT_QCOW2;
    else
        return -ENOTSUP;
    if (g_path_is_absolute(s->h.backing_file)) {
        bpath = g_strdup(s->h.backing_file);
    } else {
        dir = qcow2_image_dir(s->fd, path);
        bpath = g_build_filename(dir, s->h.backing_file, NULL);
    }
    fd = open(bpath, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ret = block_open_internal(fd, bpath, &bo, depth + 1, &s->backing);
    if (ret < 0)
        return ret;
    s->backing_size = block_get_size(s->backing);
    return 0;
}

static void
qcow2_setup_geometry(Qcow2State *s)
{
    size_t l2_n, rb_n;

    s->cluster_bits = s->h.cluster_bits;
    s->cluster_size = 1ULL << s->cluster_bits;
    s->l2_bits = s->cluster_bits - 3;
    s->rb_bits = s->cluster_bits + 3 - s->h.refcount_order;
    s->csize_shift = 62 - (s->cluster_bits - 8);
    s->csize_mask = (1ULL << (s->cluster_bits - 8)) - 1;
    s->coffset_mask = (1ULL << s->csize_shift) - 1;
    s->l1_size = s->h.l1_size;
    l2_n = CLAMP((size_t) s->l1_size, 16, MIN(QCOW2_L2_CACHE_BYTES / s->cluster_size,
                                              QCOW2_L2_CACHE_MAX));
    rb_n = CLAMP(QCOW2_L2_CACHE_BYTES / 4 / s->cluster_size, 4, QCOW2_RB_CACHE_MAX);
    qcow2_cache_init(&s->l2_cache, l2_n, s->cluster_size, true);
    qcow2_cache_init(&s->rb_cache, rb_n, s->cluster_size, false);
    s->lazy_refcounts = s->h.version >= 3 &&
                        (s->h.compatible_features & QCOW2_COMPAT_LAZY_REFCOUNTS);
}

/* Writable opens clear the autoclear bits we do not maintain (bitmaps). */
static int
qcow2_open_writable(Qcow2State *s)
{
    int ret;

    if (s->h.incompatible_features & QCOW2_INCOMPAT_CORRUPT) {
        log_warning(_("qcow2 image %1$s is marked corrupt; it can only be opened read-only"),
                    s->path);
        return -EUCLEAN;
    }
    if (s->h.autoclear_features) {
        ret = qcow2_header_write_u64(s, QCOW2_HDR_AUTOCLEAR, 0);
        if (ret == 0)
            ret = block_fd_sync(s->fd);
        if (ret < 0)
            return ret;
        s->h.autoclear_features = 0;
    }
    if (!(s->h.incompatible_features & QCOW2_INCOMPAT_DIRTY))
        return 0;
    /* Lazy refcounts were left unflushed: recount them from the tables. */
    ret = qcow2_repair_refcounts(s);
    if (ret < 0)
        log_warning(_("qcow2 image %1$s has the dirty bit set and its refcounts cannot be rebuilt (%2$s); run 'qemu-img check -r all' on it"),
                    s->path, g_strerror(-ret));
    return ret;
}

static int
qcow2_open(int fd, const char *path, const BlockOpenOptions *opts, unsigned depth,
           void **state, uint64_t *size)
{
    g_autoptr(Qcow2State) s = g_new0(Qcow2State, 1);
    bool is_blk = false;
    int ret;

    g_mutex_init(&s->lock);
    g_cond_init(&s->alloc_cond);
    s->inflight = g_array_new(FALSE, FALSE, sizeof(Qcow2Range));
    s->fd = fd;
    s->path = g_strdup(path ? path : "(fd)");
    s->read_only = opts->read_only;
    if (!s->read_only && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    ret = qcow2_header_read(fd, &s->h);
    if (ret < 0)
        return ret;
    ret = block_fd_size(fd, &s->phys_size, &is_blk);
    if (ret < 0)
        return ret;
    qcow2_setup_geometry(s);
    s->file_end = (s->phys_size + s->cluster_size - 1) & ~(s->cluster_size - 1);
    ret = qcow2_read_l1(s);
    if (ret == 0)
        ret = qcow2_refcount_init(s);
    /* A device has no end of file: the used space ends at the last
     * cluster with a refcount. */
    if (ret == 0 && is_blk)
        ret = qcow2_refcount_last_used(s, &s->file_end);
    if (ret == 0)
        ret = qcow2_snapshot_table_read(s);
    if (ret == 0 && !s->read_only)
        ret = qcow2_open_writable(s);
    if (ret == 0)
        ret = qcow2_open_backing(s, path, opts, depth);
    if (ret < 0)
        return ret;
    *size = s->h.size;
    *state = g_steal_pointer(&s);
    return 0;
}

static int
qcow2_drv_preadv(void *state, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    return qcow2_co_preadv(state, iov, iovcnt, offset);
}

static int
qcow2_drv_pwritev(void *state, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    return qcow2_co_pwritev(state, iov, iovcnt, offset);
}

static int
qcow2_drv_flush(void *state)
{
    Qcow2State *s = state;
    int ret;

    g_mutex_lock(&s->lock);
    ret = qcow2_metadata_flush(s);
    if (ret == 0)
        ret = block_fd_sync(s->fd);
    if (ret == 0)
        s->need_sync = false;
    g_mutex_unlock(&s->lock);
    return ret;
}

static int
qcow2_drv_discard(void *state, uint64_t offset, uint64_t len)
{
    return qcow2_co_discard(state, offset, len, false, true);
}

static int
qcow2_drv_write_zeroes(void *state, uint64_t offset, uint64_t len, bool may_unmap)
{
    return qcow2_co_discard(state, offset, len, true, may_unmap);
}

/* Clears the dirty bit once every refcount is on disk. */
static void
qcow2_close_clean(Qcow2State *s)
{
    if (qcow2_drv_flush(s) < 0 || !s->dirty_marked)
        return;
    s->h.incompatible_features &= ~QCOW2_INCOMPAT_DIRTY;
    if (qcow2_header_write_u64(s, QCOW2_HDR_INCOMPAT, s->h.incompatible_features) == 0)
        (void) block_fd_sync(s->fd);
}

static void
qcow2_close(void *state)
{
    Qcow2State *s = state;

    if (!s->read_only)
        qcow2_close_clean(s);
    qcow2_state_free(s);
}

const BlockDriver block_driver_qcow2 = {
    .name = "qcow2",
    .format = BLOCK_FORMAT_QCOW2,
    .open = qcow2_open,
    .preadv = qcow2_drv_preadv,
    .pwritev = qcow2_drv_pwritev,
    .flush = qcow2_drv_flush,
    .discard = qcow2_drv_discard,
    .write_zeroes = qcow2_drv_write_zeroes,
    .close = qcow2_close,
    .resize = qcow2_resize,
    .snapshot_list = qcow2_snapshot_list,
};
