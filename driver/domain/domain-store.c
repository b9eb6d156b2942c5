/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver/domain/domain-store.h"
#include "util/error.h"
#include "util/file-util.h"
#include "util/i18n.h"
#include "util/log.h"

#define CONFIG_SUFFIX ".xml"
#define TEMP_INFIX ".xml.new-"

static const char config_header[] =
    "<!--\n"
    "Written by virtkvmd.  Edit with 'virsh edit' (or define the changed XML)\n"
    "so the daemon validates and applies it; a hand edit here is only read\n"
    "when virtkvmd starts.\n"
    "-->\n";

DomainStore *
domain_store_new(const char *config_dir, const char *autostart_dir)
{
    DomainStore *store = g_new0(DomainStore, 1);

    store->config_dir = g_strdup(config_dir);
    store->autostart_dir = g_strdup(autostart_dir);
    return store;
}

void
domain_store_free(DomainStore *store)
{
    if (!store)
        return;
    g_free(store->config_dir);
    g_free(store->autostart_dir);
    g_free(store);
}

char *
domain_store_config_path(const DomainStore *store, const char *name)
{
    g_autofree char *file = g_strconcat(name, CONFIG_SUFFIX, NULL);

    return g_build_filename(store->config_dir, file, NULL);
}

char *
domain_store_autostart_path(const DomainStore *store, const char *name)
{
    g_autofree char *file = g_strconcat(name, CONFIG_SUFFIX, NULL);

    return g_build_filename(store->autostart_dir, file, NULL);
}

int
domain_store_save(const DomainStore *store, const DomainDef *def)
{
    g_autofree char *xml = NULL;
    g_autofree char *text = NULL;
    g_autofree char *path = NULL;

    if (!(xml = domain_def_format(def, DOMAIN_DEF_FORMAT_INACTIVE |
                                  DOMAIN_DEF_FORMAT_SECURE)))
        return -1;
    if (file_make_dirs(store->config_dir, 0755, VK_FROM_QEMU) < 0)
        return -1;
    text = g_strconcat(config_header, xml, NULL);
    path = domain_store_config_path(store, def->name);
    return file_write_atomic(path, text, strlen(text), 0600, VK_FROM_QEMU);
}

static int
sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int ret;

    if (fd < 0) {
        error_report_errno(VK_FROM_QEMU, errno, _("cannot open directory '%1$s'"), dir);
        return -1;
    }
    ret = fsync(fd);
    if (ret < 0)
        error_report_errno(VK_FROM_QEMU, errno, _("cannot sync directory '%1$s'"), dir);
    close(fd);
    return ret;
}

int
domain_store_delete(const DomainStore *store, const char *name)
{
    g_autofree char *link = domain_store_autostart_path(store, name);
    g_autofree char *path = domain_store_config_path(store, name);

    if (unlink(link) < 0 && errno != ENOENT && errno != ENOTDIR) {
        error_report_errno(VK_FROM_QEMU, errno,
                           _("Failed to delete autostart link '%1$s'"), link);
        return -1;
    }
    return file_remove_durable(path, VK_FROM_QEMU);
}

bool
domain_store_get_autostart(const DomainStore *store, const char *name)
{
    g_autofree char *link = domain_store_autostart_path(store, name);
    struct stat st;

    return lstat(link, &st) == 0;
}

int
domain_store_set_autostart(const DomainStore *store, const char *name, bool on)
{
    g_autofree char *link = domain_store_autostart_path(store, name);
    g_autofree char *path = domain_store_config_path(store, name);

    if (!on) {
        if (unlink(link) < 0) {
            if (errno == ENOENT)
                return 0;
            error_report_errno(VK_FROM_QEMU, errno,
                               _("Failed to delete symlink '%1$s'"), link);
            return -1;
        }
        return sync_dir(store->autostart_dir);
    }
    if (file_make_dirs(store->autostart_dir, 0755, VK_FROM_QEMU) < 0)
        return -1;
    if (symlink(path, link) < 0 && errno != EEXIST) {
        error_report_errno(VK_FROM_QEMU, errno,
                           _("Failed to create symlink '%1$s' to '%2$s'"), link, path);
        return -1;
    }
    return sync_dir(store->autostart_dir);
}

/* Leftovers of a write that a crash interrupted: never configs. */
static bool
is_temp_file(const char *file)
{
    const char *p = strstr(file, TEMP_INFIX);

    return p && strlen(p + strlen(TEMP_INFIX)) == 6 && !strchr(p + strlen(TEMP_INFIX), '.');
}

static DomainDef *
load_one(const DomainStore *store, const char *file)
{
    g_autofree char *path = g_build_filename(store->config_dir, file, NULL);
    g_autofree char *name = g_strndup(file, strlen(file) - strlen(CONFIG_SUFFIX));
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(DomainDef) def = NULL;

    if (!g_file_get_contents(path, &xml, NULL, &err)) {
        log_error("skipping domain config %s: %s", path, err->message);
        return NULL;
    }
    if (!(def = domain_def_parse_string(xml, DOMAIN_DEF_PARSE_INACTIVE))) {
        const VkError *e = error_get_last();

        log_error("skipping domain config %s: %s", path,
                  e && e->message ? e->message : "invalid");
        error_reset();
        return NULL;
    }
    if (strcmp(def->name, name) != 0) {
        log_error("skipping domain config %s: it defines domain '%s'", path, def->name);
        return NULL;
    }
    return g_steal_pointer(&def);
}

int
domain_store_load_all(const DomainStore *store, DomainStoreLoadFunc func, void *opaque)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GError) err = NULL;
    const char *file;
    int skipped = 0;

    if (!(dir = g_dir_open(store->config_dir, 0, &err))) {
        if (!g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            log_error("cannot read %s: %s", store->config_dir, err->message);
        return 0;
    }
    while ((file = g_dir_read_name(dir))) {
        DomainDef *def;

        if (is_temp_file(file)) {
            g_autofree char *tmp = g_build_filename(store->config_dir, file, NULL);

            log_warning("removing %s, left by an interrupted write", tmp);
            unlink(tmp);
            continue;
        }
        if (!g_str_has_suffix(file, CONFIG_SUFFIX) || strlen(file) == strlen(CONFIG_SUFFIX))
            continue;
        if (!(def = load_one(store, file))) {
            skipped++;
            continue;
        }
        func(def, domain_store_get_autostart(store, def->name), opaque);
    }
    return skipped;
}
