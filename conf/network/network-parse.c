/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network XML -> NetworkDef.  Semantic checks are in network-validate.c. */
#include <string.h>

#include "conf/network/network-conf.h"
#include "conf/network/network-priv.h"
#include "conf/xml-util.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_NETWORK
#define DNSMASQ_NS "http://libvirt.org/schemas/network/dnsmasq/1.0"


static int
parse_addr_attr(xmlNode *node, const char *name, bool required, NetAddr *out)
{
    g_autofree char *v = xml_get_prop(node, name);

    memset(out, 0, sizeof(*out));
    if (!v) {
        if (!required)
            return 0;
        error_report(DOM, VK_ERR_XML_ERROR, _("missing attribute '%1$s' in <%2$s>"),
                     name, (const char *) node->name);
        return -1;
    }
    if (net_addr_parse(v, out) < 0) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("invalid address '%1$s' in attribute '%2$s' of <%3$s>"),
                     v, name, (const char *) node->name);
        return -1;
    }
    return 0;
}

static int
parse_lease(xmlNode *node, NetworkLease *lease)
{
    g_autofree char *unit = NULL;

    if (lease->present) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one <lease> element"));
        return -1;
    }
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("expiry", "unit")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0)
        return -1;
    if (xml_strict_uint(node, "expiry", UINT32_MAX, DOM, &lease->expiry, NULL) < 0)
        return -1;
    unit = xml_get_prop(node, "unit");
    if (!unit)
        lease->unit = NETWORK_LEASE_UNIT_DEFAULT;
    else if (strcmp(unit, "seconds") == 0)
        lease->unit = NETWORK_LEASE_UNIT_SECONDS;
    else if (strcmp(unit, "minutes") == 0)
        lease->unit = NETWORK_LEASE_UNIT_MINUTES;
    else if (strcmp(unit, "hours") == 0)
        lease->unit = NETWORK_LEASE_UNIT_HOURS;
    else {
        error_report(DOM, VK_ERR_XML_ERROR, _("invalid lease unit '%s'"), unit);
        return -1;
    }
    lease->present = true;
    return 0;
}

/* Parses the only allowed child <lease> of @node, if any. */
static int
parse_lease_child(xmlNode *node, NetworkLease *lease)
{
    xmlNode *c = NULL;
    int err = 0;

    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        if (!xml_node_is(c, "lease"))
            return xml_strict_unknown_element(c, DOM);
        if (parse_lease(c, lease) < 0)
            return -1;
    }
    return err;
}

int
network_dhcp_range_parse(xmlNode *node, NetworkDhcpRange *r)
{
    memset(r, 0, sizeof(*r));
    if (!xml_node_is(node, "range")) {
        error_report(DOM, VK_ERR_XML_ERROR, _("expected <range> element, got <%s>"),
                     (const char *) node->name);
        return -1;
    }
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("start", "end")) < 0 ||
        parse_addr_attr(node, "start", true, &r->start) < 0 ||
        parse_addr_attr(node, "end", true, &r->end) < 0 ||
        parse_lease_child(node, &r->lease) < 0)
        return -1;
    if (r->start.family != r->end.family) {
        error_report(DOM, VK_ERR_XML_ERROR, _("range start and end are of different families"));
        return -1;
    }
    return 0;
}

static int
parse_range(xmlNode *node, NetworkIPDef *ip)
{
    NetworkDhcpRange r;

    if (network_dhcp_range_parse(node, &r) < 0)
        return -1;
    g_array_append_val(ip->ranges, r);
    return 0;
}

void
network_dhcp_host_free(NetworkDhcpHost *h)
{
    if (!h)
        return;
    g_free(h->id);
    g_free(h->name);
    g_free(h);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetworkDhcpHost, network_dhcp_host_free)

