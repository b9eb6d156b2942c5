/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage pool objects: definition, persistence, lifecycle, lookups and
 * events.  Volume calls are in storage-volumes.c.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "driver/storage/storage-state.h"
#include "util/error.h"
#include "util/file-util.h"
#include "util/i18n.h"

#define DOM VK_FROM_STORAGE

/* libvirt's virStoragePoolState and event numbers. */
enum { POOL_INACTIVE = 0, POOL_RUNNING = 2 };
enum {
    EV_DEFINED = 0, EV_UNDEFINED = 1, EV_STARTED = 2, EV_STOPPED = 3,
    EV_CREATED = 4, EV_DELETED = 5,
};
enum { EV_ID_LIFECYCLE = 0, EV_ID_REFRESH = 1 };

/* VIR_STORAGE_POOL_BUILD_* and VIR_STORAGE_POOL_CREATE_WITH_BUILD_*. */
enum {
    BUILD_NO_OVERWRITE = 1 << 2, BUILD_OVERWRITE = 1 << 3,
    CREATE_WITH_BUILD = 1 << 0, CREATE_WITH_BUILD_OVERWRITE = 1 << 1,
    CREATE_WITH_BUILD_NO_OVERWRITE = 1 << 2,
};

static GMutex storage_mutex;
static GPtrArray *storage_pools;      /* StoragePoolObj* */
VkEventSink storage_sink;

void
storage_lock(void)
{
    g_mutex_lock(&storage_mutex);
}

void
storage_unlock(void)
{
    g_mutex_unlock(&storage_mutex);
}

GPtrArray *
storage_pool_objs(void)
{
    if (!storage_pools)
        storage_pools = g_ptr_array_new();
    return storage_pools;
}

static void
pool_obj_free(StoragePoolObj *pool)
{
    if (!pool)
        return;
    storage_pool_def_free(pool->def);
    storage_pool_def_free(pool->newdef);
    g_ptr_array_unref(pool->vols);
    g_free(pool);
}

StoragePoolObj *
storage_pool_obj_new(StoragePoolDef *def)
{
    StoragePoolObj *pool = g_new0(StoragePoolObj, 1);

    pool->def = def;
    pool->vols = g_ptr_array_new_with_free_func((GDestroyNotify) storage_vol_obj_free);
    g_ptr_array_add(storage_pool_objs(), pool);
    return pool;
}

void
storage_pool_obj_remove(StoragePoolObj *pool)
{
    g_ptr_array_remove(storage_pool_objs(), pool);
    pool_obj_free(pool);
}

StoragePoolObj *
storage_pool_find_uuid(const unsigned char *uuid)
{
    GPtrArray *pools = storage_pool_objs();

    for (guint i = 0; i < pools->len; i++) {
        StoragePoolObj *p = pools->pdata[i];

        if (memcmp(p->def->uuid, uuid, 16) == 0)
            return p;
    }
    return NULL;
}

StoragePoolObj *
storage_pool_find_name(const char *name)
{
    GPtrArray *pools = storage_pool_objs();

    for (guint i = 0; i < pools->len; i++) {
        StoragePoolObj *p = pools->pdata[i];

        if (strcmp(p->def->name, name) == 0)
            return p;
    }
    return NULL;
}

char *
storage_uuid_string(const unsigned char *uuid)
{
    return g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                           "%02x%02x%02x%02x%02x%02x",
                           uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5],
                           uuid[6], uuid[7], uuid[8], uuid[9], uuid[10], uuid[11],
                           uuid[12], uuid[13], uuid[14], uuid[15]);
}

StoragePoolObj *
storage_pool_obj_by_uuid(const unsigned char *uuid)
{
    StoragePoolObj *p = storage_pool_find_uuid(uuid);

    if (!p) {
        g_autofree char *s = storage_uuid_string(uuid);

        error_report(DOM, VK_ERR_NO_STORAGE_POOL,
                     _("no storage pool with matching uuid '%1$s'"), s);
    }
    return p;
}

StoragePoolObj *
storage_pool_obj_by_name(const char *name)
{
    StoragePoolObj *p = storage_pool_find_name(name);

    if (!p)
        error_report(DOM, VK_ERR_NO_STORAGE_POOL,
                     _("no storage pool with matching name '%1$s'"), name);
    return p;
}

