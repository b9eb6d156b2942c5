/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "driver/domain/domain-obj.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOMAIN_JOB_WAIT_US (30 * G_USEC_PER_SEC)

DomainObj *
domain_obj_new(DomainDef *def)
{
    DomainObj *obj = g_new0(DomainObj, 1);

    g_mutex_init(&obj->lock);
    g_cond_init(&obj->job_cond);
    obj->refs = 1;
    obj->def = def;
    obj->state = DOMAIN_STATE_SHUTOFF;
    obj->reason = DOMAIN_SHUTOFF_UNKNOWN;
    domain_def_set_id(def, -1);
    return obj;
}

DomainObj *
domain_obj_ref(DomainObj *obj)
{
    g_atomic_int_inc(&obj->refs);
    return obj;
}

void
domain_obj_unref(DomainObj *obj)
{
    if (!obj || !g_atomic_int_dec_and_test(&obj->refs))
        return;
    if (obj->priv && obj->priv_free)
        obj->priv_free(obj->priv);
    domain_def_free(obj->def);
    domain_def_free(obj->newdef);
    g_cond_clear(&obj->job_cond);
    g_mutex_clear(&obj->lock);
    g_free(obj);
}

void
domain_obj_lock(DomainObj *obj)
{
    g_mutex_lock(&obj->lock);
}

void
domain_obj_unlock(DomainObj *obj)
{
    g_mutex_unlock(&obj->lock);
}

void
domain_obj_end_api(DomainObj *obj)
{
    if (!obj)
        return;
    domain_obj_unlock(obj);
    domain_obj_unref(obj);
}

int
domain_obj_begin_job(DomainObj *obj, DomainJob job)
{
    gint64 deadline = g_get_monotonic_time() + DOMAIN_JOB_WAIT_US;

    while (obj->job != DOMAIN_JOB_NONE) {
        if (!g_cond_wait_until(&obj->job_cond, &obj->lock, deadline) &&
            obj->job != DOMAIN_JOB_NONE) {
            error_report(VK_FROM_QEMU, VK_ERR_OPERATION_TIMEOUT, "%s",
                         _("cannot acquire state change lock"));
            return -1;
        }
    }
    if (obj->removing) {
        char uuid[DOMAIN_UUID_STRLEN];

        domain_def_get_uuid_string(obj->def, uuid);
        error_report(VK_FROM_QEMU, VK_ERR_NO_DOMAIN,
                     _("no domain with matching uuid '%1$s' (%2$s)"),
                     uuid, obj->def->name);
        return -1;
    }
    obj->job = job;
    obj->job_owner = g_thread_self();
    return 0;
}

void
domain_obj_end_job(DomainObj *obj)
{
    obj->job = DOMAIN_JOB_NONE;
    obj->job_owner = NULL;
    g_cond_broadcast(&obj->job_cond);
}

bool
domain_obj_is_active(const DomainObj *obj)
{
    return domain_def_get_id(obj->def) >= 0;
}

int
domain_obj_get_id(const DomainObj *obj)
{
    return domain_def_get_id(obj->def);
}

void
domain_obj_set_state(DomainObj *obj, DomainState state, int reason)
{
    obj->state = state;
    obj->reason = reason;
}

DomainDef *
domain_obj_get_persistent_def(DomainObj *obj)
{
    if (!obj->persistent)
        return NULL;
    return obj->newdef ? obj->newdef : obj->def;
}

int
domain_obj_resolve_affect(DomainObj *obj, unsigned int flags, bool *live,
                          bool *config)
{
    bool active = domain_obj_is_active(obj);

    *live = flags & 1;
    *config = flags & 2;
    if (!*live && !*config) {
        *live = active;
        *config = !active;
    }
    if (*live && !active) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("domain is not running"));
        return -1;
    }
    if (*config && !obj->persistent) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("transient domains do not have any persistent config"));
        return -1;
    }
    return 0;
}
