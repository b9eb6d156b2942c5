/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Virtual network procedures.  Until the network driver exists there are no such
 * objects: lookups fail with the specific "not found" code clients test
 * for.  The driver replaces these handlers and adds its rows here.
 */
#include "daemon/dispatch-families.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "util/error.h"
#include "util/i18n.h"

static int
network_lookup_by_name(DispatchCall *call, void *argsp, void *retp)
{
    remote_lookup_by_name_args *args = argsp;

    error_report(VK_FROM_NETWORK, VK_ERR_NO_NETWORK,
                 _("no network with matching name '%1$s'"), args->name);
    return -1;
}

static int
network_lookup_by_uuid(DispatchCall *call, void *argsp, void *retp)
{
    remote_lookup_by_uuid_args *args = argsp;
    g_autofree char *uuid = dispatch_uuid_format((unsigned char *) args->uuid);

    error_report(VK_FROM_NETWORK, VK_ERR_NO_NETWORK,
                 _("no network with matching uuid '%1$s'"), uuid);
    return -1;
}

static const DispatchEntry network_entries[] = {
    DISPATCH_ENTRY_NORET(46, network_lookup_by_name, remote_lookup_by_name_args, 0),
    DISPATCH_ENTRY_NORET(47, network_lookup_by_uuid, remote_lookup_by_uuid_args, 0),
};

const DispatchFamily dispatch_family_network = {
    network_entries, G_N_ELEMENTS(network_entries)
};