static StoragePoolObj *
require_active(StoragePoolObj *p)
{
    if (p && !p->active) {
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("storage pool '%1$s' is not active"), p->def->name);
        return NULL;
    }
    return p;
}

int
storage_pool_obj_check_idle(StoragePoolObj *pool)
{
    if (pool->asyncjobs > 0) {
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("pool '%1$s' has asynchronous jobs running."), pool->def->name);
        return -1;
    }
    return 0;
}

StoragePoolObj *
storage_pool_obj_active_by_uuid(const unsigned char *uuid)
{
    return require_active(storage_pool_obj_by_uuid(uuid));
}

StoragePoolObj *
storage_pool_obj_active_by_name(const char *name)
{
    return require_active(storage_pool_obj_by_name(name));
}

void
storage_pool_emit(StoragePoolObj *pool, int event_id, int event)
{
    VkEvent ev = {
        .family = VK_EVENT_STORAGE_POOL,
        .event_id = event_id,
        .name = pool->def->name,
        .event = event,
    };

    memcpy(ev.uuid, pool->def->uuid, 16);
    event_sink_emit(&storage_sink, &ev);
}

void
storage_pool_id_clear(StoragePoolId *id)
{
    g_clear_pointer(&id->name, g_free);
}

void
storage_pool_id_free(StoragePoolId *id)
{
    if (id) {
        storage_pool_id_clear(id);
        g_free(id);
    }
}

static void
pool_id_fill(StoragePoolId *out, const StoragePoolObj *pool)
{
    out->name = g_strdup(pool->def->name);
    memcpy(out->uuid, pool->def->uuid, 16);
}

/* Fills @out from @pool, looked up under the lock: -1 when there is none. */
static int
pool_id_out(const StoragePoolObj *pool, StoragePoolId *out)
{
    if (!pool)
        return -1;
    pool_id_fill(out, pool);
    return 0;
}

/* ---- definition ---- */

static bool
path_within(const char *inner, const char *outer)
{
    size_t n = strlen(outer);

    if (strcmp(outer, "/") == 0)
        return true;
    return strncmp(inner, outer, n) == 0 && (inner[n] == '\0' || inner[n] == '/');
}

static bool
has_file_target(const StoragePoolDef *def)
{
    return def->target_path && (def->type == STORAGE_POOL_DIR || def->type == STORAGE_POOL_FS ||
                                def->type == STORAGE_POOL_NETFS);
}

/* Another pool's volume directory may not contain or equal this one's. */
static int
check_target_overlap(const StoragePoolDef *def)
{
    GPtrArray *pools = storage_pool_objs();
    g_autofree char *mine = NULL;

    if (!has_file_target(def))
        return 0;
    mine = g_canonicalize_filename(def->target_path, "/");
    for (guint i = 0; i < pools->len; i++) {
        StoragePoolObj *p = pools->pdata[i];
        g_autofree char *theirs = NULL;

        if (memcmp(p->def->uuid, def->uuid, 16) == 0 || !has_file_target(p->def))
            continue;
        theirs = g_canonicalize_filename(p->def->target_path, "/");
        if (path_within(mine, theirs) || path_within(theirs, mine)) {
            error_report(DOM, VK_ERR_OPERATION_FAILED,
                         _("target path '%1$s' overlaps the target '%2$s' of storage pool '%3$s'"),
                         def->target_path, p->def->target_path, p->def->name);
            return -1;
        }
    }
    return 0;
}

