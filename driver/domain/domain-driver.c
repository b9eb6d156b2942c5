/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The domain driver: catalogue, lookups, define/undefine, listing. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "driver/domain/domain-driver-priv.h"
#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"

static DomainDriver *default_driver;

DomainDriver *
domain_driver_new(const char *config_dir, const char *state_dir,
                  const VkEventSink *sink)
{
    DomainDriver *drv = g_new0(DomainDriver, 1);
    g_autofree char *domains = g_build_filename(config_dir, "domains", NULL);
    g_autofree char *autostart = g_build_filename(domains, "autostart", NULL);

    drv->domains = domain_obj_list_new();
    drv->store = domain_store_new(domains, autostart);
    drv->nvram_dir = g_build_filename(state_dir, "nvram", NULL);
    if (sink) {
        drv->sink = *sink;
        drv->has_sink = true;
    }
    return drv;
}

void
domain_driver_free(DomainDriver *drv)
{
    if (!drv)
        return;
    if (default_driver == drv)
        default_driver = NULL;
    domain_obj_list_free(drv->domains);
    domain_store_free(drv->store);
    g_free(drv->nvram_dir);
    g_free(drv);
}

void
domain_driver_set_default(DomainDriver *drv)
{
    default_driver = drv;
}

DomainDriver *
domain_driver_get_default(void)
{
    return default_driver;
}

DomainObjList *
domain_driver_get_list(DomainDriver *drv)
{
    return drv->domains;
}

const DomainStore *
domain_driver_get_store(DomainDriver *drv)
{
    return drv->store;
}

const char *
domain_driver_get_nvram_dir(DomainDriver *drv)
{
    return drv->nvram_dir;
}

int
domain_driver_check_flags(unsigned int flags, unsigned int allowed, const char *func)
{
    if (flags & ~allowed) {
        error_report(VK_FROM_QEMU, VK_ERR_INVALID_ARG,
                     _("unsupported flags (0x%1$x) in function %2$s"),
                     flags & ~allowed, func);
        return -1;
    }
    return 0;
}

void
domain_driver_emit_named(DomainDriver *drv, DomainObj *obj, const char *name,
                         int event, int detail)
{
    VkEvent ev = {
        .family = VK_EVENT_DOMAIN,
        .event_id = DOMAIN_EVENT_ID_LIFECYCLE,
        .name = name,
        .id = domain_obj_get_id(obj),
        .event = event,
        .detail = detail,
    };

    if (!drv->has_sink)
        return;
    memcpy(ev.uuid, obj->def->uuid, DOMAIN_UUID_BUFLEN);
    event_sink_emit(&drv->sink, &ev);
}

void
domain_driver_emit_lifecycle(DomainDriver *drv, DomainObj *obj, int event, int detail)
{
    domain_driver_emit_named(drv, obj, obj->def->name, event, detail);
}

int
domain_driver_save_config(DomainDriver *drv, DomainObj *obj)
{
    DomainDef *def = domain_obj_get_persistent_def(obj);

    if (!def)
        return 0;
    return domain_store_save(drv->store, def);
}

/* --- loading ------------------------------------------------------------ */

typedef struct {
    DomainDriver *drv;
    int loaded;
} LoadCtx;

static void
load_one(DomainDef *def, bool autostart, void *opaque)
{
    LoadCtx *ctx = opaque;
    g_autoptr(DomainDef) owned = def;
    DomainDef *old = NULL;
    DomainObj *obj;
    bool added;

    if (!(obj = domain_obj_list_add(ctx->drv->domains, &owned, 0, &old, &added))) {
        log_error("skipping domain config of '%s': %s", def->name,
                  error_get_last() ? error_get_last()->message : "");
        error_reset();
        return;
    }
    if (!added) {
        /* Two files with one UUID and name cannot happen; keep the first. */
        domain_def_free(g_steal_pointer(&obj->def));
        obj->def = old;
    }
    obj->persistent = true;
    obj->autostart = autostart;
    ctx->loaded++;
    domain_obj_end_api(obj);
}

