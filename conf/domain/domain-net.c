/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* <interface>: network, bridge, ethernet, direct, user. */
#include <stdio.h>
#include <string.h>

#include "conf/domain/domain-priv.h"

static const char net_grammar[] =
    "interface type=user|ethernet|network|bridge|direct\n"
    "  source network=w bridge=w dev=w mode=vepa|bridge|private|passthrough portgroup=w\n"
    "  mac address\n"
    "  model type\n"
    "  target dev=w\n"
    "  script path\n"
    "  driver name=qemu|vhost queues=#\n"
    "  link state=up|down\n"
    "  mtu size=#\n"
    "  boot ...\n"
    "  bandwidth\n"
    "    inbound average=# peak=# burst=# floor=#\n"
    "    outbound average=# peak=# burst=#\n"
    "  virtualport type=openvswitch|802.1Qbg|802.1Qbh|midonet\n"
    "    parameters interfaceid=u profileid=w managerid=#0-255 typeid=# typeidversion=#0-255"
    " instanceid=u\n"
    "  filterref filter=[a-zA-Z0-9_.:-]\n"
    "    *parameter name=[a-zA-Z0-9_] value=[a-zA-Z0-9_.:]\n"
    "  address ...\n";

static const char *const net_models[] = {
    "virtio", "virtio-transitional", "virtio-non-transitional", "e1000", "e1000e",
    "rtl8139", "ne2k_pci", "pcnet", "vmxnet3", "igb", NULL };

/* The <source> attribute that carries the source of each type. */
static const char *const source_attr[DOMAIN_NET_LAST] = {
    [DOMAIN_NET_USER] = NULL,
    [DOMAIN_NET_ETHERNET] = NULL,
    [DOMAIN_NET_NETWORK] = "network",
    [DOMAIN_NET_BRIDGE] = "bridge",
    [DOMAIN_NET_DIRECT] = "dev",
};

void
domain_net_free(DomainNetDef *n)
{
    if (!n)
        return;
    g_free(n->source);
    g_free(n->source_mode);
    g_free(n->portgroup);
    g_free(n->model);
    g_free(n->target_dev);
    g_free(n->script);
    g_free(n->driver_name);
    if (n->bandwidth)
        xmlFreeNode(n->bandwidth);
    if (n->virtualport)
        xmlFreeNode(n->virtualport);
    if (n->filterref)
        xmlFreeNode(n->filterref);
    g_free(n->addr.usb_port);
    g_free(n);
}

int
domain_mac_parse(const char *str, unsigned char *mac)
{
    unsigned int b[6];
    char tail;

    if (!str || strlen(str) != 17 ||
        sscanf(str, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
               &b[5], &tail) != 6)
        return -1;
    for (int i = 0; i < 6; i++) {
        if (!g_ascii_isxdigit(str[i * 3]) || !g_ascii_isxdigit(str[i * 3 + 1]))
            return -1;
        mac[i] = (unsigned char) b[i];
    }
    return 0;
}

void
domain_mac_format(const unsigned char *mac, char *buf)
{
    g_snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
               mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static int
net_parse_source(DomainNetDef *n, xmlNode *src)
{
    static const char *const attrs[] = { "network", "bridge", "dev", "mode", "portgroup" };
    const char *want = source_attr[n->type];

    for (size_t i = 0; src && i < G_N_ELEMENTS(attrs); i++) {
        bool ok = (want && strcmp(attrs[i], want) == 0) ||
                  (n->type == DOMAIN_NET_DIRECT && strcmp(attrs[i], "mode") == 0) ||
                  (n->type == DOMAIN_NET_NETWORK && strcmp(attrs[i], "portgroup") == 0) ||
                  (n->type == DOMAIN_NET_ETHERNET && strcmp(attrs[i], "dev") == 0);

        if (xmlHasProp(src, (const xmlChar *) attrs[i]) && !ok) {
            dom_error(VK_ERR_XML_ERROR,
                      _("attribute '%1$s' of <source> does not fit interface type '%2$s'"),
                      attrs[i], domain_net_type_to_string(n->type));
            return -1;
        }
    }
    if (src && want)
        n->source = xml_get_prop(src, want);
    if (want && !n->source) {
        dom_error(VK_ERR_XML_ERROR, _("interface type '%1$s' needs <source %2$s='...'/>"),
                  domain_net_type_to_string(n->type), want);
        return -1;
    }
    if (src && n->type == DOMAIN_NET_ETHERNET)
        n->source = xml_get_prop(src, "dev");
    if (src) {
        n->source_mode = xml_get_prop(src, "mode");
        n->portgroup = xml_get_prop(src, "portgroup");
    }
    return 0;
}

static int
net_parse_mac(DomainNetDef *n, xmlNode *m)
{
    g_autofree char *s = m ? xml_get_prop(m, "address") : NULL;

    if (!m)
        return 0;
    if (domain_mac_parse(s, n->mac) < 0) {
        dom_error(VK_ERR_INVALID_MAC, _("unable to parse mac address '%1$s'"),
                  s ? s : "");
        return -1;
    }
    if (n->mac[0] & 1) {
        dom_error(VK_ERR_XML_ERROR, _("expected unicast mac address, found multicast '%1$s'"), s);
        return -1;
    }
    n->mac_set = true;
    return 0;
}

static int
net_parse_simple(DomainNetDef *n, xmlNode *node)
{
    xmlNode *x;

    if ((x = dom_child(node, "model"))) {
        n->model = xml_get_prop(x, "type");
        if (!n->model || !g_strv_contains(net_models, n->model)) {
            dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unsupported interface model '%1$s'"),
                      n->model ? n->model : "");
            return -1;
        }
    }
    if ((x = dom_child(node, "target")))
        n->target_dev = xml_get_prop(x, "dev");
    if ((x = dom_child(node, "script")))
        n->script = xml_get_prop(x, "path");
    if ((x = dom_child(node, "driver"))) {
        n->driver_name = xml_get_prop(x, "name");
        if (dom_prop_uint(x, "queues", &n->driver_queues) < 0)
            return -1;
    }
    if ((x = dom_child(node, "link"))) {
        g_autofree char *st = xml_get_prop(x, "state");

        n->link_state = st ? strcmp(st, "up") == 0 : -1;
    }
    if ((x = dom_child(node, "mtu")) && dom_prop_uint(x, "size", &n->mtu) < 0)
        return -1;
    if (n->mtu && (n->mtu < 68 || n->mtu > 65535)) {
        dom_error(VK_ERR_XML_ERROR, _("interface MTU %1$u out of range"), n->mtu);
        return -1;
    }
    return 0;
}

