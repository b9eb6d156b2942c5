/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network checks that need no host state, update of dhcp hosts, defaults. */
#include <string.h>

#include "conf/network/network-conf.h"
#include "conf/xml-util.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_NETWORK

static const char *const forward_mode_names[NETWORK_FORWARD_LAST] = {
    [NETWORK_FORWARD_NONE] = "none",
    [NETWORK_FORWARD_NAT] = "nat",
    [NETWORK_FORWARD_ROUTE] = "route",
    [NETWORK_FORWARD_OPEN] = "open",
    [NETWORK_FORWARD_BRIDGE] = "bridge",
};

const char *
network_forward_mode_to_string(NetworkForwardMode mode)
{
    if ((unsigned) mode >= NETWORK_FORWARD_LAST)
        return "unknown";
    return forward_mode_names[mode];
}

/* Linux interface name rules (dev_valid_name); '%d' allowed for templates. */
static int
check_ifname(const char *what, const char *name)
{
    if (!name[0] || strlen(name) > 15 || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0 || strpbrk(name, "/: \t\n\r")) {
        error_report(DOM, VK_ERR_XML_ERROR, _("invalid %1$s name '%2$s'"), what, name);
        return -1;
    }
    return 0;
}

static int
check_name(const NetworkDef *def)
{
    if (!def->name) {
        error_report(DOM, VK_ERR_NO_NAME, _("missing network name"));
        return -1;
    }
    if (!def->name[0] || strchr(def->name, '/') || strchr(def->name, '\n')) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("invalid network name '%s': must not be empty or contain '/'"),
                     def->name);
        return -1;
    }
    return 0;
}

static char *
addr_str(const NetAddr *a)
{
    char *s = net_addr_format(a);

    return s ? s : g_strdup("?");
}

static bool
addr_in_ip(const NetAddr *a, const NetworkIPDef *ip)
{
    return a->family == ip->family && net_addr_same_subnet(a, &ip->address, ip->prefix);
}

/* The range must lie inside the subnet, excluding its network/broadcast address. */
static int
check_range(const NetworkDef *def, const NetworkIPDef *ip, const NetworkDhcpRange *r)
{
    g_autofree char *s = addr_str(&r->start);
    g_autofree char *e = addr_str(&r->end);
    g_autofree char *a = addr_str(&ip->address);
    NetAddr net, bcast;

    if (!addr_in_ip(&r->start, ip) || !addr_in_ip(&r->end, ip)) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("range %1$s - %2$s is not entirely within network %3$s/%4$d of '%5$s'"),
                     s, e, a, ip->prefix, def->name);
        return -1;
    }
    if (net_addr_cmp(&r->start, &r->end) > 0) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("range start %1$s is after range end %2$s in network '%3$s'"),
                     s, e, def->name);
        return -1;
    }
    net_addr_network(&ip->address, ip->prefix, &net);
    net_addr_broadcast(&ip->address, ip->prefix, &bcast);
    if (ip->family == AF_INET && ip->prefix < 31 &&
        (net_addr_equal(&r->start, &net) || net_addr_equal(&r->end, &bcast))) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("range %1$s - %2$s includes the network or broadcast address in network '%3$s'"),
                     s, e, def->name);
        return -1;
    }
    return 0;
}

static bool
ranges_overlap(const NetworkDhcpRange *a, const NetworkDhcpRange *b)
{
    return net_addr_cmp(&a->start, &b->end) <= 0 && net_addr_cmp(&b->start, &a->end) <= 0;
}

static int
check_ranges(const NetworkDef *def, const NetworkIPDef *ip)
{
    for (guint i = 0; i < ip->ranges->len; i++) {
        const NetworkDhcpRange *r = &g_array_index(ip->ranges, NetworkDhcpRange, i);

        if (check_range(def, ip, r) < 0)
            return -1;
        for (guint j = 0; j < i; j++) {
            const NetworkDhcpRange *o = &g_array_index(ip->ranges, NetworkDhcpRange, j);

            if (ranges_overlap(r, o)) {
                g_autofree char *s = addr_str(&r->start);
                g_autofree char *e = addr_str(&r->end);

                error_report(DOM, VK_ERR_XML_ERROR,
                             _("range %1$s - %2$s overlaps another range in network '%3$s'"),
                             s, e, def->name);
                return -1;
            }
        }
    }
    return 0;
}