int
domain_driver_load(DomainDriver *drv)
{
    LoadCtx ctx = { drv, 0 };
    int skipped = domain_store_load_all(drv->store, load_one, &ctx);

    log_info("domain driver: %d domains loaded from %s (%d skipped)",
             ctx.loaded, drv->store->config_dir, skipped);
    return ctx.loaded;
}

/* --- lookups ------------------------------------------------------------ */

DomainObj *
domain_driver_lookup(DomainDriver *drv, const unsigned char *uuid, const char *name)
{
    DomainObj *obj = drv ? domain_obj_list_find_by_uuid(drv->domains, uuid) : NULL;
    char buf[DOMAIN_UUID_STRLEN];

    if (obj)
        return obj;
    domain_uuid_format(uuid, buf);
    error_report(VK_FROM_QEMU, VK_ERR_NO_DOMAIN,
                 _("no domain with matching uuid '%1$s' (%2$s)"), buf, name ? name : "");
    return NULL;
}

DomainObj *
domain_driver_lookup_by_name(DomainDriver *drv, const char *name)
{
    DomainObj *obj = drv ? domain_obj_list_find_by_name(drv->domains, name) : NULL;

    if (!obj)
        error_report(VK_FROM_QEMU, VK_ERR_NO_DOMAIN,
                     _("no domain with matching name '%1$s'"), name);
    return obj;
}

DomainObj *
domain_driver_lookup_by_uuid(DomainDriver *drv, const unsigned char *uuid)
{
    DomainObj *obj = drv ? domain_obj_list_find_by_uuid(drv->domains, uuid) : NULL;
    char buf[DOMAIN_UUID_STRLEN];

    if (!obj) {
        domain_uuid_format(uuid, buf);
        error_report(VK_FROM_QEMU, VK_ERR_NO_DOMAIN,
                     _("no domain with matching uuid '%1$s'"), buf);
    }
    return obj;
}

DomainObj *
domain_driver_lookup_by_id(DomainDriver *drv, int id)
{
    DomainObj *obj = drv ? domain_obj_list_find_by_id(drv->domains, id) : NULL;

    if (!obj)
        error_report(VK_FROM_QEMU, VK_ERR_NO_DOMAIN,
                     _("no domain with matching id %1$d"), id);
    return obj;
}

/* --- define / undefine -------------------------------------------------- */

/* A read-only pflash loader without <nvram> gets the driver's default
 * path, as libvirt fills in /var/lib/libvirt/qemu/nvram/NAME_VARS.fd. */
static void
define_fill_nvram(DomainDriver *drv, DomainDef *def)
{
    DomainOsDef *os = &def->os;
    g_autofree char *file = NULL;

    if (!os->loader || os->nvram || g_strcmp0(os->loader_type, "pflash") != 0 ||
        g_strcmp0(os->loader_readonly, "yes") != 0)
        return;
    file = g_strconcat(def->name, "_VARS.fd", NULL);
    os->nvram = g_build_filename(drv->nvram_dir, file, NULL);
}

/* Puts the object back as it was before a define whose save failed. */
static void
define_rollback(DomainDriver *drv, DomainObj *obj, DomainDef *old_def,
                bool added, bool was_persistent)
{
    if (added) {
        obj->persistent = false;
        domain_obj_list_remove(drv->domains, obj);
        return;
    }
    if (domain_obj_is_active(obj)) {
        domain_def_free(obj->newdef);
        obj->newdef = old_def;
    } else {
        domain_def_free(obj->def);
        obj->def = old_def;
    }
    obj->persistent = was_persistent;
}

