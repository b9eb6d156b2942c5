/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The exact rtnetlink requests the interface driver builds. */
#include <arpa/inet.h>
#include <string.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>

#include <glib.h>

#include "driver/interface/iface-netlink.h"
#include "util/error.h"

typedef struct {
    struct nlmsghdr *nlh;
    struct ifinfomsg *ifi;
    struct nlattr *tb[IFLA_MAX + 1];
    struct nlattr *info[IFLA_INFO_MAX + 1];
} LinkReq;

static InterfaceDef *
def_from(const char *xml)
{
    InterfaceDef *def = interface_def_parse_string(xml, 0);

    if (!def)
        g_error("parse: %s", error_get_last()->message);
    return def;
}

/* Number of top-level attributes after the fixed header. */
static int
attr_count(struct nlmsghdr *nlh, size_t hdrlen)
{
    struct nlattr *a;
    int rem, n = 0;

    nlmsg_for_each_attr(a, nlh, (int) hdrlen, rem)
        n++;
    return n;
}

static int
nested_count(struct nlattr *nest)
{
    struct nlattr *a;
    int rem, n = 0;

    nla_for_each_nested(a, nest, rem)
        n++;
    return n;
}

static void
link_req_parse(struct nl_msg *msg, LinkReq *r, int type)
{
    r->nlh = nlmsg_hdr(msg);
    g_assert_cmpint(r->nlh->nlmsg_type, ==, type);
    r->ifi = nlmsg_data(r->nlh);
    g_assert_cmpint(r->ifi->ifi_family, ==, AF_UNSPEC);
    g_assert_cmpint(nlmsg_parse(r->nlh, sizeof(struct ifinfomsg), r->tb, IFLA_MAX, NULL), ==, 0);
    memset(r->info, 0, sizeof(r->info));
    if (r->tb[IFLA_LINKINFO])
        g_assert_cmpint(nla_parse_nested(r->info, IFLA_INFO_MAX, r->tb[IFLA_LINKINFO], NULL), ==, 0);
}

