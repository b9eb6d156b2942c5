/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * logical pools: an LVM volume group whose logical volumes are the
 * volumes, driven through the lvm2 tools; refresh parses
 * `lvs/vgs --reportformat json`.
 */
#include <json-c/json.h>
#include <string.h>

#include "driver/storage/storage-priv.h"
#include "util/error.h"
#include "util/i18n.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_object, json_object_put)

#define DOM VK_FROM_STORAGE

enum { BUILD_OVERWRITE = 1 << 3 };

static const char *
vg_name(const StoragePoolDef *def)
{
    return def->source->name ? def->source->name : def->name;
}

static const char *
device_path(const StoragePoolDef *def, guint i)
{
    return ((StoragePoolSourceDevice *) def->source->devices->pdata[i])->path;
}

GStrv
storage_logical_vgcreate_argv(const StoragePoolDef *def)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();

    g_strv_builder_add_many(b, "vgcreate", vg_name(def), NULL);
    for (guint i = 0; i < def->source->devices->len; i++)
        g_strv_builder_add(b, device_path(def, i));
    return g_strv_builder_end(b);
}

GStrv
storage_logical_lvcreate_argv(const StoragePoolDef *def, const StorageVolDef *vol)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    uint64_t kib = (vol->capacity + 1023) / 1024;
    uint64_t alloc_kib = vol->has_allocation ? (vol->allocation + 1023) / 1024 : kib;
    g_autofree char *size = g_strdup_printf("%lluK", (unsigned long long) kib);
    g_autofree char *alloc = g_strdup_printf("%lluK", (unsigned long long) (alloc_kib ? alloc_kib : 4));

    g_strv_builder_add_many(b, "lvcreate", "--yes", "--name", vol->name, NULL);
    if (alloc_kib < kib)   /* sparse: a thin snapshot-backed LV */
        g_strv_builder_add_many(b, "-L", alloc, "--virtualsize", size, NULL);
    else
        g_strv_builder_add_many(b, "-L", size, NULL);
    g_strv_builder_add(b, vg_name(def));
    return g_strv_builder_end(b);
}

static int
logical_build(StoragePoolObj *pool, unsigned flags)
{
    g_auto(GStrv) argv = NULL;

    if (!pool->def->source->devices->len) {
        error_report(DOM, VK_ERR_INVALID_ARG, "%s", _("missing source device"));
        return -1;
    }
    for (guint i = 0; i < pool->def->source->devices->len; i++) {
        const char *pv[] = { "pvcreate", (flags & BUILD_OVERWRITE) ? "-ff" : "-f", "--yes",
                             device_path(pool->def, i), NULL };

        if (storage_run(pv, NULL) < 0)
            return -1;
    }
    argv = storage_logical_vgcreate_argv(pool->def);
    return storage_run((const char *const *) argv, NULL);
}

static int
logical_activate(StoragePoolObj *pool, bool on)
{
    const char *argv[] = { "vgchange", on ? "-aly" : "-aln", vg_name(pool->def), NULL };

    return storage_run(argv, NULL);
}

static int
logical_start(StoragePoolObj *pool)
{
    return logical_activate(pool, true);
}

static int
logical_stop(StoragePoolObj *pool)
{
    return logical_activate(pool, false);
}

static int
logical_remove(StoragePoolObj *pool, unsigned flags)
{
    const char *argv[] = { "vgremove", "-f", vg_name(pool->def), NULL };

    if (storage_run(argv, NULL) < 0)
        return -1;
    for (guint i = 0; i < pool->def->source->devices->len; i++) {
        const char *pv[] = { "pvremove", device_path(pool->def, i), NULL };

        if (storage_run(pv, NULL) < 0)
            return -1;
    }
    return 0;
}

/* The rows of report[0].<what> in lvm's JSON report. */
static json_object *
report_rows(json_object *root, const char *what)
{
    json_object *report, *first, *rows;

    if (!json_object_object_get_ex(root, "report", &report) ||
        !json_object_is_type(report, json_type_array) || json_object_array_length(report) < 1)
        return NULL;
    first = json_object_array_get_idx(report, 0);
    if (!json_object_object_get_ex(first, what, &rows) ||
        !json_object_is_type(rows, json_type_array))
        return NULL;
    return rows;
}

static const char *
row_str(json_object *row, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(row, key, &v) ? json_object_get_string(v) : NULL;
}

static uint64_t
row_size(json_object *row, const char *key)
{
    const char *s = row_str(row, key);

    return s ? g_ascii_strtoull(s, NULL, 10) : 0;
}

int
storage_logical_parse_lvs(StoragePoolObj *pool, const char *json)
{
    g_autoptr(json_object) root = json_tokener_parse(json);
    json_object *rows = root ? report_rows(root, "lv") : NULL;

    if (!rows) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR, "%s", _("cannot parse the lvs report"));
        return -1;
    }
    for (size_t i = 0; i < json_object_array_length(rows); i++) {
        json_object *row = json_object_array_get_idx(rows, i);
        const char *name = row_str(row, "lv_name");
        const char *path = row_str(row, "lv_path");
        StorageVolDef *def;

        if (!name || !path || !*path || strchr(name, '/'))
            continue;
        def = storage_vol_def_blank(name, path);
        def->type = STORAGE_VOL_BLOCK;
        def->capacity = row_size(row, "lv_size");
        def->has_capacity = true;
        def->allocation = def->capacity;
        g_ptr_array_add(pool->vols, storage_vol_obj_new(def));
    }
    return 0;
}

