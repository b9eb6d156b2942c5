/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Interface XML <-> InterfaceDef. */
#include <stdlib.h>
#include <string.h>

#include "conf/interface/interface-conf.h"
#include "conf/xml-util.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_INTERFACE

static const char *const type_names[INTERFACE_TYPE_LAST] = {
    "ethernet", "bridge", "bond", "vlan",
};
static const char *const start_names[] = { NULL, "onboot", "none", "hotplug" };
static const char *const bond_names[INTERFACE_BOND_LAST] = {
    NULL, "balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad",
    "balance-tlb", "balance-alb",
};
static const char *const link_states[] = {
    "unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up", NULL,
};
static const char *const carriers[] = { "ioctl", "netif", NULL };
static const char *const validates[] = { "none", "active", "backup", "all", NULL };

/* Where an <interface> element sits: its allowed content depends on it. */
typedef enum {
    IFACE_TOP,
    IFACE_BRIDGE_PORT,
    IFACE_BOND_SLAVE,
} IfacePlace;

static InterfaceDef *parse_interface(xmlNode *node, IfacePlace place);

const char *
interface_type_to_string(InterfaceType type)
{
    return (unsigned) type < INTERFACE_TYPE_LAST ? type_names[type] : "unknown";
}

const char *
interface_bond_mode_to_string(InterfaceBondMode mode)
{
    return (unsigned) mode < INTERFACE_BOND_LAST && bond_names[mode] ? bond_names[mode] : "";
}

static int
lookup(const char *const *names, size_t n, const char *value)
{
    for (size_t i = 0; i < n; i++) {
        if (names[i] && value && strcmp(names[i], value) == 0)
            return (int) i;
    }
    return -1;
}

static int
lookup_nt(const char *const *names, const char *value)
{
    size_t n = 0;

    while (names[n])
        n++;
    return lookup(names, n, value);
}

static int
bad_value(xmlNode *node, const char *attr, const char *value)
{
    error_report(DOM, VK_ERR_XML_ERROR, _("invalid value '%1$s' for '%2$s' in <%3$s>"),
                 value ? value : "", attr, (const char *) node->name);
    return -1;
}

static void
protocol_clear(InterfaceProtocol *p)
{
    if (p->ips)
        g_array_unref(p->ips);
    memset(p, 0, sizeof(*p));
}

void
interface_def_free(InterfaceDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->link_state);
    protocol_clear(&def->ipv4);
    protocol_clear(&def->ipv6);
    g_free(def->delay);
    g_ptr_array_unref(def->ports);
    g_free(def->mii_carrier);
    g_free(def->arp_validate);
    g_free(def->vlan_parent);
    g_free(def);
}

InterfaceDef *
interface_def_new(InterfaceType type, const char *name)
{
    InterfaceDef *def = g_new0(InterfaceDef, 1);

    def->type = type;
    def->name = g_strdup(name);
    def->ports = g_ptr_array_new_with_free_func((GDestroyNotify) interface_def_free);
    return def;
}

static int
check_ifname(const char *name)
{
    if (!name || !name[0] || strlen(name) > 15 || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0 || strpbrk(name, "/: \t\n\r")) {
        error_report(DOM, VK_ERR_XML_ERROR, _("invalid interface name '%s'"),
                     name ? name : "");
        return -1;
    }
    return 0;
}

static int
parse_proto_ip(xmlNode *node, InterfaceProtocol *p)
{
    g_autofree char *addr = xml_get_prop(node, "address");
    InterfaceIP ip = { .prefix = -1 };
    uint64_t prefix;
    bool has_prefix;

    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("address", "prefix")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0 ||
        xml_strict_uint(node, "prefix", p->family == AF_INET ? 32 : 128, DOM,
                        &prefix, &has_prefix) < 0)
        return -1;
    if (!addr || net_addr_parse(addr, &ip.address) < 0 || ip.address.family != p->family) {
        error_report(DOM, VK_ERR_XML_ERROR, _("invalid %1$s address '%2$s' in <ip>"),
                     p->family == AF_INET ? "IPv4" : "IPv6", addr ? addr : "");
        return -1;
    }
    if (has_prefix)
        ip.prefix = (int) prefix;
    g_array_append_val(p->ips, ip);
    return 0;
}