static int
check_duplicate(StoragePoolDef *def, StoragePoolObj **existing)
{
    StoragePoolObj *by_name = storage_pool_find_name(def->name);
    StoragePoolObj *by_uuid = def->has_uuid ? storage_pool_find_uuid(def->uuid) : NULL;

    *existing = NULL;
    if (by_uuid && by_uuid != by_name) {
        g_autofree char *s = storage_uuid_string(def->uuid);

        error_report(DOM, VK_ERR_OPERATION_FAILED,
                     _("pool '%1$s' is already defined with uuid %2$s"),
                     by_uuid->def->name, s);
        return -1;
    }
    if (by_name && def->has_uuid && !by_uuid) {
        g_autofree char *s = storage_uuid_string(by_name->def->uuid);

        error_report(DOM, VK_ERR_OPERATION_FAILED,
                     _("pool '%1$s' is already defined with uuid %2$s"), def->name, s);
        return -1;
    }
    if (by_name) {
        memcpy(def->uuid, by_name->def->uuid, 16);
        def->has_uuid = true;
        if (by_name->def->type != def->type) {
            error_report(DOM, VK_ERR_OPERATION_FAILED,
                         _("pool '%1$s' is already defined with another type"), def->name);
            return -1;
        }
    } else if (!def->has_uuid) {
        do {
            for (int i = 0; i < 16; i++)
                def->uuid[i] = (unsigned char) g_random_int_range(0, 256);
            def->uuid[6] = (def->uuid[6] & 0x0F) | 0x40;
            def->uuid[8] = (def->uuid[8] & 0x3F) | 0x80;
        } while (storage_pool_find_uuid(def->uuid));
        def->has_uuid = true;
    }
    *existing = by_name;
    return check_target_overlap(def);
}

int
storage_pool_define(const char *xml, unsigned flags, StoragePoolId *out)
{
    g_autoptr(StoragePoolDef) def = NULL;
    StoragePoolObj *pool;
    int ret = -1;

    if (flags & ~1u) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"), flags & ~1u);
        return -1;
    }
    if (!(def = storage_pool_def_parse_string(xml, flags)))
        return -1;
    storage_lock();
    if (check_duplicate(def, &pool) < 0 || storage_pool_save_config(def) < 0)
        goto out;
    if (!pool) {
        pool = storage_pool_obj_new(g_steal_pointer(&def));
    } else if (pool->active) {
        storage_pool_def_free(pool->newdef);
        pool->newdef = g_steal_pointer(&def);
    } else {
        storage_pool_def_free(pool->def);
        pool->def = g_steal_pointer(&def);
    }
    pool->persistent = true;
    pool_id_fill(out, pool);
    storage_pool_emit(pool, EV_ID_LIFECYCLE, EV_DEFINED);
    ret = 0;
 out:
    storage_unlock();
    return ret;
}

static int
build_flags_check(unsigned flags)
{
    if ((flags & BUILD_OVERWRITE) && (flags & BUILD_NO_OVERWRITE)) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, "%s",
                     _("Overwrite and no overwrite flags are mutually exclusive"));
        return -1;
    }
    return 0;
}

static unsigned
create_to_build_flags(unsigned flags)
{
    unsigned b = 0;

    if (flags & CREATE_WITH_BUILD_OVERWRITE)
        b |= BUILD_OVERWRITE;
    if (flags & CREATE_WITH_BUILD_NO_OVERWRITE)
        b |= BUILD_NO_OVERWRITE;
    return b;
}

int
storage_pool_obj_start(StoragePoolObj *pool, unsigned flags)
{
    const StorageBackend *be = storage_backend_for(pool->def->type);

    if (pool->active) {
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("storage pool '%1$s' is already active"), pool->def->name);
        return -1;
    }
    if (flags & (CREATE_WITH_BUILD | CREATE_WITH_BUILD_OVERWRITE |
                 CREATE_WITH_BUILD_NO_OVERWRITE)) {
        unsigned bflags = create_to_build_flags(flags);

        if (build_flags_check(bflags) < 0 || (be->build && be->build(pool, bflags) < 0))
            return -1;
    }
    if (be->start && be->start(pool) < 0)
        return -1;
    pool->active = true;
    if (storage_pool_obj_refresh(pool) < 0 || storage_pool_obj_save_state(pool) < 0) {
        VkError *err = error_steal_last();

        if (be->stop)
            be->stop(pool);
        pool->active = false;
        g_ptr_array_set_size(pool->vols, 0);
        error_restore(err);
        return -1;
    }
    storage_pool_emit(pool, EV_ID_LIFECYCLE, EV_STARTED);
    return 0;
}

