/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Persistence of pools: configs and autostart links under
 * <root>/etc/virtkvm/storage, live state under <root>/run/virtkvm/storage;
 * driver start (load, recover active pools, autostart) and shutdown.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "driver/storage/storage-state.h"
#include "util/error.h"
#include "util/file-util.h"
#include "util/i18n.h"
#include "util/paths.h"

#define DOM VK_FROM_STORAGE

/* ---- persistence ---- */

static char *
config_dir(void)
{
    g_autofree char *etc = paths_config_dir();

    return g_build_filename(etc, "storage", NULL);
}

char *
storage_config_path(const char *name)
{
    g_autofree char *dir = config_dir();
    g_autofree char *file = g_strconcat(name, ".xml", NULL);

    return g_build_filename(dir, file, NULL);
}

char *
storage_autostart_path(const char *name)
{
    g_autofree char *dir = config_dir();
    g_autofree char *file = g_strconcat(name, ".xml", NULL);

    return g_build_filename(dir, "autostart", file, NULL);
}

static char *
state_dir(void)
{
    g_autofree char *run = paths_run_dir();

    return g_build_filename(run, "storage", NULL);
}

static char *
state_path(const char *name)
{
    g_autofree char *dir = state_dir();
    g_autofree char *file = g_strconcat(name, ".xml", NULL);

    return g_build_filename(dir, file, NULL);
}

static int
write_xml_file(const char *dir, const char *path, const StoragePoolDef *def)
{
    g_autofree char *xml = storage_pool_def_format(def, 0);

    if (!xml || file_make_dirs(dir, 0755, DOM) < 0)
        return -1;
    return file_write_atomic(path, xml, strlen(xml), 0600, DOM);
}

int
storage_pool_save_config(const StoragePoolDef *def)
{
    g_autofree char *dir = config_dir();
    g_autofree char *path = storage_config_path(def->name);

    return write_xml_file(dir, path, def);
}

int
storage_pool_obj_save_state(StoragePoolObj *pool)
{
    g_autofree char *dir = state_dir();
    g_autofree char *path = state_path(pool->def->name);

    return write_xml_file(dir, path, pool->def);
}

void
storage_pool_remove_state(StoragePoolObj *pool)
{
    g_autofree char *path = state_path(pool->def->name);

    unlink(path);
}

static StoragePoolDef *
load_def_file(const char *path)
{
    g_autofree char *xml = NULL;
    g_autoptr(GError) gerr = NULL;
    StoragePoolDef *def;

    if (!g_file_get_contents(path, &xml, NULL, &gerr)) {
        g_warning("storage: cannot read %s: %s", path, gerr->message);
        return NULL;
    }
    if (!(def = storage_pool_def_parse_string(xml, 0))) {
        g_warning("storage: ignoring %s: %s", path,
                  error_get_last() ? error_get_last()->message : "");
        return NULL;
    }
    return def;
}

/* Calls fn on every NAME.xml in dir whose definition names NAME. */
static void
load_dir(const char *dir, void (*fn)(StoragePoolDef *def, const char *path))
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    if (!d)
        return;
    while ((ent = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        StoragePoolDef *def;

        if (!g_str_has_suffix(ent, ".xml"))
            continue;
        path = g_build_filename(dir, ent, NULL);
        if (!(def = load_def_file(path)))
            continue;
        if (strlen(ent) != strlen(def->name) + 4 || strncmp(ent, def->name, strlen(def->name))) {
            g_warning("storage: %s does not define pool '%s'", path, def->name);
            storage_pool_def_free(def);
            continue;
        }
        fn(def, path);
    }
}

static void
load_config(StoragePoolDef *def, const char *path)
{
    g_autofree char *link = storage_autostart_path(def->name);
    StoragePoolObj *pool;

    if (storage_pool_find_name(def->name) || storage_pool_find_uuid(def->uuid)) {
        storage_pool_def_free(def);
        return;
    }
    pool = storage_pool_obj_new(def);
    pool->persistent = true;
    pool->autostart = g_file_test(link, G_FILE_TEST_EXISTS);
}

static void
load_state(StoragePoolDef *def, const char *path)
{
    StoragePoolObj *pool = storage_pool_find_name(def->name);

    if (pool && memcmp(pool->def->uuid, def->uuid, 16) != 0) {
        storage_pool_def_free(def);
        unlink(path);
        return;
    }
    if (pool) {
        pool->newdef = pool->def;
        pool->def = def;
    } else {
        pool = storage_pool_obj_new(def);
    }
    pool->active = true;
    if (storage_pool_obj_refresh(pool) < 0) {
        g_warning("storage: pool '%s' is no longer usable: %s", def->name,
                  error_get_last() ? error_get_last()->message : "");
        pool->active = false;
        unlink(path);
        if (!pool->persistent) {
            storage_pool_obj_remove(pool);
        } else if (pool->newdef) {
            storage_pool_def_free(pool->def);
            pool->def = g_steal_pointer(&pool->newdef);
        }
    }
}


int
storage_driver_init(const VkEventSink *sink)
{
    g_autofree char *cdir = config_dir();
    g_autofree char *sdir = state_dir();
    GPtrArray *pools;

    if (sink)
        storage_sink = *sink;
    storage_lock();
    load_dir(cdir, load_config);
    load_dir(sdir, load_state);
    pools = storage_pool_objs();
    for (guint i = 0; i < pools->len; i++) {
        StoragePoolObj *p = pools->pdata[i];

        if (p->autostart && !p->active && storage_pool_obj_start(p, 0) < 0)
            g_warning("storage: autostart of pool '%s' failed: %s", p->def->name,
                      error_get_last() ? error_get_last()->message : "");
    }
    storage_unlock();
    return 0;
}

void
storage_driver_shutdown(void)
{
    GPtrArray *pools;

    storage_lock();
    pools = storage_pool_objs();
    while (pools->len)
        storage_pool_obj_remove(pools->pdata[0]);
    storage_unlock();
}

int
storage_set_autostart_link(const char *name, bool on)
{
    g_autofree char *link = storage_autostart_path(name);
    g_autofree char *target = storage_config_path(name);
    g_autofree char *dir = g_path_get_dirname(link);

    if (!on) {
        if (unlink(link) < 0 && errno != ENOENT) {
            error_report_errno(DOM, errno, _("Failed to delete symlink '%1$s'"), link);
            return -1;
        }
        return 0;
    }
    if (file_make_dirs(dir, 0755, DOM) < 0)
        return -1;
    if (symlink(target, link) < 0 && errno != EEXIST) {
        error_report_errno(DOM, errno, _("Failed to create symlink '%1$s' to '%2$s'"),
                           link, target);
        return -1;
    }
    return 0;
}
