/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What survives the daemon: persistent definitions, autostart links and
 * the status of active networks.  The status file is
 *   <networkstatus>
 *     <dnsmasq pid='N'/>
 *     <port uuid='..' owner-uuid='..' owner-name='..' mac='..'/>...
 *     <network>...live definition...</network>
 *   </networkstatus>
 * On start a network whose pieces are all there (bridge, dnsmasq) is
 * re-adopted; one missing a piece is torn down and reported inactive.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "driver/network/network-bridge.h"
#include "driver/network/network-dnsmasq.h"
#include "driver/network/network-priv.h"
#include "util/error.h"
#include "util/file-util.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/paths.h"

#define DOM VK_FROM_NETWORK

static char *
config_dir(void)
{
    g_autofree char *cfg = paths_config_dir();

    return g_build_filename(cfg, "networks", NULL);
}

static char *
status_dir(void)
{
    g_autofree char *run = paths_run_dir();

    return g_build_filename(run, "network", NULL);
}

char *
network_config_path(const char *name)
{
    g_autofree char *dir = config_dir();
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(dir, file, NULL);
}

char *
network_autostart_path(const char *name)
{
    g_autofree char *dir = config_dir();
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(dir, "autostart", file, NULL);
}

char *
network_status_path(const char *name)
{
    g_autofree char *dir = status_dir();
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(dir, file, NULL);
}

int
network_config_save(const NetworkDef *def)
{
    g_autofree char *dir = config_dir();
    g_autofree char *path = network_config_path(def->name);
    g_autofree char *xml = network_def_format(def, NETWORK_FORMAT_INACTIVE);

    if (!xml || file_make_dirs(dir, 0755, DOM) < 0)
        return -1;
    return file_write_atomic(path, xml, strlen(xml), 0600, DOM);
}

int
network_config_delete(const char *name)
{
    g_autofree char *path = network_config_path(name);

    return file_remove_durable(path, DOM);
}

int
network_autostart_write(const char *name, bool on)
{
    g_autofree char *path = network_autostart_path(name);
    g_autofree char *target = network_config_path(name);
    g_autofree char *dir = g_path_get_dirname(path);

    if (!on) {
        if (unlink(path) < 0 && errno != ENOENT) {
            error_report_errno(DOM, errno, _("cannot remove autostart link %s"), path);
            return -1;
        }
        return 0;
    }
    if (file_make_dirs(dir, 0755, DOM) < 0)
        return -1;
    unlink(path);
    if (symlink(target, path) < 0) {
        error_report_errno(DOM, errno, _("cannot create autostart link %s"), path);
        return -1;
    }
    return 0;
}

int
network_status_save(const NetworkObj *obj)
{
    g_autofree char *dir = status_dir();
    g_autofree char *path = network_status_path(obj->def->name);
    g_autofree char *xml = network_def_format(obj->def, 0);
    GString *s;
    int ret;

    if (!xml || file_make_dirs(dir, 0755, DOM) < 0)
        return -1;
    s = g_string_new("<networkstatus>\n");
    g_string_append_printf(s, "<dnsmasq pid='%d'/>\n", (int) obj->dnsmasq_pid);
    for (guint i = 0; i < obj->ports->len; i++) {
        const NetworkPort *p = obj->ports->pdata[i];
        g_autofree char *u = network_uuid_format(p->uuid);
        g_autofree char *o = network_uuid_format(p->owner_uuid);
        g_autofree char *n = g_markup_escape_text(p->owner_name, -1);

        g_string_append_printf(s, "<port uuid='%s' owner-uuid='%s' owner-name='%s' mac='%s'/>\n",
                               u, o, n, p->mac);
    }
    g_string_append(s, xml);
    g_string_append(s, "</networkstatus>\n");
    ret = file_write_atomic(path, s->str, s->len, 0600, DOM);
    g_string_free(s, TRUE);
    return ret;
}

void
network_status_delete(const char *name)
{
    g_autofree char *path = network_status_path(name);

    if (file_remove_durable(path, DOM) < 0)
        error_reset();
}

static NetworkObj *
find_quiet(const unsigned char *uuid)
{
    for (guint i = 0; i < network_driver.nets->len; i++) {
        NetworkObj *o = network_driver.nets->pdata[i];

        if (memcmp(o->def->uuid, uuid, 16) == 0)
            return o;
    }
    return NULL;
}

static NetworkObj *
obj_add(NetworkDef *def)
{
    NetworkObj *obj = g_new0(NetworkObj, 1);

    obj->def = def;
    obj->ports = g_ptr_array_new_with_free_func((GDestroyNotify) network_port_free);
    g_ptr_array_add(network_driver.nets, obj);
    return obj;
}

