/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Balloon control of running domains; see domain-balloon.h. */
#include <json-c/json.h>

#include "driver/domain/domain-balloon.h"
#include "driver/domain/domain-driver.h"
#include "driver/domain/domain-launch.h"
#include "driver/domain/domain-runtime.h"
#include "util/error.h"
#include "util/i18n.h"

#define BALLOON_TIMEOUT_MS 2000
/* VIR_DOMAIN_MEM_MAXIMUM */
#define BALLOON_MEM_MAXIMUM (1u << 2)

static const char *
balloon_ctl_path(DomainObj *obj)
{
    DomainRuntime *rt = domain_runtime_get(obj);

    if (!rt || !domain_obj_is_active(obj) || !domain_launch_has_balloon(obj->def))
        return NULL;
    return rt->ctl_path;
}

unsigned long long
domain_balloon_current_kib(DomainObj *obj)
{
    const char *path = balloon_ctl_path(obj);
    json_object *ret, *v;
    unsigned long long kib = domain_def_get_current_memory(obj->def);

    if (!path)
        return kib;
    ret = domain_monitor_command(path, "query-balloon", BALLOON_TIMEOUT_MS);
    if (!ret) {
        error_reset();
        return kib;
    }
    if (json_object_object_get_ex(ret, "actual", &v) && json_object_is_type(v, json_type_int) &&
        json_object_get_int64(v) > 0)
        kib = (unsigned long long) json_object_get_int64(v) / 1024;
    json_object_put(ret);
    return kib;
}

int
domain_balloon_set_memory(DomainObj *obj, unsigned long long kib, unsigned int flags)
{
    const char *path;
    json_object *args, *ret;

    if (kib > domain_def_get_memory(obj->def)) {
        error_report(VK_FROM_QEMU, VK_ERR_INVALID_ARG, "%s",
                     _("cannot set memory higher than max memory"));
        return -1;
    }
    if (!domain_obj_is_active(obj)) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("domain is not running"));
        return -1;
    }
    if (flags & BALLOON_MEM_MAXIMUM) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("cannot resize the maximum memory on an active domain"));
        return -1;
    }
    if (flags & DOMAIN_AFFECT_CONFIG) {
        error_report(VK_FROM_QEMU, VK_ERR_ARGUMENT_UNSUPPORTED, "%s",
                     _("changing the persistent current memory is not supported"));
        return -1;
    }
    path = balloon_ctl_path(obj);
    if (!path) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("Unable to change memory of active domain without the "
                       "balloon device"));
        return -1;
    }
    if (kib == 0) {
        error_report(VK_FROM_QEMU, VK_ERR_INVALID_ARG, "%s",
                     _("cannot set memory to zero"));
        return -1;
    }
    args = json_object_new_object();
    json_object_object_add(args, "value", json_object_new_int64((int64_t) (kib * 1024)));
    ret = domain_monitor_command_args(path, "balloon", args, BALLOON_TIMEOUT_MS);
    json_object_put(args);
    if (!ret)
        return -1;
    json_object_put(ret);
    return 0;
}
