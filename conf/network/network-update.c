/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NETWORK_UPDATE of the ip-dhcp-host and ip-dhcp-range sections. */
#include <string.h>

#include "conf/network/network-conf.h"
#include "conf/network/network-priv.h"
#include "conf/xml-util.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_NETWORK

static NetworkIPDef *
ip_by_index(NetworkDef *def, int parent_index)
{
    if (parent_index >= 0) {
        if ((guint) parent_index < def->ips->len)
            return def->ips->pdata[parent_index];
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("couldn't update dhcp host entry - no <ip> element found at index %1$d in network '%2$s'"),
                     parent_index, def->name);
        return NULL;
    }
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
    error_report(DOM, VK_ERR_OPERATION_INVALID,
                 _("couldn't update dhcp host entry - no <ip> element found in network '%s'"),
                 def->name);
    return NULL;
}

/* Only one <ip> per family may carry dhcp. */
static int
check_multi_dhcp(const NetworkDef *def, const NetworkIPDef *target)
{
    for (guint i = 0; i < def->ips->len; i++) {
        const NetworkIPDef *ip = def->ips->pdata[i];

        if (ip != target && ip->family == target->family && (ip->ranges->len || ip->hosts->len)) {
            error_report(DOM, VK_ERR_OPERATION_INVALID,
                         _("dhcp is supported only for a single %s address on each network"),
                         target->family == AF_INET ? "IPv4" : "IPv6");
            return -1;
        }
    }
    return 0;
}

static xmlNode *
update_root(xmlDoc *doc, const char *want, const NetworkDef *def)
{
    xmlNode *root = xmlDocGetRootElement(doc);

    if (strcmp((const char *) root->name, want) != 0) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("unexpected element <%1$s>, expecting <%2$s>, while updating network '%3$s'"),
                     (const char *) root->name, want, def->name);
        return NULL;
    }
    return root;
}

static void
host_strings(const NetworkDhcpHost *h, char mac[18], char **ip)
{
    if (h->has_mac)
        xml_mac_format(h->mac, mac);
    else
        g_strlcpy(mac, _("unknown"), 18);
    *ip = net_addr_is_set(&h->ip) ? net_addr_format(&h->ip) : g_strdup(_("unknown"));
}

static bool
host_matches_any(const NetworkDhcpHost *want, const NetworkDhcpHost *h)
{
    return (want->has_mac && h->has_mac && memcmp(want->mac, h->mac, 6) == 0) ||
           (net_addr_is_set(&want->ip) && net_addr_equal(&want->ip, &h->ip)) ||
           (want->name && g_strcmp0(want->name, h->name) == 0) ||
           (want->id && g_strcmp0(want->id, h->id) == 0);
}

static bool
host_matches_all(const NetworkDhcpHost *want, const NetworkDhcpHost *h)
{
    return (!want->has_mac || !h->has_mac || memcmp(want->mac, h->mac, 6) == 0) &&
           (!want->name || g_strcmp0(want->name, h->name) == 0) &&
           (!want->id || g_strcmp0(want->id, h->id) == 0) &&
           (!net_addr_is_set(&want->ip) || net_addr_equal(&want->ip, &h->ip));
}

/* No entry but @skip may share @host's mac, name or ip: the definition
 * would no longer parse. */
static int
host_clashes_others(NetworkDef *def, NetworkIPDef *ip, const NetworkDhcpHost *host, guint skip)
{
    const char *what;

    for (guint j = 0; j < ip->hosts->len; j++) {
        if (j != skip && network_dhcp_hosts_clash(host, ip->hosts->pdata[j], &what)) {
            g_autofree char *ips = NULL;
            char mac[18];

            host_strings(host, mac, &ips);
            error_report(DOM, VK_ERR_OPERATION_INVALID,
                         _("there is an existing dhcp host entry in network '%1$s' that matches \"<host mac='%2$s' name='%3$s' ip='%4$s'/>\""),
                         def->name, mac, host->name ? host->name : "", ips);
            return -1;
        }
    }
    return 0;
}

static int
host_add(NetworkDef *def, NetworkIPDef *ip, NetworkDhcpHost *host, bool first)
{
    if (check_multi_dhcp(def, ip) < 0 || host_clashes_others(def, ip, host, G_MAXUINT) < 0)
        return -1;
    if (!network_addr_in_ip(&host->ip, ip)) {
        g_autofree char *hs = net_addr_format(&host->ip);

        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("static host address %1$s is not within the subnet of network '%2$s'"),
                     hs, def->name);
        return -1;
    }
    ip->has_dhcp = true;
    g_ptr_array_insert(ip->hosts, first ? 0 : -1, host);
    return 0;
}

static int
host_modify(NetworkDef *def, NetworkIPDef *ip, NetworkDhcpHost *host)
{
    if (!network_addr_in_ip(&host->ip, ip)) {
        g_autofree char *hs = net_addr_format(&host->ip);

        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("static host address %1$s is not within the subnet of network '%2$s'"),
                     hs, def->name);
        return -1;
    }
    for (guint i = 0; i < ip->hosts->len; i++) {
        if (host_matches_any(host, ip->hosts->pdata[i])) {
            if (host_clashes_others(def, ip, host, i) < 0)
                return -1;
            network_dhcp_host_free(ip->hosts->pdata[i]);
            ip->hosts->pdata[i] = host;
            return 0;
        }
    }
    {
        g_autofree char *ips = NULL;
        char mac[18];

        host_strings(host, mac, &ips);
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("couldn't locate an existing dhcp host entry with \"mac='%1$s'\" \"name='%2$s'\" \"ip='%3$s'\" in network '%4$s'"),
                     mac, host->name ? host->name : "", ips, def->name);
    }
    return -1;
}

