/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Building and sending the rtnetlink requests of the interface driver. */
#include <errno.h>
#include <string.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/socket.h>

#include "driver/interface/iface-netlink.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_INTERFACE

static const char *const arp_validate_names[] = { "none", "active", "backup", "all" };

static struct nl_msg *
link_msg_new(int type, int flags, int ifindex)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
    struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

    if (!msg)
        return NULL;
    if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
        nlmsg_free(msg);
        return NULL;
    }
    return msg;
}

static int
put_bridge_data(struct nl_msg *msg, const InterfaceDef *def)
{
    if (def->delay) {
        double d = g_ascii_strtod(def->delay, NULL);

        if (nla_put_u32(msg, IFLA_BR_FORWARD_DELAY, (uint32_t) (d * 100 + 0.5)) < 0)
            return -1;
    }
    if (def->stp != XML_TRISTATE_ABSENT &&
        nla_put_u32(msg, IFLA_BR_STP_STATE, def->stp == XML_TRISTATE_YES ? 1 : 0) < 0)
        return -1;
    return 0;
}

static int
put_arp_target(struct nl_msg *msg, const InterfaceDef *def)
{
    struct nlattr *targets = nla_nest_start(msg, IFLA_BOND_ARP_IP_TARGET);
    uint32_t be;

    if (!targets)
        return -1;
    memcpy(&be, def->arp_target.bytes, 4);
    if (nla_put_u32(msg, 0, be) < 0)
        return -1;
    nla_nest_end(msg, targets);
    return 0;
}

static int
put_bond_data(struct nl_msg *msg, const InterfaceDef *def)
{
    if (def->bond_mode != INTERFACE_BOND_DEFAULT &&
        nla_put_u8(msg, IFLA_BOND_MODE, (uint8_t) (def->bond_mode - 1)) < 0)
        return -1;
    if (def->monitor == INTERFACE_MONITOR_MII) {
        if (nla_put_u32(msg, IFLA_BOND_MIIMON, (uint32_t) def->mii_freq) < 0 ||
            (def->mii_updelay &&
             nla_put_u32(msg, IFLA_BOND_UPDELAY, (uint32_t) def->mii_updelay) < 0) ||
            (def->mii_downdelay &&
             nla_put_u32(msg, IFLA_BOND_DOWNDELAY, (uint32_t) def->mii_downdelay) < 0) ||
            (def->mii_carrier &&
             nla_put_u8(msg, IFLA_BOND_USE_CARRIER,
                        strcmp(def->mii_carrier, "netif") == 0 ? 1 : 0) < 0))
            return -1;
    } else if (def->monitor == INTERFACE_MONITOR_ARP) {
        if (nla_put_u32(msg, IFLA_BOND_ARP_INTERVAL, (uint32_t) def->arp_interval) < 0 ||
            put_arp_target(msg, def) < 0)
            return -1;
        for (uint32_t i = 0; def->arp_validate && i < G_N_ELEMENTS(arp_validate_names); i++) {
            if (strcmp(def->arp_validate, arp_validate_names[i]) == 0 &&
                nla_put_u32(msg, IFLA_BOND_ARP_VALIDATE, i) < 0)
                return -1;
        }
    }
    return 0;
}

static int
put_linkinfo(struct nl_msg *msg, const InterfaceDef *def)
{
    struct nlattr *info = nla_nest_start(msg, IFLA_LINKINFO);
    struct nlattr *data;
    int r = 0;

    if (!info || nla_put_string(msg, IFLA_INFO_KIND, interface_type_to_string(def->type)) < 0)
        return -1;
    if (!(data = nla_nest_start(msg, IFLA_INFO_DATA)))
        return -1;
    if (def->type == INTERFACE_TYPE_BRIDGE)
        r = put_bridge_data(msg, def);
    else if (def->type == INTERFACE_TYPE_BOND)
        r = put_bond_data(msg, def);
    else if (def->type == INTERFACE_TYPE_VLAN)
        r = nla_put_u16(msg, IFLA_VLAN_ID, (uint16_t) def->vlan_tag);
    if (r < 0)
        return -1;
    nla_nest_end(msg, data);
    nla_nest_end(msg, info);
    return 0;
}

static int
put_create_attrs(struct nl_msg *msg, const InterfaceDef *def, int parent_ifindex)
{
    if (nla_put_string(msg, IFLA_IFNAME, def->name) < 0)
        return -1;
    if (def->mtu && nla_put_u32(msg, IFLA_MTU, (uint32_t) def->mtu) < 0)
        return -1;
    if (def->has_mac && nla_put(msg, IFLA_ADDRESS, 6, def->mac) < 0)
        return -1;
    if (def->type == INTERFACE_TYPE_VLAN &&
        nla_put_u32(msg, IFLA_LINK, (uint32_t) parent_ifindex) < 0)
        return -1;
    return put_linkinfo(msg, def);
}

