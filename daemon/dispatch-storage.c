/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage pool and volume procedures, answered by the storage driver
 * (driver/storage/storage-driver.h).  Volume upload/download streams are
 * in dispatch-storage-stream.c.
 */
#include <string.h>

#include "daemon/dispatch-families.h"
#include "daemon/dispatch-storage.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "daemon/protocol/virtkvm_remote_storage.h"
#include "driver/storage/storage-driver.h"
#include "util/error.h"
#include "util/i18n.h"

#define UUID(p) ((const unsigned char *) (p).uuid)

static void
pool_ref(remote_nonnull_storage_pool *out, StoragePoolId *id)
{
    out->name = g_steal_pointer(&id->name);
    memcpy(out->uuid, id->uuid, 16);
}

static void
vol_ref(remote_nonnull_storage_vol *out, StorageVolId *id)
{
    out->pool = g_steal_pointer(&id->pool);
    out->name = g_steal_pointer(&id->name);
    out->key = g_steal_pointer(&id->key);
}

/* ---- connection-level lists ---- */

enum { LIST_INACTIVE = 1, LIST_ACTIVE = 2 };

static int
count_pools(unsigned flags)
{
    g_autoptr(GPtrArray) l = storage_pool_list(flags);

    return (int) l->len;
}

static int
list_pool_names(unsigned flags, int maxnames, remote_nonnull_string **val, u_int *len)
{
    g_autoptr(GPtrArray) l = storage_pool_list(flags);
    u_int n;

    if (maxnames < 0 || maxnames > REMOTE_STORAGE_POOL_LIST_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s", _("too many storage pools requested"));
        return -1;
    }
    n = MIN(l->len, (u_int) maxnames);
    *val = g_new0(remote_nonnull_string, n ? n : 1);
    for (u_int i = 0; i < n; i++)
        (*val)[i] = g_steal_pointer(&((StoragePoolId *) l->pdata[i])->name);
    *len = n;
    return 0;
}

static int
num_of_pools(DispatchCall *call, void *argsp, void *retp)
{
    ((remote_connect_num_of_storage_pools_ret *) retp)->num = count_pools(LIST_ACTIVE);
    return 0;
}

static int
list_pools(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_storage_pools_args *args = argsp;
    remote_connect_list_storage_pools_ret *ret = retp;

    return list_pool_names(LIST_ACTIVE, args->maxnames, &ret->names.names_val,
                           &ret->names.names_len);
}

static int
num_of_defined_pools(DispatchCall *call, void *argsp, void *retp)
{
    ((remote_connect_num_of_defined_storage_pools_ret *) retp)->num = count_pools(LIST_INACTIVE);
    return 0;
}

static int
list_defined_pools(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_defined_storage_pools_args *args = argsp;
    remote_connect_list_defined_storage_pools_ret *ret = retp;

    return list_pool_names(LIST_INACTIVE, args->maxnames, &ret->names.names_val,
                           &ret->names.names_len);
}

static int
list_all_pools(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_all_storage_pools_args *args = argsp;
    remote_connect_list_all_storage_pools_ret *ret = retp;
    g_autoptr(GPtrArray) l = storage_pool_list(args->flags);

    ret->ret = l->len;
    if (args->need_results) {
        ret->pools.pools_val = g_new0(remote_nonnull_storage_pool, l->len ? l->len : 1);
        ret->pools.pools_len = l->len;
        for (guint i = 0; i < l->len; i++)
            pool_ref(&ret->pools.pools_val[i], l->pdata[i]);
    }
    return 0;
}

static int
find_pool_sources(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_find_storage_pool_sources_args *args = argsp;
    remote_connect_find_storage_pool_sources_ret *ret = retp;

    ret->xml = storage_pool_find_sources(args->type, args->srcSpec ? *args->srcSpec : NULL,
                                         args->flags);
    return ret->xml ? 0 : -1;
}

static int
get_pool_capabilities(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_get_storage_pool_capabilities_ret *ret = retp;

    ret->capabilities = storage_pool_capabilities();
    return 0;
}

/* ---- pools ---- */

