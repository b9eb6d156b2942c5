/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain procedures: the catalogue of persistent domains (define,
 * undefine, lookups, listing) and the queries and config changes of one
 * domain.  Handlers decode, call driver/domain and fill the reply; the
 * semantics live in the driver.  Without a driver (--listen-only) lists
 * are empty and lookups fail with VIR_ERR_NO_DOMAIN.
 */
#include <string.h>

#include "daemon/dispatch-families.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "daemon/protocol/virtkvm_remote_domain.h"
#include "driver/domain/domain-driver.h"
#include "driver/domain/domain-lifecycle.h"
#include "util/error.h"
#include "util/i18n.h"

#define DRV domain_driver_get_default()

static void
make_dom(remote_nonnull_domain *dom, const char *name, const unsigned char *uuid, int id)
{
    dom->name = g_strdup(name);
    memcpy(dom->uuid, uuid, DOMAIN_UUID_BUFLEN);
    dom->id = id;
}

static void
make_dom_obj(remote_nonnull_domain *dom, DomainObj *obj)
{
    make_dom(dom, obj->def->name, obj->def->uuid, domain_obj_get_id(obj));
}

/* The object a call's remote_nonnull_domain names, locked, or NULL. */
static DomainObj *
get_obj(const remote_nonnull_domain *dom)
{
    return domain_driver_lookup(DRV, (const unsigned char *) dom->uuid, dom->name);
}

/* --- define / undefine ------------------------------------------------ */

static int
define_common(const char *xml, unsigned int flags, remote_nonnull_domain *dom)
{
    DomainObj *obj = domain_driver_define_xml(DRV, xml, flags);

    if (!obj)
        return -1;
    make_dom_obj(dom, obj);
    domain_obj_end_api(obj);
    return 0;
}

static int
domain_define_xml(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_define_xml_args *args = argsp;
    remote_domain_define_xml_ret *ret = retp;

    return define_common(args->xml, 0, &ret->dom);
}

static int
domain_define_xml_flags(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_define_xml_flags_args *args = argsp;
    remote_domain_define_xml_ret *ret = retp;

    return define_common(args->xml, args->flags, &ret->dom);
}

static int
undefine_common(const remote_nonnull_domain *dom, unsigned int flags)
{
    DomainObj *obj = get_obj(dom);
    int r;

    if (!obj)
        return -1;
    r = domain_driver_undefine(DRV, obj, flags);
    domain_obj_end_api(obj);
    return r;
}

static int
domain_undefine(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_undefine_args *args = argsp;

    return undefine_common(&args->dom, 0);
}

static int
domain_undefine_flags(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_undefine_flags_args *args = argsp;

    return undefine_common(&args->dom, args->flags);
}

/* --- lookups -------------------------------------------------------- */

static int
lookup_reply(DomainObj *obj, remote_nonnull_domain *dom)
{
    if (!obj)
        return -1;
    make_dom_obj(dom, obj);
    domain_obj_end_api(obj);
    return 0;
}

static int
domain_lookup_by_name(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_lookup_by_name_args *args = argsp;
    remote_domain_lookup_by_name_ret *ret = retp;

    return lookup_reply(domain_driver_lookup_by_name(DRV, args->name), &ret->dom);
}

static int
domain_lookup_by_uuid(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_lookup_by_uuid_args *args = argsp;
    remote_domain_lookup_by_uuid_ret *ret = retp;

    return lookup_reply(domain_driver_lookup_by_uuid(DRV, (unsigned char *) args->uuid),
                        &ret->dom);
}

static int
domain_lookup_by_id(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_lookup_by_id_args *args = argsp;
    remote_domain_lookup_by_id_ret *ret = retp;

    return lookup_reply(domain_driver_lookup_by_id(DRV, args->id), &ret->dom);
}

/* --- listing -------------------------------------------------------- */

