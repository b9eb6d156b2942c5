/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running domains: start, stop, pause, reset, on_* actions (see the header). */
#include <signal.h>
#include <string.h>
#include <json-c/json.h>

#include "driver/domain/domain-driver-priv.h"
#include "driver/domain/domain-lifecycle.h"
#include "driver/domain/domain-runtime.h"
#include "driver/host/host.h"
#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/paths.h"

/* virDomain*Reason values used here. */
enum {
    RUNNING_BOOTED = 1,
    RUNNING_UNPAUSED = 5,
    RUNNING_CRASHED = 9,
    PAUSED_UNKNOWN = 0,
    PAUSED_USER = 1,
    PAUSED_STARTING_UP = 11,
    SHUTDOWN_USER = 1,
    EVENT_STARTED_BOOTED = 0,
    EVENT_SUSPENDED_PAUSED = 0,
    EVENT_RESUMED_UNPAUSED = 0,
    EVENT_STOPPED_SHUTDOWN = 0,
    EVENT_STOPPED_DESTROYED = 1,
    EVENT_STOPPED_CRASHED = 2,
    EVENT_STOPPED_FAILED = 5,
    EVENT_SHUTDOWN_FINISHED = 0,
    EVENT_CRASHED_PANICKED = 0,
    CRASHED_PANICKED = 1,
};

#define CMD_TIMEOUT_MS 10000

static DomainLifecycleCtx lc_ctx;
static gint next_id = 0;

DomainLifecycleCtx *
domain_lifecycle_ctx(void)
{
    return &lc_ctx;
}

void
domain_lifecycle_note_id(int id)
{
    gint cur;

    while ((cur = g_atomic_int_get(&next_id)) < id &&
           !g_atomic_int_compare_and_exchange(&next_id, cur, id))
        ;
}

static int
check_active(DomainObj *obj)
{
    if (!domain_obj_is_active(obj)) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("domain is not running"));
        return -1;
    }
    return 0;
}

static int
vmm_command(DomainObj *obj, const char *cmd)
{
    DomainRuntime *rt = domain_runtime_get(obj);
    json_object *r;

    if (!rt) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("domain is not running"));
        return -1;
    }
    r = domain_monitor_command(rt->ctl_path, cmd, CMD_TIMEOUT_MS);
    if (!r)
        return -1;
    json_object_put(r);
    return 0;
}

static void
emit_reboot(DomainDriver *drv, DomainObj *obj)
{
    VkEvent ev = {
        .family = VK_EVENT_DOMAIN,
        .event_id = DOMAIN_EVENT_ID_REBOOT,
        .name = obj->def->name,
        .id = domain_obj_get_id(obj),
    };

    if (!drv->has_sink)
        return;
    memcpy(ev.uuid, obj->def->uuid, DOMAIN_UUID_BUFLEN);
    event_sink_emit(&drv->sink, &ev);
}

/* --- stop ------------------------------------------------------------- */

/* Marks @obj stopped after its VMM is gone; removes a transient one. */
static gint n_autodestroy;

static void
lifecycle_stopped(DomainDriver *drv, DomainObj *obj, int reason, int detail)
{
    DomainRuntime *rt = domain_runtime_get(obj);

    if (rt && rt->autodestroy && !rt->stopped)
        g_atomic_int_dec_and_test(&n_autodestroy);
    domain_process_cleanup(obj);
    domain_obj_set_state(obj, DOMAIN_STATE_SHUTOFF, reason);
    domain_driver_emit_lifecycle(drv, obj, DOMAIN_EVENT_STOPPED, detail);
    domain_def_set_id(obj->def, -1);
    if (obj->priv && obj->priv_free)
        obj->priv_free(obj->priv);
    obj->priv = NULL;
    if (obj->newdef) {
        domain_def_free(obj->def);
        obj->def = obj->newdef;
        obj->newdef = NULL;
        domain_def_set_id(obj->def, -1);
    }
    if (!obj->persistent)
        domain_obj_list_remove(drv->domains, obj);
}

