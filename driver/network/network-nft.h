/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nftables rules of a virtual network, in our own table `inet virtkvm`:
 * per network a forward filter chain fwd_BRIDGE and, for NAT, a
 * postrouting chain nat_BRIDGE.  Both scripts are single `nft -f`
 * transactions and idempotent (adding re-creates, removing tolerates a
 * missing chain); no other table is touched.
 */
#pragma once

#include <stdbool.h>

#include "conf/network/network-conf.h"

#define NETWORK_NFT_TABLE "virtkvm"
#define NETWORK_NFT_FAMILY "inet"

/* The transaction installing @def's rules (NULL: the mode needs none). */
char *network_nft_rules_add(const NetworkDef *def);
/* The transaction removing them; @drop_table: no other network has rules,
 * delete the whole table instead (one transaction either way). */
char *network_nft_rules_remove(const NetworkDef *def, bool drop_table);

/* True if @def's forward mode has rules (not open, not bridge). */
bool network_nft_needed(const NetworkDef *def);

/* Runs `nft -f -` with @script.  0/-1 with nft's message reported. */
int network_nft_apply(const char *script);

/* Deletes our table if no chain is left in it.  Errors are ignored. */
void network_nft_table_gc(void);

/* Enables IPv4 (and IPv6 if @v6) forwarding.  0/-1. */
int network_ip_forward_enable(bool v6);
