/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The interface driver: listing, lookups, XML, definitions and
 * start/stop of host interfaces.  Live state always comes from netlink
 * (nothing is cached); definitions are read from disk on each call, so a
 * daemon restart loses nothing.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <netlink/errno.h>

#include "driver/interface/iface-driver-priv.h"
#include "conf/xml-strict.h"
#include "util/error.h"
#include "util/file-util.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/paths.h"

#define DOM VK_FROM_INTERFACE

void
iface_ref_free(IfaceRef *ref)
{
    if (!ref)
        return;
    g_free(ref->name);
    g_free(ref->mac);
    g_free(ref);
}

static IfaceRef *
ref_new(const char *name, bool has_mac, const uint8_t *mac)
{
    IfaceRef *ref = g_new0(IfaceRef, 1);
    char text[18] = "";

    if (has_mac)
        xml_mac_format(mac, text);
    ref->name = g_strdup(name);
    ref->mac = g_strdup(text);
    return ref;
}

IfaceDriver *
iface_driver_new(const char *def_dir, const char *checkpoint_dir)
{
    IfaceDriver *drv = g_new0(IfaceDriver, 1);

    g_mutex_init(&drv->lock);
    drv->def_dir = g_strdup(def_dir);
    drv->ckpt_dir = g_strdup(checkpoint_dir);
    return drv;
}

void
iface_driver_free(IfaceDriver *drv)
{
    if (!drv)
        return;
    g_mutex_clear(&drv->lock);
    g_free(drv->def_dir);
    g_free(drv->ckpt_dir);
    g_free(drv);
}

IfaceDriver *
iface_driver_get_default(void)
{
    static gsize once;
    static IfaceDriver *drv;

    if (g_once_init_enter(&once)) {
        g_autofree char *cfg = paths_config_dir();
        g_autofree char *state = paths_state_dir();
        g_autofree char *defs = g_build_filename(cfg, "interfaces", NULL);
        g_autofree char *ckpt = g_build_filename(state, "interfaces-checkpoint", NULL);

        drv = iface_driver_new(defs, ckpt);
        g_once_init_leave(&once, 1);
    }
    return drv;
}

static bool
check_flags(unsigned flags, unsigned allowed, const char *func)
{
    if (flags & ~allowed) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%1$x) in function %2$s"),
                     flags & ~allowed, func);
        return false;
    }
    return true;
}

static bool
name_valid(const char *name)
{
    if (!name || !*name || strlen(name) >= IFNAMSIZ || strchr(name, '/') ||
        strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        error_report(DOM, VK_ERR_XML_ERROR, _("invalid interface name '%s'"), name ? name : "");
        return false;
    }
    return true;
}

GHashTable *
iface_defs_load(const char *dir)
{
    GHashTable *defs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) interface_def_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *path = NULL, *xml = NULL;
        InterfaceDef *def;

        if (!g_str_has_suffix(ent, ".xml"))
            continue;
        path = g_build_filename(dir, ent, NULL);
        if (!g_file_get_contents(path, &xml, NULL, NULL))
            continue;
        if (!(def = interface_def_parse_string(xml, 0))) {
            log_warning("ignoring unparsable interface definition %s", path);
            error_reset();
            continue;
        }
        g_hash_table_replace(defs, g_strdup(def->name), def);
    }
    return defs;
}

IfaceNlLink *
iface_links_find(GPtrArray *links, const char *name)
{
    for (guint i = 0; i < links->len; i++) {
        IfaceNlLink *l = links->pdata[i];

        if (strcmp(l->name, name) == 0)
            return l;
    }
    return NULL;
}

/* Live links and definitions, loaded together. */
typedef struct {
    IfaceSock *sk;
    GPtrArray *links;
    GHashTable *defs;
} Snapshot;

static void
snapshot_clear(Snapshot *s)
{
    if (s->links)
        g_ptr_array_unref(s->links);
    if (s->defs)
        g_hash_table_unref(s->defs);
    if (s->sk)
        nl_socket_free(s->sk);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Snapshot, snapshot_clear)

static int
snapshot_load(IfaceDriver *drv, Snapshot *s)
{
    if (!(s->sk = iface_nl_open()) || !(s->links = iface_nl_links(s->sk)))
        return -1;
    s->defs = iface_defs_load(drv->def_dir);
    return 0;
}

static gint
ref_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp((*(IfaceRef *const *) a)->name, (*(IfaceRef *const *) b)->name);
}

