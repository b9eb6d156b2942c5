/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network helpers the driver uses: dhcp host update, overlap, defaults. */
#include <string.h>

#include <glib.h>

#include "conf/network/network-conf.h"
#include "util/error.h"

static const char *default_xml =
    "<network><name>default</name>"
    "<forward mode='nat'/><bridge name='virbr0'/>"
    "<ip address='192.168.122.1' netmask='255.255.255.0'><dhcp>"
    "<range start='192.168.122.2' end='192.168.122.254'/>"
    "<host mac='52:54:00:00:00:01' name='one' ip='192.168.122.11'/>"
    "</dhcp></ip></network>";

static NetworkDef *
parse_ok(const char *xml)
{
    NetworkDef *def = network_def_parse_string(xml, 0);

    if (!def)
        g_error("parse failed: %s", error_get_last()->message);
    return def;
}

static void
assert_error(int code, const char *substr)
{
    const VkError *e = error_get_last();

    g_assert_nonnull(e);
    g_assert_cmpint(e->code, ==, code);
    if (!strstr(e->message, substr))
        g_error("message '%s' lacks '%s'", e->message, substr);
    g_assert_cmpint(e->domain, ==, VK_FROM_NETWORK);
}

static const NetworkDhcpHost *
host_at(const NetworkDef *def, guint i)
{
    const NetworkIPDef *ip = def->ips->pdata[0];

    g_assert_cmpuint(i, <, ip->hosts->len);
    return ip->hosts->pdata[i];
}

static void
test_dhcp_host_add(void)
{
    g_autoptr(NetworkDef) def = parse_ok(default_xml);
    g_autofree char *xml = NULL;

    g_assert_cmpint(network_def_update_dhcp_host(def,
        "<host mac='52:54:00:00:00:02' name='two' ip='192.168.122.12'/>", true), ==, 0);
    g_assert_cmpstr(host_at(def, 1)->name, ==, "two");
    xml = network_def_format(def, 0);
    g_assert_nonnull(strstr(xml, "<host mac=\"52:54:00:00:00:02\" name=\"two\" ip=\"192.168.122.12\"/>"));

    g_assert_cmpint(network_def_update_dhcp_host_cmd(def, NETWORK_UPDATE_COMMAND_ADD_FIRST, -1,
        "<host mac='52:54:00:00:00:03' ip='192.168.122.13'/>"), ==, 0);
    g_assert_true(host_at(def, 0)->has_mac && host_at(def, 0)->mac[5] == 3);
}

static void
test_dhcp_host_add_conflicts(void)
{
    g_autoptr(NetworkDef) def = parse_ok(default_xml);
    const NetworkIPDef *ip = def->ips->pdata[0];

    g_assert_cmpint(network_def_update_dhcp_host(def,
        "<host mac='52:54:00:00:00:01' name='other' ip='192.168.122.50'/>", true), ==, -1);
    assert_error(VK_ERR_OPERATION_INVALID,
                 "there is an existing dhcp host entry in network 'default' that matches "
                 "\"<host mac='52:54:00:00:00:01' name='other' ip='192.168.122.50'/>\"");
    g_assert_cmpint(network_def_update_dhcp_host(def,
        "<host mac='52:54:00:00:00:09' name='one' ip='192.168.122.50'/>", true), ==, -1);
    g_assert_cmpint(network_def_update_dhcp_host(def,
        "<host mac='52:54:00:00:00:09' ip='192.168.122.11'/>", true), ==, -1);
    g_assert_cmpint(network_def_update_dhcp_host(def,
        "<host mac='52:54:00:00:00:09' ip='10.0.0.1'/>", true), ==, -1);
    assert_error(VK_ERR_OPERATION_INVALID, "not within the subnet");
    /* an add needs an ip */
    g_assert_cmpint(network_def_update_dhcp_host(def, "<host mac='52:54:00:00:00:09'/>", true), ==, -1);
    assert_error(VK_ERR_XML_ERROR, "missing IP address");
    g_assert_cmpint(network_def_update_dhcp_host(def, "<hots/>", true), ==, -1);
    g_assert_cmpint(network_def_update_dhcp_host(def, "<host", true), ==, -1);
    g_assert_cmpuint(ip->hosts->len, ==, 1);
}

