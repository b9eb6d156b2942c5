/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Volume calls of the storage driver: lookups, create, clone, delete,
 * wipe, resize, info, XML, streams' open and resolution for domains. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver/storage/storage-state.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_STORAGE

/* VIR_STORAGE_VOL_* flags. */
enum {
    VOL_CREATE_PREALLOC_METADATA = 1 << 0, VOL_CREATE_REFLINK = 1 << 1,
    VOL_CREATE_VALIDATE = 1 << 2,
    VOL_DELETE_ZEROED = 1 << 0, VOL_DELETE_WITH_SNAPSHOTS = 1 << 1,
    VOL_RESIZE_ALLOCATE = 1 << 0, VOL_RESIZE_DELTA = 1 << 1, VOL_RESIZE_SHRINK = 1 << 2,
    VOL_GET_PHYSICAL = 1 << 0,
};

void
storage_vol_id_clear(StorageVolId *id)
{
    g_clear_pointer(&id->pool, g_free);
    g_clear_pointer(&id->name, g_free);
    g_clear_pointer(&id->key, g_free);
}

void
storage_vol_id_free(StorageVolId *id)
{
    if (id) {
        storage_vol_id_clear(id);
        g_free(id);
    }
}

void
storage_vol_id_fill(StorageVolId *out, StoragePoolObj *pool, const StorageVolDef *vol)
{
    out->pool = g_strdup(pool->def->name);
    out->name = g_strdup(vol->name);
    out->key = g_strdup(vol->key ? vol->key : vol->target_path);
}

static StorageVolObj *
find_vol(StoragePoolObj *pool, const char *name)
{
    for (guint i = 0; i < pool->vols->len; i++) {
        StorageVolObj *v = pool->vols->pdata[i];

        if (strcmp(v->def->name, name) == 0)
            return v;
    }
    return NULL;
}

StorageVolObj *
storage_vol_obj_by_name(StoragePoolObj *pool, const char *name)
{
    StorageVolObj *v = find_vol(pool, name);

    if (!v)
        error_report(DOM, VK_ERR_NO_STORAGE_VOL,
                     _("no storage vol with matching name '%1$s'"), name);
    return v;
}

/* Both locked: the active pool @pool and its volume @name, which is not
 * being filled by a copy. */
static StorageVolObj *
vol_get(const char *pool_name, const char *name, StoragePoolObj **poolp)
{
    StoragePoolObj *pool = storage_pool_obj_active_by_name(pool_name);
    StorageVolObj *vol;

    if (!pool)
        return NULL;
    *poolp = pool;
    if ((vol = storage_vol_obj_by_name(pool, name)) && vol->building) {
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("volume '%1$s' is still being allocated."), name);
        return NULL;
    }
    return vol;
}

/* As vol_get, for changing the volume: not while copies read it. */
static StorageVolObj *
vol_get_idle(const char *pool_name, const char *name, StoragePoolObj **poolp)
{
    StorageVolObj *vol = vol_get(pool_name, name, poolp);

    if (vol && vol->in_use) {
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("volume '%1$s' is being copied"), name);
        return NULL;
    }
    return vol;
}

int
storage_pool_num_volumes(const unsigned char *uuid)
{
    StoragePoolObj *pool;
    int ret = -1;

    storage_lock();
    if ((pool = storage_pool_obj_active_by_uuid(uuid)))
        ret = (int) pool->vols->len;
    storage_unlock();
    return ret;
}

GPtrArray *
storage_pool_list_volumes(const unsigned char *uuid)
{
    StoragePoolObj *pool;
    GPtrArray *out = NULL;

    storage_lock();
    if ((pool = storage_pool_obj_active_by_uuid(uuid))) {
        out = g_ptr_array_new_with_free_func((GDestroyNotify) storage_vol_id_free);
        for (guint i = 0; i < pool->vols->len; i++) {
            StorageVolObj *v = pool->vols->pdata[i];
            StorageVolId *id = g_new0(StorageVolId, 1);

            storage_vol_id_fill(id, pool, v->def);
            g_ptr_array_add(out, id);
        }
    }
    storage_unlock();
    return out;
}

int
storage_vol_lookup_by_name(const unsigned char *pool_uuid, const char *name,
                           StorageVolId *out)
{
    StoragePoolObj *pool;
    StorageVolObj *vol;
    int ret = -1;

    storage_lock();
    if ((pool = storage_pool_obj_active_by_uuid(pool_uuid)) &&
        (vol = storage_vol_obj_by_name(pool, name))) {
        storage_vol_id_fill(out, pool, vol->def);
        ret = 0;
    }
    storage_unlock();
    return ret;
}

