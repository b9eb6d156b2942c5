/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Virtual network procedures, answered by the network driver
 * (driver/network/network-driver.h): definition, lifecycle, XML,
 * autostart, listing (legacy and CONNECT_LIST_ALL_NETWORKS), update, DHCP
 * leases and network ports.
 */
#include <string.h>

#include "daemon/dispatch-families.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "daemon/protocol/virtkvm_remote_network.h"
#include "driver/network/network-driver.h"
#include "util/error.h"
#include "util/i18n.h"

static void
net_fill(remote_nonnull_network *out, NetworkRef *ref)
{
    out->name = g_steal_pointer(&ref->name);
    memcpy(out->uuid, ref->uuid, 16);
}

static int
net_lookup_by_name(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_lookup_by_name_args *args = argsp;
    remote_network_lookup_by_name_ret *ret = retp;
    NetworkRef ref = { 0 };

    if (network_lookup_by_name(args->name, &ref) < 0)
        return -1;
    net_fill(&ret->net, &ref);
    return 0;
}

static int
net_lookup_by_uuid(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_lookup_by_uuid_args *args = argsp;
    remote_network_lookup_by_uuid_ret *ret = retp;
    NetworkRef ref = { 0 };

    if (network_lookup_by_uuid((unsigned char *) args->uuid, &ref) < 0)
        return -1;
    net_fill(&ret->net, &ref);
    return 0;
}

/* Objects are named by UUID, as libvirtd's drivers look them up. */
#define NET_UUID(n) ((const unsigned char *) (n).uuid)

static int
net_define_xml(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_define_xml_args *args = argsp;
    remote_network_define_xml_ret *ret = retp;
    NetworkRef ref = { 0 };

    if (network_define_xml(args->xml, 0, &ref) < 0)
        return -1;
    net_fill(&ret->net, &ref);
    return 0;
}

static int
net_define_xml_flags(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_define_xml_flags_args *args = argsp;
    remote_network_define_xml_flags_ret *ret = retp;
    NetworkRef ref = { 0 };

    if (network_define_xml(args->xml, args->flags, &ref) < 0)
        return -1;
    net_fill(&ret->net, &ref);
    return 0;
}

static int
net_create_xml(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_create_xml_args *args = argsp;
    remote_network_create_xml_ret *ret = retp;
    NetworkRef ref = { 0 };

    if (network_create_xml(args->xml, 0, &ref) < 0)
        return -1;
    net_fill(&ret->net, &ref);
    return 0;
}

static int
net_create_xml_flags(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_create_xml_flags_args *args = argsp;
    remote_network_create_xml_flags_ret *ret = retp;
    NetworkRef ref = { 0 };

    if (network_create_xml(args->xml, args->flags, &ref) < 0)
        return -1;
    net_fill(&ret->net, &ref);
    return 0;
}

static int
net_undefine(DispatchCall *call, void *argsp, void *retp)
{
    return network_undefine(NET_UUID(((remote_network_undefine_args *) argsp)->net));
}

static int
net_create(DispatchCall *call, void *argsp, void *retp)
{
    return network_start(NET_UUID(((remote_network_create_args *) argsp)->net));
}

static int
net_destroy(DispatchCall *call, void *argsp, void *retp)
{
    return network_destroy(NET_UUID(((remote_network_destroy_args *) argsp)->net));
}

static int
net_get_xml_desc(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_get_xml_desc_args *args = argsp;
    remote_network_get_xml_desc_ret *ret = retp;

    ret->xml = network_get_xml_desc(NET_UUID(args->net), args->flags);
    return ret->xml ? 0 : -1;
}

static int
net_get_autostart(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_get_autostart_args *args = argsp;
    remote_network_get_autostart_ret *ret = retp;

    return network_get_autostart(NET_UUID(args->net), &ret->autostart);
}

static int
net_set_autostart(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_set_autostart_args *args = argsp;

    return network_set_autostart(NET_UUID(args->net), args->autostart != 0);
}

static int
net_get_bridge_name(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_get_bridge_name_args *args = argsp;
    remote_network_get_bridge_name_ret *ret = retp;

    ret->name = network_get_bridge_name(NET_UUID(args->net));
    return ret->name ? 0 : -1;
}