static void
test_dhcp_host_delete(void)
{
    g_autoptr(NetworkDef) def = parse_ok(default_xml);
    const NetworkIPDef *ip = def->ips->pdata[0];

    g_assert_cmpint(network_def_update_dhcp_host(def,
        "<host mac='52:54:00:00:00:01' name='wrong'/>", false), ==, -1);
    assert_error(VK_ERR_OPERATION_INVALID, "couldn't locate a matching dhcp host entry in network 'default'");
    g_assert_cmpuint(ip->hosts->len, ==, 1);
    /* attributes not given match anything */
    g_assert_cmpint(network_def_update_dhcp_host(def, "<host mac='52:54:00:00:00:01'/>", false), ==, 0);
    g_assert_cmpuint(ip->hosts->len, ==, 0);
}

static void
test_dhcp_host_no_ip(void)
{
    g_autoptr(NetworkDef) def = parse_ok("<network><name>b</name><forward mode='bridge'/>"
                                         "<bridge name='br0'/></network>");

    g_assert_cmpint(network_def_update_dhcp_host(def,
        "<host mac='52:54:00:00:00:01' ip='1.2.3.4'/>", true), ==, -1);
    assert_error(VK_ERR_OPERATION_INVALID, "no <ip> element found");
}

static void
test_dhcp_host_ipv6(void)
{
    g_autoptr(NetworkDef) def = parse_ok("<network><name>six</name>"
        "<ip family='ipv6' address='2001:db8::1' prefix='64'><dhcp>"
        "<range start='2001:db8::100' end='2001:db8::1ff'/></dhcp></ip></network>");

    g_assert_cmpint(network_def_update_dhcp_host(def,
        "<host id='0:1:0:1:2b:3c:4d:5e:52:54:0:0:0:1' ip='2001:db8::5'/>", true), ==, 0);
    g_assert_cmpint(network_def_update_dhcp_host(def,
        "<host mac='52:54:00:00:00:01' ip='2001:db8::6'/>", true), ==, -1);
    assert_error(VK_ERR_XML_ERROR, "must not have a 'mac'");
    g_assert_cmpint(network_def_update_dhcp_host(def, "<host ip='2001:db8::5'/>", false), ==, -1);
    assert_error(VK_ERR_XML_ERROR, "must have id or name");
    g_assert_cmpint(network_def_update_dhcp_host(def,
        "<host id='0:1:0:1:2b:3c:4d:5e:52:54:0:0:0:1'/>", false), ==, 0);
}

static void
test_dhcp_host_modify(void)
{
    g_autoptr(NetworkDef) def = parse_ok(default_xml);
    g_autofree char *xml = NULL;

    g_assert_cmpint(network_def_update_dhcp_host_cmd(def, NETWORK_UPDATE_COMMAND_MODIFY, -1,
        "<host mac='52:54:00:00:00:01' name='renamed' ip='192.168.122.99'/>"), ==, 0);
    g_assert_cmpstr(host_at(def, 0)->name, ==, "renamed");
    xml = network_def_format(def, 0);
    g_assert_nonnull(strstr(xml, "ip=\"192.168.122.99\""));
    g_assert_cmpint(network_def_update_dhcp_host_cmd(def, NETWORK_UPDATE_COMMAND_MODIFY, -1,
        "<host mac='52:54:00:00:00:77' name='nobody' ip='192.168.122.77'/>"), ==, -1);
    assert_error(VK_ERR_OPERATION_INVALID, "couldn't locate an existing dhcp host entry with "
                 "\"mac='52:54:00:00:00:77'\" \"name='nobody'\" \"ip='192.168.122.77'\" in network 'default'");
    g_assert_cmpint(network_def_update_dhcp_host_cmd(def, NETWORK_UPDATE_COMMAND_ADD_LAST, 3,
        "<host mac='52:54:00:00:00:02' ip='192.168.122.12'/>"), ==, -1);
    assert_error(VK_ERR_OPERATION_INVALID, "no <ip> element found at index 3 in network 'default'");
    g_assert_cmpint(network_def_update_dhcp_host_cmd(def, NETWORK_UPDATE_COMMAND_ADD_LAST, 0,
        "<range start='192.168.122.2' end='192.168.122.3'/>"), ==, -1);
    assert_error(VK_ERR_XML_ERROR, "unexpected element <range>, expecting <host>");
}

