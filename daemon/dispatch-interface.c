/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host interface procedures: decode, call driver/interface, fill the
 * reply.  The semantics live in driver/interface/iface-driver.c.
 */
#include "daemon/dispatch-families.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "daemon/protocol/virtkvm_remote_interface.h"
#include "driver/interface/iface-driver.h"
#include "util/error.h"
#include "util/i18n.h"

#define DRV iface_driver_get_default()

static void
make_iface(remote_nonnull_interface *out, const IfaceRef *ref)
{
    out->name = g_strdup(ref->name);
    out->mac = g_strdup(ref->mac);
}

static int
ref_reply(IfaceRef *ref, remote_nonnull_interface *out)
{
    if (!ref)
        return -1;
    make_iface(out, ref);
    iface_ref_free(ref);
    return 0;
}

static int
check_max(int max)
{
    if (max < 0 || max > REMOTE_INTERFACE_LIST_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s", _("maxnames > REMOTE_INTERFACE_LIST_MAX"));
        return -1;
    }
    return 0;
}

static int
iface_list_all(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_all_interfaces_args *args = argsp;
    remote_connect_list_all_interfaces_ret *ret = retp;
    g_autoptr(GPtrArray) refs = iface_driver_list(DRV, args->flags);

    if (!refs)
        return -1;
    if (refs->len > REMOTE_INTERFACE_LIST_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, _("Too many interfaces '%1$u' for limit '%2$d'"),
                     refs->len, REMOTE_INTERFACE_LIST_MAX);
        return -1;
    }
    ret->ret = refs->len;
    if (!args->need_results)
        return 0;
    ret->ifaces.ifaces_len = refs->len;
    ret->ifaces.ifaces_val = g_new0(remote_nonnull_interface, MAX(refs->len, 1));
    for (guint i = 0; i < refs->len; i++)
        make_iface(&ret->ifaces.ifaces_val[i], refs->pdata[i]);
    return 0;
}

static int
count(unsigned flags)
{
    g_autoptr(GPtrArray) refs = iface_driver_list(DRV, flags);

    return refs ? (int) refs->len : -1;
}

static int
iface_num_active(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_num_of_interfaces_ret *ret = retp;

    return (ret->num = count(IFACE_LIST_ACTIVE)) < 0 ? -1 : 0;
}

static int
iface_num_defined(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_num_of_defined_interfaces_ret *ret = retp;

    return (ret->num = count(IFACE_LIST_INACTIVE)) < 0 ? -1 : 0;
}

/* Names for the old list calls; both reply structs have this layout. */
static int
list_names(unsigned flags, int maxnames, u_int *len, remote_nonnull_string **val)
{
    g_autoptr(GPtrArray) refs = NULL;
    guint n;

    if (check_max(maxnames) < 0 || !(refs = iface_driver_list(DRV, flags)))
        return -1;
    n = MIN(refs->len, (guint) maxnames);
    *len = n;
    *val = g_new0(remote_nonnull_string, MAX(n, 1));
    for (guint i = 0; i < n; i++)
        (*val)[i] = g_strdup(((IfaceRef *) refs->pdata[i])->name);
    return 0;
}

static int
iface_list_active(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_interfaces_args *args = argsp;
    remote_connect_list_interfaces_ret *ret = retp;

    return list_names(IFACE_LIST_ACTIVE, args->maxnames, &ret->names.names_len,
                      &ret->names.names_val);
}

static int
iface_list_defined(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_defined_interfaces_args *args = argsp;
    remote_connect_list_defined_interfaces_ret *ret = retp;

    return list_names(IFACE_LIST_INACTIVE, args->maxnames, &ret->names.names_len,
                      &ret->names.names_val);
}

static int
iface_lookup_by_name(DispatchCall *call, void *argsp, void *retp)
{
    remote_interface_lookup_by_name_args *args = argsp;
    remote_interface_lookup_by_name_ret *ret = retp;

    return ref_reply(iface_driver_lookup_by_name(DRV, args->name), &ret->iface);
}

static int
iface_lookup_by_mac(DispatchCall *call, void *argsp, void *retp)
{
    remote_interface_lookup_by_mac_string_args *args = argsp;
    remote_interface_lookup_by_mac_string_ret *ret = retp;

    return ref_reply(iface_driver_lookup_by_mac(DRV, args->mac), &ret->iface);
}