int
storage_pool_create_xml(const char *xml, unsigned flags, StoragePoolId *out)
{
    g_autoptr(StoragePoolDef) def = NULL;
    StoragePoolObj *pool;
    int ret = -1;

    if (flags & ~7u) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"), flags & ~7u);
        return -1;
    }
    if (!(def = storage_pool_def_parse_string(xml, 0)))
        return -1;
    storage_lock();
    if (check_duplicate(def, &pool) < 0)
        goto out;
    if (pool) {
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("storage pool '%1$s' already exists"), def->name);
        goto out;
    }
    pool = storage_pool_obj_new(g_steal_pointer(&def));
    if (storage_pool_obj_start(pool, flags) < 0) {
        storage_pool_obj_remove(pool);
        goto out;
    }
    pool_id_fill(out, pool);
    ret = 0;
 out:
    storage_unlock();
    return ret;
}

int
storage_pool_undefine(const unsigned char *uuid)
{
    StoragePoolObj *pool;
    int ret = -1;

    storage_lock();
    if (!(pool = storage_pool_obj_by_uuid(uuid)))
        goto out;
    if (pool->active) {
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("storage pool '%1$s' is still active"), pool->def->name);
        goto out;
    }
    if (!pool->persistent) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, "%s",
                     _("cannot undefine transient storage pool"));
        goto out;
    } else {
        g_autofree char *cfg = storage_config_path(pool->def->name);
        g_autofree char *link = storage_autostart_path(pool->def->name);

        if (file_remove_durable(cfg, DOM) < 0)
            goto out;
        unlink(link);
    }
    storage_pool_emit(pool, EV_ID_LIFECYCLE, EV_UNDEFINED);
    storage_pool_obj_remove(pool);
    ret = 0;
 out:
    storage_unlock();
    return ret;
}

int
storage_pool_build(const unsigned char *uuid, unsigned flags)
{
    StoragePoolObj *pool;
    const StorageBackend *be;
    int ret = -1;

    if (flags & ~(BUILD_OVERWRITE | BUILD_NO_OVERWRITE | 3u)) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"), flags);
        return -1;
    }
    if (build_flags_check(flags) < 0)
        return -1;
    storage_lock();
    if (!(pool = storage_pool_obj_by_uuid(uuid)))
        goto out;
    if (pool->active) {
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("storage pool '%1$s' is already active"), pool->def->name);
        goto out;
    }
    be = storage_backend_for(pool->def->type);
    if (be->build && be->build(pool, flags) < 0)
        goto out;
    storage_pool_emit(pool, EV_ID_LIFECYCLE, EV_CREATED);
    ret = 0;
 out:
    storage_unlock();
    return ret;
}

int
storage_pool_start(const unsigned char *uuid, unsigned flags)
{
    StoragePoolObj *pool;
    int ret = -1;

    if (flags & ~7u) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"), flags & ~7u);
        return -1;
    }
    storage_lock();
    if ((pool = storage_pool_obj_by_uuid(uuid)))
        ret = storage_pool_obj_start(pool, flags);
    storage_unlock();
    return ret;
}

int
storage_pool_destroy(const unsigned char *uuid)
{
    StoragePoolObj *pool;
    const StorageBackend *be;
    int ret = -1;

    storage_lock();
    if (!(pool = storage_pool_obj_active_by_uuid(uuid)) || storage_pool_obj_check_idle(pool) < 0)
        goto out;
    be = storage_backend_for(pool->def->type);
    if (be->stop && be->stop(pool) < 0)
        goto out;
    pool->active = false;
    g_ptr_array_set_size(pool->vols, 0);
    storage_pool_remove_state(pool);
    storage_pool_emit(pool, EV_ID_LIFECYCLE, EV_STOPPED);
    if (!pool->persistent) {
        storage_pool_obj_remove(pool);
    } else if (pool->newdef) {
        storage_pool_def_free(pool->def);
        pool->def = g_steal_pointer(&pool->newdef);
    }
    ret = 0;
 out:
    storage_unlock();
    return ret;
}

int
storage_pool_delete(const unsigned char *uuid, unsigned flags)
{
    StoragePoolObj *pool;
    const StorageBackend *be;
    int ret = -1;

    storage_lock();
    if (!(pool = storage_pool_obj_by_uuid(uuid)))
        goto out;
    if (pool->active) {
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("storage pool '%1$s' is still active"), pool->def->name);
        goto out;
    }
    be = storage_backend_for(pool->def->type);
    if (!be->remove) {
        error_report(DOM, VK_ERR_NO_SUPPORT, _("pool type '%1$s' does not support pool deletion"),
                     storage_pool_type_to_string(pool->def->type));
        goto out;
    }
    if (be->remove(pool, flags) < 0)
        goto out;
    storage_pool_emit(pool, EV_ID_LIFECYCLE, EV_DELETED);
    ret = 0;
 out:
    storage_unlock();
    return ret;
}