static int
net_is_active(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_is_active_args *args = argsp;
    remote_network_is_active_ret *ret = retp;

    return (ret->active = network_is_active(NET_UUID(args->net))) < 0 ? -1 : 0;
}

static int
net_is_persistent(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_is_persistent_args *args = argsp;
    remote_network_is_persistent_ret *ret = retp;

    return (ret->persistent = network_is_persistent(NET_UUID(args->net))) < 0 ? -1 : 0;
}

static int
list_all(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_all_networks_args *args = argsp;
    remote_connect_list_all_networks_ret *ret = retp;
    g_autoptr(GPtrArray) refs = network_list_all(args->flags);

    ret->ret = refs->len;
    if (!args->need_results)
        return 0;
    ret->nets.nets_len = MIN(refs->len, (guint) REMOTE_NETWORK_LIST_MAX);
    ret->nets.nets_val = g_new0(remote_nonnull_network, ret->nets.nets_len);
    for (guint i = 0; i < ret->nets.nets_len; i++)
        net_fill(&ret->nets.nets_val[i], refs->pdata[i]);
    return 0;
}

/* VIR_CONNECT_LIST_NETWORKS_ACTIVE / _INACTIVE */
#define LIST_ACTIVE 2u
#define LIST_INACTIVE 1u

static int
count_networks(unsigned flags)
{
    g_autoptr(GPtrArray) refs = network_list_all(flags);

    return (int) refs->len;
}

static int
list_names(unsigned flags, int maxnames, remote_nonnull_string **val, u_int *len)
{
    g_autoptr(GPtrArray) refs = network_list_all(flags);

    if (maxnames < 0 || maxnames > REMOTE_NETWORK_LIST_MAX) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s", _("maxnames > REMOTE_NETWORK_LIST_MAX"));
        return -1;
    }
    *len = MIN(refs->len, (guint) maxnames);
    *val = g_new0(remote_nonnull_string, *len ? *len : 1);
    for (u_int i = 0; i < *len; i++)
        (*val)[i] = g_steal_pointer(&((NetworkRef *) refs->pdata[i])->name);
    return 0;
}

static int
num_of_networks(DispatchCall *call, void *argsp, void *retp)
{
    ((remote_connect_num_of_networks_ret *) retp)->num = count_networks(LIST_ACTIVE);
    return 0;
}

static int
num_of_defined_networks(DispatchCall *call, void *argsp, void *retp)
{
    ((remote_connect_num_of_defined_networks_ret *) retp)->num = count_networks(LIST_INACTIVE);
    return 0;
}

static int
list_networks(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_networks_args *args = argsp;
    remote_connect_list_networks_ret *ret = retp;

    return list_names(LIST_ACTIVE, args->maxnames, &ret->names.names_val,
                      &ret->names.names_len);
}

static int
list_defined_networks(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_list_defined_networks_args *args = argsp;
    remote_connect_list_defined_networks_ret *ret = retp;

    return list_names(LIST_INACTIVE, args->maxnames, &ret->names.names_val,
                      &ret->names.names_len);
}

/*
 * libvirt's client library sends virNetworkUpdate's section in the
 * "command" field and the command in "section" (the public API and the
 * driver callback disagree on the order), and so does libvirtd expect
 * them; accept both orders where they cannot be confused.
 */
static void
update_order(unsigned *command, unsigned *section)
{
    bool cmd_ok = *command >= 1 && *command <= 4;
    bool sec_ok = *section == 4 || *section == 5;

    if (!(cmd_ok && sec_ok)) {
        unsigned t = *command;

        *command = *section;
        *section = t;
    }
}

static int
net_update(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_update_args *args = argsp;
    unsigned command = args->command, section = args->section;

    update_order(&command, &section);
    return network_update(NET_UUID(args->net), command, section, args->parentIndex,
                          args->xml, args->flags);
}

static remote_string
opt_string(char *s)
{
    remote_string r;

    if (!s)
        return NULL;
    r = g_new0(remote_nonnull_string, 1);
    *r = s;
    return r;
}