static bool
hosts_clash(const NetworkDhcpHost *a, const NetworkDhcpHost *b, const char **what)
{
    if (a->has_mac && b->has_mac && memcmp(a->mac, b->mac, 6) == 0) {
        *what = "mac";
        return true;
    }
    if (a->name && b->name && g_ascii_strcasecmp(a->name, b->name) == 0) {
        *what = "name";
        return true;
    }
    if (a->id && b->id && strcmp(a->id, b->id) == 0) {
        *what = "id";
        return true;
    }
    if (net_addr_is_set(&a->ip) && net_addr_equal(&a->ip, &b->ip)) {
        *what = "ip";
        return true;
    }
    return false;
}

static int
check_hosts(const NetworkDef *def, const NetworkIPDef *ip)
{
    for (guint i = 0; i < ip->hosts->len; i++) {
        const NetworkDhcpHost *h = ip->hosts->pdata[i];
        g_autofree char *hs = addr_str(&h->ip);

        if (!addr_in_ip(&h->ip, ip)) {
            error_report(DOM, VK_ERR_XML_ERROR,
                         _("static host address %1$s is not within the subnet of network '%2$s'"),
                         hs, def->name);
            return -1;
        }
        for (guint j = 0; j < i; j++) {
            const char *what = NULL;

            if (hosts_clash(h, ip->hosts->pdata[j], &what)) {
                error_report(DOM, VK_ERR_XML_ERROR,
                             _("duplicate static host %1$s (same %2$s as another host) in network '%3$s'"),
                             h->name ? h->name : hs, what, def->name);
                return -1;
            }
        }
    }
    return 0;
}

static int
check_ip(const NetworkDef *def, const NetworkIPDef *ip)
{
    if (ip->family == AF_INET6 && (ip->bootp_file || ip->tftp_root)) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("<bootp> and <tftp> are only supported in IPv4 <ip> of network '%s'"),
                     def->name);
        return -1;
    }
    return check_ranges(def, ip) < 0 || check_hosts(def, ip) < 0 ? -1 : 0;
}

static int
check_ips(const NetworkDef *def)
{
    bool dhcp4 = false, dhcp6 = false;

    for (guint i = 0; i < def->ips->len; i++) {
        const NetworkIPDef *ip = def->ips->pdata[i];
        bool *seen = ip->family == AF_INET ? &dhcp4 : &dhcp6;

        if (check_ip(def, ip) < 0)
            return -1;
        if (!ip->has_dhcp)
            continue;
        if (*seen) {
            error_report(DOM, VK_ERR_CONFIG_UNSUPPORTED,
                         _("multiple %1$s dhcp sections found in network '%2$s': dhcp is supported only for a single address of each family"),
                         ip->family == AF_INET ? "IPv4" : "IPv6", def->name);
            return -1;
        }
        *seen = true;
    }
    return 0;
}

static int
check_bridge_mode(const NetworkDef *def)
{
    const char *bad = NULL;

    if (def->ips->len)
        bad = "<ip>";
    else if (def->dns.present)
        bad = "<dns>";
    else if (def->domain)
        bad = "<domain>";
    else if (def->has_mac)
        bad = "<mac>";
    else if (def->stp || def->delay)
        bad = "<bridge stp/delay>";
    else if (def->mtu)
        bad = "<mtu>";
    if (bad) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("unsupported %1$s in network '%2$s' with forward mode 'bridge'"),
                     bad, def->name);
        return -1;
    }
    if (!def->bridge) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("network '%s' with forward mode 'bridge' needs an existing <bridge name=''/>"),
                     def->name);
        return -1;
    }
    return 0;
}