static int
pool_create_xml(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_create_xml_args *args = argsp;
    StoragePoolId id = { 0 };

    if (storage_pool_create_xml(args->xml, args->flags, &id) < 0)
        return -1;
    pool_ref(&((remote_storage_pool_create_xml_ret *) retp)->pool, &id);
    return 0;
}

static int
pool_define_xml(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_define_xml_args *args = argsp;
    StoragePoolId id = { 0 };

    if (storage_pool_define(args->xml, args->flags, &id) < 0)
        return -1;
    pool_ref(&((remote_storage_pool_define_xml_ret *) retp)->pool, &id);
    return 0;
}

static int
pool_create(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_create_args *args = argsp;

    return storage_pool_start(UUID(args->pool), args->flags);
}

static int
pool_build(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_build_args *args = argsp;

    return storage_pool_build(UUID(args->pool), args->flags);
}

static int
pool_destroy(DispatchCall *call, void *argsp, void *retp)
{
    return storage_pool_destroy(UUID(((remote_storage_pool_destroy_args *) argsp)->pool));
}

static int
pool_delete(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_delete_args *args = argsp;

    return storage_pool_delete(UUID(args->pool), args->flags);
}

static int
pool_undefine(DispatchCall *call, void *argsp, void *retp)
{
    return storage_pool_undefine(UUID(((remote_storage_pool_undefine_args *) argsp)->pool));
}

static int
pool_refresh(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_refresh_args *args = argsp;

    return storage_pool_refresh(UUID(args->pool), args->flags);
}

static int
pool_lookup_by_name(DispatchCall *call, void *argsp, void *retp)
{
    remote_lookup_by_name_args *args = argsp;
    StoragePoolId id = { 0 };

    if (storage_pool_lookup_by_name(args->name, &id) < 0)
        return -1;
    pool_ref(&((remote_storage_pool_lookup_by_name_ret *) retp)->pool, &id);
    return 0;
}

static int
pool_lookup_by_uuid(DispatchCall *call, void *argsp, void *retp)
{
    remote_lookup_by_uuid_args *args = argsp;
    StoragePoolId id = { 0 };

    if (storage_pool_lookup_by_uuid((const unsigned char *) args->uuid, &id) < 0)
        return -1;
    pool_ref(&((remote_storage_pool_lookup_by_uuid_ret *) retp)->pool, &id);
    return 0;
}

static int
pool_lookup_by_volume(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_lookup_by_volume_args *args = argsp;
    StoragePoolId id = { 0 };

    if (storage_pool_lookup_by_volume(args->vol.pool, &id) < 0)
        return -1;
    pool_ref(&((remote_storage_pool_lookup_by_volume_ret *) retp)->pool, &id);
    return 0;
}

static int
pool_lookup_by_target_path(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_lookup_by_target_path_args *args = argsp;
    StoragePoolId id = { 0 };

    if (storage_pool_lookup_by_target_path(args->path, &id) < 0)
        return -1;
    pool_ref(&((remote_storage_pool_lookup_by_target_path_ret *) retp)->pool, &id);
    return 0;
}

static int
pool_get_xml_desc(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_get_xml_desc_args *args = argsp;
    remote_storage_pool_get_xml_desc_ret *ret = retp;

    ret->xml = storage_pool_get_xml(UUID(args->pool), args->flags);
    return ret->xml ? 0 : -1;
}

static int
pool_get_info(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_get_info_args *args = argsp;
    remote_storage_pool_get_info_ret *ret = retp;
    StoragePoolInfo info;

    if (storage_pool_get_info(UUID(args->pool), &info) < 0)
        return -1;
    ret->state = (u_char) info.state;
    ret->capacity = info.capacity;
    ret->allocation = info.allocation;
    ret->available = info.available;
    return 0;
}

static int
pool_get_autostart(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_get_autostart_args *args = argsp;
    remote_storage_pool_get_autostart_ret *ret = retp;

    return storage_pool_get_autostart(UUID(args->pool), &ret->autostart);
}

