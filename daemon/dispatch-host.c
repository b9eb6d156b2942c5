/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host information procedures (capabilities, node info and statistics,
 * sysinfo, max vcpus, domain capabilities, security model).  They are
 * wired to driver/host/host.h once that driver is on main; until then
 * they answer VIR_ERR_NO_SUPPORT like every unimplemented procedure.
 */
#include "daemon/dispatch-families.h"

const DispatchFamily dispatch_family_host = { NULL, 0 };
