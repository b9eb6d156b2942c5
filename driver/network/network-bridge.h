/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The bridge of a virtual network, and checks against the host's links,
 * addresses and routes, all through rtnetlink (driver/interface). */
#pragma once

#include <stdbool.h>

#include "conf/network/network-conf.h"

/* 1 if link @name exists, 0 if not, -1 on error. */
int network_link_exists(const char *name);

/* Creates @def's bridge with its MAC, MTU, STP/delay and addresses, up.
 * Fails with "bridge name ... already in use" if the link exists. */
int network_bridge_create(const NetworkDef *def);

/* Deletes bridge @name (missing: 0). */
int network_bridge_delete(const char *name);

/* Fails if a host address or route (not on @def's own bridge) overlaps
 * one of @def's subnets: "Network is already in use by interface X". */
int network_host_check_overlap(const NetworkDef *def);