static int
pool_set_autostart(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_set_autostart_args *args = argsp;

    return storage_pool_set_autostart(UUID(args->pool), args->autostart != 0);
}

static int
pool_is_active(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_is_active_args *args = argsp;
    int r = storage_pool_is_active(UUID(args->pool));

    ((remote_storage_pool_is_active_ret *) retp)->active = r;
    return r < 0 ? -1 : 0;
}

static int
pool_is_persistent(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_is_persistent_args *args = argsp;
    int r = storage_pool_is_persistent(UUID(args->pool));

    ((remote_storage_pool_is_persistent_ret *) retp)->persistent = r;
    return r < 0 ? -1 : 0;
}

static int
pool_num_of_volumes(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_num_of_volumes_args *args = argsp;
    int n = storage_pool_num_volumes(UUID(args->pool));

    ((remote_storage_pool_num_of_volumes_ret *) retp)->num = n;
    return n < 0 ? -1 : 0;
}

static int
pool_list_volumes(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_list_volumes_args *args = argsp;
    remote_storage_pool_list_volumes_ret *ret = retp;
    g_autoptr(GPtrArray) l = NULL;
    u_int n;

    if (args->maxnames < 0 || args->maxnames > REMOTE_STORAGE_VOL_LIST_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s", _("too many storage volumes requested"));
        return -1;
    }
    if (!(l = storage_pool_list_volumes(UUID(args->pool))))
        return -1;
    n = MIN(l->len, (u_int) args->maxnames);
    ret->names.names_val = g_new0(remote_nonnull_string, n ? n : 1);
    ret->names.names_len = n;
    for (u_int i = 0; i < n; i++)
        ret->names.names_val[i] = g_steal_pointer(&((StorageVolId *) l->pdata[i])->name);
    return 0;
}

static int
pool_list_all_volumes(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_pool_list_all_volumes_args *args = argsp;
    remote_storage_pool_list_all_volumes_ret *ret = retp;
    g_autoptr(GPtrArray) l = NULL;

    if (args->flags) {
        error_report(VK_FROM_STORAGE, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x)"),
                     args->flags);
        return -1;
    }
    if (!(l = storage_pool_list_volumes(UUID(args->pool))))
        return -1;
    ret->ret = l->len;
    if (args->need_results) {
        ret->vols.vols_val = g_new0(remote_nonnull_storage_vol, l->len ? l->len : 1);
        ret->vols.vols_len = l->len;
        for (guint i = 0; i < l->len; i++)
            vol_ref(&ret->vols.vols_val[i], l->pdata[i]);
    }
    return 0;
}

/* ---- volumes ---- */

static int
vol_lookup_by_name(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_lookup_by_name_args *args = argsp;
    StorageVolId id = { 0 };

    if (storage_vol_lookup_by_name(UUID(args->pool), args->name, &id) < 0)
        return -1;
    vol_ref(&((remote_storage_vol_lookup_by_name_ret *) retp)->vol, &id);
    return 0;
}

static int
vol_lookup_by_key(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_lookup_by_key_args *args = argsp;
    StorageVolId id = { 0 };

    if (storage_vol_lookup_by_key(args->key, &id) < 0)
        return -1;
    vol_ref(&((remote_storage_vol_lookup_by_key_ret *) retp)->vol, &id);
    return 0;
}

static int
vol_lookup_by_path(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_lookup_by_path_args *args = argsp;
    StorageVolId id = { 0 };

    if (storage_vol_lookup_by_path(args->path, &id) < 0)
        return -1;
    vol_ref(&((remote_storage_vol_lookup_by_path_ret *) retp)->vol, &id);
    return 0;
}

static int
vol_create_xml(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_create_xml_args *args = argsp;
    StorageVolId id = { 0 };

    if (storage_vol_create_xml(UUID(args->pool), args->xml, args->flags, &id) < 0)
        return -1;
    vol_ref(&((remote_storage_vol_create_xml_ret *) retp)->vol, &id);
    return 0;
}