/* --- start -------------------------------------------------------------- */

static int
lifecycle_start(DomainDriver *drv, DomainObj *obj, unsigned int flags, void *conn)
{
    bool paused = flags & DOMAIN_START_PAUSED;
    DomainRuntime *rt;

    if (domain_obj_is_active(obj)) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("domain is already running"));
        return -1;
    }
    if (obj->persistent && !obj->newdef)
        obj->newdef = domain_def_copy(obj->def);
    if (domain_process_start(obj, paused) < 0) {
        if (obj->newdef) {
            domain_def_free(obj->def);
            obj->def = obj->newdef;
            obj->newdef = NULL;
        }
        if (obj->priv && obj->priv_free)
            obj->priv_free(obj->priv);
        obj->priv = NULL;
        return -1;
    }
    rt = domain_runtime_get(obj);
    rt->autodestroy = flags & DOMAIN_START_AUTODESTROY;
    rt->autodestroy_conn = conn;
    if (rt->autodestroy)
        g_atomic_int_inc(&n_autodestroy);
    domain_def_set_id(obj->def, g_atomic_int_add(&next_id, 1) + 1);
    domain_obj_set_state(obj, paused ? DOMAIN_STATE_PAUSED : DOMAIN_STATE_RUNNING,
                         paused ? PAUSED_USER : RUNNING_BOOTED);
    if (domain_monitor_start(obj) < 0 || domain_status_save(obj) < 0) {
        VkError *err = error_steal_last();

        domain_process_kill(rt, 0);
        lifecycle_stopped(drv, obj, DOMAIN_SHUTOFF_FAILED, EVENT_STOPPED_FAILED);
        error_restore(err);
        return -1;
    }
    domain_process_log(rt, "domain started");
    domain_driver_emit_lifecycle(drv, obj, DOMAIN_EVENT_STARTED, EVENT_STARTED_BOOTED);
    if (paused)
        domain_driver_emit_lifecycle(drv, obj, DOMAIN_EVENT_SUSPENDED, EVENT_SUSPENDED_PAUSED);
    return 0;
}

int
domain_lifecycle_create(DomainDriver *drv, DomainObj *obj, unsigned int flags, void *conn)
{
    int r;

    if (domain_driver_check_flags(flags, DOMAIN_START_PAUSED | DOMAIN_START_AUTODESTROY |
                                  DOMAIN_START_BYPASS_CACHE | DOMAIN_START_FORCE_BOOT,
                                  "qemuDomainCreateWithFlags") < 0)
        return -1;
    if (domain_obj_begin_job(obj, DOMAIN_JOB_MODIFY) < 0)
        return -1;
    r = lifecycle_start(drv, obj, flags, conn);
    domain_obj_end_job(obj);
    return r;
}

DomainObj *
domain_lifecycle_create_xml(DomainDriver *drv, const char *xml, unsigned int flags, void *conn)
{
    g_autoptr(DomainDef) def = NULL;
    DomainObj *obj;
    bool added;
    DomainDef *old = NULL;

    if (domain_driver_check_flags(flags, DOMAIN_START_PAUSED | DOMAIN_START_AUTODESTROY |
                                  DOMAIN_START_BYPASS_CACHE | DOMAIN_START_VALIDATE,
                                  "qemuDomainCreateXML") < 0)
        return NULL;
    if (!(def = domain_def_parse_string(xml, (flags & DOMAIN_START_VALIDATE) ?
                                        DOMAIN_DEF_PARSE_VALIDATE : 0)))
        return NULL;
    if (!(obj = domain_obj_list_add(drv->domains, &def,
                                    DOMAIN_OBJ_LIST_ADD_LIVE |
                                    DOMAIN_OBJ_LIST_ADD_CHECK_LIVE, &old, &added)))
        return NULL;
    domain_def_free(old);
    if (domain_obj_begin_job(obj, DOMAIN_JOB_MODIFY) < 0) {
        domain_obj_end_api(obj);
        return NULL;
    }
    if (lifecycle_start(drv, obj, flags & ~DOMAIN_START_VALIDATE, conn) < 0) {
        domain_obj_end_job(obj);
        if (!obj->persistent && !domain_obj_is_active(obj))
            domain_obj_list_remove(drv->domains, obj);
        domain_obj_end_api(obj);
        return NULL;
    }
    domain_obj_end_job(obj);
    return obj;
}