static void
test_dhcp_multi(void)
{
    g_autoptr(NetworkDef) def = parse_ok("<network><name>m</name>"
        "<ip address='192.168.1.1' prefix='24'><dhcp><range start='192.168.1.2' end='192.168.1.9'/></dhcp></ip>"
        "<ip address='192.168.2.1' prefix='24'/></network>");

    g_assert_cmpint(network_def_update_dhcp_host_cmd(def, NETWORK_UPDATE_COMMAND_ADD_LAST, 1,
        "<host mac='52:54:00:00:00:02' ip='192.168.2.12'/>"), ==, -1);
    assert_error(VK_ERR_OPERATION_INVALID, "dhcp is supported only for a single IPv4 address");
    g_assert_cmpint(network_def_update_dhcp_host_cmd(def, NETWORK_UPDATE_COMMAND_ADD_LAST, 0,
        "<host mac='52:54:00:00:00:02' ip='192.168.1.12'/>"), ==, 0);
}

static void
test_dhcp_range(void)
{
    g_autoptr(NetworkDef) def = parse_ok(default_xml);
    g_autoptr(NetworkDef) copy = NULL;
    const NetworkIPDef *ip = def->ips->pdata[0];
    g_autofree char *a = NULL, *b = NULL;

    g_assert_cmpint(network_def_update_dhcp_range_cmd(def, NETWORK_UPDATE_COMMAND_DELETE, -1,
        "<range start='192.168.122.2' end='192.168.122.254'/>"), ==, 0);
    g_assert_cmpuint(ip->ranges->len, ==, 0);
    g_assert_cmpint(network_def_update_dhcp_range_cmd(def, NETWORK_UPDATE_COMMAND_DELETE, -1,
        "<range start='192.168.122.2' end='192.168.122.254'/>"), ==, -1);
    assert_error(VK_ERR_OPERATION_INVALID, "couldn't locate a matching dhcp range entry");
    g_assert_cmpint(network_def_update_dhcp_range_cmd(def, NETWORK_UPDATE_COMMAND_ADD_LAST, -1,
        "<range start='192.168.122.100' end='192.168.122.200'/>"), ==, 0);
    g_assert_cmpint(network_def_update_dhcp_range_cmd(def, NETWORK_UPDATE_COMMAND_ADD_FIRST, -1,
        "<range start='192.168.122.150' end='192.168.122.250'/>"), ==, -1);
    assert_error(VK_ERR_OPERATION_INVALID, "overlaps");
    g_assert_cmpint(network_def_update_dhcp_range_cmd(def, NETWORK_UPDATE_COMMAND_ADD_FIRST, -1,
        "<range start='192.168.123.2' end='192.168.123.9'/>"), ==, -1);
    assert_error(VK_ERR_XML_ERROR, "not entirely within network");
    g_assert_cmpint(network_def_update_dhcp_range_cmd(def, NETWORK_UPDATE_COMMAND_ADD_FIRST, -1,
        "<range start='192.168.122.10' end='192.168.122.20'/>"), ==, 0);
    g_assert_cmpint(network_def_update_dhcp_range_cmd(def, NETWORK_UPDATE_COMMAND_MODIFY, -1,
        "<range start='192.168.122.10' end='192.168.122.20'/>"), ==, -1);
    assert_error(VK_ERR_OPERATION_UNSUPPORTED, "cannot be modified");
    g_assert_cmpint(network_def_update_dhcp_range_cmd(def, NETWORK_UPDATE_COMMAND_ADD_LAST, -1,
        "<range start='fd00::2' end='fd00::9'/>"), ==, -1);
    assert_error(VK_ERR_OPERATION_INVALID, "address family of a dhcp range");
    g_assert_cmpuint(ip->ranges->len, ==, 2);
    copy = network_def_copy(def);
    a = network_def_format(def, 0);
    b = network_def_format(copy, 0);
    g_assert_cmpstr(a, ==, b);
    g_assert_nonnull(strstr(a, "<range start=\"192.168.122.10\" end=\"192.168.122.20\"/>\n"
                               "      <range start=\"192.168.122.100\""));
}