static int
vol_create_xml_from(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_create_xml_from_args *args = argsp;
    StorageVolId id = { 0 };

    if (storage_vol_create_xml_from(UUID(args->pool), args->xml, args->clonevol.pool,
                                    args->clonevol.name, args->flags, &id) < 0)
        return -1;
    vol_ref(&((remote_storage_vol_create_xml_from_ret *) retp)->vol, &id);
    return 0;
}

static int
vol_delete(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_delete_args *args = argsp;

    return storage_vol_delete(args->vol.pool, args->vol.name, args->flags);
}

static int
vol_wipe(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_wipe_args *args = argsp;

    return storage_vol_wipe(args->vol.pool, args->vol.name, 0, args->flags);
}

static int
vol_wipe_pattern(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_wipe_pattern_args *args = argsp;

    return storage_vol_wipe(args->vol.pool, args->vol.name, args->algorithm, args->flags);
}

static int
vol_get_xml_desc(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_get_xml_desc_args *args = argsp;
    remote_storage_vol_get_xml_desc_ret *ret = retp;

    ret->xml = storage_vol_get_xml(args->vol.pool, args->vol.name, args->flags);
    return ret->xml ? 0 : -1;
}

static int
vol_info(remote_nonnull_storage_vol *vol, unsigned flags, char *type, uint64_t *cap,
         uint64_t *alloc)
{
    int t;

    if (storage_vol_get_info(vol->pool, vol->name, flags, &t, cap, alloc) < 0)
        return -1;
    *type = (char) t;
    return 0;
}

static int
vol_get_info(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_get_info_args *args = argsp;
    remote_storage_vol_get_info_ret *ret = retp;

    return vol_info(&args->vol, 0, &ret->type, (uint64_t *) &ret->capacity,
                    (uint64_t *) &ret->allocation);
}

static int
vol_get_info_flags(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_get_info_flags_args *args = argsp;
    remote_storage_vol_get_info_flags_ret *ret = retp;

    return vol_info(&args->vol, args->flags, &ret->type, (uint64_t *) &ret->capacity,
                    (uint64_t *) &ret->allocation);
}

static int
vol_get_path(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_get_path_args *args = argsp;
    remote_storage_vol_get_path_ret *ret = retp;

    ret->name = storage_vol_get_path(args->vol.pool, args->vol.name);
    return ret->name ? 0 : -1;
}

static int
vol_resize(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_resize_args *args = argsp;

    return storage_vol_resize(args->vol.pool, args->vol.name, args->capacity, args->flags);
}

#define E DISPATCH_ENTRY
#define E_NOARGS DISPATCH_ENTRY_NOARGS
#define E_NORET DISPATCH_ENTRY_NORET