static void
test_bridge(void)
{
    g_autoptr(InterfaceDef) def = def_from(
        "<interface type='bridge' name='br0'><mtu size='1400'/>"
        "<bridge stp='on' delay='2.5'><interface type='ethernet' name='eth0'/></bridge></interface>");
    struct nl_msg *msg = iface_nl_build_create(def, 0);
    struct nlattr *br[IFLA_BR_MAX + 1];
    LinkReq r;

    g_assert_nonnull(msg);
    link_req_parse(msg, &r, RTM_NEWLINK);
    g_assert_cmpint(r.nlh->nlmsg_flags, ==, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    g_assert_cmpint(r.ifi->ifi_index, ==, 0);
    g_assert_cmpint(attr_count(r.nlh, sizeof(struct ifinfomsg)), ==, 3);
    g_assert_cmpstr(nla_get_string(r.tb[IFLA_IFNAME]), ==, "br0");
    g_assert_cmpuint(nla_get_u32(r.tb[IFLA_MTU]), ==, 1400);
    g_assert_null(r.tb[IFLA_MASTER]);
    g_assert_cmpstr(nla_get_string(r.info[IFLA_INFO_KIND]), ==, "bridge");
    g_assert_cmpint(nested_count(r.info[IFLA_INFO_DATA]), ==, 2);
    g_assert_cmpint(nla_parse_nested(br, IFLA_BR_MAX, r.info[IFLA_INFO_DATA], NULL), ==, 0);
    g_assert_cmpuint(nla_len(br[IFLA_BR_FORWARD_DELAY]), ==, 4);
    g_assert_cmpuint(nla_get_u32(br[IFLA_BR_FORWARD_DELAY]), ==, 250);
    g_assert_cmpuint(nla_get_u32(br[IFLA_BR_STP_STATE]), ==, 1);
    nlmsg_free(msg);
}

static void
test_bridge_defaults(void)
{
    g_autoptr(InterfaceDef) def = def_from(
        "<interface type='bridge' name='br1'><bridge/></interface>");
    struct nl_msg *msg = iface_nl_build_create(def, 0);
    LinkReq r;

    link_req_parse(msg, &r, RTM_NEWLINK);
    g_assert_cmpint(attr_count(r.nlh, sizeof(struct ifinfomsg)), ==, 2);
    g_assert_null(r.tb[IFLA_MTU]);
    /* libnl drops an empty nest: no IFLA_INFO_DATA at all */
    g_assert_null(r.info[IFLA_INFO_DATA]);
    nlmsg_free(msg);

    g_clear_pointer(&def, interface_def_free);
    def = def_from("<interface type='bridge' name='br2'><bridge stp='off' delay='0.01'/></interface>");
    msg = iface_nl_build_create(def, 0);
    link_req_parse(msg, &r, RTM_NEWLINK);
    {
        struct nlattr *br[IFLA_BR_MAX + 1];

        nla_parse_nested(br, IFLA_BR_MAX, r.info[IFLA_INFO_DATA], NULL);
        g_assert_cmpuint(nla_get_u32(br[IFLA_BR_FORWARD_DELAY]), ==, 1);
        g_assert_cmpuint(nla_get_u32(br[IFLA_BR_STP_STATE]), ==, 0);
    }
    nlmsg_free(msg);
}

static void
bond_data(struct nl_msg *msg, struct nlattr **bond, LinkReq *r)
{
    link_req_parse(msg, r, RTM_NEWLINK);
    g_assert_cmpstr(nla_get_string(r->info[IFLA_INFO_KIND]), ==, "bond");
    g_assert_cmpint(nla_parse_nested(bond, IFLA_BOND_MAX, r->info[IFLA_INFO_DATA], NULL), ==, 0);
}

static void
test_bond_miimon(void)
{
    g_autoptr(InterfaceDef) def = def_from(
        "<interface type='bond' name='bond0'><bond mode='active-backup'>"
        "<miimon freq='100' updelay='10' carrier='ioctl'/>"
        "<interface type='ethernet' name='eth1'/><interface type='ethernet' name='eth0'/>"
        "</bond></interface>");
    struct nl_msg *msg = iface_nl_build_create(def, 0);
    struct nlattr *b[IFLA_BOND_MAX + 1];
    LinkReq r;

    bond_data(msg, b, &r);
    g_assert_cmpint(nested_count(r.info[IFLA_INFO_DATA]), ==, 4);
    g_assert_cmpuint(nla_len(b[IFLA_BOND_MODE]), ==, 1);
    g_assert_cmpuint(nla_get_u8(b[IFLA_BOND_MODE]), ==, 1);
    g_assert_cmpuint(nla_get_u32(b[IFLA_BOND_MIIMON]), ==, 100);
    g_assert_cmpuint(nla_get_u32(b[IFLA_BOND_UPDELAY]), ==, 10);
    g_assert_null(b[IFLA_BOND_DOWNDELAY]);
    g_assert_cmpuint(nla_get_u8(b[IFLA_BOND_USE_CARRIER]), ==, 0);
    nlmsg_free(msg);
}

static void
test_bond_arpmon(void)
{
    g_autoptr(InterfaceDef) def = def_from(
        "<interface type='bond' name='bond1'><mtu size='9000'/><bond mode='balance-xor'>"
        "<arpmon interval='250' target='192.168.50.1' validate='backup'/>"
        "<interface type='ethernet' name='eth2'/></bond></interface>");
    struct nl_msg *msg = iface_nl_build_create(def, 0);
    struct nlattr *b[IFLA_BOND_MAX + 1];
    struct nlattr *t;
    uint32_t want = inet_addr("192.168.50.1");
    int rem, n = 0;
    LinkReq r;

    bond_data(msg, b, &r);
    g_assert_cmpuint(nla_get_u32(r.tb[IFLA_MTU]), ==, 9000);
    g_assert_cmpint(nested_count(r.info[IFLA_INFO_DATA]), ==, 4);
    g_assert_cmpuint(nla_get_u8(b[IFLA_BOND_MODE]), ==, 2);
    g_assert_cmpuint(nla_get_u32(b[IFLA_BOND_ARP_INTERVAL]), ==, 250);
    g_assert_cmpuint(nla_get_u32(b[IFLA_BOND_ARP_VALIDATE]), ==, 2);
    g_assert_null(b[IFLA_BOND_MIIMON]);
    nla_for_each_nested(t, b[IFLA_BOND_ARP_IP_TARGET], rem) {
        g_assert_cmpint(nla_type(t), ==, 0);
        g_assert_cmpint(nla_len(t), ==, 4);
        g_assert_cmpuint(nla_get_u32(t), ==, want);
        n++;
    }
    g_assert_cmpint(n, ==, 1);
    nlmsg_free(msg);
}

static void
test_bond_modes(void)
{
    static const struct { const char *mode; uint8_t kernel; } modes[] = {
        { "balance-rr", 0 }, { "active-backup", 1 }, { "balance-xor", 2 }, { "broadcast", 3 },
        { "802.3ad", 4 }, { "balance-tlb", 5 }, { "balance-alb", 6 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
        g_autofree char *xml = g_strdup_printf(
            "<interface type='bond' name='b'><bond mode='%s'><miimon freq='1' carrier='netif'/>"
            "<interface type='ethernet' name='e'/></bond></interface>", modes[i].mode);
        g_autoptr(InterfaceDef) def = def_from(xml);
        struct nl_msg *msg = iface_nl_build_create(def, 0);
        struct nlattr *b[IFLA_BOND_MAX + 1];
        LinkReq r;

        bond_data(msg, b, &r);
        g_assert_cmpuint(nla_get_u8(b[IFLA_BOND_MODE]), ==, modes[i].kernel);
        g_assert_cmpuint(nla_get_u8(b[IFLA_BOND_USE_CARRIER]), ==, 1);
        nlmsg_free(msg);
    }
}

static void
test_vlan(void)
{
    g_autoptr(InterfaceDef) def = def_from(
        "<interface type='vlan' name='eth0.42'><vlan tag='42'><interface name='eth0'/></vlan></interface>");
    struct nl_msg *msg = iface_nl_build_create(def, 7);
    struct nlattr *v[IFLA_VLAN_MAX + 1];
    LinkReq r;

    link_req_parse(msg, &r, RTM_NEWLINK);
    g_assert_cmpint(attr_count(r.nlh, sizeof(struct ifinfomsg)), ==, 3);
    g_assert_cmpstr(nla_get_string(r.tb[IFLA_IFNAME]), ==, "eth0.42");
    g_assert_cmpuint(nla_get_u32(r.tb[IFLA_LINK]), ==, 7);
    g_assert_cmpstr(nla_get_string(r.info[IFLA_INFO_KIND]), ==, "vlan");
    g_assert_cmpint(nla_parse_nested(v, IFLA_VLAN_MAX, r.info[IFLA_INFO_DATA], NULL), ==, 0);
    g_assert_cmpint(nested_count(r.info[IFLA_INFO_DATA]), ==, 1);
    g_assert_cmpuint(nla_len(v[IFLA_VLAN_ID]), ==, 2);
    g_assert_cmpuint(nla_get_u16(v[IFLA_VLAN_ID]), ==, 42);
    nlmsg_free(msg);

    g_assert_null(iface_nl_build_create(def, 0));
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_INVALID_ARG);
}

static void
test_ethernet_refused(void)
{
    g_autoptr(InterfaceDef) def = def_from("<interface type='ethernet' name='eth0'/>");

    g_assert_null(iface_nl_build_create(def, 0));
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_OPERATION_INVALID);
}

