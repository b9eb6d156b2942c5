/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dir, fs and netfs pools: a directory of file volumes; fs mounts a block
 * device or image file there, netfs an NFS/CIFS/GlusterFS export.
 */
#include <errno.h>
#include <mntent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver/storage/storage-priv.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_STORAGE

enum { BUILD_NO_OVERWRITE = 1 << 2, BUILD_OVERWRITE = 1 << 3 };

static int
dir_build(StoragePoolObj *pool, unsigned flags)
{
    const char *path = pool->def->target_path;
    mode_t mode = pool->def->target_perms.mode >= 0 ? (mode_t) pool->def->target_perms.mode :
        0711;

    if (g_mkdir_with_parents(path, 0755) < 0) {
        error_report_errno(DOM, errno, _("cannot create path '%1$s'"), path);
        return -1;
    }
    return storage_apply_perms(path, &(StoragePerms) {
        .mode = mode, .owner = pool->def->target_perms.owner,
        .group = pool->def->target_perms.group }, true);
}

static int
dir_check_target(StoragePoolObj *pool)
{
    struct stat st;

    if (stat(pool->def->target_path, &st) < 0) {
        error_report_errno(DOM, errno, _("cannot open directory '%1$s'"), pool->def->target_path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, _("'%1$s' is not a directory"),
                     pool->def->target_path);
        return -1;
    }
    return 0;
}

static int
dir_start(StoragePoolObj *pool)
{
    return dir_check_target(pool);
}

static int
dir_remove(StoragePoolObj *pool, unsigned flags)
{
    if (rmdir(pool->def->target_path) < 0 && errno != ENOENT) {
        error_report_errno(DOM, errno, _("failed to remove pool '%1$s'"), pool->def->target_path);
        return -1;
    }
    return 0;
}

static int
dir_refresh(StoragePoolObj *pool)
{
    return storage_dir_refresh_vols(pool);
}

#define FILE_VOL_OPS \
    .vol_prepare = storage_file_vol_prepare, \
    .vol_create = storage_file_vol_create, \
    .vol_create_from = storage_file_vol_create_from, \
    .vol_delete = storage_file_vol_delete, \
    .vol_resize = storage_file_vol_resize

const StorageBackend storage_backend_dir = {
    .type = STORAGE_POOL_DIR,
    .build = dir_build,
    .start = dir_start,
    .remove = dir_remove,
    .refresh = dir_refresh,
    FILE_VOL_OPS,
};

/* ---- fs / netfs ---- */

static const char *
source_format(const StoragePoolDef *def)
{
    const char *f = def->source->format;

    if (!f || strcmp(f, "auto") == 0)
        return def->type == STORAGE_POOL_NETFS ? "nfs" : "auto";
    return f;
}

/* What mount(8) gets as the source: the device, or host:/dir. */
static char *
mount_source(const StoragePoolDef *def)
{
    const StoragePoolSource *s = def->source;

    if (def->type == STORAGE_POOL_FS) {
        if (!s->devices->len)
            return NULL;
        return g_strdup(((StoragePoolSourceDevice *) s->devices->pdata[0])->path);
    }
    if (!s->hosts->len || !s->dir)
        return NULL;
    if (strcmp(source_format(def), "cifs") == 0)
        return g_strdup_printf("//%s/%s", ((StoragePoolSourceHost *) s->hosts->pdata[0])->name,
                               s->dir[0] == '/' ? s->dir + 1 : s->dir);
    return g_strdup_printf("%s:%s", ((StoragePoolSourceHost *) s->hosts->pdata[0])->name,
                           s->dir);
}