static int
get_dhcp_leases(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_get_dhcp_leases_args *args = argsp;
    remote_network_get_dhcp_leases_ret *ret = retp;
    g_autoptr(GPtrArray) leases = NULL;

    if (args->flags) {
        error_report(VK_FROM_NETWORK, VK_ERR_INVALID_ARG, _("unsupported flags (0x%x)"),
                     args->flags);
        return -1;
    }
    leases = network_get_dhcp_leases(NET_UUID(args->net), args->mac ? *args->mac : NULL);
    if (!leases)
        return -1;
    ret->ret = leases->len;
    if (!args->need_results)
        return 0;
    ret->leases.leases_len = MIN(leases->len, (guint) REMOTE_NETWORK_DHCP_LEASES_MAX);
    ret->leases.leases_val = g_new0(remote_network_dhcp_lease, ret->leases.leases_len);
    for (guint i = 0; i < ret->leases.leases_len; i++) {
        NetworkDhcpLease *l = leases->pdata[i];
        remote_network_dhcp_lease *r = &ret->leases.leases_val[i];

        r->iface = g_steal_pointer(&l->iface);
        r->expirytime = l->expiry;
        r->type = l->type;
        r->mac = opt_string(g_steal_pointer(&l->mac));
        r->iaid = opt_string(g_steal_pointer(&l->iaid));
        r->ipaddr = g_steal_pointer(&l->ipaddr);
        r->prefix = l->prefix;
        r->hostname = opt_string(g_steal_pointer(&l->hostname));
        r->clientid = opt_string(g_steal_pointer(&l->clientid));
    }
    return 0;
}

/* ---- network ports ---- */

static int
port_ref(const remote_nonnull_network *net, const unsigned char *uuid,
         remote_nonnull_network_port *out)
{
    NetworkRef ref = { 0 };

    if (network_lookup_by_uuid(NET_UUID(*net), &ref) < 0)
        return -1;
    net_fill(&out->net, &ref);
    memcpy(out->uuid, uuid, 16);
    return 0;
}

static int
port_create_xml(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_port_create_xml_args *args = argsp;
    remote_network_port_create_xml_ret *ret = retp;
    unsigned char uuid[16];

    if (args->flags & ~1u) {
        error_report(VK_FROM_NETWORK, VK_ERR_INVALID_ARG, _("unsupported flags (0x%x)"),
                     args->flags);
        return -1;
    }
    if (network_port_create_xml(NET_UUID(args->network), args->xml, uuid) < 0)
        return -1;
    return port_ref(&args->network, uuid, &ret->port);
}

static int
port_lookup_by_uuid(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_port_lookup_by_uuid_args *args = argsp;
    remote_network_port_lookup_by_uuid_ret *ret = retp;

    if (network_port_lookup(NET_UUID(args->network), (unsigned char *) args->uuid) < 0)
        return -1;
    return port_ref(&args->network, (unsigned char *) args->uuid, &ret->port);
}

static int
port_get_xml_desc(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_port_get_xml_desc_args *args = argsp;
    remote_network_port_get_xml_desc_ret *ret = retp;

    ret->xml = network_port_get_xml_desc(NET_UUID(args->port.net),
                                         (unsigned char *) args->port.uuid);
    return ret->xml ? 0 : -1;
}

static int
port_delete(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_port_delete_args *args = argsp;

    return network_port_remove(NET_UUID(args->port.net), (unsigned char *) args->port.uuid);
}

static int
list_all_ports(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_list_all_ports_args *args = argsp;
    remote_network_list_all_ports_ret *ret = retp;
    g_autoptr(GPtrArray) ports = network_port_list(NET_UUID(args->network));

    if (!ports)
        return -1;
    ret->ret = ports->len;
    if (!args->need_results)
        return 0;
    ret->ports.ports_len = MIN(ports->len, (guint) REMOTE_NETWORK_PORT_LIST_MAX);
    ret->ports.ports_val = g_new0(remote_nonnull_network_port, ret->ports.ports_len);
    for (guint i = 0; i < ret->ports.ports_len; i++) {
        if (port_ref(&args->network, g_bytes_get_data(ports->pdata[i], NULL),
                     &ret->ports.ports_val[i]) < 0)
            return -1;
    }
    return 0;
}

static int
port_get_parameters(DispatchCall *call, void *argsp, void *retp)
{
    remote_network_port_get_parameters_args *args = argsp;

    /* No bandwidth parameters are kept per port: an empty set. */
    return network_port_lookup(NET_UUID(args->port.net), (unsigned char *) args->port.uuid);
}

