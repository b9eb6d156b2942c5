/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The network object list and libvirt's network API: define, create,
 * start, destroy, undefine, XML, autostart, listing, update.
 */
#include <net/if.h>
#include <libxml/parser.h>
#include <string.h>

#include "driver/network/network-bridge.h"
#include "driver/network/network-dnsmasq.h"
#include "driver/network/network-nft.h"
#include "driver/network/network-priv.h"
#include "conf/xml-util.h"
#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"

#define DOM VK_FROM_NETWORK

enum {
    EV_DEFINED = 0,
    EV_UNDEFINED = 1,
    EV_STARTED = 2,
    EV_STOPPED = 3,
};

NetworkDriver network_driver;

void
network_ref_clear(NetworkRef *ref)
{
    g_clear_pointer(&ref->name, g_free);
}

void
network_ref_free(NetworkRef *ref)
{
    if (!ref)
        return;
    g_free(ref->name);
    g_free(ref);
}

char *
network_uuid_format(const unsigned char *u)
{
    return g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                           "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
                           u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

int
network_uuid_parse(const char *str, unsigned char *uuid)
{
    int n = 0;

    for (const char *p = str; *p && n < 32; p++) {
        int v;

        if (*p == '-')
            continue;
        if ((v = g_ascii_xdigit_value(*p)) < 0)
            return -1;
        if (n % 2 == 0)
            uuid[n / 2] = (unsigned char) (v << 4);
        else
            uuid[n / 2] |= (unsigned char) v;
        n++;
    }
    return n == 32 ? 0 : -1;
}

void
network_obj_free(NetworkObj *obj)
{
    if (!obj)
        return;
    network_def_free(obj->def);
    network_def_free(obj->newdef);
    g_ptr_array_unref(obj->ports);
    g_free(obj);
}

static NetworkObj *
obj_new(NetworkDef *def)
{
    NetworkObj *obj = g_new0(NetworkObj, 1);

    obj->def = def;
    obj->ports = g_ptr_array_new_with_free_func((GDestroyNotify) network_port_free);
    g_ptr_array_add(network_driver.nets, obj);
    return obj;
}

static void
obj_remove(NetworkObj *obj)
{
    g_ptr_array_remove(network_driver.nets, obj);   /* frees it */
}

NetworkObj *
network_obj_find_uuid(const unsigned char *uuid)
{
    g_autofree char *str = NULL;

    for (guint i = 0; network_driver.nets && i < network_driver.nets->len; i++) {
        NetworkObj *obj = network_driver.nets->pdata[i];

        if (memcmp(obj->def->uuid, uuid, 16) == 0)
            return obj;
    }
    str = network_uuid_format(uuid);
    error_report(DOM, VK_ERR_NO_NETWORK, _("no network with matching uuid '%s'"), str);
    return NULL;
}

NetworkObj *
network_obj_find_name(const char *name)
{
    for (guint i = 0; network_driver.nets && i < network_driver.nets->len; i++) {
        NetworkObj *obj = network_driver.nets->pdata[i];

        if (strcmp(obj->def->name, name) == 0)
            return obj;
    }
    error_report(DOM, VK_ERR_NO_NETWORK, _("no network with matching name '%s'"), name);
    return NULL;
}

static NetworkDef *
obj_config(NetworkObj *obj)
{
    return obj->newdef ? obj->newdef : obj->def;
}

static void
emit(const NetworkObj *obj, int event)
{
    VkEvent ev = { 0 };

    ev.family = VK_EVENT_NETWORK;
    ev.event_id = 0;
    ev.name = obj->def->name;
    memcpy(ev.uuid, obj->def->uuid, 16);
    ev.event = event;
    ev.detail = 0;
    event_sink_emit(&network_driver.sink, &ev);
}

static void
ref_fill(const NetworkObj *obj, NetworkRef *out)
{
    out->name = g_strdup(obj->def->name);
    memcpy(out->uuid, obj->def->uuid, 16);
}

#define LOCKED() g_autoptr(GMutexLocker) G_GNUC_UNUSED locker_ = g_mutex_locker_new(&network_driver.lock)

int
network_lookup_by_name(const char *name, NetworkRef *out)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_name(name);

    if (!obj)
        return -1;
    ref_fill(obj, out);
    return 0;
}