GStrv
storage_fs_mount_argv(const StoragePoolDef *def)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_autofree char *src = mount_source(def);
    const char *fmt = source_format(def);

    if (!src)
        return NULL;
    g_strv_builder_add(b, "mount");
    if (strcmp(fmt, "auto") != 0)
        g_strv_builder_add_many(b, "-t", fmt, NULL);
    if (def->type == STORAGE_POOL_NETFS && strcmp(fmt, "nfs") == 0)
        g_strv_builder_add_many(b, "-o", "nodev,nosuid,noexec", NULL);
    else if (def->type == STORAGE_POOL_NETFS && strcmp(fmt, "cifs") == 0)
        g_strv_builder_add_many(b, "-o", "guest", NULL);
    else if (def->type == STORAGE_POOL_FS && def->source->devices->len &&
             !g_str_has_prefix(src, "/dev/"))
        g_strv_builder_add_many(b, "-o", "loop", NULL);
    g_strv_builder_add_many(b, src, def->target_path, NULL);
    return g_strv_builder_end(b);
}

GStrv
storage_fs_umount_argv(const StoragePoolDef *def)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();

    g_strv_builder_add_many(b, "umount", def->target_path, NULL);
    return g_strv_builder_end(b);
}

/* Whether the pool's target is a mount point now. */
static int
fs_is_mounted(const StoragePoolDef *def)
{
    FILE *f = setmntent("/proc/self/mounts", "r");
    g_autofree char *target = g_canonicalize_filename(def->target_path, "/");
    struct mntent *m;
    int found = 0;

    if (!f) {
        error_report_errno(DOM, errno, "%s", _("cannot read /proc/self/mounts"));
        return -1;
    }
    while ((m = getmntent(f)))
        if (strcmp(m->mnt_dir, target) == 0)
            found = 1;
    endmntent(f);
    return found;
}

static int
fs_start(StoragePoolObj *pool)
{
    g_auto(GStrv) argv = NULL;
    int mounted;

    if (dir_check_target(pool) < 0 || (mounted = fs_is_mounted(pool->def)) < 0)
        return -1;
    if (mounted)
        return 0;
    if (!(argv = storage_fs_mount_argv(pool->def))) {
        error_report(DOM, VK_ERR_INVALID_ARG, "%s", pool->def->type == STORAGE_POOL_FS ?
                     _("missing source device") : _("missing source host or directory"));
        return -1;
    }
    if (pool->def->type == STORAGE_POOL_NETFS) {
        const char *fmt = source_format(pool->def);
        g_autofree char *fsys = NULL;
        g_autofree char *helper = g_strconcat("mount.", fmt, NULL);

        if (g_file_get_contents("/proc/filesystems", &fsys, NULL, NULL) &&
            strstr(fsys, fmt) == NULL && !storage_have_tool(helper)) {
            error_report(DOM, VK_ERR_OPERATION_FAILED,
                         _("the kernel does not support file system '%1$s'"), fmt);
            return -1;
        }
    }
    return storage_run((const char *const *) argv, NULL);
}

static int
fs_stop(StoragePoolObj *pool)
{
    g_auto(GStrv) argv = storage_fs_umount_argv(pool->def);
    int mounted = fs_is_mounted(pool->def);

    if (mounted <= 0)
        return mounted;
    return storage_run((const char *const *) argv, NULL);
}

/* fs build: mkfs on the source device (NO_OVERWRITE: refuse when blkid
 * finds a file system already). */
static int
fs_build(StoragePoolObj *pool, unsigned flags)
{
    g_autofree char *dev = mount_source(pool->def);
    const char *fmt = source_format(pool->def);

    if (dir_build(pool, flags) < 0)
        return -1;
    if (pool->def->type != STORAGE_POOL_FS || !(flags & (BUILD_OVERWRITE | BUILD_NO_OVERWRITE)))
        return 0;
    if (!dev) {
        error_report(DOM, VK_ERR_INVALID_ARG, "%s", _("missing source device"));
        return -1;
    }
    if (strcmp(fmt, "auto") == 0)
        fmt = "ext4";
    if (flags & BUILD_NO_OVERWRITE) {
        const char *probe[] = { "blkid", "-o", "value", "-s", "TYPE", dev, NULL };
        g_autofree char *out = NULL;

        if (storage_run_status(probe, &out, NULL) == 0 && out && *g_strstrip(out)) {
            error_report(DOM, VK_ERR_STORAGE_POOL_BUILT,
                         _("Device '%1$s' already formatted using '%2$s'"), dev, out);
            return -1;
        }
    }
    {
        g_autofree char *mkfs = g_strconcat("mkfs.", fmt, NULL);
        const char *argv[] = { mkfs, "-q", dev, NULL };
        const char *argv_f[] = { mkfs, "-q", "-F", dev, NULL };

        return storage_run(g_str_has_prefix(fmt, "ext") ? argv_f : argv, NULL);
    }
}