static int
check_host_required(const NetworkDhcpHost *h, const NetworkIPDef *ip, bool partial)
{
    if (ip->family == AF_INET) {
        if (h->id) {
            error_report(DOM, VK_ERR_XML_ERROR,
                         _("an IPv4 static host must not have an 'id' attribute"));
            return -1;
        }
        if (!h->has_mac && !h->name) {
            error_report(DOM, VK_ERR_XML_ERROR,
                         _("static host definition in IPv4 network must have mac or name attribute"));
            return -1;
        }
    } else {
        if (h->has_mac) {
            error_report(DOM, VK_ERR_XML_ERROR,
                         _("an IPv6 static host must not have a 'mac' attribute"));
            return -1;
        }
        if (!h->id && !h->name) {
            error_report(DOM, VK_ERR_XML_ERROR,
                         _("static host definition in IPv6 network must have id or name attribute"));
            return -1;
        }
    }
    if (!partial && !net_addr_is_set(&h->ip)) {
        error_report(DOM, VK_ERR_XML_ERROR, _("missing IP address in static host definition"));
        return -1;
    }
    return 0;
}

int
network_dhcp_host_parse(xmlNode *node, const NetworkIPDef *ip, bool partial,
                        NetworkDhcpHost **out)
{
    g_autoptr(NetworkDhcpHost) h = g_new0(NetworkDhcpHost, 1);
    g_autofree char *mac = NULL;

    if (!xml_node_is(node, "host")) {
        error_report(DOM, VK_ERR_XML_ERROR, _("expected <host> element, got <%s>"),
                     (const char *) node->name);
        return -1;
    }
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("mac", "id", "name", "ip")) < 0)
        return -1;
    if ((mac = xml_get_prop(node, "mac"))) {
        if (xml_mac_parse(mac, h->mac) < 0 || (h->mac[0] & 1)) {
            error_report(DOM, VK_ERR_XML_ERROR,
                         _("invalid unicast MAC address '%s' in static host"), mac);
            return -1;
        }
        h->has_mac = true;
    }
    h->id = xml_get_prop(node, "id");
    h->name = xml_get_prop(node, "name");
    if (h->name && (!h->name[0] || !g_ascii_isalpha(h->name[0]))) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("cannot use host name '%s' in static host: it must start with a letter"),
                     h->name);
        return -1;
    }
    if (parse_addr_attr(node, "ip", false, &h->ip) < 0 ||
        parse_lease_child(node, &h->lease) < 0)
        return -1;
    if (net_addr_is_set(&h->ip) && h->ip.family != ip->family) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("static host address family does not match its <ip> element"));
        return -1;
    }
    if (check_host_required(h, ip, partial) < 0)
        return -1;
    *out = g_steal_pointer(&h);
    return 0;
}

static int
parse_bootp(xmlNode *node, NetworkIPDef *ip)
{
    if (ip->bootp_file) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one <bootp> element"));
        return -1;
    }
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("file", "server")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0)
        return -1;
    ip->bootp_file = xml_get_prop(node, "file");
    ip->bootp_server = xml_get_prop(node, "server");
    if (!ip->bootp_file) {
        error_report(DOM, VK_ERR_XML_ERROR, _("missing attribute 'file' in <bootp>"));
        return -1;
    }
    return 0;
}

static int
parse_dhcp(xmlNode *node, NetworkIPDef *ip)
{
    xmlNode *c = NULL;
    int err = 0;

    if (ip->has_dhcp) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one <dhcp> element in <ip>"));
        return -1;
    }
    ip->has_dhcp = true;
    if (xml_strict_check_attrs(node, DOM, NULL) < 0)
        return -1;
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        NetworkDhcpHost *h = NULL;

        if (xml_node_is(c, "range")) {
            if (parse_range(c, ip) < 0)
                return -1;
        } else if (xml_node_is(c, "host")) {
            if (network_dhcp_host_parse(c, ip, false, &h) < 0)
                return -1;
            g_ptr_array_add(ip->hosts, h);
        } else if (xml_node_is(c, "bootp")) {
            if (parse_bootp(c, ip) < 0)
                return -1;
        } else {
            return xml_strict_unknown_element(c, DOM);
        }
    }
    return err;
}