static void
test_master_up_delete(void)
{
    struct nl_msg *msg = iface_nl_build_set_master(5, 3);
    LinkReq r;

    link_req_parse(msg, &r, RTM_NEWLINK);
    g_assert_cmpint(r.nlh->nlmsg_flags, ==, NLM_F_REQUEST | NLM_F_ACK);
    g_assert_cmpint(r.ifi->ifi_index, ==, 5);
    g_assert_cmpint(attr_count(r.nlh, sizeof(struct ifinfomsg)), ==, 1);
    g_assert_cmpuint(nla_get_u32(r.tb[IFLA_MASTER]), ==, 3);
    nlmsg_free(msg);

    msg = iface_nl_build_set_master(5, 0);
    link_req_parse(msg, &r, RTM_NEWLINK);
    g_assert_cmpuint(nla_get_u32(r.tb[IFLA_MASTER]), ==, 0);
    nlmsg_free(msg);

    msg = iface_nl_build_set_mtu(6, 1400);
    link_req_parse(msg, &r, RTM_NEWLINK);
    g_assert_cmpint(r.ifi->ifi_index, ==, 6);
    g_assert_cmpint(attr_count(r.nlh, sizeof(struct ifinfomsg)), ==, 1);
    g_assert_cmpuint(nla_get_u32(r.tb[IFLA_MTU]), ==, 1400);
    nlmsg_free(msg);

    msg = iface_nl_build_set_up(9, true);
    link_req_parse(msg, &r, RTM_NEWLINK);
    g_assert_cmpint(r.ifi->ifi_index, ==, 9);
    g_assert_cmpuint(r.ifi->ifi_flags, ==, IFF_UP);
    g_assert_cmpuint(r.ifi->ifi_change, ==, IFF_UP);
    g_assert_cmpint(attr_count(r.nlh, sizeof(struct ifinfomsg)), ==, 0);
    nlmsg_free(msg);

    msg = iface_nl_build_set_up(9, false);
    link_req_parse(msg, &r, RTM_NEWLINK);
    g_assert_cmpuint(r.ifi->ifi_flags, ==, 0);
    g_assert_cmpuint(r.ifi->ifi_change, ==, IFF_UP);
    nlmsg_free(msg);

    msg = iface_nl_build_delete(11);
    link_req_parse(msg, &r, RTM_DELLINK);
    g_assert_cmpint(r.ifi->ifi_index, ==, 11);
    g_assert_cmpint(r.nlh->nlmsg_flags, ==, NLM_F_REQUEST | NLM_F_ACK);
    nlmsg_free(msg);
}

