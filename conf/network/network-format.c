/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NetworkDef -> XML, in libvirt's element order. */
#include <string.h>

#include "conf/network/network-conf.h"
#include "conf/xml-util.h"

static void
out_addr(xmlNode *node, const char *name, const NetAddr *a)
{
    g_autofree char *s = NULL;

    if (!net_addr_is_set(a))
        return;
    s = net_addr_format(a);
    xml_out_attr_str(node, name, s);
}

static void
out_tristate(xmlNode *node, const char *name, XmlTristate t, bool onoff)
{
    if (t != XML_TRISTATE_ABSENT)
        xml_out_attr_str(node, name, xml_tristate_str(t, onoff));
}

static void
format_lease(const NetworkLease *lease, xmlNode *parent)
{
    static const char *const units[] = { NULL, "seconds", "minutes", "hours" };
    xmlNode *n;

    if (!lease->present)
        return;
    n = xml_out_child(parent, "lease");
    xml_out_attr(n, "expiry", "%llu", (unsigned long long) lease->expiry);
    xml_out_attr_str(n, "unit", units[lease->unit]);
}

void
network_dhcp_host_format(const NetworkDhcpHost *h, xmlNode *parent)
{
    xmlNode *n = xml_out_child(parent, "host");

    if (h->has_mac)
        xml_out_mac_attr(n, "mac", h->mac);
    xml_out_attr_str(n, "id", h->id);
    xml_out_attr_str(n, "name", h->name);
    out_addr(n, "ip", &h->ip);
    format_lease(&h->lease, n);
}

static void
format_dhcp(const NetworkIPDef *ip, xmlNode *parent)
{
    xmlNode *dhcp = xml_out_child(parent, "dhcp");

    for (guint i = 0; i < ip->ranges->len; i++) {
        const NetworkDhcpRange *r = &g_array_index(ip->ranges, NetworkDhcpRange, i);
        xmlNode *n = xml_out_child(dhcp, "range");

        out_addr(n, "start", &r->start);
        out_addr(n, "end", &r->end);
        format_lease(&r->lease, n);
    }
    for (guint i = 0; i < ip->hosts->len; i++)
        network_dhcp_host_format(ip->hosts->pdata[i], dhcp);
    if (ip->bootp_file) {
        xmlNode *n = xml_out_child(dhcp, "bootp");

        xml_out_attr_str(n, "file", ip->bootp_file);
        xml_out_attr_str(n, "server", ip->bootp_server);
    }
}

static void
format_ip(const NetworkIPDef *ip, xmlNode *parent)
{
    xmlNode *n = xml_out_child(parent, "ip");

    if (ip->family_given)
        xml_out_attr_str(n, "family", ip->family == AF_INET ? "ipv4" : "ipv6");
    out_addr(n, "address", &ip->address);
    if (net_addr_is_set(&ip->netmask))
        out_addr(n, "netmask", &ip->netmask);
    else if (ip->prefix_given)
        xml_out_attr(n, "prefix", "%d", ip->prefix);
    out_tristate(n, "localPtr", ip->local_ptr, false);
    if (ip->tftp_root)
        xml_out_attr_str(xml_out_child(n, "tftp"), "root", ip->tftp_root);
    if (ip->has_dhcp)
        format_dhcp(ip, n);
}

static void
format_forward(const NetworkForwardDef *fwd, xmlNode *parent)
{
    xmlNode *n, *nat;

    if (fwd->mode == NETWORK_FORWARD_NONE)
        return;
    n = xml_out_child(parent, "forward");
    xml_out_attr_str(n, "dev", fwd->dev);
    xml_out_attr_str(n, "mode", network_forward_mode_to_string(fwd->mode));
    if (!fwd->has_nat)
        return;
    nat = xml_out_child(n, "nat");
    out_tristate(nat, "ipv6", fwd->nat_ipv6, false);
    if (net_addr_is_set(&fwd->nat_start)) {
        xmlNode *a = xml_out_child(nat, "address");

        out_addr(a, "start", &fwd->nat_start);
        out_addr(a, "end", &fwd->nat_end);
    }
    if (fwd->nat_port_start) {
        xmlNode *p = xml_out_child(nat, "port");

        xml_out_attr(p, "start", "%llu", (unsigned long long) fwd->nat_port_start);
        xml_out_attr(p, "end", "%llu", (unsigned long long) fwd->nat_port_end);
    }
}