void
network_ip_def_free(NetworkIPDef *ip)
{
    if (!ip)
        return;
    g_free(ip->tftp_root);
    g_array_unref(ip->ranges);
    g_ptr_array_unref(ip->hosts);
    g_free(ip->bootp_file);
    g_free(ip->bootp_server);
    g_free(ip);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetworkIPDef, network_ip_def_free)

static int
default_prefix(const NetworkIPDef *ip)
{
    uint8_t b = ip->address.bytes[0];

    if (ip->family == AF_INET6)
        return 64;
    if (b < 128)
        return 8;
    if (b < 192)
        return 16;
    if (b < 224)
        return 24;
    error_report(DOM, VK_ERR_XML_ERROR,
                 _("no prefix or netmask given for <ip> address outside classes A-C"));
    return -1;
}

static int
parse_ip_family(xmlNode *node, NetworkIPDef *ip)
{
    g_autofree char *family = xml_get_prop(node, "family");

    if (parse_addr_attr(node, "address", true, &ip->address) < 0)
        return -1;
    ip->family = ip->address.family;
    if (!family)
        return 0;
    ip->family_given = true;
    if ((strcmp(family, "ipv4") == 0 && ip->family == AF_INET) ||
        (strcmp(family, "ipv6") == 0 && ip->family == AF_INET6))
        return 0;
    if (strcmp(family, "ipv4") != 0 && strcmp(family, "ipv6") != 0)
        error_report(DOM, VK_ERR_XML_ERROR, _("unknown address family '%s' in <ip>"), family);
    else
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("family '%s' does not match the <ip> address"), family);
    return -1;
}

static int
parse_ip_prefix(xmlNode *node, NetworkIPDef *ip)
{
    g_autofree char *netmask = xml_get_prop(node, "netmask");
    g_autofree char *prefix = xml_get_prop(node, "prefix");
    uint64_t p = 0;

    if (netmask && prefix) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("<ip> has both netmask '%1$s' and prefix '%2$s'"), netmask, prefix);
        return -1;
    }
    if (netmask) {
        if (ip->family != AF_INET) {
            error_report(DOM, VK_ERR_XML_ERROR,
                         _("netmask is only allowed for IPv4 addresses, use prefix"));
            return -1;
        }
        if (parse_addr_attr(node, "netmask", true, &ip->netmask) < 0)
            return -1;
        if (ip->netmask.family != AF_INET ||
            (ip->prefix = net_addr_netmask_to_prefix(&ip->netmask)) < 0) {
            error_report(DOM, VK_ERR_XML_ERROR, _("invalid netmask '%s'"), netmask);
            return -1;
        }
        return 0;
    }
    if (prefix) {
        uint64_t max = ip->family == AF_INET ? 32 : 128;

        if (xml_strict_parse_uint(prefix, "ip/@prefix", UINT32_MAX, DOM, &p) < 0)
            return -1;
        if (p > max) {
            error_report(DOM, VK_ERR_XML_ERROR,
                         _("invalid prefix %1$s for an %2$s address (at most %3$u)"),
                         prefix, ip->family == AF_INET ? "IPv4" : "IPv6", (unsigned) max);
            return -1;
        }
        ip->prefix = (int) p;
        ip->prefix_given = true;
        return 0;
    }
    ip->prefix = default_prefix(ip);
    return ip->prefix < 0 ? -1 : 0;
}

