/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the network parser, validator and updater. */
#pragma once

#include "conf/network/network-conf.h"

bool network_addr_in_ip(const NetAddr *a, const NetworkIPDef *ip);
int network_dhcp_range_parse(xmlNode *node, NetworkDhcpRange *r);
int network_dhcp_range_check(const NetworkDef *def, const NetworkIPDef *ip,
                             const NetworkDhcpRange *r);
bool network_dhcp_ranges_overlap(const NetworkDhcpRange *a, const NetworkDhcpRange *b);
/* *what names the attribute that clashes: "mac", "name", "id" or "ip". */
bool network_dhcp_hosts_clash(const NetworkDhcpHost *a, const NetworkDhcpHost *b,
                              const char **what);