/* --- stop / pause / reset ---------------------------------------------- */

int
domain_lifecycle_destroy(DomainDriver *drv, DomainObj *obj, unsigned int flags)
{
    DomainRuntime *rt;
    int r = 0;

    if (domain_driver_check_flags(flags, DOMAIN_DESTROY_GRACEFUL, "qemuDomainDestroyFlags") < 0 ||
        check_active(obj) < 0 || domain_obj_begin_job(obj, DOMAIN_JOB_DESTROY) < 0)
        return -1;
    if (!domain_obj_is_active(obj) || !(rt = domain_runtime_get(obj))) {
        domain_obj_end_job(obj);
        return check_active(obj);
    }
    rt->destroying = true;
    if (domain_process_kill(rt, (flags & DOMAIN_DESTROY_GRACEFUL) ? 5000 : 300) < 0) {
        error_report(VK_FROM_QEMU, VK_ERR_SYSTEM_ERROR, "%s",
                     _("failed to terminate the VMM process"));
        r = -1;
    } else {
        lifecycle_stopped(drv, obj, DOMAIN_SHUTOFF_DESTROYED, EVENT_STOPPED_DESTROYED);
    }
    domain_obj_end_job(obj);
    return r;
}

int
domain_lifecycle_shutdown(DomainDriver *drv, DomainObj *obj, unsigned int flags)
{
    if (domain_driver_check_flags(flags, DOMAIN_SHUTDOWN_ACPI_POWER_BTN,
                                  "qemuDomainShutdownFlags") < 0 ||
        check_active(obj) < 0)
        return -1;
    if (obj->state == DOMAIN_STATE_PAUSED || obj->state == DOMAIN_STATE_CRASHED) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("domain is not running"));
        return -1;
    }
    if (vmm_command(obj, "system-powerdown") < 0)
        return -1;
    domain_process_log(domain_runtime_get(obj), "shutdown requested (ACPI power button)");
    return 0;
}

int
domain_lifecycle_reboot(DomainDriver *drv, DomainObj *obj, unsigned int flags)
{
    /* No guest agent: a reboot is a reset the guest sees at once (as
     * libvirt's qemu driver does for guests without ACPI reboot support). */
    if (domain_driver_check_flags(flags, 0x3, "qemuDomainReboot") < 0 ||
        check_active(obj) < 0 || vmm_command(obj, "system-reset") < 0)
        return -1;
    emit_reboot(drv, obj);
    return 0;
}

int
domain_lifecycle_reset(DomainDriver *drv, DomainObj *obj, unsigned int flags)
{
    if (domain_driver_check_flags(flags, 0, "qemuDomainReset") < 0 ||
        check_active(obj) < 0)
        return -1;
    return vmm_command(obj, "system-reset");
}

int
domain_lifecycle_suspend(DomainDriver *drv, DomainObj *obj)
{
    DomainRuntime *rt;

    if (check_active(obj) < 0)
        return -1;
    rt = domain_runtime_get(obj);
    if (obj->state == DOMAIN_STATE_PAUSED)
        return 0;
    rt->pending_stop = true;
    if (vmm_command(obj, "stop") < 0) {
        rt->pending_stop = false;
        return -1;
    }
    rt->pending_stop = false;
    if (obj->state != DOMAIN_STATE_PAUSED) {
        domain_obj_set_state(obj, DOMAIN_STATE_PAUSED, PAUSED_USER);
        domain_driver_emit_lifecycle(drv, obj, DOMAIN_EVENT_SUSPENDED, EVENT_SUSPENDED_PAUSED);
    }
    domain_status_save(obj);
    return 0;
}