int
network_lookup_by_uuid(const unsigned char *uuid, NetworkRef *out)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(uuid);

    if (!obj)
        return -1;
    ref_fill(obj, out);
    return 0;
}

/* ---- realisation ---- */

/* Fails if an active network (other than @self) overlaps @def's subnets
 * or uses its bridge. */
static int
check_active_conflicts(const NetworkObj *self, const NetworkDef *def)
{
    for (guint i = 0; i < network_driver.nets->len; i++) {
        const NetworkObj *o = network_driver.nets->pdata[i];

        if (o == self || !o->active)
            continue;
        if (def->bridge && o->def->bridge && strcmp(def->bridge, o->def->bridge) == 0 &&
            def->forward.mode != NETWORK_FORWARD_BRIDGE) {
            error_report(DOM, VK_ERR_INTERNAL_ERROR, _("bridge name '%s' already in use."),
                         def->bridge);
            return -1;
        }
        if (network_def_ip_ranges_overlap(def, o->def)) {
            error_report(DOM, VK_ERR_INTERNAL_ERROR,
                         _("network '%1$s' overlaps the subnet of active network '%2$s'"),
                         def->name, o->def->name);
            return -1;
        }
    }
    return 0;
}

/* True if no active network other than @def's has nft rules. */
static bool
nft_last_user(const NetworkDef *def)
{
    for (guint i = 0; i < network_driver.nets->len; i++) {
        const NetworkObj *o = network_driver.nets->pdata[i];

        if (o->active && o->def != def && network_nft_needed(o->def))
            return false;
    }
    return true;
}

void
network_obj_teardown(const NetworkDef *def, pid_t dnsmasq_pid, bool loading)
{
    bool drop = !loading && nft_last_user(def);
    g_autofree char *rm = network_nft_rules_remove(def, drop);

    if (dnsmasq_pid > 0)
        network_dnsmasq_stop(def->name, dnsmasq_pid);
    if (rm) {
        if (network_nft_apply(rm) < 0)
            error_reset();
        if (!drop)
            network_nft_table_gc();
    }
    if (def->forward.mode != NETWORK_FORWARD_BRIDGE && def->bridge &&
        network_bridge_delete(def->bridge) < 0)
        error_reset();
}

static bool
has_ipv6(const NetworkDef *def)
{
    for (guint i = 0; i < def->ips->len; i++) {
        if (((NetworkIPDef *) def->ips->pdata[i])->family == AF_INET6)
            return true;
    }
    return false;
}

/* Brings up everything @obj->def describes; rolls back on failure. */
int
network_obj_start(NetworkObj *obj)
{
    NetworkDef *def = obj->def;
    g_autofree char *rules = NULL;
    bool created = false;
    pid_t pid = 0;
    int exists;

    if (obj->active) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, "%s", _("network is already active"));
        return -1;
    }
    if (check_active_conflicts(obj, def) < 0)
        return -1;
    if (def->forward.mode == NETWORK_FORWARD_BRIDGE) {
        if (!def->bridge) {
            error_report(DOM, VK_ERR_CONFIG_UNSUPPORTED, "%s",
                         _("forward mode 'bridge' without a <bridge name=''/> is not supported"));
            return -1;
        }
        if ((exists = network_link_exists(def->bridge)) <= 0) {
            if (exists == 0)
                error_report(DOM, VK_ERR_OPERATION_INVALID,
                             _("bridge '%1$s' of network '%2$s' does not exist"),
                             def->bridge, def->name);
            return -1;
        }
    } else {
        if (network_host_check_overlap(def) < 0 || network_bridge_create(def) < 0)
            return -1;
        created = true;
    }
    if ((rules = network_nft_rules_add(def)) && network_nft_apply(rules) < 0)
        goto fail;
    if ((def->forward.mode == NETWORK_FORWARD_NAT || def->forward.mode == NETWORK_FORWARD_ROUTE) &&
        network_ip_forward_enable(has_ipv6(def)) < 0)
        goto fail;
    if (network_dnsmasq_needed(def) && network_dnsmasq_start(def, &pid) < 0)
        goto fail;
    obj->dnsmasq_pid = pid;
    obj->active = true;
    if (network_status_save(obj) < 0) {
        obj->active = false;
        goto fail;
    }
    return 0;

 fail: {
        VkError *err = error_steal_last();

        if (created || rules)
            network_obj_teardown(def, pid, false);
        obj->dnsmasq_pid = 0;
        error_restore(err);
        return -1;
    }
}