static void
load_configs(void)
{
    g_autofree char *dir = config_dir();
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *f;

    while (d && (f = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        g_autofree char *xml = NULL;
        g_autofree char *link = NULL;
        g_autofree char *stem = NULL;
        NetworkDef *def;
        NetworkObj *obj;

        if (!g_str_has_suffix(f, ".xml"))
            continue;
        path = g_build_filename(dir, f, NULL);
        stem = g_strndup(f, strlen(f) - 4);
        if (!g_file_get_contents(path, &xml, NULL, NULL) ||
            !(def = network_def_parse_string(xml, 0))) {
            log_warning("network config %s unreadable, ignored", path);
            error_reset();
            continue;
        }
        if (strcmp(def->name, stem) != 0 || find_quiet(def->uuid)) {
            log_warning("network config %s: name or uuid clash, ignored", path);
            network_def_free(def);
            continue;
        }
        obj = obj_add(def);
        obj->persistent = true;
        link = network_autostart_path(def->name);
        obj->autostart = g_file_test(link, G_FILE_TEST_EXISTS);
    }
}

static void
port_load(NetworkObj *obj, xmlNode *n)
{
    g_autofree char *u = (char *) xmlGetProp(n, BAD_CAST "uuid");
    g_autofree char *o = (char *) xmlGetProp(n, BAD_CAST "owner-uuid");
    g_autofree char *name = (char *) xmlGetProp(n, BAD_CAST "owner-name");
    g_autofree char *mac = (char *) xmlGetProp(n, BAD_CAST "mac");
    NetworkPort *p;

    if (!u || !o || !mac)
        return;
    p = g_new0(NetworkPort, 1);
    if (network_uuid_parse(u, p->uuid) < 0 || network_uuid_parse(o, p->owner_uuid) < 0) {
        network_port_free(p);
        return;
    }
    p->owner_name = g_strdup(name ? name : "");
    p->mac = g_steal_pointer(&mac);
    g_ptr_array_add(obj->ports, p);
}

/* Are the pieces of a network that was active still there? */
static bool
pieces_alive(const NetworkDef *def, pid_t pid)
{
    if (def->bridge && network_link_exists(def->bridge) != 1) {
        error_reset();
        return false;
    }
    if (network_dnsmasq_needed(def) && !network_dnsmasq_alive(def->name, pid))
        return false;
    return true;
}

static void
load_status_file(const char *path)
{
    g_autofree char *text = NULL;
    xmlDoc *doc = NULL;
    xmlNode *root, *netnode = NULL;
    NetworkDef *def = NULL;
    NetworkObj *obj;
    pid_t pid = 0;

    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        !(doc = xmlReadMemory(text, (int) strlen(text), path, NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)) ||
        !(root = xmlDocGetRootElement(doc)))
        goto bad;
    for (xmlNode *n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(n->name, BAD_CAST "dnsmasq")) {
            g_autofree char *v = (char *) xmlGetProp(n, BAD_CAST "pid");

            pid = v ? (pid_t) g_ascii_strtoll(v, NULL, 10) : 0;
        } else if (xmlStrEqual(n->name, BAD_CAST "network")) {
            netnode = n;
        }
    }
    if (!netnode || !(def = network_def_parse_node(netnode)))
        goto bad;
    if (!pieces_alive(def, pid)) {
        log_info("network %s: its bridge or dnsmasq is gone, cleaning up", def->name);
        network_obj_teardown(def, pid, true);
        unlink(path);
        network_def_free(def);
        xmlFreeDoc(doc);
        return;
    }
    if ((obj = find_quiet(def->uuid))) {
        obj->newdef = obj->def;
        obj->def = def;
    } else {
        obj = obj_add(def);
    }
    obj->active = true;
    obj->dnsmasq_pid = pid;
    for (xmlNode *n = root->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST "port"))
            port_load(obj, n);
    }
    log_info("network %s: re-adopted (bridge %s, dnsmasq %d)", def->name,
             def->bridge ? def->bridge : "-", (int) pid);
    xmlFreeDoc(doc);
    return;
 bad:
    log_warning("network status %s unreadable, ignored", path);
    error_reset();
    if (doc)
        xmlFreeDoc(doc);
}

void
network_state_load(void)
{
    g_autofree char *dir = status_dir();
    g_autoptr(GDir) d = NULL;
    const char *f;

    load_configs();
    d = g_dir_open(dir, 0, NULL);
    while (d && (f = g_dir_read_name(d))) {
        g_autofree char *path = NULL;

        if (!g_str_has_suffix(f, ".xml"))
            continue;
        path = g_build_filename(dir, f, NULL);
        load_status_file(path);
    }
}