int
domain_lifecycle_resume(DomainDriver *drv, DomainObj *obj)
{
    DomainRuntime *rt;

    if (check_active(obj) < 0)
        return -1;
    rt = domain_runtime_get(obj);
    if (obj->state == DOMAIN_STATE_RUNNING)
        return 0;
    rt->pending_cont = true;
    if (vmm_command(obj, "cont") < 0) {
        rt->pending_cont = false;
        return -1;
    }
    rt->pending_cont = false;
    if (obj->state != DOMAIN_STATE_RUNNING) {
        domain_obj_set_state(obj, DOMAIN_STATE_RUNNING, RUNNING_UNPAUSED);
        domain_driver_emit_lifecycle(drv, obj, DOMAIN_EVENT_RESUMED, EVENT_RESUMED_UNPAUSED);
    }
    domain_status_save(obj);
    return 0;
}

void
domain_lifecycle_conn_closed(DomainDriver *drv, void *conn)
{
    g_autoptr(GPtrArray) all = NULL;

    if (g_atomic_int_get(&n_autodestroy) == 0)
        return;
    all = domain_obj_list_collect(drv->domains);

    for (guint i = 0; i < all->len; i++) {
        DomainObj *obj = g_ptr_array_index(all, i);
        DomainRuntime *rt;

        domain_obj_lock(obj);
        rt = domain_runtime_get(obj);
        if (rt && rt->autodestroy && rt->autodestroy_conn == conn)
            domain_lifecycle_destroy(drv, obj, 0);
        domain_obj_unlock(obj);
    }
}

/* --- what the VMM tells ------------------------------------------------- */

static DomainDriver *
lc_drv(void)
{
    return lc_ctx.drv;
}

/* Restarts @obj with a new VMM (on_poweroff / on_crash = restart).  After a
 * crash it runs with reason "crashed", as libvirt's qemu driver reports after
 * its reset-in-place. */
static void
lifecycle_restart(DomainObj *obj, bool crashed)
{
    DomainDriver *drv = lc_drv();

    if (crashed)
        lifecycle_stopped(drv, obj, DOMAIN_SHUTOFF_CRASHED, EVENT_STOPPED_CRASHED);
    else
        lifecycle_stopped(drv, obj, DOMAIN_SHUTOFF_SHUTDOWN, EVENT_STOPPED_SHUTDOWN);
    if (!obj->persistent)
        return;
    if (lifecycle_start(drv, obj, 0, NULL) < 0) {
        log_warning("restart of domain %s failed: %s", obj->def->name,
                    error_get_last() ? error_get_last()->message : "?");
        error_reset();
        return;
    }
    if (crashed) {
        domain_obj_set_state(obj, DOMAIN_STATE_RUNNING, RUNNING_CRASHED);
        domain_status_save(obj);
    }
}