static struct nl_msg *
build_failed(struct nl_msg *msg, const char *what)
{
    nlmsg_free(msg);
    error_report(DOM, VK_ERR_INTERNAL_ERROR, _("cannot build netlink request: %s"), what);
    return NULL;
}

struct nl_msg *
iface_nl_build_create(const InterfaceDef *def, int parent_ifindex)
{
    struct nl_msg *msg;

    if (def->type == INTERFACE_TYPE_ETHERNET) {
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("ethernet interface '%s' cannot be created, only configured"), def->name);
        return NULL;
    }
    if (def->type == INTERFACE_TYPE_VLAN && parent_ifindex <= 0) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("VLAN '%1$s' needs its parent '%2$s' to exist"),
                     def->name, def->vlan_parent);
        return NULL;
    }
    if (!(msg = link_msg_new(RTM_NEWLINK, IFACE_NL_CREATE_FLAGS, 0)))
        return build_failed(NULL, def->name);
    if (put_create_attrs(msg, def, parent_ifindex) < 0)
        return build_failed(msg, def->name);
    return msg;
}

struct nl_msg *
iface_nl_build_set_master(int ifindex, int master_ifindex)
{
    struct nl_msg *msg = link_msg_new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex);

    if (!msg || nla_put_u32(msg, IFLA_MASTER, (uint32_t) master_ifindex) < 0)
        return build_failed(msg, "IFLA_MASTER");
    return msg;
}

struct nl_msg *
iface_nl_build_set_mtu(int ifindex, unsigned mtu)
{
    struct nl_msg *msg = link_msg_new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex);

    if (!msg || nla_put_u32(msg, IFLA_MTU, mtu) < 0)
        return build_failed(msg, "IFLA_MTU");
    return msg;
}

struct nl_msg *
iface_nl_build_set_up(int ifindex, bool up)
{
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
    struct ifinfomsg ifi = {
        .ifi_family = AF_UNSPEC,
        .ifi_index = ifindex,
        .ifi_flags = up ? IFF_UP : 0,
        .ifi_change = IFF_UP,
    };

    if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
        return build_failed(msg, "IFF_UP");
    return msg;
}

struct nl_msg *
iface_nl_build_delete(int ifindex)
{
    struct nl_msg *msg = link_msg_new(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex);

    if (!msg)
        return build_failed(NULL, "RTM_DELLINK");
    return msg;
}

struct nl_msg *
iface_nl_build_add_address(int ifindex, const NetAddr *addr, int prefix)
{
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWADDR, IFACE_NL_CREATE_FLAGS);
    int len = addr->family == AF_INET6 ? 16 : 4;
    struct ifaddrmsg ifa = {
        .ifa_family = (uint8_t) addr->family,
        .ifa_prefixlen = (uint8_t) prefix,
        .ifa_index = (uint32_t) ifindex,
        .ifa_scope = RT_SCOPE_UNIVERSE,
    };

    if (!msg || nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
        nla_put(msg, IFA_LOCAL, len, addr->bytes) < 0 ||
        nla_put(msg, IFA_ADDRESS, len, addr->bytes) < 0)
        return build_failed(msg, "RTM_NEWADDR");
    return msg;
}

struct nl_msg *
iface_nl_build_del_address(int ifindex, const NetAddr *addr, int prefix)
{
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK);
    int len = addr->family == AF_INET6 ? 16 : 4;
    struct ifaddrmsg ifa = {
        .ifa_family = (uint8_t) addr->family,
        .ifa_prefixlen = (uint8_t) prefix,
        .ifa_index = (uint32_t) ifindex,
    };

    if (!msg || nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
        nla_put(msg, IFA_LOCAL, len, addr->bytes) < 0 ||
        nla_put(msg, IFA_ADDRESS, len, addr->bytes) < 0)
        return build_failed(msg, "RTM_DELADDR");
    return msg;
}