static int
host_delete(NetworkDef *def, NetworkIPDef *ip, const NetworkDhcpHost *host)
{
    for (guint i = 0; i < ip->hosts->len; i++) {
        if (host_matches_all(host, ip->hosts->pdata[i])) {
            g_ptr_array_remove_index(ip->hosts, i);
            return 0;
        }
    }
    error_report(DOM, VK_ERR_OPERATION_INVALID,
                 _("couldn't locate a matching dhcp host entry in network '%s'"), def->name);
    return -1;
}

int
network_def_update_dhcp_host_cmd(NetworkDef *def, NetworkUpdateCommand cmd,
                                 int parent_index, const char *xml)
{
    g_autoptr(xmlDoc) doc = xml_parse_string(xml, "dhcp host", DOM);
    NetworkIPDef *ip;
    xmlNode *root;
    NetworkDhcpHost *host = NULL;
    int r = -1;

    if (!doc || !(root = update_root(doc, "host", def)) || !(ip = ip_by_index(def, parent_index)))
        return -1;
    if (network_dhcp_host_parse(root, ip, cmd == NETWORK_UPDATE_COMMAND_DELETE, &host) < 0)
        return -1;
    switch (cmd) {
    case NETWORK_UPDATE_COMMAND_ADD_FIRST:
    case NETWORK_UPDATE_COMMAND_ADD_LAST:
        if ((r = host_add(def, ip, host, cmd == NETWORK_UPDATE_COMMAND_ADD_FIRST)) == 0)
            host = NULL;
        break;
    case NETWORK_UPDATE_COMMAND_MODIFY:
        if ((r = host_modify(def, ip, host)) == 0)
            host = NULL;
        break;
    case NETWORK_UPDATE_COMMAND_DELETE:
        r = host_delete(def, ip, host);
        break;
    default:
        error_report(DOM, VK_ERR_NO_SUPPORT, _("unrecognized network update command code %d"), cmd);
    }
    network_dhcp_host_free(host);
    return r;
}

int
network_def_update_dhcp_host(NetworkDef *def, const char *host_xml, bool add)
{
    return network_def_update_dhcp_host_cmd(def, add ? NETWORK_UPDATE_COMMAND_ADD_LAST :
                                            NETWORK_UPDATE_COMMAND_DELETE, -1, host_xml);
}

static int
range_add(NetworkDef *def, NetworkIPDef *ip, const NetworkDhcpRange *range, bool first)
{
    if (check_multi_dhcp(def, ip) < 0 || network_dhcp_range_check(def, ip, range) < 0)
        return -1;
    for (guint i = 0; i < ip->ranges->len; i++) {
        if (network_dhcp_ranges_overlap(range, &g_array_index(ip->ranges, NetworkDhcpRange, i))) {
            g_autofree char *s = net_addr_format(&range->start);
            g_autofree char *e = net_addr_format(&range->end);

            error_report(DOM, VK_ERR_OPERATION_INVALID,
                         _("there is an existing dhcp range entry in network '%1$s' that overlaps \"<range start='%2$s' end='%3$s'/>\""),
                         def->name, s, e);
            return -1;
        }
    }
    ip->has_dhcp = true;
    if (first)
        g_array_prepend_val(ip->ranges, *range);
    else
        g_array_append_val(ip->ranges, *range);
    return 0;
}

static int
range_delete(NetworkDef *def, NetworkIPDef *ip, const NetworkDhcpRange *range)
{
    for (guint i = 0; i < ip->ranges->len; i++) {
        const NetworkDhcpRange *r = &g_array_index(ip->ranges, NetworkDhcpRange, i);

        if (net_addr_equal(&r->start, &range->start) && net_addr_equal(&r->end, &range->end)) {
            g_array_remove_index(ip->ranges, i);
            return 0;
        }
    }
    error_report(DOM, VK_ERR_OPERATION_INVALID,
                 _("couldn't locate a matching dhcp range entry in network '%s'"), def->name);
    return -1;
}

int
network_def_update_dhcp_range_cmd(NetworkDef *def, NetworkUpdateCommand cmd,
                                  int parent_index, const char *xml)
{
    g_autoptr(xmlDoc) doc = xml_parse_string(xml, "dhcp range", DOM);
    NetworkDhcpRange range;
    NetworkIPDef *ip;
    xmlNode *root;

    if (!doc || !(root = update_root(doc, "range", def)) || !(ip = ip_by_index(def, parent_index)))
        return -1;
    if (cmd == NETWORK_UPDATE_COMMAND_MODIFY) {
        error_report(DOM, VK_ERR_OPERATION_UNSUPPORTED,
                     _("dhcp ranges cannot be modified, only added or deleted"));
        return -1;
    }
    if (network_dhcp_range_parse(root, &range) < 0)
        return -1;
    if (range.start.family != ip->family) {
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("the address family of a dhcp range must match the address family of the dhcp element's parent"));
        return -1;
    }
    if (cmd == NETWORK_UPDATE_COMMAND_ADD_FIRST || cmd == NETWORK_UPDATE_COMMAND_ADD_LAST)
        return range_add(def, ip, &range, cmd == NETWORK_UPDATE_COMMAND_ADD_FIRST);
    if (cmd == NETWORK_UPDATE_COMMAND_DELETE)
        return range_delete(def, ip, &range);
    error_report(DOM, VK_ERR_NO_SUPPORT, _("unrecognized network update command code %d"), cmd);
    return -1;
}

NetworkDef *
network_def_copy(const NetworkDef *def)
{
    g_autofree char *xml = network_def_format(def, 0);

    return network_def_parse_string(xml, 0);
}
