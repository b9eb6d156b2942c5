/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain listing and lookup.  Until the domain driver exists the host has
 * no domains: lists are empty and lookups fail with VIR_ERR_NO_DOMAIN, the
 * code clients test for.  The domain driver replaces these handlers (and
 * adds its own rows) in this file.
 */
#include "daemon/dispatch-families.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "util/error.h"
#include "util/i18n.h"

static int
domain_list_all(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_all_domains_args *args = argsp;
    remote_connect_list_all_domains_ret *ret = retp;

    /* need_results == 0: the client only wants the count. */
    (void) args;
    ret->domains.domains_len = 0;
    ret->domains.domains_val = NULL;
    ret->ret = 0;
    return 0;
}

static int
domain_num_of(DispatchCall *call, void *args, void *retp)
{
    remote_connect_num_of_domains_ret *ret = retp;

    ret->num = 0;
    return 0;
}

static int
domain_list_ids(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_domains_args *args = argsp;

    if (args->maxids < 0 || args->maxids > REMOTE_DOMAIN_LIST_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s",
                     _("maxids > REMOTE_DOMAIN_LIST_MAX"));
        return -1;
    }
    return 0;
}

static int
domain_list_defined(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_defined_domains_args *args = argsp;

    if (args->maxnames < 0 || args->maxnames > REMOTE_DOMAIN_LIST_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s",
                     _("maxnames > REMOTE_DOMAIN_LIST_MAX"));
        return -1;
    }
    return 0;
}

static int
domain_lookup_by_name(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_lookup_by_name_args *args = argsp;

    error_report(VK_FROM_QEMU, VK_ERR_NO_DOMAIN,
                 _("no domain with matching name '%1$s'"), args->name);
    return -1;
}

static int
domain_lookup_by_uuid(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_lookup_by_uuid_args *args = argsp;
    g_autofree char *uuid = dispatch_uuid_format((unsigned char *) args->uuid);

    error_report(VK_FROM_QEMU, VK_ERR_NO_DOMAIN,
                 _("no domain with matching uuid '%1$s'"), uuid);
    return -1;
}

static int
domain_lookup_by_id(DispatchCall *call, void *argsp, void *retp)
{
    remote_domain_lookup_by_id_args *args = argsp;

    error_report(VK_FROM_QEMU, VK_ERR_NO_DOMAIN,
                 _("no domain with matching id %1$d"), args->id);
    return -1;
}

static const DispatchEntry domain_entries[] = {
    DISPATCH_ENTRY(273, domain_list_all, remote_connect_list_all_domains_args,
                   remote_connect_list_all_domains_ret, 0),
    DISPATCH_ENTRY_NOARGS(51, domain_num_of, remote_connect_num_of_domains_ret, 0),
    DISPATCH_ENTRY_NOARGS(25, domain_num_of,
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
};

const DispatchFamily dispatch_family_domain = {
    domain_entries, G_N_ELEMENTS(domain_entries)
};