static int
iface_get_xml(DispatchCall *call, void *argsp, void *retp)
{
    remote_interface_get_xml_desc_args *args = argsp;
    remote_interface_get_xml_desc_ret *ret = retp;

    ret->xml = iface_driver_get_xml(DRV, args->iface.name, args->flags);
    return ret->xml ? 0 : -1;
}

static int
iface_define(DispatchCall *call, void *argsp, void *retp)
{
    remote_interface_define_xml_args *args = argsp;
    remote_interface_define_xml_ret *ret = retp;

    return ref_reply(iface_driver_define(DRV, args->xml, args->flags), &ret->iface);
}

static int
iface_undefine(DispatchCall *call, void *argsp, void *retp)
{
    remote_interface_undefine_args *args = argsp;

    return iface_driver_undefine(DRV, args->iface.name);
}

static int
iface_create(DispatchCall *call, void *argsp, void *retp)
{
    remote_interface_create_args *args = argsp;

    return iface_driver_create(DRV, args->iface.name, args->flags);
}

static int
iface_destroy(DispatchCall *call, void *argsp, void *retp)
{
    remote_interface_destroy_args *args = argsp;

    return iface_driver_destroy(DRV, args->iface.name, args->flags);
}

static int
iface_is_active(DispatchCall *call, void *argsp, void *retp)
{
    remote_interface_is_active_args *args = argsp;
    remote_interface_is_active_ret *ret = retp;

    return (ret->active = iface_driver_is_active(DRV, args->iface.name)) < 0 ? -1 : 0;
}

static int
iface_change_begin(DispatchCall *call, void *argsp, void *retp)
{
    return iface_driver_change_begin(DRV, ((remote_interface_change_begin_args *) argsp)->flags);
}

static int
iface_change_commit(DispatchCall *call, void *argsp, void *retp)
{
    return iface_driver_change_commit(DRV, ((remote_interface_change_commit_args *) argsp)->flags);
}

static int
iface_change_rollback(DispatchCall *call, void *argsp, void *retp)
{
    return iface_driver_change_rollback(DRV,
                                        ((remote_interface_change_rollback_args *) argsp)->flags);
}

static const DispatchEntry interface_entries[] = {
    DISPATCH_ENTRY_NOARGS(126, iface_num_active, remote_connect_num_of_interfaces_ret, 0),
    DISPATCH_ENTRY(127, iface_list_active, remote_connect_list_interfaces_args,
                   remote_connect_list_interfaces_ret, 0),
    DISPATCH_ENTRY(128, iface_lookup_by_name, remote_interface_lookup_by_name_args,
                   remote_interface_lookup_by_name_ret, 0),
    DISPATCH_ENTRY(129, iface_lookup_by_mac, remote_interface_lookup_by_mac_string_args,
                   remote_interface_lookup_by_mac_string_ret, 0),
    DISPATCH_ENTRY(130, iface_get_xml, remote_interface_get_xml_desc_args,
                   remote_interface_get_xml_desc_ret, 0),
    DISPATCH_ENTRY(131, iface_define, remote_interface_define_xml_args,
                   remote_interface_define_xml_ret, 0),
    DISPATCH_ENTRY_NORET(132, iface_undefine, remote_interface_undefine_args, 0),
    DISPATCH_ENTRY_NORET(133, iface_create, remote_interface_create_args, 0),
    DISPATCH_ENTRY_NORET(134, iface_destroy, remote_interface_destroy_args, 0),
    DISPATCH_ENTRY_NOARGS(137, iface_num_defined, remote_connect_num_of_defined_interfaces_ret, 0),
    DISPATCH_ENTRY(138, iface_list_defined, remote_connect_list_defined_interfaces_args,
                   remote_connect_list_defined_interfaces_ret, 0),
    DISPATCH_ENTRY(156, iface_is_active, remote_interface_is_active_args,
                   remote_interface_is_active_ret, 0),
    DISPATCH_ENTRY_NORET(220, iface_change_begin, remote_interface_change_begin_args, 0),
    DISPATCH_ENTRY_NORET(221, iface_change_commit, remote_interface_change_commit_args, 0),
    DISPATCH_ENTRY_NORET(222, iface_change_rollback, remote_interface_change_rollback_args, 0),
    DISPATCH_ENTRY(284, iface_list_all, remote_connect_list_all_interfaces_args,
                   remote_connect_list_all_interfaces_ret, 0),
};

const DispatchFamily dispatch_family_interface = {
    interface_entries, G_N_ELEMENTS(interface_entries)
};