static void
test_validate_flag(void)
{
    const char *xml = "<network><name>pg</name><portgroup name='a'><bogus/></portgroup></network>";
    g_autoptr(NetworkDef) kept = network_def_parse_string(xml, 0);
    g_autoptr(NetworkDef) good = network_def_parse_string(default_xml, NETWORK_PARSE_VALIDATE);

    /* kept sections are copied verbatim; only the schema check looks inside */
    g_assert_nonnull(kept);
    g_assert_nonnull(good);
    g_assert_null(network_def_parse_string(xml, NETWORK_PARSE_VALIDATE));
    assert_error(VK_ERR_XML_INVALID_SCHEMA, "");
}

static void
test_overlap(void)
{
    g_autoptr(NetworkDef) a = parse_ok(default_xml);
    g_autoptr(NetworkDef) b = parse_ok("<network><name>b</name>"
                                       "<ip address='192.168.122.129' prefix='25'/></network>");
    g_autoptr(NetworkDef) c = parse_ok("<network><name>c</name>"
                                       "<ip address='192.168.123.1' prefix='24'/>"
                                       "<ip family='ipv6' address='fd00::1' prefix='64'/></network>");
    g_autoptr(NetworkDef) d = parse_ok("<network><name>d</name>"
                                       "<ip address='192.168.0.1' prefix='16'/></network>");
    g_autoptr(NetworkDef) e = parse_ok("<network><name>e</name>"
                                       "<ip family='ipv6' address='fd00::2' prefix='48'/></network>");
    g_autoptr(NetworkDef) f = parse_ok("<network><name>f</name></network>");

    g_assert_true(network_def_ip_ranges_overlap(a, b));
    g_assert_true(network_def_ip_ranges_overlap(b, a));
    g_assert_false(network_def_ip_ranges_overlap(a, c));
    g_assert_true(network_def_ip_ranges_overlap(a, d));
    g_assert_true(network_def_ip_ranges_overlap(c, d));
    g_assert_true(network_def_ip_ranges_overlap(c, e));
    g_assert_false(network_def_ip_ranges_overlap(a, e));
    g_assert_false(network_def_ip_ranges_overlap(a, f));
}

