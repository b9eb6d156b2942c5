/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network ports: one per guest interface plugged into an active network
 * (libvirt's networkport XML: uuid, owner name/uuid, mac, plug).  The
 * domain driver uses network_port_create/_delete in process; clients use
 * the NETWORK_PORT_* procedures.  Ports live in the network's status.
 */
#include <string.h>

#include <libxml/parser.h>

#include "driver/network/network-priv.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_NETWORK

#define LOCKED() g_autoptr(GMutexLocker) G_GNUC_UNUSED locker_ = g_mutex_locker_new(&network_driver.lock)

void
network_port_free(NetworkPort *port)
{
    if (!port)
        return;
    g_free(port->owner_name);
    g_free(port->mac);
    g_free(port);
}

char *
network_port_format(const NetworkObj *obj, const NetworkPort *port)
{
    g_autofree char *u = network_uuid_format(port->uuid);
    g_autofree char *o = network_uuid_format(port->owner_uuid);
    g_autofree char *n = g_markup_escape_text(port->owner_name, -1);
    g_autofree char *br = g_markup_escape_text(obj->def->bridge ? obj->def->bridge : "", -1);
    const char *type = obj->def->forward.mode == NETWORK_FORWARD_BRIDGE ? "bridge" : "network";

    return g_strdup_printf("<networkport>\n"
                           "  <uuid>%s</uuid>\n"
                           "  <owner>\n"
                           "    <name>%s</name>\n"
                           "    <uuid>%s</uuid>\n"
                           "  </owner>\n"
                           "  <mac address='%s'/>\n"
                           "  <plug type='%s' bridge='%s'/>\n"
                           "</networkport>\n", u, n, o, port->mac, type, br);
}

static char *
mac_canon(const char *mac)
{
    unsigned b[6];
    char tail;

    if (!mac || sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
                       &b[5], &tail) != 6)
        return NULL;
    return g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

static NetworkPort *
port_find(NetworkObj *obj, const unsigned char *uuid, bool report)
{
    for (guint i = 0; i < obj->ports->len; i++) {
        NetworkPort *p = obj->ports->pdata[i];

        if (memcmp(p->uuid, uuid, 16) == 0)
            return p;
    }
    if (report) {
        g_autofree char *u = network_uuid_format(uuid);

        error_report(DOM, VK_ERR_NO_NETWORK_PORT,
                     _("network port with UUID %s does not exist"), u);
    }
    return NULL;
}

static NetworkObj *
active_obj(NetworkObj *obj)
{
    if (obj && !obj->active) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, _("network '%s' is not active"),
                     obj->def->name);
        return NULL;
    }
    return obj;
}

/* Adds a port; @uuid NULL: a random one.  Returns it or NULL. */
static NetworkPort *
port_add(NetworkObj *obj, const unsigned char *uuid, const unsigned char *owner_uuid,
         const char *owner_name, const char *mac)
{
    g_autofree char *canon = mac_canon(mac);
    NetworkPort *p;

    if (!canon) {
        error_report(DOM, VK_ERR_XML_ERROR, _("invalid MAC address '%s'"), mac ? mac : "");
        return NULL;
    }
    if (uuid && port_find(obj, uuid, false)) {
        g_autofree char *u = network_uuid_format(uuid);

        error_report(DOM, VK_ERR_OPERATION_INVALID, _("network port %s already exists"), u);
        return NULL;
    }
    p = g_new0(NetworkPort, 1);
    if (uuid) {
        memcpy(p->uuid, uuid, 16);
    } else {
        g_autofree char *s = g_uuid_string_random();

        network_uuid_parse(s, p->uuid);
    }
    memcpy(p->owner_uuid, owner_uuid, 16);
    p->owner_name = g_strdup(owner_name ? owner_name : "");
    p->mac = g_steal_pointer(&canon);
    g_ptr_array_add(obj->ports, p);
    if (network_status_save(obj) < 0) {
        g_ptr_array_remove(obj->ports, p);
        return NULL;
    }
    return p;
}

static char *
child_text(xmlNode *parent, const char *name)
{
    for (xmlNode *n = parent->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name)) {
            xmlChar *c = xmlNodeGetContent(n);
            char *s = g_strdup(c ? g_strstrip((char *) c) : "");

            xmlFree(c);
            return s;
        }
    }
    return NULL;
}

static xmlNode *
child(xmlNode *parent, const char *name)
{
    for (xmlNode *n = parent->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name))
            return n;
    }
    return NULL;
}

void
network_port_xml_clear(NetworkPortXml *x)
{
    g_clear_pointer(&x->owner_name, g_free);
    g_clear_pointer(&x->mac, g_free);
}