static int
parse_proto_child(xmlNode *c, InterfaceProtocol *p)
{
    if (xml_node_is(c, "dhcp") && !p->dhcp) {
        p->dhcp = true;
        if (xml_strict_check_attrs(c, DOM, XML_ATTRS("peerdns")) < 0 ||
            xml_strict_check_empty(c, DOM) < 0)
            return -1;
        return xml_strict_tristate(c, "peerdns", false, DOM, &p->peerdns);
    }
    if (xml_node_is(c, "autoconf") && p->family == AF_INET6 && !p->autoconf) {
        p->autoconf = true;
        if (xml_strict_check_attrs(c, DOM, NULL) < 0)
            return -1;
        return xml_strict_check_empty(c, DOM);
    }
    if (xml_node_is(c, "ip"))
        return parse_proto_ip(c, p);
    if (xml_node_is(c, "route") && !net_addr_is_set(&p->gateway)) {
        g_autofree char *gw = xml_get_prop(c, "gateway");

        if (xml_strict_check_attrs(c, DOM, XML_ATTRS("gateway")) < 0 ||
            xml_strict_check_empty(c, DOM) < 0)
            return -1;
        if (!gw || net_addr_parse(gw, &p->gateway) < 0 || p->gateway.family != p->family)
            return bad_value(c, "gateway", gw);
        return 0;
    }
    return xml_strict_unknown_element(c, DOM);
}

static int
parse_protocol(xmlNode *node, InterfaceDef *def)
{
    g_autofree char *family = xml_get_prop(node, "family");
    InterfaceProtocol *p;
    xmlNode *c = NULL;
    int err = 0;

    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("family")) < 0)
        return -1;
    if (g_strcmp0(family, "ipv4") == 0)
        p = &def->ipv4;
    else if (g_strcmp0(family, "ipv6") == 0)
        p = &def->ipv6;
    else
        return bad_value(node, "family", family);
    if (p->present) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one <protocol family='%s'>"), family);
        return -1;
    }
    p->present = true;
    p->family = p == &def->ipv4 ? AF_INET : AF_INET6;
    p->ips = g_array_new(FALSE, TRUE, sizeof(InterfaceIP));
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        if (parse_proto_child(c, p) < 0)
            return -1;
    }
    return err;
}

static int
parse_bridge(xmlNode *node, InterfaceDef *def)
{
    xmlNode *c = NULL;
    int err = 0;

    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("stp", "delay")) < 0 ||
        xml_strict_tristate(node, "stp", true, DOM, &def->stp) < 0)
        return -1;
    if ((def->delay = xml_get_prop(node, "delay"))) {
        char *end = NULL;
        double d = g_ascii_strtod(def->delay, &end);

        if (!def->delay[0] || *end || !(d >= 0 && d <= 1e6))
            return bad_value(node, "delay", def->delay);
    }
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        InterfaceDef *port;

        if (!xml_node_is(c, "interface"))
            return xml_strict_unknown_element(c, DOM);
        if (!(port = parse_interface(c, IFACE_BRIDGE_PORT)))
            return -1;
        g_ptr_array_add(def->ports, port);
    }
    return err;
}