static int
parse_ip(xmlNode *node, NetworkDef *def)
{
    g_autoptr(NetworkIPDef) ip = g_new0(NetworkIPDef, 1);
    xmlNode *c = NULL;
    int err = 0;

    ip->ranges = g_array_new(FALSE, TRUE, sizeof(NetworkDhcpRange));
    ip->hosts = g_ptr_array_new_with_free_func((GDestroyNotify) network_dhcp_host_free);
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("address", "netmask", "prefix",
                                                "family", "localPtr")) < 0 ||
        parse_ip_family(node, ip) < 0 ||
        parse_ip_prefix(node, ip) < 0 ||
        xml_strict_tristate(node, "localPtr", false, DOM, &ip->local_ptr) < 0)
        return -1;
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        if (xml_node_is(c, "dhcp")) {
            if (parse_dhcp(c, ip) < 0)
                return -1;
        } else if (xml_node_is(c, "tftp") && !ip->tftp_root) {
            if (xml_strict_check_attrs(c, DOM, XML_ATTRS("root")) < 0 ||
                xml_strict_check_empty(c, DOM) < 0)
                return -1;
            if (!(ip->tftp_root = xml_get_prop(c, "root"))) {
                error_report(DOM, VK_ERR_XML_ERROR, _("missing attribute 'root' in <tftp>"));
                return -1;
            }
        } else {
            return xml_strict_unknown_element(c, DOM);
        }
    }
    if (err < 0)
        return -1;
    g_ptr_array_add(def->ips, g_steal_pointer(&ip));
    return 0;
}

static void
dns_forwarder_free(NetworkDnsForwarder *f)
{
    g_free(f->domain);
    g_free(f);
}

static void
dns_host_free(NetworkDnsHost *h)
{
    g_ptr_array_unref(h->hostnames);
    g_free(h);
}

static int
parse_dns_forwarder(xmlNode *node, NetworkDnsDef *dns)
{
    NetworkDnsForwarder *f;
    NetAddr addr;

    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("addr", "domain")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0 ||
        parse_addr_attr(node, "addr", false, &addr) < 0)
        return -1;
    f = g_new0(NetworkDnsForwarder, 1);
    f->addr = addr;
    f->domain = xml_get_prop(node, "domain");
    g_ptr_array_add(dns->forwarders, f);
    if (!net_addr_is_set(&f->addr) && !f->domain) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("a DNS forwarder needs an 'addr' or a 'domain' attribute"));
        return -1;
    }
    return 0;
}

static int
parse_dns_host(xmlNode *node, NetworkDnsDef *dns)
{
    NetworkDnsHost *h = g_new0(NetworkDnsHost, 1);
    xmlNode *c = NULL;
    int err = 0;

    h->hostnames = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(dns->hosts, h);
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("ip")) < 0 ||
        parse_addr_attr(node, "ip", true, &h->ip) < 0)
        return -1;
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        char *name;

        if (!xml_node_is(c, "hostname"))
            return xml_strict_unknown_element(c, DOM);
        if (xml_strict_check_attrs(c, DOM, NULL) < 0 || !(name = xml_strict_text(c, DOM)))
            return -1;
        g_ptr_array_add(h->hostnames, name);
        if (!name[0]) {
            error_report(DOM, VK_ERR_XML_ERROR, _("empty <hostname> in DNS host"));
            return -1;
        }
    }
    if (err < 0)
        return -1;
    if (h->hostnames->len == 0) {
        error_report(DOM, VK_ERR_XML_ERROR, _("DNS host has no <hostname>"));
        return -1;
    }
    return 0;
}

static int
parse_dns(xmlNode *node, NetworkDnsDef *dns)
{
    xmlNode *c = NULL;
    int err = 0;

    if (dns->present) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one <dns> element"));
        return -1;
    }
    dns->present = true;
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("enable", "forwardPlainNames")) < 0 ||
        xml_strict_tristate(node, "enable", false, DOM, &dns->enable) < 0 ||
        xml_strict_tristate(node, "forwardPlainNames", false, DOM,
                            &dns->forward_plain_names) < 0)
        return -1;
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        int r;

        if (xml_node_is(c, "forwarder"))
            r = parse_dns_forwarder(c, dns);
        else if (xml_node_is(c, "host"))
            r = parse_dns_host(c, dns);
        else if (xml_node_is(c, "txt") || xml_node_is(c, "srv"))
            r = (g_ptr_array_add(dns->kept, xml_strict_keep(c)), 0);
        else
            r = xml_strict_unknown_element(c, DOM);
        if (r < 0)
            return -1;
    }
    return err;
}