static const DispatchEntry network_entries[] = {
    DISPATCH_ENTRY(36, list_defined_networks, remote_connect_list_defined_networks_args,
                   remote_connect_list_defined_networks_ret, 0),
    DISPATCH_ENTRY(38, list_networks, remote_connect_list_networks_args,
                   remote_connect_list_networks_ret, 0),
    DISPATCH_ENTRY_NORET(39, net_create, remote_network_create_args, 0),
    DISPATCH_ENTRY(40, net_create_xml, remote_network_create_xml_args,
                   remote_network_create_xml_ret, 0),
    DISPATCH_ENTRY(41, net_define_xml, remote_network_define_xml_args,
                   remote_network_define_xml_ret, 0),
    DISPATCH_ENTRY_NORET(42, net_destroy, remote_network_destroy_args, 0),
    DISPATCH_ENTRY(43, net_get_xml_desc, remote_network_get_xml_desc_args,
                   remote_network_get_xml_desc_ret, 0),
    DISPATCH_ENTRY(44, net_get_autostart, remote_network_get_autostart_args,
                   remote_network_get_autostart_ret, 0),
    DISPATCH_ENTRY(45, net_get_bridge_name, remote_network_get_bridge_name_args,
                   remote_network_get_bridge_name_ret, 0),
    DISPATCH_ENTRY(46, net_lookup_by_name, remote_network_lookup_by_name_args,
                   remote_network_lookup_by_name_ret, 0),
    DISPATCH_ENTRY(47, net_lookup_by_uuid, remote_network_lookup_by_uuid_args,
                   remote_network_lookup_by_uuid_ret, 0),
    DISPATCH_ENTRY_NORET(48, net_set_autostart, remote_network_set_autostart_args, 0),
    DISPATCH_ENTRY_NORET(49, net_undefine, remote_network_undefine_args, 0),
    DISPATCH_ENTRY_NOARGS(50, num_of_defined_networks, remote_connect_num_of_defined_networks_ret,
                          0),
    DISPATCH_ENTRY_NOARGS(52, num_of_networks, remote_connect_num_of_networks_ret, 0),
    DISPATCH_ENTRY(152, net_is_active, remote_network_is_active_args,
                   remote_network_is_active_ret, 0),
    DISPATCH_ENTRY(153, net_is_persistent, remote_network_is_persistent_args,
                   remote_network_is_persistent_ret, 0),
    DISPATCH_ENTRY(283, list_all, remote_connect_list_all_networks_args,
                   remote_connect_list_all_networks_ret, 0),
    DISPATCH_ENTRY_NORET(291, net_update, remote_network_update_args, 0),
    DISPATCH_ENTRY(341, get_dhcp_leases, remote_network_get_dhcp_leases_args,
                   remote_network_get_dhcp_leases_ret, 0),
    DISPATCH_ENTRY(404, list_all_ports, remote_network_list_all_ports_args,
                   remote_network_list_all_ports_ret, 0),
    DISPATCH_ENTRY(405, port_lookup_by_uuid, remote_network_port_lookup_by_uuid_args,
                   remote_network_port_lookup_by_uuid_ret, 0),
    DISPATCH_ENTRY(406, port_create_xml, remote_network_port_create_xml_args,
                   remote_network_port_create_xml_ret, 0),
    DISPATCH_ENTRY(407, port_get_parameters, remote_network_port_get_parameters_args,
                   remote_network_port_get_parameters_ret, 0),
    DISPATCH_ENTRY(409, port_get_xml_desc, remote_network_port_get_xml_desc_args,
                   remote_network_port_get_xml_desc_ret, 0),
    DISPATCH_ENTRY_NORET(410, port_delete, remote_network_port_delete_args, 0),
    DISPATCH_ENTRY(432, net_define_xml_flags, remote_network_define_xml_flags_args,
                   remote_network_define_xml_flags_ret, 0),
    DISPATCH_ENTRY(437, net_create_xml_flags, remote_network_create_xml_flags_args,
                   remote_network_create_xml_flags_ret, 0),
};

const DispatchFamily dispatch_family_network = {
    network_entries, G_N_ELEMENTS(network_entries)
};