static int
parse_miimon(xmlNode *node, InterfaceDef *def)
{
    bool has_freq;

    def->monitor = INTERFACE_MONITOR_MII;
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("freq", "downdelay", "updelay",
                                                "carrier")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0 ||
        xml_strict_uint(node, "freq", INT32_MAX, DOM, &def->mii_freq, &has_freq) < 0 ||
        xml_strict_uint(node, "downdelay", INT32_MAX, DOM, &def->mii_downdelay, NULL) < 0 ||
        xml_strict_uint(node, "updelay", INT32_MAX, DOM, &def->mii_updelay, NULL) < 0)
        return -1;
    if (!has_freq) {
        error_report(DOM, VK_ERR_XML_ERROR, _("bond interface miimon freq missing or invalid"));
        return -1;
    }
    def->mii_carrier = xml_get_prop(node, "carrier");
    if (def->mii_carrier && lookup_nt(carriers, def->mii_carrier) < 0)
        return bad_value(node, "carrier", def->mii_carrier);
    return 0;
}

static int
parse_arpmon(xmlNode *node, InterfaceDef *def)
{
    g_autofree char *target = xml_get_prop(node, "target");
    bool has_interval;

    def->monitor = INTERFACE_MONITOR_ARP;
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("interval", "target", "validate")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0 ||
        xml_strict_uint(node, "interval", INT32_MAX, DOM, &def->arp_interval,
                        &has_interval) < 0)
        return -1;
    if (!has_interval) {
        error_report(DOM, VK_ERR_XML_ERROR, _("bond interface arpmon interval missing or invalid"));
        return -1;
    }
    if (!target || net_addr_parse(target, &def->arp_target) < 0 ||
        def->arp_target.family != AF_INET)
        return bad_value(node, "target", target);
    def->arp_validate = xml_get_prop(node, "validate");
    if (def->arp_validate && lookup_nt(validates, def->arp_validate) < 0)
        return bad_value(node, "validate", def->arp_validate);
    return 0;
}

static int
parse_bond(xmlNode *node, InterfaceDef *def)
{
    g_autofree char *mode = xml_get_prop(node, "mode");
    xmlNode *c = NULL;
    int err = 0;

    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("mode")) < 0)
        return -1;
    if (mode) {
        int m = lookup(bond_names, INTERFACE_BOND_LAST, mode);

        if (m < 0)
            return bad_value(node, "mode", mode);
        def->bond_mode = m;
    }
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        InterfaceDef *slave;
        int r = 0;

        if (xml_node_is(c, "miimon") && def->monitor == INTERFACE_MONITOR_NONE) {
            r = parse_miimon(c, def);
        } else if (xml_node_is(c, "arpmon") && def->monitor == INTERFACE_MONITOR_NONE) {
            r = parse_arpmon(c, def);
        } else if (xml_node_is(c, "interface")) {
            if (!(slave = parse_interface(c, IFACE_BOND_SLAVE)))
                return -1;
            g_ptr_array_add(def->ports, slave);
        } else {
            return xml_strict_unknown_element(c, DOM);
        }
        if (r < 0)
            return -1;
    }
    if (err < 0)
        return -1;
    if (def->ports->len == 0) {
        error_report(DOM, VK_ERR_XML_ERROR, _("bond interface '%s' has no slave interfaces"),
                     def->name ? def->name : "");
        return -1;
    }
    return 0;
}

static int
parse_vlan(xmlNode *node, InterfaceDef *def)
{
    xmlNode *c = NULL;
    int err = 0;
    bool has_tag;

    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("tag")) < 0 ||
        xml_strict_uint(node, "tag", 4095, DOM, &def->vlan_tag, &has_tag) < 0)
        return -1;
    if (!has_tag) {
        error_report(DOM, VK_ERR_XML_ERROR, _("missing VLAN tag"));
        return -1;
    }
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        if (!xml_node_is(c, "interface") || def->vlan_parent)
            return xml_strict_unknown_element(c, DOM);
        if (xml_strict_check_attrs(c, DOM, XML_ATTRS("name")) < 0 ||
            xml_strict_check_empty(c, DOM) < 0)
            return -1;
        def->vlan_parent = xml_get_prop(c, "name");
        if (check_ifname(def->vlan_parent) < 0)
            return -1;
    }
    if (err < 0)
        return -1;
    if (!def->vlan_parent) {
        error_report(DOM, VK_ERR_XML_ERROR, _("VLAN interface needs its parent <interface name=''/>"));
        return -1;
    }
    return 0;
}