static void
test_bridge_name(void)
{
    const char *used[] = { "virbr0", "virbr1", "virbr3", "eth0", NULL };
    g_autofree char *n1 = network_bridge_name_pick(used, NULL);
    g_autofree char *n2 = network_bridge_name_pick(NULL, NULL);
    g_autofree char *n3 = network_bridge_name_pick(used, "br%d");
    g_autoptr(NetworkDef) def = parse_ok("<network><name>x</name></network>");
    g_autoptr(NetworkDef) tmpl = parse_ok("<network><name>y</name><bridge name='kvm%d'/></network>");
    g_autoptr(NetworkDef) br = parse_ok("<network><name>z</name><forward mode='bridge'/>"
                                        "<bridge name='br0'/></network>");
    g_autoptr(NetworkDef) bad = parse_ok("<network><name>w</name><bridge name='a%s'/></network>");

    g_assert_cmpstr(n1, ==, "virbr2");
    g_assert_cmpstr(n2, ==, "virbr0");
    g_assert_cmpstr(n3, ==, "br0");
    g_assert_cmpint(network_def_assign_bridge(def, used), ==, 0);
    g_assert_cmpstr(def->bridge, ==, "virbr2");
    g_assert_cmpint(network_def_assign_bridge(tmpl, used), ==, 0);
    g_assert_cmpstr(tmpl->bridge, ==, "kvm0");
    g_assert_cmpint(network_def_assign_bridge(br, used), ==, 0);
    g_assert_cmpstr(br->bridge, ==, "br0");
    g_assert_cmpint(network_def_assign_bridge(bad, used), ==, -1);
    assert_error(VK_ERR_XML_ERROR, "invalid bridge name template");
}

static void
test_mac_uuid(void)
{
    g_autoptr(NetworkDef) def = parse_ok("<network><name>x</name></network>");
    g_autoptr(NetworkDef) br = parse_ok("<network><name>z</name><forward mode='bridge'/>"
                                        "<bridge name='br0'/></network>");
    g_autoptr(NetworkDef) fixed = parse_ok(default_xml);
    uint8_t zero[16] = { 0 };

    network_def_assign_mac(def);
    g_assert_true(def->has_mac);
    g_assert_cmpint(def->mac[0], ==, 0x52);
    g_assert_cmpint(def->mac[1], ==, 0x54);
    g_assert_cmpint(def->mac[2], ==, 0x00);
    network_def_assign_mac(br);
    g_assert_false(br->has_mac);
    network_def_assign_uuid(def);
    g_assert_true(def->has_uuid);
    g_assert_true(memcmp(def->uuid, zero, 16) != 0);
    g_assert_null(network_def_dhcp_ip(def, AF_INET));
    g_assert_nonnull(network_def_dhcp_ip(fixed, AF_INET));
    g_assert_null(network_def_dhcp_ip(fixed, AF_INET6));
}

static void
test_addr(void)
{
    NetAddr a, m, out;
    g_autofree char *s = NULL;

    g_assert_cmpint(net_addr_parse("255.255.254.0", &m), ==, 0);
    g_assert_cmpint(net_addr_netmask_to_prefix(&m), ==, 23);
    g_assert_cmpint(net_addr_parse("255.255.0.255", &m), ==, 0);
    g_assert_cmpint(net_addr_netmask_to_prefix(&m), ==, -1);
    g_assert_cmpint(net_addr_parse("10.1.2.3", &a), ==, 0);
    net_addr_broadcast(&a, 20, &out);
    s = net_addr_format(&out);
    g_assert_cmpstr(s, ==, "10.1.15.255");
    g_assert_cmpint(net_addr_parse("10.1.2", &a), ==, -1);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/network/dhcp-host/add", test_dhcp_host_add);
    g_test_add_func("/network/dhcp-host/add-conflicts", test_dhcp_host_add_conflicts);
    g_test_add_func("/network/dhcp-host/delete", test_dhcp_host_delete);
    g_test_add_func("/network/dhcp-host/no-ip", test_dhcp_host_no_ip);
    g_test_add_func("/network/dhcp-host/ipv6", test_dhcp_host_ipv6);
    g_test_add_func("/network/dhcp-host/modify", test_dhcp_host_modify);
    g_test_add_func("/network/dhcp-host/multi", test_dhcp_multi);
    g_test_add_func("/network/dhcp-range", test_dhcp_range);
    g_test_add_func("/network/overlap", test_overlap);
    g_test_add_func("/network/validate-flag", test_validate_flag);
    g_test_add_func("/network/bridge-name", test_bridge_name);
    g_test_add_func("/network/mac-uuid", test_mac_uuid);
    g_test_add_func("/network/addr", test_addr);
    return g_test_run();
}
