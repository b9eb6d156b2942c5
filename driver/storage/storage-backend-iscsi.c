/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iscsi pools: log in to a target with iscsiadm; its LUNs (found under
 * /dev/disk/by-path) are the volumes.  Also the backend table lookup.
 */
#include <string.h>

#include "driver/storage/storage-driver.h"
#include "driver/storage/storage-priv.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_STORAGE

static char *
portal(const StoragePoolDef *def)
{
    const StoragePoolSourceHost *h;

    if (!def->source->hosts->len)
        return NULL;
    h = def->source->hosts->pdata[0];
    return g_strdup_printf("%s:%llu", h->name, (unsigned long long) (h->port ? h->port : 3260));
}

static const char *
iqn(const StoragePoolDef *def)
{
    if (!def->source->devices->len)
        return NULL;
    return ((StoragePoolSourceDevice *) def->source->devices->pdata[0])->path;
}

GStrv
storage_iscsi_discover_argv(const StoragePoolDef *def)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_autofree char *p = portal(def);

    if (!p)
        return NULL;
    g_strv_builder_add_many(b, "iscsiadm", "--mode", "discovery", "--type", "sendtargets",
                            "--portal", p, NULL);
    return g_strv_builder_end(b);
}

GStrv
storage_iscsi_login_argv(const StoragePoolDef *def, bool login)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_autofree char *p = portal(def);

    if (!p || !iqn(def))
        return NULL;
    g_strv_builder_add_many(b, "iscsiadm", "--mode", "node", "--portal", p,
                            "--targetname", iqn(def), login ? "--login" : "--logout", NULL);
    return g_strv_builder_end(b);
}

static int
iscsi_run(GStrv argv)
{
    if (!argv) {
        error_report(DOM, VK_ERR_INVALID_ARG, "%s",
                     _("iscsi pools need a source host and a device path (the target IQN)"));
        return -1;
    }
    return storage_run((const char *const *) argv, NULL);
}

static int
iscsi_start(StoragePoolObj *pool)
{
    g_auto(GStrv) disc = storage_iscsi_discover_argv(pool->def);
    g_auto(GStrv) login = storage_iscsi_login_argv(pool->def, true);

    if (iscsi_run(disc) < 0)
        return -1;
    return iscsi_run(login);
}

static int
iscsi_stop(StoragePoolObj *pool)
{
    g_auto(GStrv) logout = storage_iscsi_login_argv(pool->def, false);

    return iscsi_run(logout);
}

/* LUNs appear as /dev/disk/by-path/ip-PORTAL-iscsi-IQN-lun-N. */
static int
iscsi_refresh(StoragePoolObj *pool)
{
    const char *dir = "/dev/disk/by-path";
    g_autofree char *p = portal(pool->def);
    g_autofree char *prefix = g_strdup_printf("ip-%s-iscsi-%s-lun-", p, iqn(pool->def));
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    if (!d)
        return 0;
    while ((ent = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        g_autofree char *name = NULL;
        StorageVolObj *vol;

        if (!g_str_has_prefix(ent, prefix) || strchr(ent + strlen(prefix), '-'))
            continue;
        path = g_build_filename(dir, ent, NULL);
        name = g_strdup_printf("unit:0:0:%s", ent + strlen(prefix));
        vol = storage_vol_obj_new(storage_vol_def_blank(name, path));
        if (storage_file_probe(vol->def) < 0) {
            vol->error = storage_error_detail();
            error_reset();
        }
        pool->def->capacity += vol->def->capacity;
        pool->def->allocation += vol->def->capacity;
        g_ptr_array_add(pool->vols, vol);
    }
    return 0;
}

const StorageBackend storage_backend_iscsi = {
    .type = STORAGE_POOL_ISCSI,
    .start = iscsi_start,
    .stop = iscsi_stop,
    .refresh = iscsi_refresh,
};

const StorageBackend *
storage_backend_for(StoragePoolType type)
{
    static const StorageBackend *const all[STORAGE_POOL_LAST] = {
        [STORAGE_POOL_DIR] = &storage_backend_dir,
        [STORAGE_POOL_FS] = &storage_backend_fs,
        [STORAGE_POOL_NETFS] = &storage_backend_netfs,
        [STORAGE_POOL_LOGICAL] = &storage_backend_logical,
        [STORAGE_POOL_DISK] = &storage_backend_disk,
        [STORAGE_POOL_ISCSI] = &storage_backend_iscsi,
    };

    return all[type];
}

char *
storage_pool_capabilities(void)
{
    GString *s = g_string_new("<storagepoolCapabilities>\n");

    for (int t = 0; t < STORAGE_POOL_LAST; t++)
        g_string_append_printf(s, "  <pool type='%s' supported='yes'>\n  </pool>\n",
                               storage_pool_type_to_string(t));
    g_string_append(s, "</storagepoolCapabilities>\n");
    return g_string_free(s, FALSE);
}