/* Finds a volume of any active pool by key or by path. */
static int
vol_find_any(const char *what, bool by_key, StorageVolId *out)
{
    GPtrArray *pools;
    g_autofree char *clean = by_key ? g_strdup(what) : g_canonicalize_filename(what, "/");

    pools = storage_pool_objs();
    for (guint i = 0; i < pools->len; i++) {
        StoragePoolObj *p = pools->pdata[i];

        if (!p->active)
            continue;
        for (guint j = 0; j < p->vols->len; j++) {
            StorageVolDef *d = ((StorageVolObj *) p->vols->pdata[j])->def;
            const char *cmp = by_key ? d->key : d->target_path;

            if (cmp && strcmp(cmp, clean) == 0) {
                storage_vol_id_fill(out, p, d);
                return 0;
            }
        }
    }
    return -1;
}

int
storage_vol_lookup_by_key(const char *key, StorageVolId *out)
{
    int ret;

    storage_lock();
    if ((ret = vol_find_any(key, true, out)) < 0)
        error_report(DOM, VK_ERR_NO_STORAGE_VOL,
                     _("no storage vol with matching key %1$s"), key);
    storage_unlock();
    return ret;
}

int
storage_vol_lookup_by_path(const char *path, StorageVolId *out)
{
    int ret;

    storage_lock();
    if ((ret = vol_find_any(path, false, out)) < 0)
        error_report(DOM, VK_ERR_NO_STORAGE_VOL,
                     _("no storage vol with matching path '%1$s'"), path);
    storage_unlock();
    return ret;
}

/* Parses volume XML for @pool and checks the name is free. */
static StorageVolDef *
vol_def_new(StoragePoolObj *pool, const char *xml, unsigned flags)
{
    unsigned pflags = STORAGE_VOL_PARSE_OPT_CAPACITY;
    g_autoptr(StorageVolDef) def = NULL;
    const StorageBackend *be = storage_backend_for(pool->def->type);

    if (flags & VOL_CREATE_VALIDATE)
        pflags |= STORAGE_VOL_PARSE_VALIDATE;
    if (!(def = storage_vol_def_parse_string(pool->def, xml, pflags)))
        return NULL;
    if (storage_vol_name_validate(def->name) < 0)
        return NULL;
    if (find_vol(pool, def->name)) {
        error_report(DOM, VK_ERR_STORAGE_VOL_EXIST, "'%s'", def->name);
        return NULL;
    }
    if (!be->vol_create) {
        error_report(DOM, VK_ERR_NO_SUPPORT, _("storage pool does not support volume creation"));
        return NULL;
    }
    if (be->vol_prepare && be->vol_prepare(pool, def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

/* Adds a created volume (probing what is on disk) and fills out. */
static int
vol_add(StoragePoolObj *pool, StorageVolDef *def, StorageVolId *out)
{
    StorageVolObj *vol = storage_vol_obj_new(def);

    if (def->target_path && storage_file_probe(def) < 0) {
        vol->error = storage_error_detail();
        error_reset();
    }
    g_ptr_array_add(pool->vols, vol);
    storage_vol_id_fill(out, pool, def);
    storage_dir_refresh_space(pool);
    return 0;
}

int
storage_vol_create_xml(const unsigned char *pool_uuid, const char *xml,
                       unsigned flags, StorageVolId *out)
{
    StoragePoolObj *pool;
    g_autoptr(StorageVolDef) def = NULL;
    int ret = -1;

    if (flags & ~(VOL_CREATE_PREALLOC_METADATA | VOL_CREATE_VALIDATE)) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"), flags);
        return -1;
    }
    storage_lock();
    if (!(pool = storage_pool_obj_active_by_uuid(pool_uuid)) ||
        !(def = vol_def_new(pool, xml, flags)))
        goto out;
    if (!def->has_capacity && !def->has_backing) {
        error_report(DOM, VK_ERR_XML_ERROR, "%s", _("missing capacity element"));
        goto out;
    }
    if (storage_backend_for(pool->def->type)->vol_create(pool, def, flags) < 0)
        goto out;
    ret = vol_add(pool, g_steal_pointer(&def), out);
 out:
    storage_unlock();
    return ret;
}

/* A snapshot of what a copy needs from its source, stable while unlocked. */
static StorageVolDef *
vol_def_snapshot(const StorageVolDef *src)
{
    StorageVolDef *copy = storage_vol_def_blank(src->name, src->target_path);

    copy->type = src->type;
    copy->target_format = g_strdup(src->target_format);
    copy->capacity = src->capacity;
    copy->has_capacity = src->has_capacity;
    return copy;
}

/*
 * Copies src into the new volume def with the driver lock released, so a
 * long clone does not stall other calls: the new volume is listed as
 * building, the source is marked in use, and both pools refuse refresh
 * and destroy until it ends.  Called and returns locked.
 */
static int
vol_copy_unlocked(StoragePoolObj *pool, StoragePoolObj *spool, StorageVolObj *src,
                  StorageVolDef *def, unsigned flags, StorageVolId *out)
{
    const StorageBackend *be = storage_backend_for(pool->def->type);
    g_autoptr(StorageVolDef) snap = vol_def_snapshot(src->def);
    StorageVolObj *vol = storage_vol_obj_new(def);
    int r;

    vol->building = true;
    g_ptr_array_add(pool->vols, vol);
    pool->asyncjobs++;
    spool->asyncjobs++;
    src->in_use++;
    storage_unlock();
    r = be->vol_create_from(pool, vol->def, snap, flags);
    storage_lock();
    src->in_use--;
    spool->asyncjobs--;
    pool->asyncjobs--;
    if (r < 0) {
        VkError *err = error_steal_last();

        g_ptr_array_remove(pool->vols, vol);
        error_restore(err);
        return -1;
    }
    vol->building = false;
    if (storage_file_probe(vol->def) < 0) {
        vol->error = storage_error_detail();
        error_reset();
    }
    storage_vol_id_fill(out, pool, vol->def);
    storage_dir_refresh_space(pool);
    return 0;
}

int
storage_vol_create_xml_from(const unsigned char *pool_uuid, const char *xml,
                            const char *src_pool, const char *src_name,
                            unsigned flags, StorageVolId *out)
{
    StoragePoolObj *pool, *spool;
    StorageVolObj *src;
    g_autoptr(StorageVolDef) def = NULL;
    const StorageBackend *be;
    int ret = -1;

    if (flags & ~(VOL_CREATE_PREALLOC_METADATA | VOL_CREATE_REFLINK | VOL_CREATE_VALIDATE)) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"), flags);
        return -1;
    }
    storage_lock();
    if (!(pool = storage_pool_obj_active_by_uuid(pool_uuid)) ||
        !(src = vol_get(src_pool, src_name, &spool)))
        goto out;
    if (src->error) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR, "%s", src->error);
        goto out;
    }
    if (!(def = vol_def_new(pool, xml, flags)))
        goto out;
    if (!def->has_capacity) {
        def->capacity = src->def->capacity;
        def->has_capacity = true;
    }
    be = storage_backend_for(pool->def->type);
    if (!be->vol_create_from) {
        error_report(DOM, VK_ERR_NO_SUPPORT, "%s",
                     _("storage pool does not support volume creation from an existing volume"));
        goto out;
    }
    ret = vol_copy_unlocked(pool, spool, src, g_steal_pointer(&def), flags, out);
 out:
    storage_unlock();
    return ret;
}

