/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bringing a definition up on the live system: bridges, bonds and vlans
 * are created (or, when the link already exists down, configured and set
 * up), their ports set up and stripped of their addresses (the master
 * carries them, as virsh iface-bridge expects); ethernet links get their
 * MTU, static addresses and IFF_UP.  DHCP blocks are not acted on: no DHCP
 * client is run, which is logged.
 */
#include <errno.h>
#include <string.h>

#include <netlink/errno.h>

#include "driver/interface/iface-driver-priv.h"
#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"

#define DOM VK_FROM_INTERFACE

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
ifindex_of(struct nl_sock *sk, const char *name)
{
    int idx = iface_nl_ifindex(sk, name);

    if (idx == 0)
        error_report(DOM, VK_ERR_NO_INTERFACE, _("couldn't find interface named '%s'"), name);
    return idx > 0 ? idx : -1;
}

static bool
has_addr(const IfaceNlLink *l, const InterfaceIP *ip)
{
    for (guint i = 0; l && i < l->addrs->len; i++) {
        const InterfaceIP *a = &g_array_index(l->addrs, InterfaceIP, i);

        if (net_addr_equal(&a->address, &ip->address))
            return true;
    }
    return false;
}

static void
log_dhcp(const InterfaceDef *def)
{
    if ((def->ipv4.present && def->ipv4.dhcp) || (def->ipv6.present && def->ipv6.dhcp))
        log_info("interface %s: DHCP configuration is kept and reported, no DHCP client is run",
                 def->name);
}

/* Adds the static addresses of @def that @l (NULL: none) lacks. */
static int
add_addresses(struct nl_sock *sk, const InterfaceDef *def, int ifindex, const IfaceNlLink *l)
{
    const InterfaceProtocol *protos[] = { &def->ipv4, &def->ipv6 };

    log_dhcp(def);
    for (size_t p = 0; p < G_N_ELEMENTS(protos); p++) {
        for (guint i = 0; protos[p]->present && protos[p]->ips && i < protos[p]->ips->len; i++) {
            const InterfaceIP *ip = &g_array_index(protos[p]->ips, InterfaceIP, i);
            int prefix = ip->prefix >= 0 ? ip->prefix : (ip->address.family == AF_INET ? 24 : 64);

            if (!has_addr(l, ip) &&
                send_free(sk, iface_nl_build_add_address(ifindex, &ip->address, prefix),
                          def->name) < 0)
                return -1;
        }
    }
    return 0;
}

static int
start_ethernet(struct nl_sock *sk, const InterfaceDef *def, const IfaceNlLink *l)
{
    int idx;

    if (!l) {
        error_report(DOM, VK_ERR_NO_INTERFACE,
                     _("ethernet interface '%s' does not exist on this host"), def->name);
        return -1;
    }
    if ((idx = ifindex_of(sk, def->name)) < 0)
        return -1;
    if (def->mtu && def->mtu != l->mtu &&
        send_free(sk, iface_nl_build_set_mtu(idx, (unsigned) def->mtu), def->name) < 0)
        return -1;
    if (add_addresses(sk, def, idx, l) < 0)
        return -1;
    return send_free(sk, iface_nl_build_set_up(idx, true), def->name);
}

static int
report_create_failure(const InterfaceDef *def, int create_err)
{
    const char *feature = NULL, *module = NULL;

    if (create_err != -NLE_OPNOTSUPP)
        return -1;
    if (def->type == INTERFACE_TYPE_BOND) {
        feature = "bonding";
        module = "bonding";
    } else if (def->type == INTERFACE_TYPE_VLAN) {
        feature = "802.1q VLAN";
        module = "8021q";
    } else {
        feature = "bridge";
        module = "bridge";
    }
    error_reset();
    error_report(DOM, VK_ERR_OPERATION_FAILED,
                 _("cannot create %1$s interface '%2$s': the host kernel lacks %3$s support "
                   "(module '%4$s')"),
                 interface_type_to_string(def->type), def->name, feature, module);
    return -1;
}

/* Ports: up, and their addresses removed (the master now holds them). */
static int
ports_finish(struct nl_sock *sk, const InterfaceDef *def, GPtrArray *links)
{
    for (guint i = 0; i < def->ports->len; i++) {
        const InterfaceDef *port = def->ports->pdata[i];
        IfaceNlLink *pl = iface_links_find(links, port->name);
        int idx = ifindex_of(sk, port->name);

        if (idx < 0 || send_free(sk, iface_nl_build_set_up(idx, true), port->name) < 0)
            return -1;
        for (guint a = 0; pl && a < pl->addrs->len; a++) {
            const InterfaceIP *ip = &g_array_index(pl->addrs, InterfaceIP, a);

            if (send_free(sk, iface_nl_build_del_address(idx, &ip->address, ip->prefix),
                          port->name) < 0)
                return -1;
        }
    }
    return 0;
}

/* An existing, down bridge/bond/vlan: enslave, address, set up. */
static int
start_existing(struct nl_sock *sk, const InterfaceDef *def, const IfaceNlLink *l)
{
    int idx = ifindex_of(sk, def->name);

    if (idx < 0)
        return -1;
    for (guint i = 0; i < def->ports->len; i++) {
        const InterfaceDef *port = def->ports->pdata[i];
        int pidx = ifindex_of(sk, port->name);

        if (pidx < 0 ||
            (def->type == INTERFACE_TYPE_BOND &&
             send_free(sk, iface_nl_build_set_up(pidx, false), port->name) < 0) ||
            send_free(sk, iface_nl_build_set_master(pidx, idx), port->name) < 0)
            return -1;
    }
    if (add_addresses(sk, def, idx, l) < 0)
        return -1;
    return send_free(sk, iface_nl_build_set_up(idx, true), def->name);
}

int
iface_live_start(struct nl_sock *sk, const InterfaceDef *def)
{
    g_autoptr(GPtrArray) links = iface_nl_links(sk);
    IfaceNlLink *l;
    int create_err = 0;

    if (!links)
        return -1;
    l = iface_links_find(links, def->name);
    if (def->type == INTERFACE_TYPE_ETHERNET)
        return start_ethernet(sk, def, l);
    if (l) {
        if (start_existing(sk, def, l) < 0)
            return -1;
    } else {
        log_dhcp(def);
        if (iface_nl_create_full(sk, def, true, &create_err) < 0)
            return report_create_failure(def, create_err);
    }
    return ports_finish(sk, def, links);
}