static const DispatchEntry storage_entries[] = {
    E_NOARGS(71, num_of_pools, remote_connect_num_of_storage_pools_ret, 0),
    E(72, list_pools, remote_connect_list_storage_pools_args,
      remote_connect_list_storage_pools_ret, 0),
    E_NOARGS(73, num_of_defined_pools, remote_connect_num_of_defined_storage_pools_ret, 0),
    E(74, list_defined_pools, remote_connect_list_defined_storage_pools_args,
      remote_connect_list_defined_storage_pools_ret, 0),
    E(75, find_pool_sources, remote_connect_find_storage_pool_sources_args,
      remote_connect_find_storage_pool_sources_ret, 0),
    E(76, pool_create_xml, remote_storage_pool_create_xml_args,
      remote_storage_pool_create_xml_ret, 0),
    E(77, pool_define_xml, remote_storage_pool_define_xml_args,
      remote_storage_pool_define_xml_ret, 0),
    E_NORET(78, pool_create, remote_storage_pool_create_args, 0),
    E_NORET(79, pool_build, remote_storage_pool_build_args, 0),
    E_NORET(80, pool_destroy, remote_storage_pool_destroy_args, 0),
    E_NORET(81, pool_delete, remote_storage_pool_delete_args, 0),
    E_NORET(82, pool_undefine, remote_storage_pool_undefine_args, 0),
    E_NORET(83, pool_refresh, remote_storage_pool_refresh_args, 0),
    E(84, pool_lookup_by_name, remote_lookup_by_name_args,
      remote_storage_pool_lookup_by_name_ret, 0),
    E(85, pool_lookup_by_uuid, remote_lookup_by_uuid_args,
      remote_storage_pool_lookup_by_uuid_ret, 0),
    E(86, pool_lookup_by_volume, remote_storage_pool_lookup_by_volume_args,
      remote_storage_pool_lookup_by_volume_ret, 0),
    E(87, pool_get_info, remote_storage_pool_get_info_args, remote_storage_pool_get_info_ret, 0),
    E(88, pool_get_xml_desc, remote_storage_pool_get_xml_desc_args,
      remote_storage_pool_get_xml_desc_ret, 0),
    E(89, pool_get_autostart, remote_storage_pool_get_autostart_args,
      remote_storage_pool_get_autostart_ret, 0),
    E_NORET(90, pool_set_autostart, remote_storage_pool_set_autostart_args, 0),
    E(91, pool_num_of_volumes, remote_storage_pool_num_of_volumes_args,
      remote_storage_pool_num_of_volumes_ret, 0),
    E(92, pool_list_volumes, remote_storage_pool_list_volumes_args,
      remote_storage_pool_list_volumes_ret, 0),
    E(93, vol_create_xml, remote_storage_vol_create_xml_args, remote_storage_vol_create_xml_ret, 0),
    E_NORET(94, vol_delete, remote_storage_vol_delete_args, 0),
    E(95, vol_lookup_by_name, remote_storage_vol_lookup_by_name_args,
      remote_storage_vol_lookup_by_name_ret, 0),
    E(96, vol_lookup_by_key, remote_storage_vol_lookup_by_key_args,
      remote_storage_vol_lookup_by_key_ret, 0),
    E(97, vol_lookup_by_path, remote_storage_vol_lookup_by_path_args,
      remote_storage_vol_lookup_by_path_ret, 0),
    E(98, vol_get_info, remote_storage_vol_get_info_args, remote_storage_vol_get_info_ret, 0),
    E(99, vol_get_xml_desc, remote_storage_vol_get_xml_desc_args,
      remote_storage_vol_get_xml_desc_ret, 0),
    E(100, vol_get_path, remote_storage_vol_get_path_args, remote_storage_vol_get_path_ret, 0),
    E(125, vol_create_xml_from, remote_storage_vol_create_xml_from_args,
      remote_storage_vol_create_xml_from_ret, 0),
    E(154, pool_is_active, remote_storage_pool_is_active_args,
      remote_storage_pool_is_active_ret, 0),
    E(155, pool_is_persistent, remote_storage_pool_is_persistent_args,
      remote_storage_pool_is_persistent_ret, 0),
    E_NORET(165, vol_wipe, remote_storage_vol_wipe_args, 0),
    E_NORET(208, dispatch_storage_vol_upload, remote_storage_vol_upload_args, 0),
    E_NORET(209, dispatch_storage_vol_download, remote_storage_vol_download_args, 0),
    E_NORET(259, vol_wipe_pattern, remote_storage_vol_wipe_pattern_args, 0),
    E_NORET(260, vol_resize, remote_storage_vol_resize_args, 0),
    E(281, list_all_pools, remote_connect_list_all_storage_pools_args,
      remote_connect_list_all_storage_pools_ret, 0),
    E(282, pool_list_all_volumes, remote_storage_pool_list_all_volumes_args,
      remote_storage_pool_list_all_volumes_ret, 0),
    E(378, vol_get_info_flags, remote_storage_vol_get_info_flags_args,
      remote_storage_vol_get_info_flags_ret, 0),
    E(391, pool_lookup_by_target_path, remote_storage_pool_lookup_by_target_path_args,
      remote_storage_pool_lookup_by_target_path_ret, 0),
    E(403, get_pool_capabilities, remote_connect_get_storage_pool_capabilities_args,
      remote_connect_get_storage_pool_capabilities_ret, 0),
};

const DispatchFamily dispatch_family_storage = {
    storage_entries, G_N_ELEMENTS(storage_entries)
};