static void
obj_stop(NetworkObj *obj)
{
    network_obj_teardown(obj->def, obj->dnsmasq_pid, false);
    network_status_delete(obj->def->name);
    obj->active = false;
    obj->dnsmasq_pid = 0;
    g_ptr_array_set_size(obj->ports, 0);
    if (obj->newdef) {
        network_def_free(obj->def);
        obj->def = g_steal_pointer(&obj->newdef);
    }
}

/* ---- definition ---- */

/* VIR_NETWORK_DEFINE_VALIDATE / CREATE_VALIDATE: libvirt's network.rng. */
static int
validate_schema(const char *xml)
{
    xmlDoc *doc = xmlReadMemory(xml, (int) strlen(xml), "network.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    int ret;

    if (!doc) {
        error_report(DOM, VK_ERR_XML_ERROR, "%s", _("malformed network XML"));
        return -1;
    }
    ret = xml_validate_schema(doc, "network.rng", DOM);
    xmlFreeDoc(doc);
    return ret;
}

static GPtrArray *
bridges_in_use(const NetworkObj *except)
{
    GPtrArray *used = g_ptr_array_new_with_free_func(g_free);
    struct if_nameindex *links = if_nameindex();

    for (guint i = 0; i < network_driver.nets->len; i++) {
        const NetworkObj *o = network_driver.nets->pdata[i];

        if (o == except)
            continue;
        if (o->def->bridge)
            g_ptr_array_add(used, g_strdup(o->def->bridge));
        if (o->newdef && o->newdef->bridge)
            g_ptr_array_add(used, g_strdup(o->newdef->bridge));
    }
    for (struct if_nameindex *l = links; l && l->if_index; l++)
        g_ptr_array_add(used, g_strdup(l->if_name));
    if (links)
        if_freenameindex(links);
    g_ptr_array_add(used, NULL);
    return used;
}

/* Parses and completes a definition; checks it against other networks.
 * *existing receives the object of the same name/uuid, if any. */
static NetworkDef *
def_prepare(const char *xml, NetworkObj **existing)
{
    g_autoptr(NetworkDef) def = network_def_parse_string(xml, 0);
    g_autoptr(GPtrArray) used = NULL;
    NetworkObj *same = NULL;

    if (!def)
        return NULL;
    for (guint i = 0; i < network_driver.nets->len; i++) {
        NetworkObj *o = network_driver.nets->pdata[i];
        bool name_eq = strcmp(o->def->name, def->name) == 0;
        bool uuid_eq = def->has_uuid && memcmp(o->def->uuid, def->uuid, 16) == 0;
        g_autofree char *u = network_uuid_format(o->def->uuid);

        if (name_eq && def->has_uuid && !uuid_eq) {
            error_report(DOM, VK_ERR_OPERATION_FAILED,
                         _("network '%1$s' is already defined with uuid %2$s"), o->def->name, u);
            return NULL;
        }
        if (uuid_eq && !name_eq) {
            error_report(DOM, VK_ERR_OPERATION_FAILED,
                         _("network '%1$s' already exists with uuid %2$s"), o->def->name, u);
            return NULL;
        }
        if (name_eq)
            same = o;
    }
    if (same && !def->has_uuid) {
        memcpy(def->uuid, same->def->uuid, 16);
        def->has_uuid = true;
    }
    network_def_assign_uuid(def);
    used = bridges_in_use(same);
    if (def->bridge && !strchr(def->bridge, '%') && def->forward.mode != NETWORK_FORWARD_BRIDGE) {
        for (guint i = 0; i < network_driver.nets->len; i++) {
            const NetworkObj *o = network_driver.nets->pdata[i];
            const NetworkDef *od = obj_config((NetworkObj *) o);

            if (o != same && od->bridge && strcmp(od->bridge, def->bridge) == 0) {
                error_report(DOM, VK_ERR_INTERNAL_ERROR,
                             _("bridge name '%1$s' already in use by network '%2$s'."),
                             def->bridge, od->name);
                return NULL;
            }
        }
    } else if (same && !def->bridge && obj_config(same)->bridge &&
               def->forward.mode != NETWORK_FORWARD_BRIDGE) {
        def->bridge = g_strdup(obj_config(same)->bridge);
    }
    if (network_def_assign_bridge(def, (const char *const *) used->pdata) < 0)
        return NULL;
    if (same && !def->has_mac && obj_config(same)->has_mac) {
        def->has_mac = true;
        memcpy(def->mac, obj_config(same)->mac, 6);
    }
    network_def_assign_mac(def);
    *existing = same;
    return g_steal_pointer(&def);
}

/* Rejects flags outside @allowed, as libvirt's virCheckFlags does. */
static int
check_flags(unsigned flags, unsigned allowed)
{
    if (flags & ~allowed) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%x)"), flags & ~allowed);
        return -1;
    }
    return 0;
}

