/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host interface procedures.  Until the interface driver exists there are no such
 * objects: lookups fail with the specific "not found" code clients test
 * for.  The driver replaces these handlers and adds its rows here.
 */
#include "daemon/dispatch-families.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "util/error.h"
#include "util/i18n.h"

static int
interface_lookup_by_name(DispatchCall *call, void *argsp, void *retp)
{
    remote_lookup_by_name_args *args = argsp;

    error_report(VK_FROM_INTERFACE, VK_ERR_NO_INTERFACE,
                 _("couldn't find interface named '%1$s'"), args->name);
    return -1;
}

static int
interface_lookup_by_mac(DispatchCall *call, void *argsp, void *retp)
{
    remote_lookup_by_name_args *args = argsp;

    error_report(VK_FROM_INTERFACE, VK_ERR_NO_INTERFACE,
                 _("couldn't find interface with MAC address '%1$s'"), args->name);
    return -1;
}

static const DispatchEntry interface_entries[] = {
    DISPATCH_ENTRY_NORET(128, interface_lookup_by_name, remote_lookup_by_name_args, 0),
    DISPATCH_ENTRY_NORET(129, interface_lookup_by_mac, remote_lookup_by_name_args, 0),
};

const DispatchFamily dispatch_family_interface = {
    interface_entries, G_N_ELEMENTS(interface_entries)
};