DomainNetDef *
domain_net_parse(xmlNode *node)
{
    g_autoptr(DomainNetDef) n = g_new0(DomainNetDef, 1);
    int type = -1;
    xmlNode *x;

    n->link_state = -1;
    if (dom_spec_check(net_grammar, node, "interface") < 0)
        return NULL;
    if (dom_prop_enum(node, "type", domain_net_type_from_string, &type) <= 0) {
        if (type < 0 && !xmlHasProp(node, (const xmlChar *) "type"))
            dom_error(VK_ERR_XML_ERROR, _("missing interface type"));
        return NULL;
    }
    n->type = type;
    if (net_parse_source(n, dom_child(node, "source")) < 0 ||
        net_parse_mac(n, dom_child(node, "mac")) < 0 ||
        net_parse_simple(n, node) < 0 ||
        domain_boot_order_parse(node, &n->boot_order) < 0 ||
        domain_address_parse(node, &n->addr, "interface") < 0)
        return NULL;
    if ((x = dom_child(node, "bandwidth")))
        n->bandwidth = dom_keep_node(x);
    if ((x = dom_child(node, "virtualport")))
        n->virtualport = dom_keep_node(x);
    if ((x = dom_child(node, "filterref")))
        n->filterref = dom_keep_node(x);
    return g_steal_pointer(&n);
}

static void
net_format_source(xmlNode *iface, const DomainNetDef *n)
{
    const char *attr = source_attr[n->type];
    xmlNode *src;

    if (n->type == DOMAIN_NET_ETHERNET)
        attr = "dev";
    if (!n->source && !n->source_mode && !n->portgroup)
        return;
    src = dom_add(iface, "source");
    if (attr)
        dom_set(src, attr, n->source);
    dom_set(src, "portgroup", n->portgroup);
    dom_set(src, "mode", n->source_mode);
}

void
domain_net_format(xmlNode *devices, const DomainNetDef *n)
{
    xmlNode *iface = dom_add(devices, "interface");
    xmlNode *x;

    dom_set(iface, "type", domain_net_type_to_string(n->type));
    if (n->mac_set) {
        char mac[18];

        domain_mac_format(n->mac, mac);
        dom_set(dom_add(iface, "mac"), "address", mac);
    }
    net_format_source(iface, n);
    if (n->virtualport)
        dom_add_copy(iface, n->virtualport);
    if (n->bandwidth)
        dom_add_copy(iface, n->bandwidth);
    if (n->script)
        dom_set(dom_add(iface, "script"), "path", n->script);
    if (n->target_dev)
        dom_set(dom_add(iface, "target"), "dev", n->target_dev);
    if (n->model)
        dom_set(dom_add(iface, "model"), "type", n->model);
    if (n->driver_name || n->driver_queues) {
        x = dom_add(iface, "driver");
        dom_set(x, "name", n->driver_name);
        if (n->driver_queues)
            dom_set_uint(x, "queues", n->driver_queues);
    }
    if (n->filterref)
        dom_add_copy(iface, n->filterref);
    if (n->link_state >= 0)
        dom_set(dom_add(iface, "link"), "state", n->link_state ? "up" : "down");
    if (n->mtu)
        dom_set_uint(dom_add(iface, "mtu"), "size", n->mtu);
    if (n->boot_order)
        dom_set_uint(dom_add(iface, "boot"), "order", n->boot_order);
    domain_address_format(iface, &n->addr);
}