/* def_prepare for define/create: flag 1 (VALIDATE) checks the schema first. */
static NetworkDef *
def_prepare_flags(const char *xml, unsigned flags, NetworkObj **existing)
{
    if (check_flags(flags, 1u) < 0)
        return NULL;
    if ((flags & 1u) && validate_schema(xml) < 0)
        return NULL;
    return def_prepare(xml, existing);
}

int
network_define_xml(const char *xml, unsigned flags, NetworkRef *out)
{
    LOCKED();
    NetworkObj *obj = NULL;
    NetworkDef *def;

    if (!(def = def_prepare_flags(xml, flags, &obj)))
        return -1;
    if (network_config_save(def) < 0) {
        network_def_free(def);
        return -1;
    }
    if (!obj) {
        obj = obj_new(def);
    } else if (obj->active) {
        network_def_free(obj->newdef);
        obj->newdef = def;
    } else {
        network_def_free(obj->def);
        obj->def = def;
    }
    obj->persistent = true;
    ref_fill(obj, out);
    emit(obj, EV_DEFINED);
    return 0;
}

int
network_create_xml(const char *xml, unsigned flags, NetworkRef *out)
{
    LOCKED();
    NetworkObj *obj = NULL;
    NetworkDef *def;

    if (!(def = def_prepare_flags(xml, flags, &obj)))
        return -1;
    if (obj) {
        if (obj->active) {
            error_report(DOM, VK_ERR_OPERATION_INVALID,
                         _("network '%s' is already active"), obj->def->name);
            network_def_free(def);
            return -1;
        }
        /* A transient run of a persistent network: its config stays. */
        obj->newdef = obj->def;
        obj->def = def;
        if (network_obj_start(obj) < 0) {
            obj->def = obj->newdef;
            obj->newdef = NULL;
            network_def_free(def);
            return -1;
        }
    } else {
        obj = obj_new(def);
        if (network_obj_start(obj) < 0) {
            obj_remove(obj);
            return -1;
        }
    }
    ref_fill(obj, out);
    emit(obj, EV_STARTED);
    return 0;
}

int
network_undefine(const unsigned char *uuid)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(uuid);

    if (!obj)
        return -1;
    if (!obj->persistent) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, "%s",
                     _("cannot undefine transient network"));
        return -1;
    }
    if (network_config_delete(obj->def->name) < 0)
        return -1;
    network_autostart_write(obj->def->name, false);
    obj->autostart = false;
    emit(obj, EV_UNDEFINED);
    if (obj->active) {
        obj->persistent = false;
        g_clear_pointer(&obj->newdef, network_def_free);
        network_status_save(obj);
    } else {
        obj_remove(obj);
    }
    return 0;
}

int
network_start(const unsigned char *uuid)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(uuid);

    if (!obj || network_obj_start(obj) < 0)
        return -1;
    emit(obj, EV_STARTED);
    return 0;
}

int
network_destroy(const unsigned char *uuid)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(uuid);

    if (!obj)
        return -1;
    if (!obj->active) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, _("network '%s' is not active"),
                     obj->def->name);
        return -1;
    }
    obj_stop(obj);
    emit(obj, EV_STOPPED);
    if (!obj->persistent)
        obj_remove(obj);
    return 0;
}

char *
network_get_xml_desc(const unsigned char *uuid, unsigned flags)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(uuid);
    unsigned fmt = 0;

    if (!obj)
        return NULL;
    if (check_flags(flags, 1u) < 0)
        return NULL;
    if (flags & 1u)
        fmt |= NETWORK_FORMAT_INACTIVE;
    if ((flags & 1u) && obj->newdef)
        return network_def_format(obj->newdef, fmt);
    obj->def->connections = obj->active && !(flags & 1u) ? obj->ports->len : 0;
    return network_def_format(obj->def, fmt);
}

