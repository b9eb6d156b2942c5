/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Live interface driver test in a private network namespace (the process
 * unshares its own, so everything it creates disappears with it).
 *   test-iface-live bridge     create a bridge with a veth port and
 *                              addresses, read it back as interface XML
 *   test-iface-live bond-vlan  the same for a bond and a VLAN; exits 77
 *                              where the kernel lacks bonding / 802.1q
 */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <netlink/errno.h>

#include "conf/xml-util.h"
#include "driver/interface/iface-netlink.h"
#include "util/error.h"

#define SKIP 77

static int failures;

#define CHECK(cond) do { \
    if (!(cond)) { \
        fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
        failures++; \
    } \
} while (0)

static int
enter_namespace(void)
{
    if (geteuid() != 0) {
        printf("SKIP: needs root to create a network namespace\n");
        return SKIP;
    }
    if (unshare(CLONE_NEWNET) < 0) {
        printf("SKIP: unshare(CLONE_NEWNET) failed: %s\n", g_strerror(errno));
        return SKIP;
    }
    return 0;
}

static int
make_veth(const char *a, const char *b)
{
    g_autofree char *cmd = g_strdup_printf("ip link add %s type veth peer name %s", a, b);
    g_autofree char *err = NULL;
    int status = 0;

    if (!g_spawn_command_line_sync(cmd, NULL, &err, &status, NULL) ||
        !g_spawn_check_wait_status(status, NULL)) {
        printf("SKIP: cannot create a veth pair with iproute2: %s\n", err ? err : "");
        return SKIP;
    }
    return 0;
}

static int
send_free(struct nl_sock *sk, struct nl_msg *msg, const char *what)
{
    int r = msg ? iface_nl_send(sk, msg, what, NULL) : -1;

    nlmsg_free(msg);
    return r;
}

static InterfaceDef *
def_from(const char *xml)
{
    InterfaceDef *def = interface_def_parse_string(xml, 0);

    if (!def)
        g_error("parse: %s", error_get_last()->message);
    return def;
}

static bool
has_ip(const InterfaceProtocol *p, const char *addr, int prefix)
{
    NetAddr want;

    net_addr_parse(addr, &want);
    for (guint i = 0; p->present && i < p->ips->len; i++) {
        const InterfaceIP *ip = &g_array_index(p->ips, InterfaceIP, i);

        if (net_addr_equal(&ip->address, &want) && ip->prefix == prefix)
            return true;
    }
    return false;
}

/* The live XML must be valid interface XML: re-parse it and check the schema. */
static void
check_xml(const InterfaceDef *live)
{
    g_autofree char *xml = interface_def_format(live, 0);
    g_autoptr(InterfaceDef) again = interface_def_parse_string(xml, 0);
    g_autoptr(xmlDoc) doc = xml_parse_string(xml, "interface", VK_FROM_INTERFACE);

    printf("%s", xml);
    CHECK(again != NULL);
    CHECK(doc != NULL);
    if (doc && xml_validate_schema(doc, "interface.rng", VK_FROM_INTERFACE) < 0)
        fprintf(stderr, "schema: %s\n", error_get_last()->message);
    CHECK(doc && error_get_last() == NULL);
}

static void
check_bridge_live(struct nl_sock *sk)
{
    g_autoptr(InterfaceDef) live = iface_nl_read(sk, "vkbr0");
    const InterfaceDef *port;

    CHECK(live != NULL);
    if (!live)
        return;
    CHECK(live->type == INTERFACE_TYPE_BRIDGE);
    CHECK(live->stp == XML_TRISTATE_NO);
    CHECK(g_strcmp0(live->delay, "0.50") == 0);
    CHECK(live->mtu == 1400);
    CHECK(g_strcmp0(live->link_state, "down") != 0);
    CHECK(has_ip(&live->ipv4, "192.0.2.1", 24));
    CHECK(has_ip(&live->ipv6, "2001:db8::1", 64));
    CHECK(live->ports->len == 1);
    if (live->ports->len != 1)
        return;
    port = live->ports->pdata[0];
    CHECK(strcmp(port->name, "vk-p0") == 0);
    CHECK(port->type == INTERFACE_TYPE_ETHERNET && port->has_mac);
    error_reset();
    check_xml(live);
}