static int
domain_list_all(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_all_domains_args *args = argsp;
    remote_connect_list_all_domains_ret *ret = retp;
    g_autoptr(GArray) refs = domain_driver_list_all(DRV, args->flags);

    if (!refs)
        return -1;
    if (refs->len > REMOTE_DOMAIN_LIST_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC,
                     _("Too many domains '%1$u' for limit '%2$d'"),
                     refs->len, REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    ret->ret = refs->len;
    if (!args->need_results)
        return 0;
    ret->domains.domains_len = refs->len;
    ret->domains.domains_val = g_new0(remote_nonnull_domain, refs->len);
    for (guint i = 0; i < refs->len; i++) {
        DomainRef *r = &g_array_index(refs, DomainRef, i);

        make_dom(&ret->domains.domains_val[i], r->name, r->uuid, r->id);
    }
    return 0;
}

static int
domain_num_of(DispatchCall *call, void *args, void *retp)
{
    remote_connect_num_of_domains_ret *ret = retp;

    ret->num = domain_driver_count(DRV, true);
    return 0;
}

static int
domain_num_of_defined(DispatchCall *call, void *args, void *retp)
{
    remote_connect_num_of_defined_domains_ret *ret = retp;

    ret->num = domain_driver_count(DRV, false);
    return 0;
}

/* The first @max domains of the kind @flags selects, for the legacy
 * list calls; NULL after an error for a @max out of range. */
static GArray *
list_refs(int max, const char *what, unsigned int flags, guint *n)
{
    GArray *refs;

    if (max < 0 || max > REMOTE_DOMAIN_LIST_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, _("%1$s > REMOTE_DOMAIN_LIST_MAX"), what);
        return NULL;
    }
    refs = domain_driver_list_all(DRV, flags);
    *n = MIN(refs->len, (guint) max);
    return refs;
}

static int
domain_list_ids(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_domains_args *args = argsp;
    remote_connect_list_domains_ret *ret = retp;
    guint n;
    g_autoptr(GArray) refs = list_refs(args->maxids, "maxids", DOMAIN_LIST_ACTIVE, &n);

    if (!refs)
        return -1;
    ret->ids.ids_len = n;
    ret->ids.ids_val = g_new0(int, MAX(n, 1));
    for (guint i = 0; i < n; i++)
        ret->ids.ids_val[i] = g_array_index(refs, DomainRef, i).id;
    return 0;
}

static int
domain_list_defined(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_defined_domains_args *args = argsp;
    remote_connect_list_defined_domains_ret *ret = retp;
    guint n;
    g_autoptr(GArray) refs = list_refs(args->maxnames, "maxnames", DOMAIN_LIST_INACTIVE, &n);

    if (!refs)
        return -1;
    ret->names.names_len = n;
    ret->names.names_val = g_new0(char *, MAX(n, 1));
    for (guint i = 0; i < n; i++)
        ret->names.names_val[i] = g_strdup(g_array_index(refs, DomainRef, i).name);
    return 0;
}

/* --- queries of one domain ------------------------------------------ */

static int
domain_get_xml_desc(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_get_xml_desc_args *args = argsp;
    remote_domain_get_xml_desc_ret *ret = retp;
    DomainObj *obj;

    if ((args->flags & DOMAIN_XML_SECURE) && dispatch_client_readonly(call)) {
        error_report(VK_FROM_NONE, VK_ERR_OPERATION_DENIED, "%s",
                     _("virDomainGetXMLDesc with secure flag"));
        return -1;
    }
    if (!(obj = get_obj(&args->dom)))
        return -1;
    ret->xml = domain_driver_get_xml(DRV, obj, args->flags);
    domain_obj_end_api(obj);
    return ret->xml ? 0 : -1;
}

static int
domain_get_info(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_get_info_args *args = argsp;
    remote_domain_get_info_ret *ret = retp;
    DomainObj *obj = get_obj(&args->dom);
    DomainInfo info;

    if (!obj)
        return -1;
    domain_driver_get_info(obj, &info);
    domain_obj_end_api(obj);
    ret->state = (u_char) info.state;
    ret->maxMem = info.max_mem_kib;
    ret->memory = info.memory_kib;
    ret->nrVirtCpu = (u_short) info.nr_vcpus;
    ret->cpuTime = info.cpu_time_ns;
    return 0;
}