int
storage_vol_delete(const char *pool_name, const char *name, unsigned flags)
{
    StoragePoolObj *pool = NULL;
    StorageVolObj *vol;
    const StorageBackend *be;
    int ret = -1;

    if (flags & ~(VOL_DELETE_ZEROED | VOL_DELETE_WITH_SNAPSHOTS)) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"), flags);
        return -1;
    }
    storage_lock();
    if (!(vol = vol_get_idle(pool_name, name, &pool)))
        goto out;
    be = storage_backend_for(pool->def->type);
    if (!be->vol_delete) {
        error_report(DOM, VK_ERR_NO_SUPPORT, "%s",
                     _("storage pool does not support vol deletion"));
        goto out;
    }
    if ((flags & VOL_DELETE_ZEROED) &&
        storage_vol_wipe_path(vol->def->target_path, vol->def->type == STORAGE_VOL_BLOCK, 0) < 0)
        goto out;
    if (be->vol_delete(pool, vol->def, flags) < 0)
        goto out;
    g_ptr_array_remove(pool->vols, vol);
    storage_dir_refresh_space(pool);
    ret = 0;
 out:
    storage_unlock();
    return ret;
}

int
storage_vol_wipe(const char *pool_name, const char *name, unsigned algorithm, unsigned flags)
{
    StoragePoolObj *pool = NULL;
    StorageVolObj *vol;
    int ret = -1;

    if (flags) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"), flags);
        return -1;
    }
    storage_lock();
    if (!(vol = vol_get_idle(pool_name, name, &pool)))
        goto out;
    if (vol->def->target_format && strcmp(vol->def->target_format, "qcow2") == 0 &&
        vol->def->type == STORAGE_VOL_FILE && algorithm == 0) {
        /* zeroing a qcow2 volume: an empty image of the same shape */
        ret = storage_file_vol_create(pool, vol->def, STORAGE_FILE_CREATE_REPLACE);
    } else {
        /* overwriting takes long: without the lock, the volume marked busy */
        g_autofree char *path = g_strdup(vol->def->target_path);
        bool is_block = vol->def->type == STORAGE_VOL_BLOCK;

        vol->building = true;
        pool->asyncjobs++;
        storage_unlock();
        ret = storage_vol_wipe_path(path, is_block, algorithm);
        storage_lock();
        pool->asyncjobs--;
        vol->building = false;
    }
    if (ret == 0) {
        if (storage_file_probe(vol->def) == 0)
            g_clear_pointer(&vol->error, g_free);
        error_reset();
    }
 out:
    storage_unlock();
    return ret;
}

