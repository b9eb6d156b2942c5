/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Status files of running domains: <run>/virtkvm/domains/NAME.json
 *   {"name", "uuid", "id", "pid", "ctl", "pty", "log", "taps": [],
 *    "labelled": [], "state", "reason", "persistent", "xml": live XML}
 * written atomically at start and on every state change, removed at stop.
 * A restarted daemon reads them: a live VMM is reattached (monitor thread,
 * DAC label reserved); a dead one is cleaned up (image owners restored,
 * taps removed) and reported shut off (crashed).
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "driver/domain/domain-driver-priv.h"
#include "driver/domain/domain-lifecycle.h"
#include "driver/domain/domain-runtime.h"
#include "util/error.h"
#include "util/file-util.h"
#include "util/i18n.h"
#include "util/log.h"

static char *
status_path(const char *name)
{
    return g_strdup_printf("%s/%s.json", domain_lifecycle_ctx()->run_dir, name);
}

static json_object *
str_array(GPtrArray *a)
{
    json_object *arr = json_object_new_array();

    for (guint i = 0; i < a->len; i++)
        json_object_array_add(arr, json_object_new_string(g_ptr_array_index(a, i)));
    return arr;
}

static void
add_str(json_object *o, const char *key, const char *v)
{
    if (v)
        json_object_object_add(o, key, json_object_new_string(v));
}

int
domain_status_save(DomainObj *obj)
{
    DomainRuntime *rt = domain_runtime_get(obj);
    g_autofree char *path = status_path(obj->def->name);
    g_autofree char *xml = domain_def_format(obj->def, DOMAIN_DEF_FORMAT_STATUS |
                                             DOMAIN_DEF_FORMAT_SECURE);
    char uuid[DOMAIN_UUID_STRLEN];
    json_object *o;
    const char *text;
    int r;

    if (!rt || !xml)
        return -1;
    domain_def_get_uuid_string(obj->def, uuid);
    o = json_object_new_object();
    add_str(o, "name", obj->def->name);
    add_str(o, "uuid", uuid);
    json_object_object_add(o, "id", json_object_new_int(domain_obj_get_id(obj)));
    json_object_object_add(o, "pid", json_object_new_int(rt->pid));
    add_str(o, "ctl", rt->ctl_path);
    add_str(o, "pty", rt->pty_path);
    add_str(o, "log", rt->log_path);
    json_object_object_add(o, "taps", str_array(rt->taps));
    json_object_object_add(o, "labelled", str_array(rt->labelled));
    json_object_object_add(o, "state", json_object_new_int(obj->state));
    json_object_object_add(o, "reason", json_object_new_int(obj->reason));
    json_object_object_add(o, "persistent", json_object_new_boolean(obj->persistent));
    add_str(o, "xml", xml);
    text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
    r = file_write_atomic(path, text, strlen(text), 0600, VK_FROM_QEMU);
    json_object_put(o);
    return r;
}

void
domain_status_remove(const char *name)
{
    g_autofree char *path = status_path(name);

    unlink(path);
}

static const char *
get_str(json_object *o, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static int
get_int(json_object *o, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(o, key, &v) ? json_object_get_int(v) : 0;
}

static void
fill_array(json_object *o, const char *key, GPtrArray *into)
{
    json_object *arr;

    if (!json_object_object_get_ex(o, key, &arr))
        return;
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        g_ptr_array_add(into, g_strdup(json_object_get_string(json_object_array_get_idx(arr, i))));
}

/* Whether @pid is the VMM of @name (and not a recycled pid). */
static bool
pid_is_vmm(pid_t pid, const char *name)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int) pid);
    g_autofree char *buf = NULL;
    g_autofree char *want = g_strdup_printf("guest=%s", name);
    gsize len;

    if (!domain_process_alive(pid) || !g_file_get_contents(path, &buf, &len, NULL))
        return false;
    for (gsize off = 0; off < len; off += strlen(buf + off) + 1)
        if (g_str_equal(buf + off, want))
            return true;
    return false;
}