static int
domain_get_state(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_get_state_args *args = argsp;
    remote_domain_get_state_ret *ret = retp;
    DomainObj *obj;

    if (domain_driver_check_flags(args->flags, 0, "qemuDomainGetState") < 0 ||
        !(obj = get_obj(&args->dom)))
        return -1;
    ret->state = obj->state;
    ret->reason = obj->reason;
    domain_obj_end_api(obj);
    return 0;
}

/* Answers one int computed from the locked object. */
typedef int (*ObjIntFunc)(DomainObj *obj, unsigned int flags);

static int
obj_int(const remote_nonnull_domain *dom, unsigned int flags, ObjIntFunc fn, int *out)
{
    DomainObj *obj = get_obj(dom);
    int v;

    if (!obj)
        return -1;
    v = fn(obj, flags);
    domain_obj_end_api(obj);
    if (v < 0)
        return -1;
    *out = v;
    return 0;
}

static int
get_autostart(DomainObj *obj, unsigned int flags)
{
    return obj->autostart;
}

static int
is_active(DomainObj *obj, unsigned int flags)
{
    return domain_obj_is_active(obj);
}

static int
is_persistent(DomainObj *obj, unsigned int flags)
{
    return obj->persistent;
}

static int
is_updated(DomainObj *obj, unsigned int flags)
{
    return obj->updated;
}

static int
has_managed_save(DomainObj *obj, unsigned int flags)
{
    if (domain_driver_check_flags(flags, 0, "qemuDomainHasManagedSaveImage") < 0)
        return -1;
    return obj->has_managed_save;
}

static int
snapshot_num(DomainObj *obj, unsigned int flags)
{
    return (int) obj->nsnapshots;
}

static int
get_max_vcpus(DomainObj *obj, unsigned int flags)
{
    /* As libvirt's qemu driver: the live maximum, so an error for an
     * inactive domain. */
    return domain_driver_get_vcpus(obj, DOMAIN_AFFECT_LIVE | DOMAIN_VCPU_MAXIMUM);
}

#define OBJ_INT_HANDLER(fname, argt, rett, field, fn, flagexpr) \
    static int \
    fname(DispatchCall *call, void *argsp, void *retp) \
    { \
        argt *args = argsp; \
        rett *ret = retp; \
        return obj_int(&args->dom, flagexpr, fn, &ret->field); \
    }

OBJ_INT_HANDLER(domain_get_autostart, remote_domain_get_autostart_args,
                remote_domain_get_autostart_ret, autostart, get_autostart, 0)
OBJ_INT_HANDLER(domain_is_active, remote_domain_is_active_args,
                remote_domain_is_active_ret, active, is_active, 0)
OBJ_INT_HANDLER(domain_is_persistent, remote_domain_is_persistent_args,
                remote_domain_is_persistent_ret, persistent, is_persistent, 0)
OBJ_INT_HANDLER(domain_is_updated, remote_domain_is_updated_args,
                remote_domain_is_updated_ret, updated, is_updated, 0)
OBJ_INT_HANDLER(domain_has_managed_save, remote_domain_has_managed_save_image_args,
                remote_domain_has_managed_save_image_ret, result, has_managed_save,
                args->flags)
OBJ_INT_HANDLER(domain_snapshot_num, remote_domain_snapshot_num_args,
                remote_domain_snapshot_num_ret, num, snapshot_num, args->flags)
OBJ_INT_HANDLER(domain_get_vcpus_flags, remote_domain_get_vcpus_flags_args,
                remote_domain_get_vcpus_flags_ret, num, domain_driver_get_vcpus,
                args->flags)
OBJ_INT_HANDLER(domain_get_max_vcpus, remote_domain_get_max_vcpus_args,
                remote_domain_get_max_vcpus_ret, num, get_max_vcpus, 0)

