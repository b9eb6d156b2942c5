/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Volumes that are files, directories or block devices: probing what a
 * path holds and the directory scan of dir, fs and netfs pools.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "driver/storage/storage-priv.h"
#include "hv/block/qcow2.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_STORAGE

char *
storage_error_detail(void)
{
    const VkError *e = error_get_last();

    if (!e)
        return g_strdup("");
    return g_strdup(e->str2 ? e->str2 : e->message);
}

StorageVolObj *
storage_vol_obj_new(StorageVolDef *def)
{
    StorageVolObj *vol = g_new0(StorageVolObj, 1);

    vol->def = def;
    return vol;
}

void
storage_vol_obj_free(StorageVolObj *vol)
{
    if (!vol)
        return;
    storage_vol_def_free(vol->def);
    g_free(vol->error);
    g_free(vol);
}

static void
probe_perms(StorageVolDef *def, const struct stat *st)
{
    def->target_perms.present = true;
    def->target_perms.mode = st->st_mode & 07777;
    def->target_perms.owner = st->st_uid;
    def->target_perms.group = st->st_gid;
}

static int
probe_qcow2(StorageVolDef *def, int fd)
{
    Qcow2ImageInfo info;
    int r = qcow2_image_info(fd, &info);

    if (r < 0) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR,
                     _("invalid or corrupt qcow2 header in '%1$s': %2$s"),
                     def->target_path, g_strerror(-r));
        return -1;
    }
    g_free(def->target_format);
    def->target_format = g_strdup("qcow2");
    def->capacity = info.size;
    def->has_capacity = true;
    g_free(def->compat);
    def->compat = g_strdup(info.version == 2 ? "0.10" : "1.1");
    def->lazy_refcounts = info.lazy_refcounts;
    def->has_features = info.version >= 3;
    def->cluster_size = info.cluster_size;
    g_clear_pointer(&def->backing_path, g_free);
    g_clear_pointer(&def->backing_format, g_free);
    def->has_backing = info.backing_file != NULL;
    if (info.backing_file) {
        g_autofree char *dir = g_path_get_dirname(def->target_path);

        def->backing_path = g_path_is_absolute(info.backing_file) ?
            g_strdup(info.backing_file) : g_build_filename(dir, info.backing_file, NULL);
        def->backing_format = g_strdup(info.backing_format);
    }
    qcow2_image_info_clear(&info);
    return 0;
}

static int
probe_regular(StorageVolDef *def, int fd, const struct stat *st)
{
    unsigned char magic[4] = { 0 };
    ssize_t n = pread(fd, magic, sizeof(magic), 0);

    def->type = STORAGE_VOL_FILE;
    def->capacity = st->st_size;
    def->has_capacity = true;
    def->allocation = (uint64_t) st->st_blocks * 512;
    def->physical = st->st_size;
    def->has_physical = true;
    if (n == 4 && memcmp(magic, "QFI\xfb", 4) == 0)
        return probe_qcow2(def, fd);
    if (!def->target_format || strcmp(def->target_format, "qcow2") == 0 ||
        strcmp(def->target_format, "dir") == 0) {
        g_free(def->target_format);
        def->target_format = g_strdup("raw");
    }
    g_clear_pointer(&def->compat, g_free);
    def->cluster_size = 0;
    def->has_features = false;
    def->has_backing = false;
    return 0;
}

int
storage_file_probe(StorageVolDef *def)
{
    storage_autofd int fd = open(def->target_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;

    if (fd < 0 || fstat(fd, &st) < 0) {
        error_report_errno(DOM, errno, _("cannot open volume '%1$s'"), def->target_path);
        return -1;
    }
    probe_perms(def, &st);
    if (S_ISREG(st.st_mode))
        return probe_regular(def, fd, &st);
    if (S_ISDIR(st.st_mode)) {
        def->type = STORAGE_VOL_DIR;
        g_free(def->target_format);
        def->target_format = g_strdup("dir");
        def->capacity = def->allocation = (uint64_t) st.st_blocks * 512;
        def->has_capacity = true;
        return 0;
    }
    if (S_ISBLK(st.st_mode)) {
        uint64_t size = 0;

        if (ioctl(fd, BLKGETSIZE64, &size) < 0) {
            error_report_errno(DOM, errno, _("cannot get the size of '%1$s'"), def->target_path);
            return -1;
        }
        def->type = STORAGE_VOL_BLOCK;
        def->capacity = def->allocation = def->physical = size;
        def->has_capacity = def->has_physical = true;
        return 0;
    }
    error_report(DOM, VK_ERR_INTERNAL_ERROR, _("'%1$s' is not a file, directory or block device"),
                 def->target_path);
    return -1;
}

int
storage_dir_refresh_space(StoragePoolObj *pool)
{
    struct statvfs sv;

    if (!pool->def->target_path || statvfs(pool->def->target_path, &sv) < 0)
        return -1;
    pool->def->capacity = (uint64_t) sv.f_frsize * sv.f_blocks;
    pool->def->available = (uint64_t) sv.f_frsize * sv.f_bavail;
    pool->def->allocation = (uint64_t) sv.f_frsize * (sv.f_blocks - sv.f_bfree);
    return 0;
}

StorageVolDef *
storage_vol_def_blank(const char *name, const char *path)
{
    StorageVolDef *def = g_new0(StorageVolDef, 1);

    def->name = g_strdup(name);
    def->target_path = g_strdup(path);
    def->key = g_strdup(path);
    def->source_devices = g_ptr_array_new();
    def->target_kept = g_ptr_array_new();
    def->target_perms.mode = def->target_perms.owner = def->target_perms.group = -1;
    def->backing_perms.mode = def->backing_perms.owner = def->backing_perms.group = -1;
    return def;
}

/* A volume definition for the entry @name of the pool directory. */
static StorageVolDef *
dir_entry_def(StoragePoolObj *pool, const char *name)
{
    g_autofree char *path = g_build_filename(pool->def->target_path, name, NULL);

    return storage_vol_def_blank(name, path);
}

int
storage_dir_refresh_vols(StoragePoolObj *pool)
{
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GDir) dir = g_dir_open(pool->def->target_path, 0, &gerr);
    const char *ent;

    if (!dir) {
        error_report(DOM, VK_ERR_SYSTEM_ERROR, _("cannot open directory '%1$s': %2$s"),
                     pool->def->target_path, gerr->message);
        return -1;
    }
    while ((ent = g_dir_read_name(dir))) {
        g_autoptr(StorageVolDef) def = NULL;
        StorageVolObj *vol;
        struct stat st;

        if (ent[0] == '.')
            continue;
        def = dir_entry_def(pool, ent);
        if (lstat(def->target_path, &st) < 0 ||
            !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode)))
            continue;
        vol = storage_vol_obj_new(g_steal_pointer(&def));
        if (storage_file_probe(vol->def) < 0) {
            vol->error = storage_error_detail();
            error_reset();
        }
        g_ptr_array_add(pool->vols, vol);
    }
    return storage_dir_refresh_space(pool);
}