static int
parse_forward_mode(xmlNode *node, NetworkForwardDef *fwd)
{
    g_autofree char *mode = xml_get_prop(node, "mode");

    fwd->mode = NETWORK_FORWARD_NAT;
    if (!mode)
        return 0;
    for (int m = NETWORK_FORWARD_NAT; m < NETWORK_FORWARD_LAST; m++) {
        if (strcmp(mode, network_forward_mode_to_string(m)) == 0) {
            fwd->mode = m;
            return 0;
        }
    }
    if (strcmp(mode, "passthrough") == 0 || strcmp(mode, "private") == 0 ||
        strcmp(mode, "vepa") == 0 || strcmp(mode, "hostdev") == 0)
        error_report(DOM, VK_ERR_CONFIG_UNSUPPORTED,
                     _("forward mode '%s' is not supported"), mode);
    else
        error_report(DOM, VK_ERR_XML_ERROR, _("unknown forward mode '%s'"), mode);
    return -1;
}

static int
parse_port_range(xmlNode *node, NetworkForwardDef *fwd)
{
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("start", "end")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0 ||
        xml_strict_uint(node, "start", 65535, DOM, &fwd->nat_port_start, NULL) < 0 ||
        xml_strict_uint(node, "end", 65535, DOM, &fwd->nat_port_end, NULL) < 0)
        return -1;
    if (fwd->nat_port_start == 0 || fwd->nat_port_end == 0 ||
        fwd->nat_port_start > fwd->nat_port_end) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("invalid NAT port range %1$llu-%2$llu"),
                     (unsigned long long) fwd->nat_port_start,
                     (unsigned long long) fwd->nat_port_end);
        return -1;
    }
    return 0;
}

static int
parse_nat(xmlNode *node, NetworkForwardDef *fwd)
{
    xmlNode *c = NULL;
    int err = 0;

    if (fwd->mode != NETWORK_FORWARD_NAT || fwd->has_nat) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("<nat> is allowed once and only in forward mode 'nat'"));
        return -1;
    }
    fwd->has_nat = true;
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("ipv6")) < 0 ||
        xml_strict_tristate(node, "ipv6", false, DOM, &fwd->nat_ipv6) < 0)
        return -1;
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        if (xml_node_is(c, "address") && !net_addr_is_set(&fwd->nat_start)) {
            if (xml_strict_check_attrs(c, DOM, XML_ATTRS("start", "end")) < 0 ||
                xml_strict_check_empty(c, DOM) < 0 ||
                parse_addr_attr(c, "start", true, &fwd->nat_start) < 0 ||
                parse_addr_attr(c, "end", true, &fwd->nat_end) < 0)
                return -1;
        } else if (xml_node_is(c, "port") && fwd->nat_port_start == 0) {
            if (parse_port_range(c, fwd) < 0)
                return -1;
        } else {
            return xml_strict_unknown_element(c, DOM);
        }
    }
    return err;
}

/* A <forward><interface dev=''/> as libvirt writes it for forward dev. */
static int
parse_forward_interface(xmlNode *node, NetworkForwardDef *fwd)
{
    g_autofree char *dev = xml_get_prop(node, "dev");

    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("dev")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0)
        return -1;
    if (!dev || (fwd->mode != NETWORK_FORWARD_NAT && fwd->mode != NETWORK_FORWARD_ROUTE) ||
        (fwd->dev && strcmp(fwd->dev, dev) != 0)) {
        error_report(DOM, VK_ERR_CONFIG_UNSUPPORTED,
                     _("forward <interface> pools are not supported; only one interface equal to forward dev in nat or route mode"));
        return -1;
    }
    if (!fwd->dev)
        fwd->dev = g_steal_pointer(&dev);
    return 0;
}