static int
check_forward(const NetworkDef *def)
{
    const NetworkForwardDef *fwd = &def->forward;

    if (fwd->dev && check_ifname("forward device", fwd->dev) < 0)
        return -1;
    if (fwd->mode == NETWORK_FORWARD_BRIDGE)
        return check_bridge_mode(def);
    if (fwd->dev && fwd->mode != NETWORK_FORWARD_NAT && fwd->mode != NETWORK_FORWARD_ROUTE) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("forward dev not allowed for network '%1$s' with forward mode '%2$s'"),
                     def->name, network_forward_mode_to_string(fwd->mode));
        return -1;
    }
    if (net_addr_is_set(&fwd->nat_start) &&
        (fwd->nat_start.family != AF_INET || fwd->nat_end.family != AF_INET ||
         net_addr_cmp(&fwd->nat_start, &fwd->nat_end) > 0)) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("invalid NAT address range in network '%s': IPv4 start <= end required"),
                     def->name);
        return -1;
    }
    return 0;
}

static int
check_dns(const NetworkDef *def)
{
    const NetworkDnsDef *dns = &def->dns;

    if (dns->enable == XML_TRISTATE_NO &&
        (dns->forwarders->len || dns->hosts->len || dns->kept->len ||
         dns->forward_plain_names)) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("extra data in disabled DNS of network '%s'"), def->name);
        return -1;
    }
    return 0;
}

int
network_def_validate(const NetworkDef *def)
{
    if (check_name(def) < 0)
        return -1;
    if (def->bridge && check_ifname("bridge", def->bridge) < 0)
        return -1;
    if (check_forward(def) < 0 || check_ips(def) < 0 || check_dns(def) < 0)
        return -1;
    return 0;
}

bool
network_def_ip_ranges_overlap(const NetworkDef *a, const NetworkDef *b)
{
    for (guint i = 0; i < a->ips->len; i++) {
        const NetworkIPDef *x = a->ips->pdata[i];

        for (guint j = 0; j < b->ips->len; j++) {
            const NetworkIPDef *y = b->ips->pdata[j];

            if (net_addr_subnets_overlap(&x->address, x->prefix, &y->address, y->prefix))
                return true;
        }
    }
    return false;
}

static NetworkIPDef *
update_target_ip(NetworkDef *def)
{
    for (guint i = 0; i < def->ips->len; i++) {
        NetworkIPDef *ip = def->ips->pdata[i];

        if (ip->ranges->len || ip->hosts->len)
            return ip;
    }
    for (int fam = 0; fam < 2; fam++) {
        for (guint i = 0; i < def->ips->len; i++) {
            NetworkIPDef *ip = def->ips->pdata[i];

            if (ip->family == (fam == 0 ? AF_INET : AF_INET6))
                return ip;
        }
    }
    return NULL;
}

static char *
host_describe(const NetworkDhcpHost *h)
{
    char mac[18] = "";
    g_autofree char *ip = net_addr_is_set(&h->ip) ? net_addr_format(&h->ip) : g_strdup("");

    if (h->has_mac)
        xml_mac_format(h->mac, mac);
    return g_strdup_printf("<host mac='%s' name='%s' ip='%s'/>", mac,
                           h->name ? h->name : "", ip);
}

static bool
host_matches_all(const NetworkDhcpHost *want, const NetworkDhcpHost *h)
{
    return (!want->has_mac || !h->has_mac || memcmp(want->mac, h->mac, 6) == 0) &&
           (!want->name || g_strcmp0(want->name, h->name) == 0) &&
           (!want->id || g_strcmp0(want->id, h->id) == 0) &&
           (!net_addr_is_set(&want->ip) || net_addr_equal(&want->ip, &h->ip));
}

static int
update_add_host(NetworkDef *def, NetworkIPDef *ip, NetworkDhcpHost *host, unsigned flags)
{
    const char *what = NULL;

    for (guint i = 0; i < ip->hosts->len; i++) {
        if (hosts_clash(host, ip->hosts->pdata[i], &what)) {
            g_autofree char *d = host_describe(ip->hosts->pdata[i]);

            error_report(DOM, VK_ERR_OPERATION_INVALID,
                         _("there is an existing dhcp host entry in network '%1$s' that matches \"%2$s\""),
                         def->name, d);
            return -1;
        }
    }
    if (!addr_in_ip(&host->ip, ip)) {
        g_autofree char *hs = addr_str(&host->ip);

        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("static host address %1$s is not within the subnet of network '%2$s'"),
                     hs, def->name);
        return -1;
    }
    ip->has_dhcp = true;
    if (flags & NETWORK_UPDATE_ADD_FIRST)
        g_ptr_array_insert(ip->hosts, 0, host);
    else
        g_ptr_array_add(ip->hosts, host);
    return 0;
}