int
network_port_xml_parse(const char *xml, size_t len, NetworkPortXml *out)
{
    xmlDoc *doc;
    xmlNode *root, *owner, *macn;
    g_autofree char *uuid_s = NULL;
    g_autofree char *owner_uuid_s = NULL;
    g_autofree char *mac = NULL;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    if (len > G_MAXINT) {
        error_report(DOM, VK_ERR_XML_ERROR, "%s", _("network port XML too large"));
        return -1;
    }
    doc = xmlReadMemory(xml, (int) len, "networkport.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !(root = xmlDocGetRootElement(doc)) ||
        !xmlStrEqual(root->name, BAD_CAST "networkport")) {
        error_report(DOM, VK_ERR_XML_ERROR, "%s", _("expected a <networkport> document"));
        goto out;
    }
    uuid_s = child_text(root, "uuid");
    owner = child(root, "owner");
    macn = child(root, "mac");
    if (owner) {
        out->owner_name = child_text(owner, "name");
        owner_uuid_s = child_text(owner, "uuid");
    }
    if (macn)
        mac = (char *) xmlGetProp(macn, BAD_CAST "address");
    if (!out->owner_name || !owner_uuid_s ||
        network_uuid_parse(owner_uuid_s, out->owner_uuid) < 0) {
        error_report(DOM, VK_ERR_XML_ERROR, "%s",
                     _("network port needs an <owner> with <name> and <uuid>"));
        goto out;
    }
    if (uuid_s && network_uuid_parse(uuid_s, out->uuid) < 0) {
        error_report(DOM, VK_ERR_XML_ERROR, _("invalid port uuid '%s'"), uuid_s);
        goto out;
    }
    out->has_uuid = uuid_s != NULL;
    if (!(out->mac = mac_canon(mac))) {
        error_report(DOM, VK_ERR_XML_ERROR, _("invalid MAC address '%s'"), mac ? mac : "");
        goto out;
    }
    ret = 0;
 out:
    if (ret < 0)
        network_port_xml_clear(out);
    if (doc)
        xmlFreeDoc(doc);
    return ret;
}

int
network_port_create_xml(const unsigned char *net_uuid, const char *xml,
                        unsigned char *port_uuid_out)
{
    LOCKED();
    NetworkObj *obj = active_obj(network_obj_find_uuid(net_uuid));
    NetworkPortXml x;
    NetworkPort *p;

    if (!obj || network_port_xml_parse(xml, strlen(xml), &x) < 0)
        return -1;
    p = port_add(obj, x.has_uuid ? x.uuid : NULL, x.owner_uuid, x.owner_name, x.mac);
    network_port_xml_clear(&x);
    if (!p)
        return -1;
    memcpy(port_uuid_out, p->uuid, 16);
    return 0;
}

int
network_port_lookup(const unsigned char *net_uuid, const unsigned char *port_uuid)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(net_uuid);

    return obj && port_find(obj, port_uuid, true) ? 0 : -1;
}

char *
network_port_get_xml_desc(const unsigned char *net_uuid, const unsigned char *port_uuid)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(net_uuid);
    NetworkPort *p;

    if (!obj || !(p = port_find(obj, port_uuid, true)))
        return NULL;
    return network_port_format(obj, p);
}

int
network_port_remove(const unsigned char *net_uuid, const unsigned char *port_uuid)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(net_uuid);
    NetworkPort *p;

    if (!obj || !(p = port_find(obj, port_uuid, true)))
        return -1;
    g_ptr_array_remove(obj->ports, p);
    return obj->active ? network_status_save(obj) : 0;
}

GPtrArray *
network_port_list(const unsigned char *net_uuid)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_uuid(net_uuid);
    GPtrArray *out;

    if (!obj)
        return NULL;
    out = g_ptr_array_new_with_free_func((GDestroyNotify) g_bytes_unref);
    for (guint i = 0; i < obj->ports->len; i++)
        g_ptr_array_add(out, g_bytes_new(((NetworkPort *) obj->ports->pdata[i])->uuid, 16));
    return out;
}

int
network_port_create(const char *network, const unsigned char *owner_uuid,
                    const char *owner_name, const char *mac, char **bridge_out,
                    unsigned char *port_uuid_out)
{
    LOCKED();
    NetworkObj *obj = active_obj(network_obj_find_name(network));
    NetworkPort *p;

    if (!obj)
        return -1;
    if (!obj->def->bridge) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR,
                     _("network '%s' does not have a bridge name."), network);
        return -1;
    }
    if (!(p = port_add(obj, NULL, owner_uuid, owner_name, mac)))
        return -1;
    if (port_uuid_out)
        memcpy(port_uuid_out, p->uuid, 16);
    *bridge_out = g_strdup(obj->def->bridge);
    return 0;
}

int
network_port_delete(const char *network, const unsigned char *owner_uuid, const char *mac)
{
    LOCKED();
    NetworkObj *obj = network_obj_find_name(network);
    g_autofree char *canon = mac_canon(mac);

    if (!obj)
        return -1;
    for (guint i = 0; i < obj->ports->len; i++) {
        NetworkPort *p = obj->ports->pdata[i];

        if (memcmp(p->owner_uuid, owner_uuid, 16) == 0 && canon && strcmp(p->mac, canon) == 0) {
            g_ptr_array_remove_index(obj->ports, i);
            return obj->active ? network_status_save(obj) : 0;
        }
    }
    return 0;
}