static int
domain_get_os_type(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_get_os_type_args *args = argsp;
    remote_domain_get_os_type_ret *ret = retp;
    DomainObj *obj = get_obj(&args->dom);

    if (!obj)
        return -1;
    ret->type = g_strdup(domain_def_get_os_type(obj->def) ?: "hvm");
    domain_obj_end_api(obj);
    return 0;
}

static int
domain_get_max_memory(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_get_max_memory_args *args = argsp;
    remote_domain_get_max_memory_ret *ret = retp;
    DomainObj *obj = get_obj(&args->dom);

    if (!obj)
        return -1;
    ret->memory = domain_def_get_memory(obj->def);
    domain_obj_end_api(obj);
    return 0;
}

static int
domain_set_autostart(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_set_autostart_args *args = argsp;
    DomainObj *obj = get_obj(&args->dom);
    int r;

    if (!obj)
        return -1;
    r = domain_driver_set_autostart(DRV, obj, args->autostart != 0);
    domain_obj_end_api(obj);
    return r;
}

static int
domain_get_metadata(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_get_metadata_args *args = argsp;
    remote_domain_get_metadata_ret *ret = retp;
    DomainObj *obj = get_obj(&args->dom);

    if (!obj)
        return -1;
    ret->metadata = domain_driver_get_metadata(obj, args->type,
                                               args->uri ? *args->uri : NULL, args->flags);
    domain_obj_end_api(obj);
    return ret->metadata ? 0 : -1;
}

static int
domain_set_metadata(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_set_metadata_args *args = argsp;
    DomainObj *obj = get_obj(&args->dom);
    int r;

    if (!obj)
        return -1;
    r = domain_driver_set_metadata(DRV, obj, args->type,
                                   args->metadata ? *args->metadata : NULL,
                                   args->key ? *args->key : NULL,
                                   args->uri ? *args->uri : NULL, args->flags);
    domain_obj_end_api(obj);
    return r;
}

static int
domain_rename(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_rename_args *args = argsp;
    remote_domain_rename_ret *ret = retp;
    DomainObj *obj = get_obj(&args->dom);
    int r;

    if (!obj)
        return -1;
    r = domain_driver_rename(DRV, obj, args->new_name ? *args->new_name : NULL,
                             args->flags);
    domain_obj_end_api(obj);
    ret->retcode = r;
    return r;
}

/* --- snapshots, labels, messages: nothing exists yet ----------------- */

static int
domain_snapshot_list_names(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_snapshot_list_names_args *args = argsp;
    DomainObj *obj;

    if (args->maxnames < 0 || args->maxnames > REMOTE_DOMAIN_SNAPSHOT_LIST_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s",
                     _("maxnames > REMOTE_DOMAIN_SNAPSHOT_LIST_MAX"));
        return -1;
    }
    if (!(obj = get_obj(&args->dom)))
        return -1;
    domain_obj_end_api(obj);
    return 0;
}

static int
domain_list_all_snapshots(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_list_all_snapshots_args *args = argsp;
    remote_domain_list_all_snapshots_ret *ret = retp;
    DomainObj *obj = get_obj(&args->dom);

    if (!obj)
        return -1;
    domain_obj_end_api(obj);
    ret->ret = 0;
    return 0;
}

/* Labels go out as char arrays including the terminating NUL, as libvirt
 * sends them; an inactive domain answers "" (one NUL byte), enforcing 0. */
static void
set_security_label(remote_domain_get_security_label_ret *ret, const char *label,
                   int enforcing)
{
    ret->label.label_len = (u_int) MIN(strlen(label) + 1,
                                       (size_t) REMOTE_SECURITY_LABEL_MAX);
    ret->label.label_val = g_strndup(label, ret->label.label_len - 1);
    ret->enforcing = enforcing;
}