static int
parse_common_child(xmlNode *c, InterfaceDef *def, IfacePlace place, bool *handled)
{
    *handled = true;
    if (xml_node_is(c, "mac") && def->type == INTERFACE_TYPE_ETHERNET && !def->has_mac) {
        g_autofree char *addr = xml_get_prop(c, "address");

        if (xml_strict_check_attrs(c, DOM, XML_ATTRS("address")) < 0 ||
            xml_strict_check_empty(c, DOM) < 0)
            return -1;
        if (!addr || xml_mac_parse(addr, def->mac) < 0)
            return bad_value(c, "address", addr);
        def->has_mac = true;
        return 0;
    }
    /* interface.rng has no <link> for bridges */
    if (xml_node_is(c, "link") && def->type != INTERFACE_TYPE_BRIDGE &&
        !def->link_state && !def->link_speed) {
        if (xml_strict_check_attrs(c, DOM, XML_ATTRS("state", "speed")) < 0 ||
            xml_strict_check_empty(c, DOM) < 0 ||
            xml_strict_uint(c, "speed", UINT32_MAX, DOM, &def->link_speed, NULL) < 0)
            return -1;
        def->link_state = xml_get_prop(c, "state");
        if (def->link_state && lookup_nt(link_states, def->link_state) < 0)
            return bad_value(c, "state", def->link_state);
        return 0;
    }
    if (place != IFACE_TOP) {
        *handled = false;
        return 0;
    }
    if (xml_node_is(c, "start") && def->start_mode == INTERFACE_START_DEFAULT) {
        g_autofree char *mode = xml_get_prop(c, "mode");
        int m = lookup(start_names, G_N_ELEMENTS(start_names), mode);

        if (xml_strict_check_attrs(c, DOM, XML_ATTRS("mode")) < 0 ||
            xml_strict_check_empty(c, DOM) < 0)
            return -1;
        if (m < 0)
            return bad_value(c, "mode", mode);
        def->start_mode = m;
        return 0;
    }
    if (xml_node_is(c, "mtu") && def->mtu == 0) {
        bool has;

        if (xml_strict_check_attrs(c, DOM, XML_ATTRS("size")) < 0 ||
            xml_strict_check_empty(c, DOM) < 0 ||
            xml_strict_uint(c, "size", UINT32_MAX, DOM, &def->mtu, &has) < 0)
            return -1;
        if (!has || def->mtu < 68)
            return bad_value(c, "size", "");
        return 0;
    }
    if (xml_node_is(c, "protocol"))
        return parse_protocol(c, def);
    *handled = false;
    return 0;
}

static int
parse_child(xmlNode *c, InterfaceDef *def, IfacePlace place, bool *seen_type_elem)
{
    bool handled;
    static const char *const elem[INTERFACE_TYPE_LAST] = { NULL, "bridge", "bond", "vlan" };

    if (parse_common_child(c, def, place, &handled) < 0)
        return -1;
    if (handled)
        return 0;
    if (elem[def->type] && xml_node_is(c, elem[def->type]) && !*seen_type_elem) {
        *seen_type_elem = true;
        if (def->type == INTERFACE_TYPE_BRIDGE)
            return parse_bridge(c, def);
        if (def->type == INTERFACE_TYPE_BOND)
            return parse_bond(c, def);
        return parse_vlan(c, def);
    }
    return xml_strict_unknown_element(c, DOM);
}

static int
parse_type(xmlNode *node, InterfaceDef *def, IfacePlace place)
{
    g_autofree char *type = xml_get_prop(node, "type");
    int t = lookup(type_names, INTERFACE_TYPE_LAST, type);

    if (!type) {
        error_report(DOM, VK_ERR_XML_ERROR, _("interface has no type"));
        return -1;
    }
    if (t < 0) {
        error_report(DOM, VK_ERR_CONFIG_UNSUPPORTED, _("unknown interface type '%s'"), type);
        return -1;
    }
    if ((place == IFACE_BOND_SLAVE && t != INTERFACE_TYPE_ETHERNET) ||
        (place == IFACE_BRIDGE_PORT && t == INTERFACE_TYPE_BRIDGE)) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("an interface of type '%1$s' cannot be a %2$s"), type,
                     place == IFACE_BOND_SLAVE ? _("bond slave") : _("bridge port"));
        return -1;
    }
    def->type = t;
    return 0;
}