static int
parse_forward(xmlNode *node, NetworkDef *def)
{
    NetworkForwardDef *fwd = &def->forward;
    xmlNode *c = NULL;
    int err = 0;
    int nifs = 0;

    if (fwd->mode != NETWORK_FORWARD_NONE) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one <forward> element"));
        return -1;
    }
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("mode", "dev")) < 0 ||
        parse_forward_mode(node, fwd) < 0)
        return -1;
    fwd->dev = xml_get_prop(node, "dev");
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        if (xml_node_is(c, "nat")) {
            if (parse_nat(c, fwd) < 0)
                return -1;
        } else if (xml_node_is(c, "interface") && nifs++ == 0) {
            if (parse_forward_interface(c, fwd) < 0)
                return -1;
        } else {
            return xml_strict_unknown_element(c, DOM);
        }
    }
    return err;
}

static int
parse_bridge(xmlNode *node, NetworkDef *def)
{
    g_autofree char *mtm = xml_get_prop(node, "macTableManager");

    if (def->bridge || def->stp || def->delay) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one <bridge> element"));
        return -1;
    }
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("name", "zone", "stp", "delay",
                                                "macTableManager")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0 ||
        xml_strict_tristate(node, "stp", true, DOM, &def->stp) < 0 ||
        xml_strict_uint(node, "delay", UINT32_MAX, DOM, &def->delay, NULL) < 0)
        return -1;
    def->bridge = xml_get_prop(node, "name");
    def->bridge_zone = xml_get_prop(node, "zone");
    if (!mtm)
        def->mac_table_manager = NETWORK_MAC_TABLE_DEFAULT;
    else if (strcmp(mtm, "kernel") == 0)
        def->mac_table_manager = NETWORK_MAC_TABLE_KERNEL;
    else if (strcmp(mtm, "libvirt") == 0)
        def->mac_table_manager = NETWORK_MAC_TABLE_LIBVIRT;
    else {
        error_report(DOM, VK_ERR_XML_ERROR, _("invalid macTableManager '%s'"), mtm);
        return -1;
    }
    return 0;
}

static int
parse_mac(xmlNode *node, NetworkDef *def)
{
    g_autofree char *addr = xml_get_prop(node, "address");

    if (def->has_mac) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one <mac> element"));
        return -1;
    }
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("address")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0)
        return -1;
    if (!addr || xml_mac_parse(addr, def->mac) < 0 || (def->mac[0] & 1)) {
        error_report(DOM, VK_ERR_XML_ERROR, _("invalid unicast bridge MAC address '%s'"),
                     addr ? addr : "");
        return -1;
    }
    def->has_mac = true;
    return 0;
}

static int
parse_domain(xmlNode *node, NetworkDef *def)
{
    if (def->domain) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one <domain> element"));
        return -1;
    }
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("name", "localOnly")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0 ||
        xml_strict_tristate(node, "localOnly", false, DOM, &def->domain_local_only) < 0)
        return -1;
    if (!(def->domain = xml_get_prop(node, "name"))) {
        error_report(DOM, VK_ERR_XML_ERROR, _("missing attribute 'name' in <domain>"));
        return -1;
    }
    return 0;
}

static int
parse_mtu(xmlNode *node, NetworkDef *def)
{
    bool present = false;

    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("size")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0 ||
        xml_strict_uint(node, "size", UINT32_MAX, DOM, &def->mtu, &present) < 0)
        return -1;
    if (!present || def->mtu == 0) {
        error_report(DOM, VK_ERR_XML_ERROR, _("<mtu> needs a positive 'size' attribute"));
        return -1;
    }
    return 0;
}

static bool
is_kept_element(xmlNode *c)
{
    static const char *const kept[] = {
        "bandwidth", "vlan", "port", "route", "virtualport", "portgroup", NULL,
    };

    if (c->ns && c->ns->href && strcmp((const char *) c->ns->href, DNSMASQ_NS) == 0)
        return strcmp((const char *) c->name, "options") == 0;
    for (size_t i = 0; kept[i]; i++) {
        if (xml_node_is(c, kept[i]))
            return true;
    }
    return false;
}