int
network_get_autostart(const unsigned char *uuid, int *autostart)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(uuid);

    if (!obj)
        return -1;
    *autostart = obj->autostart;
    return 0;
}

int
network_set_autostart(const unsigned char *uuid, bool autostart)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(uuid);

    if (!obj)
        return -1;
    if (!obj->persistent) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, "%s",
                     _("cannot set autostart for transient network"));
        return -1;
    }
    if (obj->autostart != autostart &&
        network_autostart_write(obj->def->name, autostart) < 0)
        return -1;
    obj->autostart = autostart;
    return 0;
}

char *
network_get_bridge_name(const unsigned char *uuid)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(uuid);

    if (!obj)
        return NULL;
    if (!obj->def->bridge) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR,
                     _("network '%s' does not have a bridge name."), obj->def->name);
        return NULL;
    }
    return g_strdup(obj->def->bridge);
}

int
network_is_active(const unsigned char *uuid)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(uuid);

    return obj ? obj->active : -1;
}

int
network_is_persistent(const unsigned char *uuid)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(uuid);

    return obj ? obj->persistent : -1;
}

static bool
list_match(const NetworkObj *o, unsigned flags)
{
    if ((flags & 3u) && !((flags & 2u && o->active) || (flags & 1u && !o->active)))
        return false;
    if ((flags & 12u) && !((flags & 4u && o->persistent) || (flags & 8u && !o->persistent)))
        return false;
    if ((flags & 48u) && !((flags & 16u && o->autostart) || (flags & 32u && !o->autostart)))
        return false;
    return true;
}

static gint
ref_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp((*(NetworkRef *const *) a)->name, (*(NetworkRef *const *) b)->name);
}

GPtrArray *
network_list_all(unsigned flags)
{
    LOCKED();
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify) network_ref_free);

    for (guint i = 0; network_driver.nets && i < network_driver.nets->len; i++) {
        NetworkObj *o = network_driver.nets->pdata[i];
        NetworkRef *r;

        if (!list_match(o, flags))
            continue;
        r = g_new0(NetworkRef, 1);
        ref_fill(o, r);
        g_ptr_array_add(out, r);
    }
    g_ptr_array_sort(out, ref_cmp);
    return out;
}

/* ---- update ---- */

static int
update_apply(NetworkDef *def, unsigned command, unsigned section, int parent_index,
             const char *xml)
{
    if (section == 4)
        return network_def_update_dhcp_host_cmd(def, command, parent_index, xml);
    return network_def_update_dhcp_range_cmd(def, command, parent_index, xml);
}

int
network_update(const unsigned char *uuid, unsigned command, unsigned section,
               int parent_index, const char *xml, unsigned flags)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(uuid);
    g_autoptr(NetworkDef) live = NULL;
    g_autoptr(NetworkDef) config = NULL;
    bool do_live, do_config;

    if (!obj)
        return -1;
    if (flags & ~3u) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%x)"), flags & ~3u);
        return -1;
    }
    if (section != 4 && section != 5) {
        error_report(DOM, VK_ERR_NO_SUPPORT,
                     _("can't update unsupported network section %u"), section);
        return -1;
    }
    if (command < 1 || command > 4) {
        error_report(DOM, VK_ERR_NO_SUPPORT, _("unrecognized network update command %u"),
                     command);
        return -1;
    }
    do_live = flags & 1u;
    do_config = flags & 2u;
    if (!do_live && !do_config) {
        do_live = obj->active;
        do_config = !obj->active;
    }
    if (do_live && !obj->active) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, "%s", _("network is not running"));
        return -1;
    }
    if (do_config && !obj->persistent) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, "%s",
                     _("cannot change persistent config of a transient network"));
        return -1;
    }
    if (do_live && (!(live = network_def_copy(obj->def)) ||
                    update_apply(live, command, section, parent_index, xml) < 0))
        return -1;
    if (do_config && (!(config = network_def_copy(obj_config(obj))) ||
                      update_apply(config, command, section, parent_index, xml) < 0 ||
                      network_config_save(config) < 0))
        return -1;
    if (config) {
        if (obj->active && !do_live) {
            network_def_free(obj->newdef);
            obj->newdef = g_steal_pointer(&config);
        } else if (obj->active) {
            network_def_free(obj->newdef);
            obj->newdef = g_steal_pointer(&config);
        } else {
            network_def_free(obj->def);
            obj->def = g_steal_pointer(&config);
        }
    }
    if (live) {
        NetworkDef *old = obj->def;

        obj->def = g_steal_pointer(&live);
        if (section == 4 && obj->dnsmasq_pid > 0) {
            if (network_dnsmasq_reload(obj->def, obj->dnsmasq_pid) < 0)
                log_warning("network %s: dnsmasq reload failed", obj->def->name);
        } else if (section == 5 && obj->dnsmasq_pid > 0) {
            pid_t pid = 0;

            network_dnsmasq_stop(obj->def->name, obj->dnsmasq_pid);
            if (network_dnsmasq_start(obj->def, &pid) < 0)
                log_warning("network %s: dnsmasq restart failed", obj->def->name);
            obj->dnsmasq_pid = pid;
        }
        network_def_free(old);
        network_status_save(obj);
    }
    return 0;
}