static void
check_addr(const char *text, int prefix, int family, int len)
{
    NetAddr a;
    struct nl_msg *msg;
    struct nlmsghdr *nlh;
    struct ifaddrmsg *ifa;
    struct nlattr *tb[IFA_MAX + 1];

    g_assert_cmpint(net_addr_parse(text, &a), ==, 0);
    msg = iface_nl_build_add_address(4, &a, prefix);
    nlh = nlmsg_hdr(msg);
    g_assert_cmpint(nlh->nlmsg_type, ==, RTM_NEWADDR);
    g_assert_cmpint(nlh->nlmsg_flags, ==, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    ifa = nlmsg_data(nlh);
    g_assert_cmpint(ifa->ifa_family, ==, family);
    g_assert_cmpint(ifa->ifa_prefixlen, ==, prefix);
    g_assert_cmpint(ifa->ifa_index, ==, 4);
    g_assert_cmpint(nlmsg_parse(nlh, sizeof(*ifa), tb, IFA_MAX, NULL), ==, 0);
    g_assert_cmpint(attr_count(nlh, sizeof(*ifa)), ==, 2);
    g_assert_cmpint(nla_len(tb[IFA_LOCAL]), ==, len);
    g_assert_cmpmem(nla_data(tb[IFA_LOCAL]), len, a.bytes, len);
    g_assert_cmpmem(nla_data(tb[IFA_ADDRESS]), len, a.bytes, len);
    nlmsg_free(msg);
}

static void
test_address(void)
{
    NetAddr a;
    struct nl_msg *msg;
    struct nlmsghdr *nlh;
    struct ifaddrmsg *ifa;
    struct nlattr *tb[IFA_MAX + 1];

    check_addr("192.0.2.1", 24, AF_INET, 4);
    check_addr("2001:db8::1", 64, AF_INET6, 16);

    net_addr_parse("198.51.100.7", &a);
    msg = iface_nl_build_del_address(3, &a, 25);
    nlh = nlmsg_hdr(msg);
    g_assert_cmpint(nlh->nlmsg_type, ==, RTM_DELADDR);
    g_assert_cmpint(nlh->nlmsg_flags, ==, NLM_F_REQUEST | NLM_F_ACK);
    ifa = nlmsg_data(nlh);
    g_assert_cmpint(ifa->ifa_index, ==, 3);
    g_assert_cmpint(ifa->ifa_prefixlen, ==, 25);
    g_assert_cmpint(nlmsg_parse(nlh, sizeof(*ifa), tb, IFA_MAX, NULL), ==, 0);
    g_assert_cmpmem(nla_data(tb[IFA_LOCAL]), 4, a.bytes, 4);
    nlmsg_free(msg);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/iface-netlink/bridge", test_bridge);
    g_test_add_func("/iface-netlink/bridge-defaults", test_bridge_defaults);
    g_test_add_func("/iface-netlink/bond-miimon", test_bond_miimon);
    g_test_add_func("/iface-netlink/bond-arpmon", test_bond_arpmon);
    g_test_add_func("/iface-netlink/bond-modes", test_bond_modes);
    g_test_add_func("/iface-netlink/vlan", test_vlan);
    g_test_add_func("/iface-netlink/ethernet-refused", test_ethernet_refused);
    g_test_add_func("/iface-netlink/master-up-delete", test_master_up_delete);
    g_test_add_func("/iface-netlink/address", test_address);
    return g_test_run();
}
