/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv4/IPv6 addresses and subnets as network XML uses them. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

typedef struct {
    int family;          /* AF_INET, AF_INET6, or 0 when unset */
    uint8_t bytes[16];   /* network byte order; 4 used for AF_INET */
} NetAddr;

/* Parses a numeric address; 0 or -1 (no error reported). */
int net_addr_parse(const char *str, NetAddr *addr);

/* Canonical text form into a newly allocated string. */
char *net_addr_format(const NetAddr *addr);

static inline bool
net_addr_is_set(const NetAddr *a)
{
    return a->family != 0;
}

/* Number of address bits: 32 or 128. */
int net_addr_bits(const NetAddr *a);

/* <0, 0, >0 as a sorts before, equal to, after b; families must match. */
int net_addr_cmp(const NetAddr *a, const NetAddr *b);
bool net_addr_equal(const NetAddr *a, const NetAddr *b);

/* True if @a and @b share their first @prefix bits. */
bool net_addr_same_subnet(const NetAddr *a, const NetAddr *b, int prefix);

/* Netmask <-> prefix; netmask_to_prefix returns -1 for non-contiguous masks. */
int net_addr_netmask_to_prefix(const NetAddr *mask);
void net_addr_prefix_to_netmask(int prefix, int family, NetAddr *mask);

/* The subnet address (host bits cleared) and broadcast (host bits set). */
void net_addr_network(const NetAddr *a, int prefix, NetAddr *out);
void net_addr_broadcast(const NetAddr *a, int prefix, NetAddr *out);

/* True if subnets a/pa and b/pb overlap. */
bool net_addr_subnets_overlap(const NetAddr *a, int pa, const NetAddr *b, int pb);