static int
parse_child(xmlNode *c, NetworkDef *def)
{
    if (xml_node_is(c, "name"))
        return xml_strict_text_once(c, DOM, &def->name);
    if (xml_node_is(c, "uuid"))
        return xml_strict_uuid_once(c, DOM, &def->has_uuid, def->uuid);
    if (xml_node_is(c, "title"))
        return xml_strict_text_once(c, DOM, &def->title);
    if (xml_node_is(c, "description"))
        return xml_strict_text_once(c, DOM, &def->description);
    if (xml_node_is(c, "metadata") && !def->metadata) {
        def->metadata = xml_strict_keep(c);
        return 0;
    }
    if (xml_node_is(c, "bridge"))
        return parse_bridge(c, def);
    if (xml_node_is(c, "mac"))
        return parse_mac(c, def);
    if (xml_node_is(c, "mtu") && def->mtu == 0)
        return parse_mtu(c, def);
    if (xml_node_is(c, "forward"))
        return parse_forward(c, def);
    if (xml_node_is(c, "domain"))
        return parse_domain(c, def);
    if (xml_node_is(c, "dns"))
        return parse_dns(c, &def->dns);
    if (xml_node_is(c, "ip"))
        return parse_ip(c, def);
    if (is_kept_element(c)) {
        g_ptr_array_add(def->kept, xml_strict_keep(c));
        return 0;
    }
    return xml_strict_unknown_element(c, DOM);
}

static NetworkDef *
network_def_new(void)
{
    NetworkDef *def = g_new0(NetworkDef, 1);

    def->dns.forwarders = g_ptr_array_new_with_free_func((GDestroyNotify) dns_forwarder_free);
    def->dns.hosts = g_ptr_array_new_with_free_func((GDestroyNotify) dns_host_free);
    def->dns.kept = xml_kept_new();
    def->ips = g_ptr_array_new_with_free_func((GDestroyNotify) network_ip_def_free);
    def->kept = xml_kept_new();
    return def;
}

void
network_def_free(NetworkDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    if (def->metadata)
        xmlFreeNode(def->metadata);
    g_free(def->bridge);
    g_free(def->bridge_zone);
    g_free(def->forward.dev);
    g_free(def->domain);
    g_ptr_array_unref(def->dns.forwarders);
    g_ptr_array_unref(def->dns.hosts);
    g_ptr_array_unref(def->dns.kept);
    g_ptr_array_unref(def->ips);
    g_ptr_array_unref(def->kept);
    g_free(def);
}

NetworkDef *
network_def_parse_node(xmlNode *root)
{
    g_autoptr(NetworkDef) def = network_def_new();
    xmlNode *c = NULL;
    int err = 0;

    if (!xml_node_is(root, "network")) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("unexpected root element <%s>, expecting <network>"),
                     (const char *) root->name);
        return NULL;
    }
    if (xml_strict_check_attrs(root, DOM, XML_ATTRS("connections", "ipv6",
                                                "trustGuestRxFilters")) < 0 ||
        xml_strict_uint(root, "connections", UINT32_MAX, DOM, &def->connections, NULL) < 0 ||
        xml_strict_tristate(root, "ipv6", false, DOM, &def->ipv6) < 0 ||
        xml_strict_tristate(root, "trustGuestRxFilters", false, DOM,
                            &def->trust_guest_rx_filters) < 0)
        return NULL;
    while ((c = xml_strict_next_child(root, c, DOM, &err))) {
        if (parse_child(c, def) < 0)
            return NULL;
    }
    if (err < 0 || network_def_validate(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

NetworkDef *
network_def_parse_string(const char *xml, unsigned flags)
{
    g_autoptr(xmlDoc) doc = xml_parse_string(xml, "network", DOM);

    if (!doc)
        return NULL;
    if ((flags & NETWORK_PARSE_VALIDATE) && xml_validate_schema(doc, "network.rng", DOM) < 0)
        return NULL;
    return network_def_parse_node(xmlDocGetRootElement(doc));
}