/* The probe error of a volume whose header could not be read. */
static int
vol_check_error(const StorageVolObj *vol)
{
    if (vol->error) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR, "%s", vol->error);
        return -1;
    }
    return 0;
}

int
storage_vol_get_info(const char *pool_name, const char *name, unsigned flags,
                     int *type, uint64_t *capacity, uint64_t *allocation)
{
    StoragePoolObj *pool = NULL;
    StorageVolObj *vol;
    int ret = -1;

    if (flags & ~VOL_GET_PHYSICAL) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"), flags);
        return -1;
    }
    storage_lock();
    if (!(vol = vol_get(pool_name, name, &pool)))
        goto out;
    /* sizes change under running guests: probe again */
    if (vol->def->target_path && vol->def->type != STORAGE_VOL_NETWORK) {
        g_clear_pointer(&vol->error, g_free);
        if (storage_file_probe(vol->def) < 0)
            vol->error = storage_error_detail();
    }
    if (vol_check_error(vol) < 0)
        goto out;
    *type = vol->def->type;
    *capacity = vol->def->capacity;
    *allocation = (flags & VOL_GET_PHYSICAL) && vol->def->has_physical ?
        vol->def->physical : vol->def->allocation;
    ret = 0;
 out:
    storage_unlock();
    return ret;
}

char *
storage_vol_get_xml(const char *pool_name, const char *name, unsigned flags)
{
    StoragePoolObj *pool = NULL;
    StorageVolObj *vol;
    char *xml = NULL;

    if (flags) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"), flags);
        return NULL;
    }
    storage_lock();
    if ((vol = vol_get(pool_name, name, &pool))) {
        if (vol->def->target_path && !vol->error && storage_file_probe(vol->def) < 0)
            vol->error = storage_error_detail();
        if (vol_check_error(vol) == 0)
            xml = storage_vol_def_format(pool->def, vol->def, 0);
    }
    storage_unlock();
    return xml;
}

char *
storage_vol_get_path(const char *pool_name, const char *name)
{
    StoragePoolObj *pool = NULL;
    StorageVolObj *vol;
    char *path = NULL;

    storage_lock();
    if ((vol = vol_get(pool_name, name, &pool)))
        path = g_strdup(vol->def->target_path);
    storage_unlock();
    return path;
}

static int
resize_target(const StorageVolDef *def, uint64_t capacity, unsigned flags, uint64_t *out)
{
    uint64_t cur = def->capacity;

    if (flags & VOL_RESIZE_DELTA) {
        if (flags & VOL_RESIZE_SHRINK) {
            if (capacity > cur) {
                error_report(DOM, VK_ERR_INVALID_ARG, "%s",
                             _("can't shrink capacity below zero"));
                return -1;
            }
            capacity = cur - capacity;
        } else {
            if (capacity > UINT64_MAX - cur) {
                error_report(DOM, VK_ERR_OVERFLOW, "%s", _("capacity overflow"));
                return -1;
            }
            capacity += cur;
        }
    }
    if (capacity < cur && !(flags & VOL_RESIZE_SHRINK)) {
        error_report(DOM, VK_ERR_INVALID_ARG, "%s",
                     _("Can't shrink capacity below current capacity unless shrink flag explicitly specified"));
        return -1;
    }
    if (capacity > cur && (flags & VOL_RESIZE_SHRINK) && !(flags & VOL_RESIZE_DELTA)) {
        error_report(DOM, VK_ERR_INVALID_ARG, "%s",
                     _("Can't shrink to a larger capacity"));
        return -1;
    }
    *out = capacity;
    return 0;
}

