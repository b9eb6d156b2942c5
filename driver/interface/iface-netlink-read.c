/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Live interface state from rtnetlink dumps, as an InterfaceDef. */
#include <string.h>

#include <linux/if_link.h>
#include <net/if.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>

#include "driver/interface/iface-netlink.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_INTERFACE

static const char *const oper_states[] = {
    "unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up",
};

typedef struct {
    int ifindex;
    unsigned flags;     /* ifi_flags */
    char *name;
    int master;
    int link;
    char *kind;
    bool has_mac;
    uint8_t mac[6];
    uint32_t mtu;
    int operstate;
    /* bridge */
    bool has_stp;
    uint32_t stp_state, forward_delay;
    /* bond */
    bool has_bond_mode;
    uint8_t bond_mode;
    uint32_t miimon, updelay, downdelay, arp_interval, arp_validate;
    bool has_arp_target;
    uint8_t arp_target[4];
    /* vlan */
    uint16_t vlan_id;
} LiveLink;

typedef struct {
    int ifindex;
    NetAddr addr;
    int prefix;
} LiveAddr;

typedef struct {
    GPtrArray *links;   /* LiveLink* */
    GArray *addrs;      /* LiveAddr */
} LiveState;

static void
live_link_free(LiveLink *l)
{
    g_free(l->name);
    g_free(l->kind);
    g_free(l);
}

static void
parse_bridge_data(struct nlattr *data, LiveLink *l)
{
    struct nlattr *tb[IFLA_BR_MAX + 1];

    if (nla_parse_nested(tb, IFLA_BR_MAX, data, NULL) < 0)
        return;
    if (tb[IFLA_BR_STP_STATE]) {
        l->has_stp = true;
        l->stp_state = nla_get_u32(tb[IFLA_BR_STP_STATE]);
    }
    if (tb[IFLA_BR_FORWARD_DELAY])
        l->forward_delay = nla_get_u32(tb[IFLA_BR_FORWARD_DELAY]);
}

static void
parse_bond_data(struct nlattr *data, LiveLink *l)
{
    struct nlattr *tb[IFLA_BOND_MAX + 1];
    struct nlattr *t;
    int rem;

    if (nla_parse_nested(tb, IFLA_BOND_MAX, data, NULL) < 0)
        return;
    if (tb[IFLA_BOND_MODE]) {
        l->has_bond_mode = true;
        l->bond_mode = nla_get_u8(tb[IFLA_BOND_MODE]);
    }
    if (tb[IFLA_BOND_MIIMON])
        l->miimon = nla_get_u32(tb[IFLA_BOND_MIIMON]);
    if (tb[IFLA_BOND_UPDELAY])
        l->updelay = nla_get_u32(tb[IFLA_BOND_UPDELAY]);
    if (tb[IFLA_BOND_DOWNDELAY])
        l->downdelay = nla_get_u32(tb[IFLA_BOND_DOWNDELAY]);
    if (tb[IFLA_BOND_ARP_INTERVAL])
        l->arp_interval = nla_get_u32(tb[IFLA_BOND_ARP_INTERVAL]);
    if (tb[IFLA_BOND_ARP_VALIDATE])
        l->arp_validate = nla_get_u32(tb[IFLA_BOND_ARP_VALIDATE]);
    if (tb[IFLA_BOND_ARP_IP_TARGET]) {
        nla_for_each_nested(t, tb[IFLA_BOND_ARP_IP_TARGET], rem) {
            if (nla_len(t) == 4 && !l->has_arp_target) {
                memcpy(l->arp_target, nla_data(t), 4);
                l->has_arp_target = true;
            }
        }
    }
}

static void
parse_linkinfo(struct nlattr *info, LiveLink *l)
{
    struct nlattr *tb[IFLA_INFO_MAX + 1];

    if (nla_parse_nested(tb, IFLA_INFO_MAX, info, NULL) < 0 || !tb[IFLA_INFO_KIND])
        return;
    l->kind = g_strndup(nla_data(tb[IFLA_INFO_KIND]), (gsize) nla_len(tb[IFLA_INFO_KIND]));
    if (!tb[IFLA_INFO_DATA])
        return;
    if (strcmp(l->kind, "bridge") == 0) {
        parse_bridge_data(tb[IFLA_INFO_DATA], l);
    } else if (strcmp(l->kind, "bond") == 0) {
        parse_bond_data(tb[IFLA_INFO_DATA], l);
    } else if (strcmp(l->kind, "vlan") == 0) {
        struct nlattr *vtb[IFLA_VLAN_MAX + 1];

        if (nla_parse_nested(vtb, IFLA_VLAN_MAX, tb[IFLA_INFO_DATA], NULL) == 0 &&
            vtb[IFLA_VLAN_ID])
            l->vlan_id = nla_get_u16(vtb[IFLA_VLAN_ID]);
    }
}