/* ---- DHCP leases ---- */

void
network_dhcp_lease_free(NetworkDhcpLease *l)
{
    if (!l)
        return;
    g_free(l->iface);
    g_free(l->mac);
    g_free(l->iaid);
    g_free(l->ipaddr);
    g_free(l->hostname);
    g_free(l->clientid);
    g_free(l);
}

static unsigned
lease_prefix(const NetworkDef *def, const char *ip)
{
    NetAddr a;

    if (net_addr_parse(ip, &a) < 0)
        return 0;
    for (guint i = 0; i < def->ips->len; i++) {
        const NetworkIPDef *d = def->ips->pdata[i];

        if (d->family == a.family && net_addr_same_subnet(&d->address, &a, d->prefix))
            return (unsigned) d->prefix;
    }
    return 0;
}

GPtrArray *
network_get_dhcp_leases(const unsigned char *uuid, const char *mac)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(uuid);
    GPtrArray *out;
    NetworkDnsmasqPaths p = { 0 };
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) raw = NULL;
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;

    if (!obj)
        return NULL;
    out = g_ptr_array_new_with_free_func((GDestroyNotify) network_dhcp_lease_free);
    if (!obj->active)
        return out;
    network_dnsmasq_paths(obj->def->name, &p);
    g_file_get_contents(p.leases, &text, NULL, NULL);
    network_dnsmasq_paths_clear(&p);
    raw = network_dnsmasq_leases_parse(text);
    for (guint i = 0; i < raw->len; i++) {
        NetworkDnsmasqLease *r = raw->pdata[i];
        NetworkDhcpLease *l;

        if (r->expiry && r->expiry < now)
            continue;
        if (mac && (!r->mac || g_ascii_strcasecmp(mac, r->mac) != 0))
            continue;
        l = g_new0(NetworkDhcpLease, 1);
        l->iface = g_strdup(obj->def->bridge);
        l->expiry = r->expiry;
        l->type = r->ipv6 ? 1 : 0;
        l->mac = g_strdup(r->mac);
        l->iaid = g_strdup(r->iaid);
        l->ipaddr = g_strdup(r->ip);
        l->prefix = lease_prefix(obj->def, r->ip);
        l->hostname = g_strdup(r->hostname);
        l->clientid = g_strdup(r->clientid);
        g_ptr_array_add(out, l);
    }
    return out;
}

/* ---- init ---- */

int
network_driver_init(const VkEventSink *sink)
{
    g_mutex_lock(&network_driver.lock);
    if (sink)
        network_driver.sink = *sink;
    if (!network_driver.nets)
        network_driver.nets = g_ptr_array_new_with_free_func((GDestroyNotify) network_obj_free);
    network_state_load();
    for (guint i = 0; i < network_driver.nets->len; i++) {
        NetworkObj *o = network_driver.nets->pdata[i];

        if (o->autostart && !o->active) {
            if (network_obj_start(o) < 0) {
                const VkError *e = error_get_last();

                log_warning("network %s: autostart failed: %s", o->def->name,
                            e && e->message ? e->message : "?");
                error_reset();
            }
        }
    }
    g_mutex_unlock(&network_driver.lock);
    return 0;
}

void
network_driver_shutdown(void)
{
    g_mutex_lock(&network_driver.lock);
    g_clear_pointer(&network_driver.nets, g_ptr_array_unref);
    network_driver.sink.emit = NULL;
    g_mutex_unlock(&network_driver.lock);
}