/* The object a status file describes: the persistent one, or a new
 * transient one from the live XML.  Locked and referenced. */
static DomainObj *
status_object(DomainDriver *drv, const char *xml, bool *fresh)
{
    g_autoptr(DomainDef) def = domain_def_parse_string(xml, DOMAIN_DEF_PARSE_STATUS);
    DomainObj *obj;
    DomainDef *old = NULL;

    if (!def)
        return NULL;
    obj = domain_obj_list_find_by_uuid(drv->domains, def->uuid);
    *fresh = !obj;
    if (obj) {
        if (!obj->newdef)
            obj->newdef = obj->def;
        else
            domain_def_free(obj->def);
        obj->def = g_steal_pointer(&def);
        return obj;
    }
    obj = domain_obj_list_add(drv->domains, &def, DOMAIN_OBJ_LIST_ADD_LIVE, &old, fresh);
    domain_def_free(old);
    return obj;
}

static void
reconnect_one(DomainDriver *drv, const char *file)
{
    DomainLifecycleCtx *ctx = domain_lifecycle_ctx();
    json_object *o = json_object_from_file(file);
    const char *name, *xml;
    DomainRuntime *rt;
    DomainObj *obj;
    bool fresh = false, alive;

    if (!o || !(name = get_str(o, "name")) || !(xml = get_str(o, "xml"))) {
        log_warning("ignoring unreadable status file %s", file);
        json_object_put(o);
        return;
    }
    if (!(obj = status_object(drv, xml, &fresh))) {
        log_warning("ignoring status file %s: %s", file,
                    error_get_last() ? error_get_last()->message : "?");
        error_reset();
        json_object_put(o);
        unlink(file);
        return;
    }
    rt = domain_runtime_new();
    rt->pid = get_int(o, "pid");
    rt->ctl_path = g_strdup(get_str(o, "ctl"));
    rt->pty_path = g_strdup(get_str(o, "pty"));
    rt->log_path = g_strdup(get_str(o, "log"));
    fill_array(o, "taps", rt->taps);
    fill_array(o, "labelled", rt->labelled);
    {
        char uuid[DOMAIN_UUID_STRLEN];

        domain_def_get_uuid_string(obj->def, uuid);
        rt->sec = security_guest_new(name, uuid);
    }
    if (obj->priv && obj->priv_free)
        obj->priv_free(obj->priv);
    obj->priv = rt;
    obj->priv_free = (GDestroyNotify) domain_runtime_free;
    if (fresh)
        obj->persistent = false;
    domain_def_set_id(obj->def, get_int(o, "id"));
    domain_lifecycle_note_id(get_int(o, "id"));
    domain_obj_set_state(obj, get_int(o, "state"), get_int(o, "reason"));
    alive = pid_is_vmm(rt->pid, name);
    security_manager_gen_label(ctx->sec, rt->sec);
    if (alive) {
        security_manager_reserve_label(ctx->sec, rt->sec, rt->pid);
        if (domain_monitor_start(obj) == 0) {
            log_info("reconnected to domain %s (pid %d)", name, (int) rt->pid);
            domain_obj_end_api(obj);
            json_object_put(o);
            return;
        }
        kill(rt->pid, SIGKILL);
    }
    log_info("domain %s: VMM gone while the daemon was down", name);
    domain_process_log(rt, "VMM found dead at daemon start");
    domain_lifecycle_vmm_gone(obj);
    error_reset();
    domain_obj_end_api(obj);
    json_object_put(o);
}

void
domain_status_reconnect_all(DomainDriver *drv)
{
    DomainLifecycleCtx *ctx = domain_lifecycle_ctx();
    g_autoptr(GDir) dir = g_dir_open(ctx->run_dir, 0, NULL);
    const char *ent;

    if (!dir || !ctx->sec)
        return;
    while ((ent = g_dir_read_name(dir))) {
        g_autofree char *file = NULL;

        if (!g_str_has_suffix(ent, ".json"))
            continue;
        file = g_build_filename(ctx->run_dir, ent, NULL);
        reconnect_one(drv, file);
    }
}