static int
on_link(struct nl_msg *msg, void *opaque)
{
    LiveState *st = opaque;
    struct nlmsghdr *nlh = nlmsg_hdr(msg);
    struct ifinfomsg *ifi = nlmsg_data(nlh);
    struct nlattr *tb[IFLA_MAX + 1];
    LiveLink *l;

    if (nlh->nlmsg_type != RTM_NEWLINK ||
        nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0 || !tb[IFLA_IFNAME])
        return NL_SKIP;
    l = g_new0(LiveLink, 1);
    l->ifindex = ifi->ifi_index;
    l->flags = ifi->ifi_flags;
    l->name = g_strdup(nla_get_string(tb[IFLA_IFNAME]));
    if (tb[IFLA_MASTER])
        l->master = (int) nla_get_u32(tb[IFLA_MASTER]);
    if (tb[IFLA_LINK])
        l->link = (int) nla_get_u32(tb[IFLA_LINK]);
    if (tb[IFLA_MTU])
        l->mtu = nla_get_u32(tb[IFLA_MTU]);
    if (tb[IFLA_OPERSTATE])
        l->operstate = nla_get_u8(tb[IFLA_OPERSTATE]);
    if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6) {
        memcpy(l->mac, nla_data(tb[IFLA_ADDRESS]), 6);
        l->has_mac = true;
    }
    if (tb[IFLA_LINKINFO])
        parse_linkinfo(tb[IFLA_LINKINFO], l);
    g_ptr_array_add(st->links, l);
    return NL_OK;
}

static int
on_addr(struct nl_msg *msg, void *opaque)
{
    LiveState *st = opaque;
    struct nlmsghdr *nlh = nlmsg_hdr(msg);
    struct ifaddrmsg *ifa = nlmsg_data(nlh);
    struct nlattr *tb[IFA_MAX + 1];
    struct nlattr *a;
    LiveAddr la = { 0 };
    int len = ifa->ifa_family == AF_INET6 ? 16 : 4;

    if (nlh->nlmsg_type != RTM_NEWADDR ||
        (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
        nlmsg_parse(nlh, sizeof(*ifa), tb, IFA_MAX, NULL) < 0)
        return NL_SKIP;
    a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
    if (!a || nla_len(a) != len)
        return NL_SKIP;
    la.ifindex = (int) ifa->ifa_index;
    la.addr.family = ifa->ifa_family;
    memcpy(la.addr.bytes, nla_data(a), (size_t) len);
    la.prefix = ifa->ifa_prefixlen;
    g_array_append_val(st->addrs, la);
    return NL_OK;
}

static int
dump(struct nl_sock *sk, int type, size_t hdrlen, int family, nl_recvmsg_msg_cb_t fn,
     LiveState *st)
{
    /* ifinfomsg and ifaddrmsg both start with the family byte */
    uint8_t hdr[sizeof(struct ifinfomsg)] = { (uint8_t) family };
    struct nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_DUMP);
    struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
    int r = -NLE_NOMEM;

    if (msg && cb && hdrlen <= sizeof(hdr) && nlmsg_append(msg, hdr, hdrlen, NLMSG_ALIGNTO) == 0) {
        nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, fn, st);
        r = nl_send_auto(sk, msg);
        if (r >= 0)
            r = nl_recvmsgs(sk, cb);
    }
    nlmsg_free(msg);
    nl_cb_put(cb);
    if (r < 0) {
        error_report(DOM, VK_ERR_SYSTEM_ERROR, _("netlink dump failed: %s"), nl_geterror(r));
        return -1;
    }
    return 0;
}

static void
fill_protocols(InterfaceDef *def, const LiveState *st, int ifindex)
{
    for (guint i = 0; i < st->addrs->len; i++) {
        const LiveAddr *a = &g_array_index(st->addrs, LiveAddr, i);
        InterfaceProtocol *p = a->addr.family == AF_INET ? &def->ipv4 : &def->ipv6;
        InterfaceIP ip = { .address = a->addr, .prefix = a->prefix };

        if (a->ifindex != ifindex)
            continue;
        if (!p->present) {
            p->present = true;
            p->family = a->addr.family;
            p->ips = g_array_new(FALSE, TRUE, sizeof(InterfaceIP));
        }
        g_array_append_val(p->ips, ip);
    }
}

static InterfaceType
kind_to_type(const char *kind)
{
    if (g_strcmp0(kind, "bridge") == 0)
        return INTERFACE_TYPE_BRIDGE;
    if (g_strcmp0(kind, "bond") == 0)
        return INTERFACE_TYPE_BOND;
    if (g_strcmp0(kind, "vlan") == 0)
        return INTERFACE_TYPE_VLAN;
    return INTERFACE_TYPE_ETHERNET;
}

