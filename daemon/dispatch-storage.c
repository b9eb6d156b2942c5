/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage pool and volume procedures.  Until the storage driver exists there are no such
 * objects: lookups fail with the specific "not found" code clients test
 * for.  The driver replaces these handlers and adds its rows here.
 */
#include "daemon/dispatch-families.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "util/error.h"
#include "util/i18n.h"

static int
storage_pool_lookup_by_name(DispatchCall *call, void *argsp, void *retp)
{
    remote_lookup_by_name_args *args = argsp;

    error_report(VK_FROM_STORAGE, VK_ERR_NO_STORAGE_POOL,
                 _("no storage pool with matching name '%1$s'"), args->name);
    return -1;
}

static int
storage_pool_lookup_by_uuid(DispatchCall *call, void *argsp, void *retp)
{
    remote_lookup_by_uuid_args *args = argsp;
    g_autofree char *uuid = dispatch_uuid_format((unsigned char *) args->uuid);

    error_report(VK_FROM_STORAGE, VK_ERR_NO_STORAGE_POOL,
                 _("no storage pool with matching uuid '%1$s'"), uuid);
    return -1;
}

static int
storage_vol_lookup_by_name(DispatchCall *call, void *argsp, void *retp)
{
    remote_storage_vol_lookup_by_name_args *args = argsp;

    error_report(VK_FROM_STORAGE, VK_ERR_NO_STORAGE_POOL,
                 _("no storage pool with matching name '%1$s'"), args->pool.name);
    return -1;
}

static int
storage_vol_lookup_by_key(DispatchCall *call, void *argsp, void *retp)
{
    remote_lookup_by_name_args *args = argsp;

    error_report(VK_FROM_STORAGE, VK_ERR_NO_STORAGE_VOL,
                 _("no storage vol with matching key %1$s"), args->name);
    return -1;
}

static int
storage_vol_lookup_by_path(DispatchCall *call, void *argsp, void *retp)
{
    remote_lookup_by_name_args *args = argsp;

    error_report(VK_FROM_STORAGE, VK_ERR_NO_STORAGE_VOL,
                 _("no storage vol with matching path '%1$s'"), args->name);
    return -1;
}

static const DispatchEntry storage_entries[] = {
    DISPATCH_ENTRY_NORET(84, storage_pool_lookup_by_name, remote_lookup_by_name_args, 0),
    DISPATCH_ENTRY_NORET(85, storage_pool_lookup_by_uuid, remote_lookup_by_uuid_args, 0),
    DISPATCH_ENTRY_NORET(95, storage_vol_lookup_by_name,
                         remote_storage_vol_lookup_by_name_args, 0),
    DISPATCH_ENTRY_NORET(96, storage_vol_lookup_by_key, remote_lookup_by_name_args, 0),
    DISPATCH_ENTRY_NORET(97, storage_vol_lookup_by_path, remote_lookup_by_name_args, 0),
};

const DispatchFamily dispatch_family_storage = {
    storage_entries, G_N_ELEMENTS(storage_entries)
};
