/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "daemon/dispatch-families.h"

const DispatchFamily *const dispatch_remote_families[] = {
    &dispatch_family_connect,
    &dispatch_family_domain,
    &dispatch_family_domain_lifecycle,
    &dispatch_family_event,
    &dispatch_family_network,
    &dispatch_family_storage,
    &dispatch_family_nodedev,
    &dispatch_family_secret,
    &dispatch_family_interface,
    &dispatch_family_host,
    NULL,
};

char *
dispatch_uuid_format(const unsigned char *u)
{
    return g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                           "%02x%02x%02x%02x%02x%02x",
                           u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
                           u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}