static void
format_bridge(const NetworkDef *def, xmlNode *parent)
{
    bool routed = def->forward.mode != NETWORK_FORWARD_BRIDGE;
    xmlNode *n;

    if (!def->bridge && !routed)
        return;
    n = xml_out_child(parent, "bridge");
    xml_out_attr_str(n, "name", def->bridge);
    xml_out_attr_str(n, "zone", def->bridge_zone);
    if (routed) {
        xml_out_attr_str(n, "stp", def->stp == XML_TRISTATE_NO ? "off" : "on");
        xml_out_attr(n, "delay", "%llu", (unsigned long long) def->delay);
    }
    if (def->mac_table_manager != NETWORK_MAC_TABLE_DEFAULT)
        xml_out_attr_str(n, "macTableManager",
                         def->mac_table_manager == NETWORK_MAC_TABLE_KERNEL ?
                         "kernel" : "libvirt");
}

static void
format_dns(const NetworkDnsDef *dns, xmlNode *parent)
{
    xmlNode *n;

    if (!dns->present)
        return;
    n = xml_out_child(parent, "dns");
    out_tristate(n, "enable", dns->enable, false);
    out_tristate(n, "forwardPlainNames", dns->forward_plain_names, false);
    for (guint i = 0; i < dns->forwarders->len; i++) {
        const NetworkDnsForwarder *f = dns->forwarders->pdata[i];
        xmlNode *fn = xml_out_child(n, "forwarder");

        xml_out_attr_str(fn, "domain", f->domain);
        out_addr(fn, "addr", &f->addr);
    }
    xml_kept_format(dns->kept, n);
    for (guint i = 0; i < dns->hosts->len; i++) {
        const NetworkDnsHost *h = dns->hosts->pdata[i];
        xmlNode *hn = xml_out_child(n, "host");

        out_addr(hn, "ip", &h->ip);
        for (guint j = 0; j < h->hostnames->len; j++)
            xml_out_text(hn, "hostname", h->hostnames->pdata[j]);
    }
}

static void
format_head(const NetworkDef *def, xmlNode *root, unsigned flags)
{
    if (def->connections && !(flags & NETWORK_FORMAT_INACTIVE))
        xml_out_attr(root, "connections", "%llu", (unsigned long long) def->connections);
    out_tristate(root, "ipv6", def->ipv6, false);
    out_tristate(root, "trustGuestRxFilters", def->trust_guest_rx_filters, false);
    xml_out_text(root, "name", def->name);
    if (def->has_uuid)
        xml_out_uuid(root, def->uuid);
    if (def->title)
        xml_out_text(root, "title", def->title);
    if (def->description)
        xml_out_text(root, "description", def->description);
    if (def->metadata)
        xmlAddChild(root, xmlDocCopyNode(def->metadata, root->doc, 1));
}

char *
network_def_format(const NetworkDef *def, unsigned flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlNode *root = xml_out_new_doc("network", &doc);

    format_head(def, root, flags);
    format_forward(&def->forward, root);
    format_bridge(def, root);
    if (def->mtu)
        xml_out_attr(xml_out_child(root, "mtu"), "size", "%llu",
                     (unsigned long long) def->mtu);
    if (def->has_mac)
        xml_out_mac_attr(xml_out_child(root, "mac"), "address", def->mac);
    if (def->domain) {
        xmlNode *d = xml_out_child(root, "domain");

        xml_out_attr_str(d, "name", def->domain);
        out_tristate(d, "localOnly", def->domain_local_only, false);
    }
    format_dns(&def->dns, root);
    for (guint i = 0; i < def->ips->len; i++)
        format_ip(def->ips->pdata[i], root);
    xml_kept_format(def->kept, root);
    return xml_out_finish(doc);
}
