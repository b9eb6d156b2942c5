/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <string.h>

#include <glib.h>

#include "conf/network/net-addr.h"

int
net_addr_parse(const char *str, NetAddr *addr)
{
    memset(addr, 0, sizeof(*addr));
    if (!str)
        return -1;
    if (inet_pton(AF_INET, str, addr->bytes) == 1) {
        addr->family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, str, addr->bytes) == 1) {
        addr->family = AF_INET6;
        return 0;
    }
    return -1;
}

char *
net_addr_format(const NetAddr *addr)
{
    char buf[INET6_ADDRSTRLEN];

    if (!addr->family || !inet_ntop(addr->family, addr->bytes, buf, sizeof(buf)))
        return NULL;
    return g_strdup(buf);
}

int
net_addr_bits(const NetAddr *a)
{
    return a->family == AF_INET6 ? 128 : 32;
}

int
net_addr_cmp(const NetAddr *a, const NetAddr *b)
{
    if (a->family != b->family)
        return a->family - b->family;
    return memcmp(a->bytes, b->bytes, a->family == AF_INET6 ? 16 : 4);
}

bool
net_addr_equal(const NetAddr *a, const NetAddr *b)
{
    return a->family == b->family && net_addr_cmp(a, b) == 0;
}

static uint8_t
net_mask_byte(int prefix, int i)
{
    int bits = prefix - i * 8;

    if (bits >= 8)
        return 0xff;
    if (bits <= 0)
        return 0;
    return (uint8_t) (0xff << (8 - bits));
}

bool
net_addr_same_subnet(const NetAddr *a, const NetAddr *b, int prefix)
{
    int n = a->family == AF_INET6 ? 16 : 4;

    if (a->family != b->family)
        return false;
    for (int i = 0; i < n; i++) {
        uint8_t m = net_mask_byte(prefix, i);

        if ((a->bytes[i] & m) != (b->bytes[i] & m))
            return false;
    }
    return true;
}

int
net_addr_netmask_to_prefix(const NetAddr *mask)
{
    int n = mask->family == AF_INET6 ? 16 : 4;
    int prefix = 0;
    bool zero_seen = false;

    for (int i = 0; i < n; i++) {
        for (int b = 7; b >= 0; b--) {
            bool set = mask->bytes[i] & (1u << b);

            if (set && zero_seen)
                return -1;
            if (set)
                prefix++;
            else
                zero_seen = true;
        }
    }
    return prefix;
}

void
net_addr_prefix_to_netmask(int prefix, int family, NetAddr *mask)
{
    memset(mask, 0, sizeof(*mask));
    mask->family = family;
    for (int i = 0; i < 16; i++)
        mask->bytes[i] = net_mask_byte(prefix, i);
}

void
net_addr_network(const NetAddr *a, int prefix, NetAddr *out)
{
    *out = *a;
    for (int i = 0; i < 16; i++)
        out->bytes[i] &= net_mask_byte(prefix, i);
}

void
net_addr_broadcast(const NetAddr *a, int prefix, NetAddr *out)
{
    int n = a->family == AF_INET6 ? 16 : 4;

    *out = *a;
    for (int i = 0; i < n; i++)
        out->bytes[i] |= (uint8_t) ~net_mask_byte(prefix, i);
}

bool
net_addr_subnets_overlap(const NetAddr *a, int pa, const NetAddr *b, int pb)
{
    if (a->family != b->family)
        return false;
    return net_addr_same_subnet(a, b, MIN(pa, pb));
}
