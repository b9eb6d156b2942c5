/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Secret procedures.  Until the secret driver exists there are no such
 * objects: lookups fail with the specific "not found" code clients test
 * for.  The driver replaces these handlers and adds its rows here.
 */
#include "daemon/dispatch-families.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "util/error.h"
#include "util/i18n.h"

static int
secret_lookup_by_uuid(DispatchCall *call, void *argsp, void *retp)
{
    remote_lookup_by_uuid_args *args = argsp;
    g_autofree char *uuid = dispatch_uuid_format((unsigned char *) args->uuid);

    error_report(VK_FROM_SECRET, VK_ERR_NO_SECRET,
                 _("no secret with matching uuid '%1$s'"), uuid);
    return -1;
}

static int
secret_lookup_by_usage(DispatchCall *call, void *argsp, void *retp)
{
    remote_secret_lookup_by_usage_args *args = argsp;

    error_report(VK_FROM_SECRET, VK_ERR_NO_SECRET,
                 _("no secret with matching usage '%1$s'"), args->usageID);
    return -1;
}

static const DispatchEntry secret_entries[] = {
    DISPATCH_ENTRY_NORET(141, secret_lookup_by_uuid, remote_lookup_by_uuid_args, 0),
    DISPATCH_ENTRY_NORET(147, secret_lookup_by_usage,
                         remote_secret_lookup_by_usage_args, 0),
};

const DispatchFamily dispatch_family_secret = {
    secret_entries, G_N_ELEMENTS(secret_entries)
};