static int
check_names(InterfaceDef *def)
{
    if (!def->name && def->type == INTERFACE_TYPE_VLAN && def->vlan_parent)
        def->name = g_strdup_printf("%s.%llu", def->vlan_parent,
                                    (unsigned long long) def->vlan_tag);
    if (check_ifname(def->name) < 0)
        return -1;
    for (guint i = 0; i < def->ports->len; i++) {
        InterfaceDef *p = def->ports->pdata[i];

        if (strcmp(p->name, def->name) == 0) {
            error_report(DOM, VK_ERR_XML_ERROR, _("interface '%s' cannot contain itself"),
                         def->name);
            return -1;
        }
        for (guint j = 0; j < i; j++) {
            if (strcmp(p->name, ((InterfaceDef *) def->ports->pdata[j])->name) == 0) {
                error_report(DOM, VK_ERR_XML_ERROR,
                             _("interface '%1$s' appears twice in '%2$s'"), p->name, def->name);
                return -1;
            }
        }
    }
    return 0;
}

static InterfaceDef *
parse_interface(xmlNode *node, IfacePlace place)
{
    g_autoptr(InterfaceDef) def = interface_def_new(INTERFACE_TYPE_ETHERNET, NULL);
    static const char *const elem[INTERFACE_TYPE_LAST] = { NULL, "bridge", "bond", "vlan" };
    bool seen_type_elem = false;
    xmlNode *c = NULL;
    int err = 0;

    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("type", "name")) < 0 ||
        parse_type(node, def, place) < 0)
        return NULL;
    def->name = xml_get_prop(node, "name");
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        if (parse_child(c, def, place, &seen_type_elem) < 0)
            return NULL;
    }
    if (err < 0)
        return NULL;
    if (elem[def->type] && !seen_type_elem) {
        error_report(DOM, VK_ERR_XML_ERROR, _("interface of type '%1$s' needs a <%2$s> element"),
                     type_names[def->type], elem[def->type]);
        return NULL;
    }
    if (check_names(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

InterfaceDef *
interface_def_parse_string(const char *xml, unsigned flags)
{
    g_autoptr(xmlDoc) doc = xml_parse_string(xml, "interface", DOM);
    xmlNode *root;

    if (!doc)
        return NULL;
    if ((flags & INTERFACE_PARSE_VALIDATE) && xml_validate_schema(doc, "interface.rng", DOM) < 0)
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (!xml_node_is(root, "interface")) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("unexpected root element <%s>, expecting <interface>"),
                     (const char *) root->name);
        return NULL;
    }
    return parse_interface(root, IFACE_TOP);
}

static void
format_protocol(const InterfaceProtocol *p, xmlNode *parent)
{
    xmlNode *n;

    if (!p->present)
        return;
    n = xml_out_child(parent, "protocol");
    xml_out_attr_str(n, "family", p->family == AF_INET ? "ipv4" : "ipv6");
    if (p->autoconf)
        xml_out_child(n, "autoconf");
    if (p->dhcp) {
        xmlNode *d = xml_out_child(n, "dhcp");

        if (p->peerdns)
            xml_out_attr_str(d, "peerdns", xml_tristate_str(p->peerdns, false));
    }
    for (guint i = 0; i < p->ips->len; i++) {
        const InterfaceIP *ip = &g_array_index(p->ips, InterfaceIP, i);
        g_autofree char *a = net_addr_format(&ip->address);
        xmlNode *in = xml_out_child(n, "ip");

        xml_out_attr_str(in, "address", a);
        if (ip->prefix >= 0)
            xml_out_attr(in, "prefix", "%d", ip->prefix);
    }
    if (net_addr_is_set(&p->gateway)) {
        g_autofree char *gw = net_addr_format(&p->gateway);

        xml_out_attr_str(xml_out_child(n, "route"), "gateway", gw);
    }
}

