/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * disk pools: the partitions of a whole disk are the volumes (parted).
 * Partition N of /dev/sda is /dev/sda1; of /dev/loop0 it is /dev/loop0p1.
 */
#include <string.h>
#include <sys/stat.h>

#include "driver/storage/storage-priv.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_STORAGE
#define ALIGN (1024 * 1024)

static const char *
disk_device(const StoragePoolDef *def)
{
    if (!def->source->devices->len)
        return NULL;
    return ((StoragePoolSourceDevice *) def->source->devices->pdata[0])->path;
}

static char *
part_path(const char *dev, unsigned num)
{
    size_t n = strlen(dev);

    return g_strdup_printf("%s%s%u", dev, n && g_ascii_isdigit(dev[n - 1]) ? "p" : "", num);
}

GStrv
storage_disk_mkpart_argv(const StoragePoolDef *def, const StorageVolDef *vol,
                         uint64_t start, uint64_t end)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_autofree char *s = g_strdup_printf("%lluB", (unsigned long long) start);
    g_autofree char *e = g_strdup_printf("%lluB", (unsigned long long) end);
    const char *label = def->source->format ? def->source->format : "dos";

    g_strv_builder_add_many(b, "parted", "-s", disk_device(def), "mkpart", NULL);
    /* gpt names partitions; msdos wants a partition type */
    g_strv_builder_add(b, strcmp(label, "gpt") == 0 ? vol->name : "primary");
    g_strv_builder_add_many(b, s, e, NULL);
    return g_strv_builder_end(b);
}

static int
disk_need_device(const StoragePoolDef *def)
{
    if (!disk_device(def)) {
        error_report(DOM, VK_ERR_INVALID_ARG, "%s", _("missing source device"));
        return -1;
    }
    return 0;
}

static int
disk_build(StoragePoolObj *pool, unsigned flags)
{
    const char *fmt = pool->def->source->format;
    const char *label = !fmt || strcmp(fmt, "dos") == 0 ? "msdos" : fmt;
    const char *argv[] = { "parted", "-s", disk_device(pool->def), "mklabel", label, NULL };

    if (disk_need_device(pool->def) < 0)
        return -1;
    return storage_run(argv, NULL);
}

static int
disk_start(StoragePoolObj *pool)
{
    struct stat st;

    if (disk_need_device(pool->def) < 0)
        return -1;
    if (stat(disk_device(pool->def), &st) < 0 || !S_ISBLK(st.st_mode)) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, _("'%1$s' is not a block device"),
                     disk_device(pool->def));
        return -1;
    }
    return 0;
}

/* parted -m output: "N:startB:endB:sizeB:fs:name:flags;" per partition. */
static int
disk_refresh(StoragePoolObj *pool)
{
    const char *dev = disk_device(pool->def);
    const char *argv[] = { "parted", "-s", "-m", dev, "unit", "B", "print", NULL };
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;

    if (disk_need_device(pool->def) < 0 || storage_run(argv, &out) < 0)
        return -1;
    lines = g_strsplit(out, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(lines[i], ":", -1);
        g_autofree char *path = NULL;
        g_autofree char *name = NULL;
        StorageVolDef *def;
        unsigned num;

        if (g_strv_length(f) < 4 || !g_ascii_isdigit(f[0][0]))
            continue;
        if (g_str_has_prefix(f[0], "/"))
            continue;
        num = (unsigned) g_ascii_strtoull(f[0], NULL, 10);
        if (i == 1 && g_str_has_suffix(f[1], "B") && !g_ascii_isdigit(f[2][0])) {
            /* the device line: "/dev/x:sizeB:..." */
            continue;
        }
        if (g_strv_length(f) >= 2 && strstr(lines[i], "/dev/"))
            continue;
        path = part_path(dev, num);
        name = g_path_get_basename(path);
        def = storage_vol_def_blank(name, path);
        def->type = STORAGE_VOL_BLOCK;
        def->capacity = def->allocation = g_ascii_strtoull(f[3], NULL, 10);
        def->has_capacity = true;
        def->target_format = g_strdup("none");
        g_ptr_array_add(pool->vols, storage_vol_obj_new(def));
        if (g_ascii_strtoull(f[2], NULL, 10) + 1 > pool->def->allocation)
            pool->def->allocation = g_ascii_strtoull(f[2], NULL, 10) + 1;
    }
    for (int i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(lines[i], ":", -1);

        if (g_strv_length(f) >= 2 && g_str_has_prefix(f[0], "/"))
            pool->def->capacity = g_ascii_strtoull(f[1], NULL, 10);
    }
    pool->def->available = pool->def->capacity > pool->def->allocation ?
        pool->def->capacity - pool->def->allocation : 0;
    return 0;
}

static int
disk_vol_prepare(StoragePoolObj *pool, StorageVolDef *vol)
{
    vol->type = STORAGE_VOL_BLOCK;
    return 0;
}

static int
disk_vol_create(StoragePoolObj *pool, StorageVolDef *vol, unsigned flags)
{
    uint64_t start = ALIGN, end;
    g_auto(GStrv) argv = NULL;
    unsigned num = 1;

    for (guint i = 0; i < pool->vols->len; i++) {
        StorageVolDef *d = ((StorageVolObj *) pool->vols->pdata[i])->def;
        (void) d;
        num++;
    }
    if (pool->def->allocation > start)
        start = (pool->def->allocation + ALIGN - 1) / ALIGN * ALIGN;
    end = start + (vol->capacity + ALIGN - 1) / ALIGN * ALIGN - 1;
    if (pool->def->capacity && end >= pool->def->capacity) {
        error_report(DOM, VK_ERR_INVALID_ARG, "%s", _("no large enough free extent"));
        return -1;
    }
    argv = storage_disk_mkpart_argv(pool->def, vol, start, end);
    if (storage_run((const char *const *) argv, NULL) < 0)
        return -1;
    /* the volume is named after the partition that now exists */
    g_free(vol->target_path);
    vol->target_path = part_path(disk_device(pool->def), num);
    g_free(vol->key);
    vol->key = g_strdup(vol->target_path);
    g_free(vol->name);
    vol->name = g_path_get_basename(vol->target_path);
    return 0;
}

static int
disk_vol_delete(StoragePoolObj *pool, StorageVolDef *vol, unsigned flags)
{
    const char *dev = disk_device(pool->def);
    const char *p = vol->target_path + strlen(dev);
    g_autofree char *num = g_strdup(p[0] == 'p' ? p + 1 : p);
    const char *argv[] = { "parted", "-s", dev, "rm", num, NULL };

    return storage_run(argv, NULL);
}

const StorageBackend storage_backend_disk = {
    .type = STORAGE_POOL_DISK,
    .build = disk_build,
    .start = disk_start,
    .refresh = disk_refresh,
    .vol_prepare = disk_vol_prepare,
    .vol_create = disk_vol_create,
    .vol_delete = disk_vol_delete,
};