GPtrArray *
iface_driver_list(IfaceDriver *drv, unsigned flags)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&drv->lock);
    g_auto(Snapshot) s = { 0 };
    GPtrArray *out;
    GHashTableIter it;
    InterfaceDef *def;

    if (!check_flags(flags, IFACE_LIST_ACTIVE | IFACE_LIST_INACTIVE,
                     "virConnectListAllInterfaces") || snapshot_load(drv, &s) < 0)
        return NULL;
    if (flags == 0)
        flags = IFACE_LIST_ACTIVE | IFACE_LIST_INACTIVE;
    out = g_ptr_array_new_with_free_func((GDestroyNotify) iface_ref_free);
    for (guint i = 0; i < s.links->len; i++) {
        IfaceNlLink *l = s.links->pdata[i];

        if (flags & (l->up ? IFACE_LIST_ACTIVE : IFACE_LIST_INACTIVE))
            g_ptr_array_add(out, ref_new(l->name, l->has_mac, l->mac));
    }
    g_hash_table_iter_init(&it, s.defs);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *) &def)) {
        if ((flags & IFACE_LIST_INACTIVE) && !iface_links_find(s.links, def->name))
            g_ptr_array_add(out, ref_new(def->name, def->has_mac, def->mac));
    }
    g_ptr_array_sort(out, ref_cmp);
    return out;
}

static void
report_no_name(const char *name)
{
    error_report(DOM, VK_ERR_NO_INTERFACE, _("couldn't find interface named '%s'"), name);
}

static IfaceRef *
lookup(Snapshot *s, const char *name)
{
    IfaceNlLink *l = iface_links_find(s->links, name);
    InterfaceDef *def = g_hash_table_lookup(s->defs, name);

    if (l)
        return ref_new(l->name, l->has_mac, l->mac);
    if (def)
        return ref_new(def->name, def->has_mac, def->mac);
    report_no_name(name);
    return NULL;
}

IfaceRef *
iface_driver_lookup_by_name(IfaceDriver *drv, const char *name)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&drv->lock);
    g_auto(Snapshot) s = { 0 };

    if (snapshot_load(drv, &s) < 0)
        return NULL;
    return lookup(&s, name);
}

IfaceRef *
iface_driver_lookup_by_mac(IfaceDriver *drv, const char *mac)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&drv->lock);
    g_auto(Snapshot) s = { 0 };
    GHashTableIter it;
    InterfaceDef *def;
    uint8_t want[6];

    if (xml_mac_parse(mac, want) < 0) {
        error_reset();      /* not a MAC: no interface has it */
    } else if (snapshot_load(drv, &s) < 0) {
        return NULL;
    } else {
        for (guint i = 0; i < s.links->len; i++) {
            IfaceNlLink *l = s.links->pdata[i];

            if (l->has_mac && memcmp(l->mac, want, 6) == 0)
                return ref_new(l->name, true, l->mac);
        }
        g_hash_table_iter_init(&it, s.defs);
        while (g_hash_table_iter_next(&it, NULL, (gpointer *) &def)) {
            if (def->has_mac && memcmp(def->mac, want, 6) == 0)
                return ref_new(def->name, true, def->mac);
        }
    }
    error_reset();
    error_report(DOM, VK_ERR_NO_INTERFACE, _("couldn't find interface with MAC address '%s'"),
                 mac);
    return NULL;
}

/* Live XML made into what a definition holds: no link state, no
 * kernel-generated IPv6 link-local addresses. */
static void
strip_live_only(InterfaceDef *def)
{
    InterfaceProtocol *protos[] = { &def->ipv4, &def->ipv6 };

    g_clear_pointer(&def->link_state, g_free);
    def->link_speed = 0;
    for (size_t p = 0; p < G_N_ELEMENTS(protos); p++) {
        GArray *ips = protos[p]->ips;

        for (guint i = 0; protos[p]->present && ips && i < ips->len;) {
            if (iface_nl_addr_is_link_local(&g_array_index(ips, InterfaceIP, i).address))
                g_array_remove_index(ips, i);
            else
                i++;
        }
        if (protos[p]->present && ips && ips->len == 0 && !protos[p]->dhcp)
            protos[p]->present = false;
    }
    for (guint i = 0; def->ports && i < def->ports->len; i++)
        strip_live_only(def->ports->pdata[i]);
}