static void format_interface(const InterfaceDef *def, xmlNode *n);

static void
format_bond(const InterfaceDef *def, xmlNode *parent)
{
    xmlNode *b = xml_out_child(parent, "bond");

    if (def->bond_mode)
        xml_out_attr_str(b, "mode", bond_names[def->bond_mode]);
    if (def->monitor == INTERFACE_MONITOR_MII) {
        xmlNode *m = xml_out_child(b, "miimon");

        xml_out_attr(m, "freq", "%llu", (unsigned long long) def->mii_freq);
        if (def->mii_downdelay)
            xml_out_attr(m, "downdelay", "%llu", (unsigned long long) def->mii_downdelay);
        if (def->mii_updelay)
            xml_out_attr(m, "updelay", "%llu", (unsigned long long) def->mii_updelay);
        xml_out_attr_str(m, "carrier", def->mii_carrier);
    } else if (def->monitor == INTERFACE_MONITOR_ARP) {
        xmlNode *a = xml_out_child(b, "arpmon");
        g_autofree char *t = net_addr_format(&def->arp_target);

        xml_out_attr(a, "interval", "%llu", (unsigned long long) def->arp_interval);
        xml_out_attr_str(a, "target", t);
        xml_out_attr_str(a, "validate", def->arp_validate);
    }
    for (guint i = 0; i < def->ports->len; i++)
        format_interface(def->ports->pdata[i], xml_out_child(b, "interface"));
}

static void
format_type_element(const InterfaceDef *def, xmlNode *n)
{
    if (def->type == INTERFACE_TYPE_BRIDGE) {
        xmlNode *b = xml_out_child(n, "bridge");

        if (def->stp)
            xml_out_attr_str(b, "stp", xml_tristate_str(def->stp, true));
        xml_out_attr_str(b, "delay", def->delay);
        for (guint i = 0; i < def->ports->len; i++)
            format_interface(def->ports->pdata[i], xml_out_child(b, "interface"));
    } else if (def->type == INTERFACE_TYPE_BOND) {
        format_bond(def, n);
    } else if (def->type == INTERFACE_TYPE_VLAN) {
        xmlNode *v = xml_out_child(n, "vlan");

        xml_out_attr(v, "tag", "%llu", (unsigned long long) def->vlan_tag);
        xml_out_attr_str(xml_out_child(v, "interface"), "name", def->vlan_parent);
    }
}

static void
format_interface(const InterfaceDef *def, xmlNode *n)
{
    xml_out_attr_str(n, "type", type_names[def->type]);
    xml_out_attr_str(n, "name", def->name);
    if (def->start_mode)
        xml_out_attr_str(xml_out_child(n, "start"), "mode", start_names[def->start_mode]);
    if (def->has_mac)
        xml_out_mac_attr(xml_out_child(n, "mac"), "address", def->mac);
    if (def->link_state || def->link_speed) {
        xmlNode *l = xml_out_child(n, "link");

        if (def->link_speed)
            xml_out_attr(l, "speed", "%llu", (unsigned long long) def->link_speed);
        xml_out_attr_str(l, "state", def->link_state);
    }
    if (def->mtu)
        xml_out_attr(xml_out_child(n, "mtu"), "size", "%llu", (unsigned long long) def->mtu);
    format_protocol(&def->ipv4, n);
    format_protocol(&def->ipv6, n);
    format_type_element(def, n);
}

char *
interface_def_format(const InterfaceDef *def, unsigned flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlNode *root = xml_out_new_doc("interface", &doc);

    format_interface(def, root);
    return xml_out_finish(doc);
}