int
storage_pool_obj_refresh(StoragePoolObj *pool)
{
    const StorageBackend *be = storage_backend_for(pool->def->type);

    g_ptr_array_set_size(pool->vols, 0);
    pool->def->capacity = pool->def->allocation = pool->def->available = 0;
    return be->refresh ? be->refresh(pool) : 0;
}

int
storage_pool_refresh(const unsigned char *uuid, unsigned flags)
{
    StoragePoolObj *pool;
    int ret = -1;

    if (flags) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"), flags);
        return -1;
    }
    storage_lock();
    if (!(pool = storage_pool_obj_active_by_uuid(uuid)) || storage_pool_obj_check_idle(pool) < 0)
        goto out;
    if (storage_pool_obj_refresh(pool) < 0) {
        VkError *err = error_steal_last();
        const StorageBackend *be = storage_backend_for(pool->def->type);

        /* libvirt stops a pool it can no longer read */
        if (be->stop)
            be->stop(pool);
        pool->active = false;
        storage_pool_remove_state(pool);
        storage_pool_emit(pool, EV_ID_LIFECYCLE, EV_STOPPED);
        if (!pool->persistent)
            storage_pool_obj_remove(pool);
        error_restore(err);
        goto out;
    }
    storage_pool_emit(pool, EV_ID_REFRESH, 0);
    ret = 0;
 out:
    storage_unlock();
    return ret;
}

char *
storage_pool_get_xml(const unsigned char *uuid, unsigned flags)
{
    StoragePoolObj *pool;
    char *xml = NULL;

    if (flags & ~1u) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"), flags & ~1u);
        return NULL;
    }
    storage_lock();
    if ((pool = storage_pool_obj_by_uuid(uuid))) {
        const StoragePoolDef *def = (flags & 1) && pool->newdef ? pool->newdef : pool->def;

        xml = storage_pool_def_format(def, 0);
    }
    storage_unlock();
    return xml;
}

int
storage_pool_get_info(const unsigned char *uuid, StoragePoolInfo *info)
{
    StoragePoolObj *pool;
    int ret = -1;

    storage_lock();
    if ((pool = storage_pool_obj_by_uuid(uuid))) {
        memset(info, 0, sizeof(*info));
        info->state = pool->active ? POOL_RUNNING : POOL_INACTIVE;
        if (pool->active) {
            if (has_file_target(pool->def))
                storage_dir_refresh_space(pool);
            info->capacity = pool->def->capacity;
            info->allocation = pool->def->allocation;
            info->available = pool->def->available;
        }
        ret = 0;
    }
    storage_unlock();
    return ret;
}

typedef enum {
    POOL_FLAG_ACTIVE,
    POOL_FLAG_PERSISTENT,
    POOL_FLAG_AUTOSTART,
} PoolFlag;

/* One yes/no property of the pool @uuid names: 0 or 1, -1 when none. */
static int
pool_flag_get(const unsigned char *uuid, PoolFlag which)
{
    StoragePoolObj *pool;
    int ret = -1;

    storage_lock();
    if ((pool = storage_pool_obj_by_uuid(uuid))) {
        switch (which) {
        case POOL_FLAG_ACTIVE:
            ret = pool->active;
            break;
        case POOL_FLAG_PERSISTENT:
            ret = pool->persistent;
            break;
        case POOL_FLAG_AUTOSTART:
            ret = pool->autostart;
            break;
        }
    }
    storage_unlock();
    return ret;
}

int
storage_pool_get_autostart(const unsigned char *uuid, int *autostart)
{
    int v = pool_flag_get(uuid, POOL_FLAG_AUTOSTART);

    if (v < 0)
        return -1;
    *autostart = v;
    return 0;
}