int
storage_vol_resize(const char *pool_name, const char *name, uint64_t capacity,
                   unsigned flags)
{
    StoragePoolObj *pool = NULL;
    StorageVolObj *vol;
    const StorageBackend *be;
    uint64_t newcap;
    int ret = -1;

    if (flags & ~(VOL_RESIZE_ALLOCATE | VOL_RESIZE_DELTA | VOL_RESIZE_SHRINK)) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"), flags);
        return -1;
    }
    storage_lock();
    if (!(vol = vol_get_idle(pool_name, name, &pool)) || vol_check_error(vol) < 0 ||
        resize_target(vol->def, capacity, flags, &newcap) < 0)
        goto out;
    storage_dir_refresh_space(pool);
    if (newcap > vol->def->capacity && pool->def->available &&
        (flags & VOL_RESIZE_ALLOCATE) &&
        newcap - vol->def->capacity > pool->def->available) {
        error_report(DOM, VK_ERR_INVALID_ARG, "%s",
                     _("Not enough space left in storage pool"));
        goto out;
    }
    be = storage_backend_for(pool->def->type);
    if (!be->vol_resize) {
        error_report(DOM, VK_ERR_NO_SUPPORT, "%s",
                     _("storage pool does not support changing of volume capacity"));
        goto out;
    }
    if (be->vol_resize(pool, vol->def, newcap, flags) < 0)
        goto out;
    if (storage_file_probe(vol->def) < 0)
        vol->error = storage_error_detail();
    error_reset();
    storage_dir_refresh_space(pool);
    ret = 0;
 out:
    storage_unlock();
    return ret;
}

int
storage_vol_open(const char *pool_name, const char *name, bool upload,
                 uint64_t offset, uint64_t length, uint64_t *size, bool *is_block)
{
    StoragePoolObj *pool = NULL;
    StorageVolObj *vol;
    struct stat st;
    int fd = -1;

    storage_lock();
    if (!(vol = (upload ? vol_get_idle : vol_get)(pool_name, name, &pool)))
        goto out;
    if (!vol->def->target_path || vol->def->type == STORAGE_VOL_DIR) {
        error_report(DOM, VK_ERR_NO_SUPPORT, _("volume '%1$s' has no data to transfer"), name);
        goto out;
    }
    fd = open(vol->def->target_path, (upload ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) {
        error_report_errno(DOM, errno, _("cannot open volume '%1$s'"), vol->def->target_path);
        goto out;
    }
    if (fstat(fd, &st) < 0) {
        error_report_errno(DOM, errno, _("cannot stat volume '%1$s'"), vol->def->target_path);
        goto fail;
    }
    *is_block = S_ISBLK(st.st_mode);
    *size = *is_block ? vol->def->capacity : (uint64_t) st.st_size;
    if (offset > *size && !(upload && !*is_block)) {
        error_report(DOM, VK_ERR_INVALID_ARG,
                     _("offset %1$llu is past the end of volume '%2$s'"),
                     (unsigned long long) offset, name);
        goto fail;
    }
    (void) length;
    goto out;
 fail:
    close(fd);
    fd = -1;
 out:
    storage_unlock();
    return fd;
}

static StoragePoolObj *
find_pool_quiet(const char *name)
{
    GPtrArray *pools = storage_pool_objs();

    for (guint i = 0; i < pools->len; i++) {
        StoragePoolObj *p = pools->pdata[i];

        if (p->active && strcmp(p->def->name, name) == 0)
            return p;
    }
    return NULL;
}

void
storage_vol_uploaded(const char *pool_name, const char *name)
{
    StoragePoolObj *pool;
    StorageVolObj *vol;

    storage_lock();
    if ((pool = find_pool_quiet(pool_name)) && (vol = find_vol(pool, name))) {
        g_clear_pointer(&vol->error, g_free);
        if (storage_file_probe(vol->def) < 0)
            vol->error = storage_error_detail();
        storage_dir_refresh_space(pool);
    }
    error_reset();
    storage_unlock();
}

int
storage_volume_resolve(const char *pool_name, const char *vol_name, char **path,
                       char **format)
{
    StoragePoolObj *pool = NULL;
    StorageVolObj *vol;
    int ret = -1;

    storage_lock();
    if ((vol = vol_get(pool_name, vol_name, &pool)) && vol_check_error(vol) == 0) {
        *path = g_strdup(vol->def->target_path);
        if (format) {
            const char *f = vol->def->target_format;

            /* partitions, logical volumes and LUNs hold raw data */
            if (!f || vol->def->type == STORAGE_VOL_BLOCK)
                f = "raw";
            *format = g_strdup(f);
        }
        ret = 0;
    }
    storage_unlock();
    return ret;
}
