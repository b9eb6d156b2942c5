/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Node device procedures.  Until the nodedev driver exists there are no such
 * objects: lookups fail with the specific "not found" code clients test
 * for.  The driver replaces these handlers and adds its rows here.
 */
#include "daemon/dispatch-families.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "util/error.h"
#include "util/i18n.h"

static int
nodedev_lookup_by_name(DispatchCall *call, void *argsp, void *retp)
{
    remote_lookup_by_name_args *args = argsp;

    error_report(VK_FROM_NODEDEV, VK_ERR_NO_NODE_DEVICE,
                 _("no node device with matching name '%1$s'"), args->name);
    return -1;
}

static const DispatchEntry nodedev_entries[] = {
    DISPATCH_ENTRY_NORET(113, nodedev_lookup_by_name, remote_lookup_by_name_args, 0),
};

const DispatchFamily dispatch_family_nodedev = {
    nodedev_entries, G_N_ELEMENTS(nodedev_entries)
};