int
storage_pool_set_autostart(const unsigned char *uuid, bool autostart)
{
    StoragePoolObj *pool;
    int ret = -1;

    storage_lock();
    if (!(pool = storage_pool_obj_by_uuid(uuid)))
        goto out;
    if (!pool->persistent) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR, "%s",
                     _("cannot set autostart for transient pool"));
        goto out;
    }
    if (pool->autostart != autostart && storage_set_autostart_link(pool->def->name, autostart) < 0)
        goto out;
    pool->autostart = autostart;
    ret = 0;
 out:
    storage_unlock();
    return ret;
}

int
storage_pool_is_active(const unsigned char *uuid)
{
    return pool_flag_get(uuid, POOL_FLAG_ACTIVE);
}

int
storage_pool_is_persistent(const unsigned char *uuid)
{
    return pool_flag_get(uuid, POOL_FLAG_PERSISTENT);
}

int
storage_pool_lookup_by_name(const char *name, StoragePoolId *out)
{
    int ret;

    storage_lock();
    ret = pool_id_out(storage_pool_obj_by_name(name), out);
    storage_unlock();
    return ret;
}

int
storage_pool_lookup_by_uuid(const unsigned char *uuid, StoragePoolId *out)
{
    int ret;

    storage_lock();
    ret = pool_id_out(storage_pool_obj_by_uuid(uuid), out);
    storage_unlock();
    return ret;
}

int
storage_pool_lookup_by_volume(const char *name, StoragePoolId *out)
{
    return storage_pool_lookup_by_name(name, out);
}

int
storage_pool_lookup_by_target_path(const char *path, StoragePoolId *out)
{
    GPtrArray *pools;
    g_autofree char *want = g_canonicalize_filename(path, "/");
    int ret = -1;

    storage_lock();
    pools = storage_pool_objs();
    for (guint i = 0; i < pools->len; i++) {
        StoragePoolObj *p = pools->pdata[i];
        g_autofree char *have = NULL;

        if (!p->active || !p->def->target_path)
            continue;
        have = g_canonicalize_filename(p->def->target_path, "/");
        if (strcmp(have, want) == 0) {
            pool_id_fill(out, p);
            ret = 0;
            break;
        }
    }
    if (ret < 0)
        error_report(DOM, VK_ERR_NO_STORAGE_POOL,
                     _("no storage pool with matching target path '%1$s'"), path);
    storage_unlock();
    return ret;
}

/* VIR_CONNECT_LIST_STORAGE_POOLS_* filter. */
static bool
pool_matches(const StoragePoolObj *p, unsigned flags)
{
    unsigned types = flags >> 6;

    if ((flags & 3) && !((flags & 1 && !p->active) || (flags & 2 && p->active)))
        return false;
    if ((flags & 12) && !((flags & 4 && p->persistent) || (flags & 8 && !p->persistent)))
        return false;
    if ((flags & 48) && !((flags & 16 && p->autostart) || (flags & 32 && !p->autostart)))
        return false;
    /* DIR FS NETFS LOGICAL DISK ISCSI are bits 6..11, in our enum order */
    if (types && !(types & (1u << p->def->type)))
        return false;
    return true;
}

GPtrArray *
storage_pool_list(unsigned flags)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify) storage_pool_id_free);
    GPtrArray *pools;

    storage_lock();
    pools = storage_pool_objs();
    for (guint i = 0; i < pools->len; i++) {
        StoragePoolObj *p = pools->pdata[i];

        if (pool_matches(p, flags)) {
            StoragePoolId *id = g_new0(StoragePoolId, 1);

            pool_id_fill(id, p);
            g_ptr_array_add(out, id);
        }
    }
    storage_unlock();
    return out;
}

char *
storage_pool_find_sources(const char *type, const char *spec, unsigned flags)
{
    int t = storage_pool_type_from_string(type);
    g_autoptr(StoragePoolSource) src = NULL;
    const StorageBackend *be;

    if (t < 0) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR, _("unknown storage pool type %1$s"), type);
        return NULL;
    }
    be = storage_backend_for(t);
    if (!be->find_sources) {
        error_report(DOM, VK_ERR_NO_SUPPORT,
                     _("pool type '%1$s' does not support source discovery"), type);
        return NULL;
    }
    if (spec && !(src = storage_pool_source_parse_string(t, spec)))
        return NULL;
    return be->find_sources(src, flags);
}