char *
storage_logical_parse_vgs(const char *json)
{
    g_autoptr(StoragePoolSourceList) list = storage_pool_source_list_new(STORAGE_POOL_LOGICAL);
    g_autoptr(json_object) root = json_tokener_parse(json);
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GString) xml = NULL;
    json_object *rows = root ? report_rows(root, "vg") : NULL;

    if (!rows) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR, "%s", _("cannot parse the vgs report"));
        return NULL;
    }
    for (size_t i = 0; i < json_object_array_length(rows); i++) {
        const char *vg = row_str(json_object_array_get_idx(rows, i), "vg_name");

        if (!vg || !*vg || g_hash_table_contains(seen, vg))
            continue;
        g_hash_table_add(seen, g_strdup(vg));
        xml = g_string_new("<source>");
        for (size_t j = 0; j < json_object_array_length(rows); j++) {
            json_object *r = json_object_array_get_idx(rows, j);
            const char *pv = row_str(r, "pv_name");

            if (pv && *pv && g_strcmp0(row_str(r, "vg_name"), vg) == 0) {
                g_autofree char *e = g_markup_printf_escaped("<device path='%s'/>", pv);

                g_string_append(xml, e);
            }
        }
        {
            g_autofree char *e = g_markup_printf_escaped("<name>%s</name>", vg);

            g_string_append(xml, e);
            g_string_append(xml, "<format type='lvm2'/></source>");
        }
        {
            StoragePoolSource *src = storage_pool_source_parse_string(STORAGE_POOL_LOGICAL,
                                                                      xml->str);

            if (!src)
                return NULL;
            g_ptr_array_add(list->sources, src);
        }
        g_string_free(g_steal_pointer(&xml), TRUE);
    }
    return storage_pool_source_list_format(list);
}

static int
logical_refresh(StoragePoolObj *pool)
{
    const char *lvs[] = { "lvs", "--reportformat", "json", "--units", "b", "--nosuffix",
                          "-o", "lv_name,lv_path,lv_size", vg_name(pool->def), NULL };
    const char *vgs[] = { "vgs", "--reportformat", "json", "--units", "b", "--nosuffix",
                          "-o", "vg_size,vg_free", vg_name(pool->def), NULL };
    g_autofree char *lout = NULL, *vout = NULL;
    g_autoptr(json_object) root = NULL;
    json_object *rows;

    if (storage_run(lvs, &lout) < 0 || storage_logical_parse_lvs(pool, lout) < 0 ||
        storage_run(vgs, &vout) < 0)
        return -1;
    root = json_tokener_parse(vout);
    if (root && (rows = report_rows(root, "vg")) && json_object_array_length(rows) > 0) {
        json_object *row = json_object_array_get_idx(rows, 0);

        pool->def->capacity = row_size(row, "vg_size");
        pool->def->available = row_size(row, "vg_free");
        pool->def->allocation = pool->def->capacity - pool->def->available;
    }
    return 0;
}

static char *
logical_find_sources(const StoragePoolSource *spec, unsigned flags)
{
    const char *argv[] = { "vgs", "--reportformat", "json", "-o", "vg_name,pv_name", NULL };
    g_autofree char *out = NULL;

    if (storage_run(argv, &out) < 0)
        return NULL;
    return storage_logical_parse_vgs(out);
}

static int
logical_vol_prepare(StoragePoolObj *pool, StorageVolDef *vol)
{
    g_free(vol->target_path);
    vol->target_path = g_strdup_printf("/dev/%s/%s", vg_name(pool->def), vol->name);
    g_free(vol->key);
    vol->key = g_strdup(vol->target_path);
    vol->type = STORAGE_VOL_BLOCK;
    return 0;
}

static int
logical_vol_create(StoragePoolObj *pool, StorageVolDef *vol, unsigned flags)
{
    g_auto(GStrv) argv = storage_logical_lvcreate_argv(pool->def, vol);

    if (storage_run((const char *const *) argv, NULL) < 0)
        return -1;
    return storage_apply_perms(vol->target_path, &vol->target_perms, false);
}

static int
logical_vol_create_from(StoragePoolObj *pool, StorageVolDef *vol, const StorageVolDef *src,
                        unsigned flags)
{
    const char *sfmt = src->target_format ? src->target_format : "raw";

    if (logical_vol_create(pool, vol, flags) < 0)
        return -1;
    return storage_copy_image(src->target_path, sfmt, vol->target_path, "raw");
}

static int
logical_vol_delete(StoragePoolObj *pool, StorageVolDef *vol, unsigned flags)
{
    g_autofree char *lv = g_strdup_printf("%s/%s", vg_name(pool->def), vol->name);
    const char *argv[] = { "lvremove", "-f", lv, NULL };

    return storage_run(argv, NULL);
}

static int
logical_vol_resize(StoragePoolObj *pool, StorageVolDef *vol, uint64_t capacity, unsigned flags)
{
    g_autofree char *lv = g_strdup_printf("%s/%s", vg_name(pool->def), vol->name);
    g_autofree char *size = g_strdup_printf("%lluK", (unsigned long long) ((capacity + 1023) / 1024));
    const char *argv[] = { "lvresize", "--force", "-L", size, lv, NULL };

    return storage_run(argv, NULL);
}

const StorageBackend storage_backend_logical = {
    .type = STORAGE_POOL_LOGICAL,
    .build = logical_build,
    .start = logical_start,
    .stop = logical_stop,
    .remove = logical_remove,
    .refresh = logical_refresh,
    .find_sources = logical_find_sources,
    .vol_prepare = logical_vol_prepare,
    .vol_create = logical_vol_create,
    .vol_create_from = logical_vol_create_from,
    .vol_delete = logical_vol_delete,
    .vol_resize = logical_vol_resize,
};