int
network_def_update_dhcp_host_full(NetworkDef *def, const char *host_xml,
                                  bool add, unsigned flags)
{
    g_autoptr(xmlDoc) doc = xml_parse_string(host_xml, "dhcp host", DOM);
    NetworkIPDef *ip = update_target_ip(def);
    NetworkDhcpHost *host = NULL;

    if (!doc)
        return -1;
    if (!ip) {
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("couldn't update dhcp host entry - no <ip> element found in network '%s'"),
                     def->name);
        return -1;
    }
    if (network_dhcp_host_parse(xmlDocGetRootElement(doc), ip, !add, &host) < 0)
        return -1;
    if (add) {
        if (update_add_host(def, ip, host, flags) < 0) {
            network_dhcp_host_free(host);
            return -1;
        }
        return 0;
    }
    for (guint i = 0; i < ip->hosts->len; i++) {
        if (host_matches_all(host, ip->hosts->pdata[i])) {
            g_ptr_array_remove_index(ip->hosts, i);
            network_dhcp_host_free(host);
            return 0;
        }
    }
    network_dhcp_host_free(host);
    error_report(DOM, VK_ERR_OPERATION_INVALID,
                 _("couldn't locate a matching dhcp host entry in network '%s'"), def->name);
    return -1;
}

int
network_def_update_dhcp_host(NetworkDef *def, const char *host_xml, bool add)
{
    return network_def_update_dhcp_host_full(def, host_xml, add, 0);
}

char *
network_bridge_name_pick(const char *const *in_use, const char *tmpl)
{
    if (!tmpl)
        tmpl = "virbr%d";
    for (int n = 0; n < 100000; n++) {
        g_autofree char *name = NULL;
        bool used = false;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        name = g_strdup_printf(tmpl, n);
#pragma GCC diagnostic pop
        for (size_t i = 0; in_use && in_use[i]; i++) {
            if (strcmp(in_use[i], name) == 0) {
                used = true;
                break;
            }
        }
        if (!used)
            return g_steal_pointer(&name);
    }
    return NULL;
}

static bool
template_ok(const char *tmpl)
{
    const char *p = strchr(tmpl, '%');

    return p && p[1] == 'd' && !strchr(p + 1, '%');
}

int
network_def_assign_bridge(NetworkDef *def, const char *const *in_use)
{
    char *name;

    if (def->forward.mode == NETWORK_FORWARD_BRIDGE)
        return 0;
    if (def->bridge && !strchr(def->bridge, '%'))
        return 0;
    if (def->bridge && !template_ok(def->bridge)) {
        error_report(DOM, VK_ERR_XML_ERROR, _("invalid bridge name template '%s'"),
                     def->bridge);
        return -1;
    }
    if (!(name = network_bridge_name_pick(in_use, def->bridge))) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR, _("no free bridge name"));
        return -1;
    }
    g_free(def->bridge);
    def->bridge = name;
    return 0;
}

void
network_def_assign_mac(NetworkDef *def)
{
    if (def->has_mac || def->forward.mode == NETWORK_FORWARD_BRIDGE)
        return;
    def->mac[0] = 0x52;
    def->mac[1] = 0x54;
    def->mac[2] = 0x00;
    for (int i = 3; i < 6; i++)
        def->mac[i] = (uint8_t) g_random_int_range(0, 256);
    def->has_mac = true;
}

void
network_def_assign_uuid(NetworkDef *def)
{
    if (def->has_uuid)
        return;
    xml_uuid_generate(def->uuid);
    def->has_uuid = true;
}

const NetworkIPDef *
network_def_dhcp_ip(const NetworkDef *def, int family)
{
    for (guint i = 0; i < def->ips->len; i++) {
        const NetworkIPDef *ip = def->ips->pdata[i];

        if (ip->family == family && ip->has_dhcp)
            return ip;
    }
    return NULL;
}
