/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network checks that need no host state, update of dhcp hosts, defaults. */
#include <string.h>

#include "conf/network/network-conf.h"
#include "conf/network/network-priv.h"
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

bool
network_addr_in_ip(const NetAddr *a, const NetworkIPDef *ip)
{
    return a->family == ip->family && net_addr_same_subnet(a, &ip->address, ip->prefix);
}

/* The range must lie inside the subnet, excluding its network/broadcast address. */
int
network_dhcp_range_check(const NetworkDef *def, const NetworkIPDef *ip, const NetworkDhcpRange *r)
{
    g_autofree char *s = addr_str(&r->start);
    g_autofree char *e = addr_str(&r->end);
    g_autofree char *a = addr_str(&ip->address);
    NetAddr net, bcast;

    if (!network_addr_in_ip(&r->start, ip) || !network_addr_in_ip(&r->end, ip)) {
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

bool
network_dhcp_ranges_overlap(const NetworkDhcpRange *a, const NetworkDhcpRange *b)
{
    return net_addr_cmp(&a->start, &b->end) <= 0 && net_addr_cmp(&b->start, &a->end) <= 0;
}

static int
check_ranges(const NetworkDef *def, const NetworkIPDef *ip)
{
    for (guint i = 0; i < ip->ranges->len; i++) {
        const NetworkDhcpRange *r = &g_array_index(ip->ranges, NetworkDhcpRange, i);

        if (network_dhcp_range_check(def, ip, r) < 0)
            return -1;
        for (guint j = 0; j < i; j++) {
            const NetworkDhcpRange *o = &g_array_index(ip->ranges, NetworkDhcpRange, j);

            if (network_dhcp_ranges_overlap(r, o)) {
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

bool
network_dhcp_hosts_clash(const NetworkDhcpHost *a, const NetworkDhcpHost *b, const char **what)
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

        if (!network_addr_in_ip(&h->ip, ip)) {
            error_report(DOM, VK_ERR_XML_ERROR,
                         _("static host address %1$s is not within the subnet of network '%2$s'"),
                         hs, def->name);
            return -1;
        }
        for (guint j = 0; j < i; j++) {
            const char *what = NULL;

            if (network_dhcp_hosts_clash(h, ip->hosts->pdata[j], &what)) {
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