char *
iface_driver_get_xml(IfaceDriver *drv, const char *name, unsigned flags)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&drv->lock);
    g_auto(Snapshot) s = { 0 };
    g_autoptr(InterfaceDef) live = NULL;
    InterfaceDef *def;
    bool has_link;

    if (!check_flags(flags, IFACE_XML_INACTIVE, "virInterfaceGetXMLDesc") ||
        snapshot_load(drv, &s) < 0)
        return NULL;
    def = g_hash_table_lookup(s.defs, name);
    has_link = iface_links_find(s.links, name) != NULL;
    if (def && (!has_link || (flags & IFACE_XML_INACTIVE)))
        return interface_def_format(def, 0);
    if (!has_link) {
        report_no_name(name);
        return NULL;
    }
    if (!(live = iface_nl_read(s.sk, name)))
        return NULL;
    if (flags & IFACE_XML_INACTIVE)
        strip_live_only(live);
    return interface_def_format(live, 0);
}

/* A port, slave or vlan parent exists live or as a definition. */
static int
check_exists(Snapshot *s, const InterfaceDef *def, const char *dep, const char *role)
{
    if (strcmp(dep, def->name) == 0) {
        error_report(DOM, VK_ERR_XML_ERROR, _("interface '%1$s' cannot be its own %2$s"),
                     def->name, role);
        return -1;
    }
    if (!iface_links_find(s->links, dep) && !g_hash_table_contains(s->defs, dep)) {
        error_report(DOM, VK_ERR_NO_INTERFACE,
                     _("%1$s '%2$s' of interface '%3$s' does not exist"), role, dep, def->name);
        return -1;
    }
    return 0;
}

static int
check_define(Snapshot *s, const InterfaceDef *def)
{
    IfaceNlLink *l = iface_links_find(s->links, def->name);
    const char *role = def->type == INTERFACE_TYPE_BOND ? "slave" : "port";

    if (!name_valid(def->name))
        return -1;
    if (l && l->type != def->type) {
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("interface name '%1$s' is taken by an existing %2$s link, "
                       "cannot define it as %3$s"),
                     def->name, interface_type_to_string(l->type),
                     interface_type_to_string(def->type));
        return -1;
    }
    for (guint i = 0; def->ports && i < def->ports->len; i++) {
        const InterfaceDef *port = def->ports->pdata[i];

        if (!name_valid(port->name) || check_exists(s, def, port->name, role) < 0)
            return -1;
    }
    if (def->type == INTERFACE_TYPE_VLAN &&
        (!def->vlan_parent || check_exists(s, def, def->vlan_parent, "VLAN parent") < 0))
        return -1;
    return 0;
}

static char *
def_path(IfaceDriver *drv, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);

    return g_build_filename(drv->def_dir, file, NULL);
}

/*
 * virsh iface-unbridge turns the bridge's XML into the port's by changing
 * the top element's type and name, leaving the <bridge> element behind;
 * libvirt ignores it for other types, so do we.  Returns the XML to parse.
 */
static char *
drop_foreign_bridge(const char *xml)
{
    xmlDoc *doc = xmlReadMemory(xml, (int) strlen(xml), NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlChar *type = root ? xmlGetProp(root, BAD_CAST "type") : NULL;
    xmlChar *out = NULL;
    int len = 0;
    char *ret = NULL;

    if (type && xmlStrcmp(type, BAD_CAST "bridge") != 0) {
        for (xmlNode *c = root->children, *next; c; c = next) {
            next = c->next;
            if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST "bridge") == 0) {
                xmlUnlinkNode(c);
                xmlFreeNode(c);
            }
        }
        xmlDocDumpMemory(doc, &out, &len);
        if (out)
            ret = g_strndup((const char *) out, (gsize) len);
        xmlFree(out);
    }
    xmlFree(type);
    xmlFreeDoc(doc);
    return ret ? ret : g_strdup(xml);
}