struct nl_sock *
iface_nl_open(void)
{
    struct nl_sock *sk = nl_socket_alloc();
    int r;

    if (!sk) {
        error_report(DOM, VK_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    if ((r = nl_connect(sk, NETLINK_ROUTE)) < 0) {
        error_report(DOM, VK_ERR_SYSTEM_ERROR, _("cannot open rtnetlink socket: %s"),
                     nl_geterror(r));
        nl_socket_free(sk);
        return NULL;
    }
    return sk;
}

int
iface_nl_send(struct nl_sock *sk, struct nl_msg *msg, const char *what, int *kernel_err)
{
    int r = nl_send_auto(sk, msg);

    if (r >= 0)
        r = nl_wait_for_ack(sk);
    if (kernel_err)
        *kernel_err = r < 0 ? r : 0;
    if (r < 0) {
        error_report(DOM, VK_ERR_OPERATION_FAILED, _("%1$s failed: %2$s"), what,
                     nl_geterror(r));
        return -1;
    }
    return 0;
}

int
iface_nl_ifindex(struct nl_sock *sk, const char *name)
{
    unsigned idx = if_nametoindex(name);

    (void) sk;
    if (idx == 0 && errno != ENODEV && errno != ENXIO) {
        error_report_errno(DOM, errno, _("cannot look up interface '%s'"), name);
        return -1;
    }
    return (int) idx;
}

/* Sends and frees @msg. */
static int
send_free(struct nl_sock *sk, struct nl_msg *msg, const char *what)
{
    int r;

    if (!msg)
        return -1;
    r = iface_nl_send(sk, msg, what, NULL);
    nlmsg_free(msg);
    return r;
}

static int
create_extras(struct nl_sock *sk, const InterfaceDef *def, int ifindex, bool up)
{
    const InterfaceProtocol *protos[] = { &def->ipv4, &def->ipv6 };

    for (guint i = 0; i < def->ports->len; i++) {
        const InterfaceDef *port = def->ports->pdata[i];
        int pidx = iface_nl_ifindex(sk, port->name);

        if (pidx <= 0) {
            if (pidx == 0)
                error_report(DOM, VK_ERR_NO_INTERFACE, _("port '%1$s' of '%2$s' does not exist"),
                             port->name, def->name);
            return -1;
        }
        /* the bonding driver refuses slaves that are up (EPERM) */
        if (def->type == INTERFACE_TYPE_BOND &&
            send_free(sk, iface_nl_build_set_up(pidx, false), port->name) < 0)
            return -1;
        if (send_free(sk, iface_nl_build_set_master(pidx, ifindex), port->name) < 0)
            return -1;
    }
    if (def->mtu && def->ports->len &&
        send_free(sk, iface_nl_build_set_mtu(ifindex, (unsigned) def->mtu), def->name) < 0)
        return -1;
    for (size_t p = 0; p < G_N_ELEMENTS(protos); p++) {
        for (guint i = 0; protos[p]->present && i < protos[p]->ips->len; i++) {
            const InterfaceIP *ip = &g_array_index(protos[p]->ips, InterfaceIP, i);
            int prefix = ip->prefix >= 0 ? ip->prefix : (ip->address.family == AF_INET ? 24 : 64);

            if (send_free(sk, iface_nl_build_add_address(ifindex, &ip->address, prefix),
                          def->name) < 0)
                return -1;
        }
    }
    if (up && send_free(sk, iface_nl_build_set_up(ifindex, true), def->name) < 0)
        return -1;
    return 0;
}

int
iface_nl_create(struct nl_sock *sk, const InterfaceDef *def, bool up)
{
    return iface_nl_create_full(sk, def, up, NULL);
}

int
iface_nl_create_full(struct nl_sock *sk, const InterfaceDef *def, bool up, int *create_err)
{
    int parent = 0, ifindex, r;
    struct nl_msg *msg;

    if (create_err)
        *create_err = 0;
    if (def->type == INTERFACE_TYPE_VLAN && (parent = iface_nl_ifindex(sk, def->vlan_parent)) < 0)
        return -1;
    if (!(msg = iface_nl_build_create(def, parent)))
        return -1;
    r = iface_nl_send(sk, msg, def->name, create_err);
    nlmsg_free(msg);
    if (r < 0)
        return -1;
    if ((ifindex = iface_nl_ifindex(sk, def->name)) <= 0) {
        if (ifindex == 0)
            error_report(DOM, VK_ERR_INTERNAL_ERROR, _("interface '%s' vanished after creation"),
                         def->name);
        return -1;
    }
    if (create_extras(sk, def, ifindex, up) < 0) {
        VkError *err = error_steal_last();
        struct nl_msg *del = iface_nl_build_delete(ifindex);

        if (del) {
            iface_nl_send(sk, del, def->name, NULL);
            nlmsg_free(del);
        }
        error_restore(err);
        return -1;
    }
    return 0;
}