DomainObj *
domain_driver_define_xml(DomainDriver *drv, const char *xml, unsigned int flags)
{
    g_autoptr(DomainDef) def = NULL;
    DomainDef *old_def = NULL;
    DomainObj *obj;
    bool added, was_persistent;
    unsigned int parse = DOMAIN_DEF_PARSE_INACTIVE;

    if (domain_driver_check_flags(flags, DOMAIN_DEFINE_VALIDATE,
                                  "qemuDomainDefineXMLFlags") < 0)
        return NULL;
    if (!drv) {
        error_report(VK_FROM_QEMU, VK_ERR_NO_SUPPORT, "%s",
                     _("the domain driver is not running"));
        return NULL;
    }
    if (flags & DOMAIN_DEFINE_VALIDATE)
        parse |= DOMAIN_DEF_PARSE_VALIDATE;
    if (!(def = domain_def_parse_string(xml, parse)))
        return NULL;
    define_fill_nvram(drv, def);
    if (!(obj = domain_obj_list_add(drv->domains, &def, 0, &old_def, &added)))
        return NULL;
    was_persistent = obj->persistent;
    obj->persistent = true;
    if (domain_driver_save_config(drv, obj) < 0) {
        g_autoptr(VkError) err = error_steal_last();

        define_rollback(drv, obj, old_def, added, was_persistent);
        domain_obj_end_api(obj);
        error_restore(g_steal_pointer(&err));
        return NULL;
    }
    domain_def_free(old_def);
    domain_driver_emit_lifecycle(drv, obj, DOMAIN_EVENT_DEFINED,
                                 added ? DOMAIN_EVENT_DEFINED_ADDED
                                       : DOMAIN_EVENT_DEFINED_UPDATED);
    return obj;
}

static int
undefine_nvram(DomainObj *obj, unsigned int flags)
{
    DomainDef *def = domain_obj_get_persistent_def(obj);
    const char *nvram = def ? def->os.nvram : NULL;

    if (!def || !def->os.loader || !nvram || !g_file_test(nvram, G_FILE_TEST_EXISTS))
        return 0;
    if (flags & DOMAIN_UNDEFINE_NVRAM) {
        if (unlink(nvram) < 0) {
            error_report_errno(VK_FROM_QEMU, errno, _("failed to remove nvram: %1$s"), nvram);
            return -1;
        }
        return 0;
    }
    if (!(flags & DOMAIN_UNDEFINE_KEEP_NVRAM)) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("cannot undefine domain with nvram"));
        return -1;
    }
    return 0;
}

static int
undefine_check(DomainObj *obj, unsigned int flags)
{
    if ((flags & DOMAIN_UNDEFINE_NVRAM) && (flags & DOMAIN_UNDEFINE_KEEP_NVRAM)) {
        error_report(VK_FROM_QEMU, VK_ERR_INVALID_ARG, "%s",
                     _("Flags 'VIR_DOMAIN_UNDEFINE_NVRAM' and "
                       "'VIR_DOMAIN_UNDEFINE_KEEP_NVRAM' are mutually exclusive"));
        return -1;
    }
    if (!obj->persistent) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("cannot undefine transient domain"));
        return -1;
    }
    if (obj->has_managed_save && !(flags & DOMAIN_UNDEFINE_MANAGED_SAVE)) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("Refusing to undefine while domain managed save image exists"));
        return -1;
    }
    if (obj->nsnapshots && !(flags & DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID,
                     _("cannot delete inactive domain with %1$u snapshots"),
                     obj->nsnapshots);
        return -1;
    }
    if (obj->ncheckpoints && !(flags & DOMAIN_UNDEFINE_CHECKPOINTS_METADATA)) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID,
                     _("cannot delete inactive domain with %1$u checkpoints"),
                     obj->ncheckpoints);
        return -1;
    }
    return 0;
}

int
domain_driver_undefine(DomainDriver *drv, DomainObj *obj, unsigned int flags)
{
    int ret = -1;

    if (domain_driver_check_flags(flags, 0x7f, "qemuDomainUndefineFlags") < 0)
        return -1;
    if (domain_obj_begin_job(obj, DOMAIN_JOB_MODIFY) < 0)
        return -1;
    if (undefine_check(obj, flags) < 0 || undefine_nvram(obj, flags) < 0)
        goto out;
    if (domain_store_delete(drv->store, obj->def->name) < 0)
        goto out;
    domain_driver_emit_lifecycle(drv, obj, DOMAIN_EVENT_UNDEFINED,
                                 DOMAIN_EVENT_UNDEFINED_REMOVED);
    obj->autostart = false;
    obj->persistent = false;
    if (domain_obj_is_active(obj)) {
        /* Runs on as a transient domain. */
        g_clear_pointer(&obj->newdef, domain_def_free);
    } else {
        domain_obj_list_remove(drv->domains, obj);
    }
    ret = 0;
 out:
    domain_obj_end_job(obj);
    return ret;
}