static int
test_bridge(void)
{
    struct nl_sock *sk;
    g_autoptr(InterfaceDef) def = def_from(
        "<interface type='bridge' name='vkbr0'><mtu size='1400'/>"
        "<protocol family='ipv4'><ip address='192.0.2.1' prefix='24'/></protocol>"
        "<protocol family='ipv6'><ip address='2001:db8::1' prefix='64'/></protocol>"
        "<bridge stp='off' delay='0.5'><interface type='ethernet' name='vk-p0'/></bridge>"
        "</interface>");
    g_autoptr(InterfaceDef) bad = def_from(
        "<interface type='bridge' name='vkbr1'><bridge>"
        "<interface type='ethernet' name='vk-missing'/></bridge></interface>");
    g_autoptr(InterfaceDef) gone = NULL;
    int r;

    if ((r = make_veth("vk-p0", "vk-p1")) != 0)
        return r;
    if (!(sk = iface_nl_open()))
        return 1;
    if (iface_nl_create(sk, def, true) < 0) {
        fprintf(stderr, "create: %s\n", error_get_last()->message);
        return 1;
    }
    check_bridge_live(sk);

    /* a missing port fails the create and leaves no bridge behind */
    CHECK(iface_nl_create(sk, bad, true) < 0);
    CHECK(error_get_last() && error_get_last()->code == VK_ERR_NO_INTERFACE);
    CHECK(iface_nl_ifindex(sk, "vkbr1") == 0);
    /* creating it twice is refused by the kernel (NLM_F_EXCL) */
    CHECK(iface_nl_create(sk, def, false) < 0);

    {
        g_auto(GStrv) active = iface_nl_list(sk, IFACE_NL_LIST_ACTIVE);
        g_auto(GStrv) inactive = iface_nl_list(sk, IFACE_NL_LIST_INACTIVE);
        g_auto(GStrv) all = iface_nl_list(sk, 0);
        g_autoptr(InterfaceDef) port = iface_nl_read(sk, "vk-p1");
        g_autofree char *byname = NULL;

        CHECK(active && g_strv_contains((const char *const *) active, "vkbr0"));
        CHECK(active && !g_strv_contains((const char *const *) active, "lo"));
        CHECK(inactive && g_strv_contains((const char *const *) inactive, "vk-p1"));
        CHECK(all && g_strv_length(all) == 3);
        CHECK(port && port->has_mac);
        if (port)
            byname = iface_nl_name_by_mac(sk, port->mac);
        CHECK(g_strcmp0(byname, "vk-p1") == 0);
    }
    /* destroy: the bridge goes, its port is released but stays */
    CHECK(iface_nl_destroy(sk, "vkbr0") == 0);
    CHECK(iface_nl_ifindex(sk, "vk-p0") > 0);
    CHECK(iface_nl_destroy(sk, "vkbr0") < 0 && error_get_last()->code == VK_ERR_NO_INTERFACE);
    gone = iface_nl_read(sk, "vkbr0");
    CHECK(gone == NULL && error_get_last()->code == VK_ERR_NO_INTERFACE);
    nl_socket_free(sk);
    return failures ? 1 : 0;
}

/* 77 with the kernel's reason when it lacks the link kind. */
static int
try_create(struct nl_sock *sk, const InterfaceDef *def, const char *feature)
{
    int parent = def->type == INTERFACE_TYPE_VLAN ? iface_nl_ifindex(sk, def->vlan_parent) : 0;
    struct nl_msg *msg = iface_nl_build_create(def, parent);
    int kerr = 0;
    int r = iface_nl_send(sk, msg, def->name, &kerr);

    nlmsg_free(msg);
    if (r == 0)
        return 0;
    /* the kernel answers EOPNOTSUPP ("Unknown device type") for a missing link kind */
    if (kerr == -NLE_OPNOTSUPP) {
        printf("SKIP: this kernel lacks %s (%s)\n", feature, error_get_last()->message);
        return SKIP;
    }
    fprintf(stderr, "create %s: %s\n", def->name, error_get_last()->message);
    return 1;
}

static int
test_bond_vlan(void)
{
    g_autoptr(InterfaceDef) bond = def_from(
        "<interface type='bond' name='vkbond0'><bond mode='active-backup'>"
        "<miimon freq='100' updelay='200'/><interface type='ethernet' name='vk-p0'/>"
        "</bond></interface>");
    g_autoptr(InterfaceDef) vlan = def_from(
        "<interface type='vlan' name='vk-p1.42'><vlan tag='42'><interface name='vk-p1'/></vlan>"
        "</interface>");
    g_autoptr(InterfaceDef) live_bond = NULL;
    g_autoptr(InterfaceDef) live_vlan = NULL;
    struct nl_sock *sk;
    int r;

    if ((r = make_veth("vk-p0", "vk-p1")) != 0)
        return r;
    if (!(sk = iface_nl_open()))
        return 1;
    if ((r = try_create(sk, bond, "bonding")) != 0 || (r = try_create(sk, vlan, "802.1q VLANs")) != 0) {
        nl_socket_free(sk);
        return r;
    }
    CHECK(send_free(sk, iface_nl_build_set_master(iface_nl_ifindex(sk, "vk-p0"),
                                                  iface_nl_ifindex(sk, "vkbond0")),
                    "enslave") == 0);
    live_bond = iface_nl_read(sk, "vkbond0");
    live_vlan = iface_nl_read(sk, "vk-p1.42");
    CHECK(live_bond && live_bond->bond_mode == INTERFACE_BOND_ACTIVE_BACKUP);
    CHECK(live_bond && live_bond->mii_freq == 100 && live_bond->ports->len == 1);
    CHECK(live_vlan && live_vlan->vlan_tag == 42 && g_strcmp0(live_vlan->vlan_parent, "vk-p1") == 0);
    if (live_bond)
        check_xml(live_bond);
    if (live_vlan)
        check_xml(live_vlan);
    nl_socket_free(sk);
    return failures ? 1 : 0;
}

int
main(int argc, char **argv)
{
    int r;

    if (argc != 2) {
        fprintf(stderr, "usage: %s bridge|bond-vlan\n", argv[0]);
        return 2;
    }
    if ((r = enter_namespace()) != 0)
        return r;
    if (strcmp(argv[1], "bridge") == 0)
        return test_bridge();
    return test_bond_vlan();
}