/* fs find sources: blkid probing of the device named in the spec. */
static char *
fs_find_sources(const StoragePoolSource *spec, unsigned flags)
{
    g_autoptr(StoragePoolSourceList) list = storage_pool_source_list_new(STORAGE_POOL_FS);
    const char *dev;
    g_autofree char *out = NULL;

    if (!spec || !spec->devices->len) {
        error_report(DOM, VK_ERR_INVALID_ARG, "%s",
                     _("fs pool source discovery needs a <device path='...'/>"));
        return NULL;
    }
    dev = ((StoragePoolSourceDevice *) spec->devices->pdata[0])->path;
    {
        const char *argv[] = { "blkid", "-o", "value", "-s", "TYPE", dev, NULL };

        if (storage_run_status(argv, &out, NULL) == 0 && out && *g_strstrip(out)) {
            g_autofree char *xml = g_markup_printf_escaped(
                "<source><device path='%s'/><format type='%s'/></source>", dev, out);
            StoragePoolSource *src = storage_pool_source_parse_string(STORAGE_POOL_FS, xml);

            if (src)
                g_ptr_array_add(list->sources, src);
        }
    }
    return storage_pool_source_list_format(list);
}

/* netfs find sources: showmount -e HOST. */
static char *
netfs_find_sources(const StoragePoolSource *spec, unsigned flags)
{
    g_autoptr(StoragePoolSourceList) list = storage_pool_source_list_new(STORAGE_POOL_NETFS);
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;
    const char *host;

    if (!spec || !spec->hosts->len) {
        error_report(DOM, VK_ERR_INVALID_ARG, "%s", _("hostname must be specified for netfs sources"));
        return NULL;
    }
    host = ((StoragePoolSourceHost *) spec->hosts->pdata[0])->name;
    {
        const char *argv[] = { "showmount", "--no-headers", "--exports", host, NULL };

        if (!storage_have_tool("showmount")) {
            error_report(DOM, VK_ERR_OPERATION_UNSUPPORTED, "%s",
                         _("showmount (nfs-common) is not installed"));
            return NULL;
        }
        if (storage_run(argv, &out) < 0)
            return NULL;
    }
    lines = g_strsplit(out, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit_set(g_strstrip(lines[i]), " \t", 2);
        g_autofree char *xml = NULL;
        StoragePoolSource *src;

        if (!f[0] || !*f[0])
            continue;
        xml = g_markup_printf_escaped("<source><host name='%s'/><dir path='%s'/>"
                                      "<format type='nfs'/></source>", host, f[0]);
        if ((src = storage_pool_source_parse_string(STORAGE_POOL_NETFS, xml)))
            g_ptr_array_add(list->sources, src);
    }
    return storage_pool_source_list_format(list);
}

const StorageBackend storage_backend_fs = {
    .type = STORAGE_POOL_FS,
    .build = fs_build,
    .start = fs_start,
    .stop = fs_stop,
    .remove = dir_remove,
    .refresh = dir_refresh,
    .find_sources = fs_find_sources,
    FILE_VOL_OPS,
};

const StorageBackend storage_backend_netfs = {
    .type = STORAGE_POOL_NETFS,
    .build = dir_build,
    .start = fs_start,
    .stop = fs_stop,
    .remove = dir_remove,
    .refresh = dir_refresh,
    .find_sources = netfs_find_sources,
    FILE_VOL_OPS,
};