/* --- listing ------------------------------------------------------------ */

/* One filter group: both or neither bit set means "don't care". */
static bool
group_ok(unsigned int flags, unsigned int yes, unsigned int no, bool value)
{
    bool want_yes = flags & yes, want_no = flags & no;

    if (want_yes == want_no)
        return true;
    return want_yes ? value : !value;
}

static bool
state_ok(unsigned int flags, DomainState state)
{
    unsigned int mask = DOMAIN_LIST_RUNNING | DOMAIN_LIST_PAUSED |
                        DOMAIN_LIST_SHUTOFF | DOMAIN_LIST_OTHER;

    if (!(flags & mask))
        return true;
    switch (state) {
    case DOMAIN_STATE_RUNNING:
        return flags & DOMAIN_LIST_RUNNING;
    case DOMAIN_STATE_PAUSED:
        return flags & DOMAIN_LIST_PAUSED;
    case DOMAIN_STATE_SHUTOFF:
        return flags & DOMAIN_LIST_SHUTOFF;
    default:
        return flags & DOMAIN_LIST_OTHER;
    }
}

static bool
domain_matches(DomainObj *obj, unsigned int flags)
{
    bool active = domain_obj_is_active(obj);

    return group_ok(flags, DOMAIN_LIST_ACTIVE, DOMAIN_LIST_INACTIVE, active) &&
           group_ok(flags, DOMAIN_LIST_PERSISTENT, DOMAIN_LIST_TRANSIENT, obj->persistent) &&
           state_ok(flags, obj->state) &&
           group_ok(flags, DOMAIN_LIST_MANAGEDSAVE, DOMAIN_LIST_NO_MANAGEDSAVE,
                    obj->has_managed_save) &&
           group_ok(flags, DOMAIN_LIST_AUTOSTART, DOMAIN_LIST_NO_AUTOSTART, obj->autostart) &&
           group_ok(flags, DOMAIN_LIST_HAS_SNAPSHOT, DOMAIN_LIST_NO_SNAPSHOT,
                    obj->nsnapshots > 0) &&
           group_ok(flags, DOMAIN_LIST_HAS_CHECKPOINT, DOMAIN_LIST_NO_CHECKPOINT,
                    obj->ncheckpoints > 0);
}

void
domain_ref_clear(DomainRef *ref)
{
    g_clear_pointer(&ref->name, g_free);
}

GArray *
domain_driver_list_all(DomainDriver *drv, unsigned int flags)
{
    g_autoptr(GPtrArray) objs = NULL;
    GArray *refs;

    if (domain_driver_check_flags(flags, DOMAIN_LIST_ALL_FLAGS,
                                  "qemuConnectListAllDomains") < 0)
        return NULL;
    refs = g_array_new(FALSE, TRUE, sizeof(DomainRef));
    g_array_set_clear_func(refs, (GDestroyNotify) domain_ref_clear);
    if (!drv)
        return refs;
    objs = domain_obj_list_collect(drv->domains);
    for (guint i = 0; i < objs->len; i++) {
        DomainObj *obj = g_ptr_array_index(objs, i);
        DomainRef ref = { 0 };

        domain_obj_lock(obj);
        if (!obj->removing && domain_matches(obj, flags)) {
            ref.name = g_strdup(obj->def->name);
            memcpy(ref.uuid, obj->def->uuid, DOMAIN_UUID_BUFLEN);
            ref.id = domain_obj_get_id(obj);
            g_array_append_val(refs, ref);
        }
        domain_obj_unlock(obj);
    }
    return refs;
}

int
domain_driver_count(DomainDriver *drv, bool active)
{
    g_autoptr(GArray) refs = domain_driver_list_all(drv, active ? DOMAIN_LIST_ACTIVE
                                                                : DOMAIN_LIST_INACTIVE);

    return refs->len;
}