static int
domain_get_security_label(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_get_security_label_args *args = argsp;
    remote_domain_get_security_label_ret *ret = retp;
    DomainObj *obj = get_obj(&args->dom);
    g_autofree char *label = NULL;
    int enforcing = 0;
    int rc;

    if (!obj)
        return -1;
    rc = domain_lifecycle_security_label(obj, 0, &label, &enforcing);
    domain_obj_end_api(obj);
    if (rc < 0)
        return -1;
    set_security_label(ret, rc > 0 ? label : "", rc > 0 ? enforcing : 0);
    return 0;
}

/* One label per model of the stack for a running domain; none when
 * inactive (libvirt's qemu driver answers 0). */
static int
domain_get_security_label_list(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_get_security_label_list_args *args = argsp;
    remote_domain_get_security_label_list_ret *ret = retp;
    DomainObj *obj = get_obj(&args->dom);
    g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GArray) enf = g_array_new(FALSE, FALSE, sizeof(int));
    guint i;

    if (!obj)
        return -1;
    for (i = 0; i < 64; i++) {
        char *label = NULL;
        int enforcing = 0;
        int rc = domain_lifecycle_security_label(obj, i, &label, &enforcing);

        if (rc < 0) {
            domain_obj_end_api(obj);
            return -1;
        }
        if (rc == 0)
            break;
        g_ptr_array_add(labels, label);
        g_array_append_val(enf, enforcing);
    }
    domain_obj_end_api(obj);
    ret->labels.labels_len = labels->len;
    if (labels->len)
        ret->labels.labels_val = g_new0(remote_domain_get_security_label_ret,
                                        labels->len);
    for (i = 0; i < labels->len; i++)
        set_security_label(&ret->labels.labels_val[i], labels->pdata[i],
                           g_array_index(enf, int, i));
    ret->ret = (int) labels->len;
    return 0;
}

static int
domain_get_messages(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_get_messages_args *args = argsp;
    DomainObj *obj;

    if (domain_driver_check_flags(args->flags, 0x3, "qemuDomainGetMessages") < 0 ||
        !(obj = get_obj(&args->dom)))
        return -1;
    domain_obj_end_api(obj);
    return 0;
}

static int
domain_xml_native(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_domain_xml_from_native_args *args = argsp;

    error_report(VK_FROM_QEMU, VK_ERR_NO_SUPPORT,
                 _("conversion between domain XML and native format '%1$s' is not "
                   "supported: virtkvm runs guests in its own VMM, not from a "
                   "QEMU command line"), args->nativeFormat);
    return -1;
}