IfaceRef *
iface_driver_define(IfaceDriver *drv, const char *xml, unsigned flags)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&drv->lock);
    g_auto(Snapshot) s = { 0 };
    g_autoptr(InterfaceDef) def = NULL;
    g_autofree char *text = NULL, *path = NULL;
    g_autofree char *cleaned = drop_foreign_bridge(xml);

    if (!check_flags(flags, IFACE_DEFINE_VALIDATE, "virInterfaceDefineXML") ||
        !(def = interface_def_parse_string(cleaned, (flags & IFACE_DEFINE_VALIDATE) ?
                                           INTERFACE_PARSE_VALIDATE : 0)) ||
        snapshot_load(drv, &s) < 0 || check_define(&s, def) < 0)
        return NULL;
    strip_live_only(def);
    path = def_path(drv, def->name);
    if (!(text = interface_def_format(def, 0)) ||
        file_make_dirs(drv->def_dir, 0755, DOM) < 0)
        return NULL;
    iface_txn_touch(drv, def->name);
    if (file_write_atomic(path, text, strlen(text), 0600, DOM) < 0)
        return NULL;
    /* Like netcf: ports defined on their own become part of this one. */
    for (guint i = 0; def->ports && i < def->ports->len; i++) {
        const InterfaceDef *port = def->ports->pdata[i];
        g_autofree char *ppath = def_path(drv, port->name);

        iface_txn_touch(drv, port->name);
        if (g_hash_table_contains(s.defs, port->name) && file_remove_durable(ppath, DOM) < 0)
            return NULL;
    }
    return ref_new(def->name, def->has_mac, def->mac);
}

int
iface_driver_undefine(IfaceDriver *drv, const char *name)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&drv->lock);
    g_auto(Snapshot) s = { 0 };
    g_autofree char *path = def_path(drv, name);

    if (snapshot_load(drv, &s) < 0)
        return -1;
    if (!g_hash_table_contains(s.defs, name)) {
        if (!iface_links_find(s.links, name)) {
            report_no_name(name);
            return -1;
        }
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("interface '%s' has no persistent definition"), name);
        return -1;
    }
    iface_txn_touch(drv, name);
    return file_remove_durable(path, DOM);
}

int
iface_driver_is_active(IfaceDriver *drv, const char *name)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&drv->lock);
    g_auto(Snapshot) s = { 0 };
    IfaceNlLink *l;

    if (snapshot_load(drv, &s) < 0)
        return -1;
    if ((l = iface_links_find(s.links, name)))
        return l->up ? 1 : 0;
    if (g_hash_table_contains(s.defs, name))
        return 0;
    report_no_name(name);
    return -1;
}

static void
touch_with_ports(IfaceDriver *drv, const InterfaceDef *def)
{
    iface_txn_touch(drv, def->name);
    for (guint i = 0; def->ports && i < def->ports->len; i++)
        iface_txn_touch(drv, ((InterfaceDef *) def->ports->pdata[i])->name);
}

int
iface_driver_create(IfaceDriver *drv, const char *name, unsigned flags)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&drv->lock);
    g_auto(Snapshot) s = { 0 };
    InterfaceDef *def;
    IfaceNlLink *l;

    if (!check_flags(flags, 0, "virInterfaceCreate") || snapshot_load(drv, &s) < 0)
        return -1;
    l = iface_links_find(s.links, name);
    if (!(def = g_hash_table_lookup(s.defs, name))) {
        if (!l) {
            report_no_name(name);
            return -1;
        }
        error_report(DOM, VK_ERR_OPERATION_INVALID,
                     _("interface '%s' has no persistent definition to start"), name);
        return -1;
    }
    if (l && l->up && def->type != INTERFACE_TYPE_ETHERNET) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, _("interface '%s' is already running"), name);
        return -1;
    }
    if (check_define(&s, def) < 0)
        return -1;
    touch_with_ports(drv, def);
    return iface_live_start(s.sk, def);
}

int
iface_driver_destroy(IfaceDriver *drv, const char *name, unsigned flags)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&drv->lock);
    g_auto(Snapshot) s = { 0 };
    IfaceNlLink *l;
    InterfaceDef *def;

    if (!check_flags(flags, 0, "virInterfaceDestroy") || snapshot_load(drv, &s) < 0)
        return -1;
    l = iface_links_find(s.links, name);
    def = g_hash_table_lookup(s.defs, name);
    if (!l || (!l->up && l->type == INTERFACE_TYPE_ETHERNET)) {
        if (!l && !def) {
            report_no_name(name);
            return -1;
        }
        error_report(DOM, VK_ERR_OPERATION_INVALID, _("interface '%s' is not running"), name);
        return -1;
    }
    iface_txn_touch(drv, name);
    for (guint i = 0; i < s.links->len; i++) {
        IfaceNlLink *p = s.links->pdata[i];

        if (p->master && strcmp(p->master, name) == 0)
            iface_txn_touch(drv, p->name);
    }
    return iface_nl_destroy(s.sk, name);
}