void
domain_lifecycle_vmm_gone(DomainObj *obj)
{
    DomainDriver *drv = lc_drv();
    DomainRuntime *rt = domain_runtime_get(obj);
    const char *why = rt->shutdown_reason;

    if (!drv)
        return;     /* the daemon is exiting: the next one will see it */

    if (rt->destroying) {
        lifecycle_stopped(drv, obj, DOMAIN_SHUTOFF_DESTROYED, EVENT_STOPPED_DESTROYED);
        return;
    }
    if (!why) {
        domain_process_log(rt, "VMM exited unexpectedly");
        lifecycle_stopped(drv, obj, DOMAIN_SHUTOFF_CRASHED, EVENT_STOPPED_CRASHED);
        return;
    }
    if (g_str_equal(why, "guest-panic")) {
        if (obj->def->on_crash == DOMAIN_LIFECYCLE_RESTART ||
            obj->def->on_crash == DOMAIN_LIFECYCLE_COREDUMP_RESTART)
            lifecycle_restart(obj, true);
        else
            lifecycle_stopped(drv, obj, DOMAIN_SHUTOFF_CRASHED, EVENT_STOPPED_CRASHED);
        return;
    }
    if (g_str_equal(why, "guest-shutdown") &&
        obj->def->on_poweroff == DOMAIN_LIFECYCLE_RESTART) {
        lifecycle_restart(obj, false);
        return;
    }
    if (g_str_equal(why, "host-quit"))
        lifecycle_stopped(drv, obj, DOMAIN_SHUTOFF_DESTROYED, EVENT_STOPPED_DESTROYED);
    else
        lifecycle_stopped(drv, obj, DOMAIN_SHUTOFF_SHUTDOWN, EVENT_STOPPED_SHUTDOWN);
}

static const char *
data_str(json_object *data, const char *key)
{
    json_object *v;

    if (!data || !json_object_object_get_ex(data, key, &v))
        return NULL;
    return json_object_get_string(v);
}

void
domain_lifecycle_vmm_event(DomainObj *obj, const char *event, json_object *data)
{
    DomainDriver *drv = lc_drv();
    DomainRuntime *rt = domain_runtime_get(obj);

    if (!drv)
        return;
    if (g_str_equal(event, "SHUTDOWN")) {
        const char *reason = data_str(data, "reason");

        g_free(rt->shutdown_reason);
        rt->shutdown_reason = g_strdup(reason ? reason : "guest-shutdown");
        if (!rt->destroying && !g_str_equal(rt->shutdown_reason, "host-quit") &&
            !g_str_equal(rt->shutdown_reason, "guest-panic")) {
            domain_obj_set_state(obj, DOMAIN_STATE_SHUTDOWN, SHUTDOWN_USER);
            domain_driver_emit_lifecycle(drv, obj, DOMAIN_EVENT_SHUTDOWN,
                                         EVENT_SHUTDOWN_FINISHED);
        }
    } else if (g_str_equal(event, "STOP")) {
        /* A panicked guest's STOP follows GUEST_PANIC: it stays crashed. */
        if (obj->state != DOMAIN_STATE_PAUSED && obj->state != DOMAIN_STATE_CRASHED) {
            domain_obj_set_state(obj, DOMAIN_STATE_PAUSED,
                                 rt->pending_stop ? PAUSED_USER : PAUSED_UNKNOWN);
            domain_driver_emit_lifecycle(drv, obj, DOMAIN_EVENT_SUSPENDED,
                                         EVENT_SUSPENDED_PAUSED);
        }
    } else if (g_str_equal(event, "RESUME")) {
        if (obj->state != DOMAIN_STATE_RUNNING) {
            domain_obj_set_state(obj, DOMAIN_STATE_RUNNING, RUNNING_UNPAUSED);
            domain_driver_emit_lifecycle(drv, obj, DOMAIN_EVENT_RESUMED,
                                         EVENT_RESUMED_UNPAUSED);
        }
    } else if (g_str_equal(event, "RESET")) {
        json_object *g = NULL;

        if (data && json_object_object_get_ex(data, "guest", &g) && json_object_get_boolean(g))
            emit_reboot(drv, obj);
    } else if (g_str_equal(event, "GUEST_PANIC")) {
        /* As libvirt's qemu driver: crashed (panicked) whatever on_crash says;
         * preserve stays so (the VMM paused the vCPUs), destroy and restart
         * follow when the VMM exits with reason guest-panic. */
        domain_obj_set_state(obj, DOMAIN_STATE_CRASHED, CRASHED_PANICKED);
        domain_driver_emit_lifecycle(drv, obj, DOMAIN_EVENT_CRASHED, EVENT_CRASHED_PANICKED);
    }
    if (!rt->stopped && domain_obj_is_active(obj))
        domain_status_save(obj);
}

