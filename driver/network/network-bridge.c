/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include <net/if.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "conf/interface/interface-conf.h"
#include "driver/interface/iface-netlink.h"
#include "driver/network/network-bridge.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_NETWORK

static void
sock_free(struct nl_sock *sk)
{
    if (sk)
        nl_socket_free(sk);
}

int
network_link_exists(const char *name)
{
    struct nl_sock *sk = iface_nl_open();
    int idx;

    if (!sk)
        return -1;
    idx = iface_nl_ifindex(sk, name);
    sock_free(sk);
    return idx < 0 ? -1 : idx > 0;
}

static void
add_ips(InterfaceDef *br, const NetworkDef *def)
{
    for (guint i = 0; i < def->ips->len; i++) {
        const NetworkIPDef *ip = def->ips->pdata[i];
        InterfaceProtocol *proto = ip->family == AF_INET6 ? &br->ipv6 : &br->ipv4;
        InterfaceIP a = { ip->address, ip->prefix };

        proto->present = true;
        proto->family = ip->family;
        if (!proto->ips)
            proto->ips = g_array_new(FALSE, TRUE, sizeof(InterfaceIP));
        g_array_append_val(proto->ips, a);
    }
}

int
network_bridge_create(const NetworkDef *def)
{
    g_autoptr(InterfaceDef) br = interface_def_new(INTERFACE_TYPE_BRIDGE, def->bridge);
    struct nl_sock *sk = iface_nl_open();
    int idx, ret = -1;

    if (!sk)
        return -1;
    if ((idx = iface_nl_ifindex(sk, def->bridge)) != 0) {
        if (idx > 0)
            error_report(DOM, VK_ERR_INTERNAL_ERROR, _("bridge name '%s' already in use."),
                         def->bridge);
        goto out;
    }
    if (def->has_mac) {
        br->has_mac = true;
        memcpy(br->mac, def->mac, 6);
    }
    br->mtu = def->mtu;
    br->stp = def->stp == XML_TRISTATE_NO ? XML_TRISTATE_NO : XML_TRISTATE_YES;
    br->delay = g_strdup_printf("%" G_GUINT64_FORMAT, def->delay);
    add_ips(br, def);
    ret = iface_nl_create(sk, br, true);
 out:
    sock_free(sk);
    return ret;
}

int
network_bridge_delete(const char *name)
{
    struct nl_sock *sk = iface_nl_open();
    struct nl_msg *msg;
    int idx, ret = -1;

    if (!sk)
        return -1;
    if ((idx = iface_nl_ifindex(sk, name)) <= 0) {
        ret = idx == 0 ? 0 : -1;
        goto out;
    }
    if (!(msg = iface_nl_build_delete(idx)))
        goto out;
    ret = iface_nl_send(sk, msg, name, NULL);
    nlmsg_free(msg);
 out:
    sock_free(sk);
    return ret;
}

typedef struct {
    const NetworkDef *def;
    struct nl_cache *links;
    char *culprit;
} OverlapCtx;

static void
check_prefix(OverlapCtx *c, struct nl_addr *a, int ifindex)
{
    NetAddr addr = { 0 };
    int plen = nl_addr_get_prefixlen(a);
    char name[IFNAMSIZ + 1] = "";

    if (c->culprit || plen == 0)
        return;
    addr.family = nl_addr_get_family(a);
    if ((addr.family != AF_INET && addr.family != AF_INET6) ||
        nl_addr_get_len(a) != (addr.family == AF_INET ? 4u : 16u))
        return;
    memcpy(addr.bytes, nl_addr_get_binary_addr(a), nl_addr_get_len(a));
    if (addr.family == AF_INET6 && addr.bytes[0] == 0xfe && (addr.bytes[1] & 0xc0) == 0x80)
        return;   /* link-local: on every link */
    if (ifindex > 0)
        rtnl_link_i2name(c->links, ifindex, name, sizeof(name));
    if (c->def->bridge && strcmp(name, c->def->bridge) == 0)
        return;
    for (guint i = 0; i < c->def->ips->len; i++) {
        const NetworkIPDef *ip = c->def->ips->pdata[i];

        if (ip->family == addr.family &&
            net_addr_subnets_overlap(&ip->address, ip->prefix, &addr, plen)) {
            c->culprit = g_strdup(*name ? name : "?");
            return;
        }
    }
}

static void
addr_cb(struct nl_object *obj, void *opaque)
{
    struct rtnl_addr *a = (struct rtnl_addr *) obj;

    check_prefix(opaque, rtnl_addr_get_local(a), rtnl_addr_get_ifindex(a));
}

static void
route_cb(struct nl_object *obj, void *opaque)
{
    struct rtnl_route *r = (struct rtnl_route *) obj;
    struct rtnl_nexthop *nh;
    struct nl_addr *dst = rtnl_route_get_dst(r);
    int oif = 0;

    if (!dst || rtnl_route_get_table(r) != RT_TABLE_MAIN ||
        rtnl_route_get_type(r) != RTN_UNICAST)
        return;
    if (rtnl_route_get_nnexthops(r) > 0 && (nh = rtnl_route_nexthop_n(r, 0)))
        oif = rtnl_route_nh_get_ifindex(nh);
    check_prefix(opaque, dst, oif);
}

int
network_host_check_overlap(const NetworkDef *def)
{
    struct nl_sock *sk = iface_nl_open();
    struct nl_cache *addrs = NULL, *routes = NULL;
    OverlapCtx c = { def, NULL, NULL };
    int ret = -1;

    if (!sk)
        return -1;
    if (rtnl_link_alloc_cache(sk, AF_UNSPEC, &c.links) < 0 ||
        rtnl_addr_alloc_cache(sk, &addrs) < 0 ||
        rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &routes) < 0) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR, "%s", _("cannot read host addresses and routes"));
        goto out;
    }
    nl_cache_foreach(addrs, addr_cb, &c);
    nl_cache_foreach(routes, route_cb, &c);
    if (c.culprit) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR,
                     _("Network is already in use by interface %s"), c.culprit);
        goto out;
    }
    ret = 0;
 out:
    g_free(c.culprit);
    if (routes)
        nl_cache_free(routes);
    if (addrs)
        nl_cache_free(addrs);
    if (c.links)
        nl_cache_free(c.links);
    sock_free(sk);
    return ret;
}