static const DispatchEntry domain_entries[] = {
    DISPATCH_ENTRY(11, domain_define_xml, remote_domain_define_xml_args,
                   remote_domain_define_xml_ret, 0),
    DISPATCH_ENTRY(350, domain_define_xml_flags, remote_domain_define_xml_flags_args,
                   remote_domain_define_xml_ret, 0),
    DISPATCH_ENTRY_NORET(35, domain_undefine, remote_domain_undefine_args, 0),
    DISPATCH_ENTRY_NORET(231, domain_undefine_flags, remote_domain_undefine_flags_args, 0),
    DISPATCH_ENTRY(273, domain_list_all, remote_connect_list_all_domains_args,
                   remote_connect_list_all_domains_ret, 0),
    DISPATCH_ENTRY_NOARGS(51, domain_num_of, remote_connect_num_of_domains_ret, 0),
    DISPATCH_ENTRY_NOARGS(25, domain_num_of_defined,
                          remote_connect_num_of_defined_domains_ret, 0),
    DISPATCH_ENTRY(37, domain_list_ids, remote_connect_list_domains_args,
                   remote_connect_list_domains_ret, 0),
    DISPATCH_ENTRY(21, domain_list_defined, remote_connect_list_defined_domains_args,
                   remote_connect_list_defined_domains_ret, 0),
    DISPATCH_ENTRY(23, domain_lookup_by_name, remote_domain_lookup_by_name_args,
                   remote_domain_lookup_by_name_ret, 0),
    DISPATCH_ENTRY(24, domain_lookup_by_uuid, remote_domain_lookup_by_uuid_args,
                   remote_domain_lookup_by_uuid_ret, 0),
    DISPATCH_ENTRY(22, domain_lookup_by_id, remote_domain_lookup_by_id_args,
                   remote_domain_lookup_by_id_ret, 0),
    DISPATCH_ENTRY(14, domain_get_xml_desc, remote_domain_get_xml_desc_args,
                   remote_domain_get_xml_desc_ret, 0),
    DISPATCH_ENTRY(16, domain_get_info, remote_domain_get_info_args,
                   remote_domain_get_info_ret, 0),
    DISPATCH_ENTRY(212, domain_get_state, remote_domain_get_state_args,
                   remote_domain_get_state_ret, 0),
    DISPATCH_ENTRY(15, domain_get_autostart, remote_domain_get_autostart_args,
                   remote_domain_get_autostart_ret, 0),
    DISPATCH_ENTRY_NORET(29, domain_set_autostart, remote_domain_set_autostart_args, 0),
    DISPATCH_ENTRY(150, domain_is_active, remote_domain_is_active_args,
                   remote_domain_is_active_ret, 0),
    DISPATCH_ENTRY(151, domain_is_persistent, remote_domain_is_persistent_args,
                   remote_domain_is_persistent_ret, 0),
    DISPATCH_ENTRY(202, domain_is_updated, remote_domain_is_updated_args,
                   remote_domain_is_updated_ret, 0),
    DISPATCH_ENTRY_NORET(264, domain_set_metadata, remote_domain_set_metadata_args, 0),
    DISPATCH_ENTRY(265, domain_get_metadata, remote_domain_get_metadata_args,
                   remote_domain_get_metadata_ret, 0),
    DISPATCH_ENTRY(358, domain_rename, remote_domain_rename_args,
                   remote_domain_rename_ret, 0),
    DISPATCH_ENTRY(19, domain_get_os_type, remote_domain_get_os_type_args,
                   remote_domain_get_os_type_ret, 0),
    DISPATCH_ENTRY(17, domain_get_max_memory, remote_domain_get_max_memory_args,
                   remote_domain_get_max_memory_ret, 0),
    DISPATCH_ENTRY(200, domain_get_vcpus_flags, remote_domain_get_vcpus_flags_args,
                   remote_domain_get_vcpus_flags_ret, 0),
    DISPATCH_ENTRY(18, domain_get_max_vcpus, remote_domain_get_max_vcpus_args,
                   remote_domain_get_max_vcpus_ret, 0),
    DISPATCH_ENTRY(183, domain_has_managed_save, remote_domain_has_managed_save_image_args,
                   remote_domain_has_managed_save_image_ret, 0),
    DISPATCH_ENTRY(187, domain_snapshot_num, remote_domain_snapshot_num_args,
                   remote_domain_snapshot_num_ret, DISPATCH_READONLY_OK),
    DISPATCH_ENTRY(188, domain_snapshot_list_names, remote_domain_snapshot_list_names_args,
                   remote_domain_snapshot_list_names_ret, 0),
    DISPATCH_ENTRY(274, domain_list_all_snapshots, remote_domain_list_all_snapshots_args,
                   remote_domain_list_all_snapshots_ret, 0),
    DISPATCH_ENTRY(121, domain_get_security_label, remote_domain_get_security_label_args,
                   remote_domain_get_security_label_ret, 0),
    DISPATCH_ENTRY(278, domain_get_security_label_list,
                   remote_domain_get_security_label_list_args,
                   remote_domain_get_security_label_list_ret, 0),
    DISPATCH_ENTRY(426, domain_get_messages, remote_domain_get_messages_args,
                   remote_domain_get_messages_ret, 0),
    DISPATCH_ENTRY(135, domain_xml_native, remote_connect_domain_xml_from_native_args,
                   remote_connect_domain_xml_from_native_ret, 0),
    DISPATCH_ENTRY(136, domain_xml_native, remote_connect_domain_xml_to_native_args,
                   remote_connect_domain_xml_to_native_ret, 0),
};

const DispatchFamily dispatch_family_domain = {
    domain_entries, G_N_ELEMENTS(domain_entries)
};