/* --- queries -------------------------------------------------------------- */

unsigned long long
domain_lifecycle_cpu_time(DomainObj *obj)
{
    DomainRuntime *rt = domain_runtime_get(obj);

    return rt && domain_obj_is_active(obj) ? domain_process_cpu_time(rt->pid) : 0;
}

pid_t
domain_lifecycle_pid(DomainObj *obj)
{
    DomainRuntime *rt = domain_runtime_get(obj);

    return rt && domain_obj_is_active(obj) ? rt->pid : 0;
}

int
domain_lifecycle_security_label(DomainObj *obj, unsigned int idx,
                                char **label, int *enforcing)
{
    pid_t pid = domain_lifecycle_pid(obj);
    const char *const *models;
    unsigned int n = 0;

    if (pid <= 0 || !lc_ctx.sec)
        return 0;
    models = security_manager_get_models(lc_ctx.sec);
    while (models && models[n])
        n++;
    if (idx >= n)
        return 0;
    if (security_manager_get_process_label(lc_ctx.sec, models[idx], pid,
                                           label, enforcing) < 0)
        return -1;
    return 1;
}

const char *
domain_lifecycle_pty_path(DomainObj *obj)
{
    DomainRuntime *rt = domain_runtime_get(obj);

    return rt && domain_obj_is_active(obj) ? rt->pty_path : NULL;
}

const char *
domain_lifecycle_tap_name(DomainObj *obj, unsigned int i)
{
    DomainNetDef *net;

    if (!domain_obj_is_active(obj) || i >= obj->def->nets->len)
        return NULL;
    net = g_ptr_array_index(obj->def->nets, i);
    return net->target_dev;
}

/* --- daemon start ------------------------------------------------------- */

static void
autostart_all(DomainDriver *drv)
{
    g_autoptr(GPtrArray) all = domain_obj_list_collect(drv->domains);

    for (guint i = 0; i < all->len; i++) {
        DomainObj *obj = g_ptr_array_index(all, i);

        domain_obj_lock(obj);
        if (obj->autostart && !domain_obj_is_active(obj) &&
            domain_lifecycle_create(drv, obj, 0, NULL) < 0) {
            log_warning("autostart of domain %s failed: %s", obj->def->name,
                        error_get_last() ? error_get_last()->message : "?");
            error_reset();
        }
        domain_obj_unlock(obj);
    }
}

int
domain_lifecycle_init(DomainDriver *drv, const char *user, const char *group)
{
    SecurityConfig cfg;
    g_autofree char *run = paths_run_dir();
    g_autofree char *logdir = paths_log_dir();

    lc_ctx.drv = drv;
    lc_ctx.run_dir = g_build_filename(run, "domains", NULL);
    lc_ctx.log_dir = g_strdup(logdir);
    security_config_init(&cfg);
    cfg.user = user;
    cfg.group = group;
    if (!(lc_ctx.sec = security_manager_new(&cfg))) {
        /* The catalogue still works; starting guests reports why not. */
        lc_ctx.sec_error = g_strdup(error_get_last() ? error_get_last()->message : "?");
        log_error("guests cannot be started: %s", lc_ctx.sec_error);
        error_reset();
        return 0;
    }
    host_set_vmm_user(user ? user : "virtkvm", group);
    host_set_security_manager(lc_ctx.sec);
    domain_status_reconnect_all(drv);
    autostart_all(drv);
    return 0;
}

void
domain_lifecycle_shutdown_daemon(void)
{
    host_set_security_manager(NULL);
    /* Running VMMs stay (the next daemon reattaches them); their monitor
     * threads hold object references but stop acting. */
    g_atomic_pointer_set(&lc_ctx.drv, NULL);
}