static const LiveLink *
find_link(const LiveState *st, const char *name, int ifindex)
{
    for (guint i = 0; i < st->links->len; i++) {
        const LiveLink *l = st->links->pdata[i];

        if ((name && strcmp(l->name, name) == 0) || (!name && l->ifindex == ifindex))
            return l;
    }
    return NULL;
}

static void
fill_type_specific(InterfaceDef *def, const LiveLink *l, const LiveState *st)
{
    if (def->type == INTERFACE_TYPE_BRIDGE && l->has_stp) {
        def->stp = l->stp_state ? XML_TRISTATE_YES : XML_TRISTATE_NO;
        def->delay = g_strdup_printf("%u.%02u", l->forward_delay / 100, l->forward_delay % 100);
    } else if (def->type == INTERFACE_TYPE_BOND) {
        if (l->has_bond_mode && l->bond_mode + 1 < INTERFACE_BOND_LAST)
            def->bond_mode = (InterfaceBondMode) (l->bond_mode + 1);
        if (l->miimon) {
            def->monitor = INTERFACE_MONITOR_MII;
            def->mii_freq = l->miimon;
            def->mii_updelay = l->updelay;
            def->mii_downdelay = l->downdelay;
        } else if (l->arp_interval && l->has_arp_target) {
            def->monitor = INTERFACE_MONITOR_ARP;
            def->arp_interval = l->arp_interval;
            def->arp_target.family = AF_INET;
            memcpy(def->arp_target.bytes, l->arp_target, 4);
        }
    } else if (def->type == INTERFACE_TYPE_VLAN) {
        const LiveLink *parent = find_link(st, NULL, l->link);

        def->vlan_tag = l->vlan_id;
        def->vlan_parent = g_strdup(parent ? parent->name : "unknown");
    }
}

static InterfaceDef *
build_def(const LiveLink *l, const LiveState *st, bool top)
{
    InterfaceDef *def = interface_def_new(kind_to_type(l->kind), l->name);

    if (def->type == INTERFACE_TYPE_ETHERNET && l->has_mac) {
        def->has_mac = true;
        memcpy(def->mac, l->mac, 6);
    }
    if (def->type != INTERFACE_TYPE_BRIDGE && (guint) l->operstate < G_N_ELEMENTS(oper_states))
        def->link_state = g_strdup(oper_states[l->operstate]);
    if (top) {
        def->mtu = l->mtu;
        fill_protocols(def, st, l->ifindex);
    }
    fill_type_specific(def, l, st);
    if (def->type == INTERFACE_TYPE_BRIDGE || def->type == INTERFACE_TYPE_BOND) {
        for (guint i = 0; i < st->links->len; i++) {
            const LiveLink *p = st->links->pdata[i];

            if (p->master == l->ifindex && p->ifindex != l->ifindex)
                g_ptr_array_add(def->ports, build_def(p, st, false));
        }
    }
    return def;
}

static void
live_state_init(LiveState *st)
{
    st->links = g_ptr_array_new_with_free_func((GDestroyNotify) live_link_free);
    st->addrs = g_array_new(FALSE, TRUE, sizeof(LiveAddr));
}

static void
live_state_clear(LiveState *st)
{
    g_ptr_array_unref(st->links);
    g_array_unref(st->addrs);
}

static int
live_state_load(struct nl_sock *sk, LiveState *st, bool addrs)
{
    live_state_init(st);
    if (dump(sk, RTM_GETLINK, sizeof(struct ifinfomsg), AF_UNSPEC, on_link, st) < 0 ||
        (addrs && dump(sk, RTM_GETADDR, sizeof(struct ifaddrmsg), AF_UNSPEC, on_addr, st) < 0)) {
        live_state_clear(st);
        return -1;
    }
    return 0;
}

static gint
str_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

char **
iface_nl_list(struct nl_sock *sk, unsigned flags)
{
    LiveState st;
    GPtrArray *names;

    if (flags == 0)
        flags = IFACE_NL_LIST_ACTIVE | IFACE_NL_LIST_INACTIVE;
    if (live_state_load(sk, &st, false) < 0)
        return NULL;
    names = g_ptr_array_new();
    for (guint i = 0; i < st.links->len; i++) {
        const LiveLink *l = st.links->pdata[i];
        unsigned want = (l->flags & IFF_UP) ? IFACE_NL_LIST_ACTIVE : IFACE_NL_LIST_INACTIVE;

        if (!(l->flags & IFF_LOOPBACK) && (flags & want))
            g_ptr_array_add(names, g_strdup(l->name));
    }
    g_ptr_array_sort(names, str_cmp);
    g_ptr_array_add(names, NULL);
    live_state_clear(&st);
    return (char **) g_ptr_array_free(names, FALSE);
}

char *
iface_nl_name_by_mac(struct nl_sock *sk, const uint8_t mac[6])
{
    LiveState st;
    const LiveLink *best = NULL;
    char *name = NULL;
    char text[18];

    if (live_state_load(sk, &st, false) < 0)
        return NULL;
    for (guint i = 0; i < st.links->len; i++) {
        const LiveLink *l = st.links->pdata[i];

        if (l->has_mac && memcmp(l->mac, mac, 6) == 0 && (!best || l->ifindex < best->ifindex))
            best = l;
    }
    if (best) {
        name = g_strdup(best->name);
    } else {
        xml_mac_format(mac, text);
        error_report(DOM, VK_ERR_NO_INTERFACE, _("couldn't find interface with MAC address '%s'"),
                     text);
    }
    live_state_clear(&st);
    return name;
}

int
iface_nl_destroy(struct nl_sock *sk, const char *name)
{
    LiveState st;
    const LiveLink *l;
    struct nl_msg *msg = NULL;
    int r = -1;

    if (live_state_load(sk, &st, false) < 0)
        return -1;
    if (!(l = find_link(&st, name, 0))) {
        error_report(DOM, VK_ERR_NO_INTERFACE, _("couldn't find interface named '%s'"), name);
    } else {
        if (kind_to_type(l->kind) != INTERFACE_TYPE_ETHERNET)
            msg = iface_nl_build_delete(l->ifindex);
        else
            msg = iface_nl_build_set_up(l->ifindex, false);
        if (msg)
            r = iface_nl_send(sk, msg, name, NULL);
        nlmsg_free(msg);
    }
    live_state_clear(&st);
    return r;
}

InterfaceDef *
iface_nl_read(struct nl_sock *sk, const char *name)
{
    LiveState st;
    InterfaceDef *def = NULL;
    const LiveLink *l;

    if (live_state_load(sk, &st, true) < 0)
        return NULL;
    if ((l = find_link(&st, name, 0)))
        def = build_def(l, &st, true);
    else
        error_report(DOM, VK_ERR_NO_INTERFACE, _("couldn't find interface named '%s'"), name);
    live_state_clear(&st);
    return def;
}

bool
iface_nl_addr_is_link_local(const NetAddr *addr)
{
    return addr->family == AF_INET6 && addr->bytes[0] == 0xfe && (addr->bytes[1] & 0xc0) == 0x80;
}

void
iface_nl_link_free(IfaceNlLink *l)
{
    if (!l)
        return;
    g_free(l->name);
    g_free(l->master);
    if (l->addrs)
        g_array_unref(l->addrs);
    g_free(l);
}

static IfaceNlLink *
link_summary(const LiveLink *l, const LiveState *st)
{
    IfaceNlLink *s = g_new0(IfaceNlLink, 1);
    const LiveLink *m = l->master ? find_link(st, NULL, l->master) : NULL;

    s->name = g_strdup(l->name);
    s->type = kind_to_type(l->kind);
    s->up = (l->flags & IFF_UP) != 0;
    s->master = m ? g_strdup(m->name) : NULL;
    s->mtu = l->mtu;
    s->has_mac = l->has_mac;
    memcpy(s->mac, l->mac, 6);
    s->addrs = g_array_new(FALSE, TRUE, sizeof(InterfaceIP));
    for (guint i = 0; i < st->addrs->len; i++) {
        const LiveAddr *a = &g_array_index(st->addrs, LiveAddr, i);
        InterfaceIP ip = { .address = a->addr, .prefix = a->prefix };

        if (a->ifindex == l->ifindex && !iface_nl_addr_is_link_local(&a->addr))
            g_array_append_val(s->addrs, ip);
    }
    return s;
}

static gint
link_summary_cmp(gconstpointer a, gconstpointer b)
{
    const IfaceNlLink *x = *(IfaceNlLink *const *) a, *y = *(IfaceNlLink *const *) b;

    return strcmp(x->name, y->name);
}

GPtrArray *
iface_nl_links(struct nl_sock *sk)
{
    LiveState st;
    GPtrArray *out;

    if (live_state_load(sk, &st, true) < 0)
        return NULL;
    out = g_ptr_array_new_with_free_func((GDestroyNotify) iface_nl_link_free);
    for (guint i = 0; i < st.links->len; i++) {
        const LiveLink *l = st.links->pdata[i];

        if (!(l->flags & IFF_LOOPBACK))
            g_ptr_array_add(out, link_summary(l, &st));
    }
    g_ptr_array_sort(out, link_summary_cmp);
    live_state_clear(&st);
    return out;
}
