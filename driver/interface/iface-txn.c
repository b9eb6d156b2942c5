/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Interface change transactions (virInterfaceChangeBegin/Commit/Rollback).
 * The checkpoint directory holds, while a transaction runs:
 *   defs/NAME.xml  the definitions at BEGIN
 *   live.ini       one group per live link at BEGIN (GKeyFile): type, up,
 *                  master, mtu, addrs ("ADDR/PREFIX" list) and, for bridges,
 *                  bonds and vlans, xml (its live XML, to recreate it)
 *   touched        names the driver changed since, one per line
 * live.ini is written last, atomically: its presence means "running", so
 * the transaction survives a daemon restart.  ROLLBACK acts only on the
 * managed links (touched, defined at BEGIN or now, their ports, and links
 * enslaved to those): deletes virtual links created since, recreates
 * removed ones, then restores masters, MTUs, addresses and up state, and
 * puts the definitions back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver/interface/iface-driver-priv.h"
#include "util/error.h"
#include "util/file-util.h"
#include "util/i18n.h"

#define DOM VK_FROM_INTERFACE

static char *
ckpt_file(IfaceDriver *drv, const char *name)
{
    return g_build_filename(drv->ckpt_dir, name, NULL);
}

static bool
txn_running(IfaceDriver *drv)
{
    g_autofree char *live = ckpt_file(drv, "live.ini");

    return g_file_test(live, G_FILE_TEST_EXISTS);
}

int
iface_copy_xml_dir(const char *src, const char *dst)
{
    g_autoptr(GDir) d = g_dir_open(src, 0, NULL);
    const char *ent;

    if (file_make_dirs(dst, 0755, DOM) < 0)
        return -1;
    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *from = g_build_filename(src, ent, NULL);
        g_autofree char *to = g_build_filename(dst, ent, NULL);
        g_autofree char *data = NULL;
        gsize len;

        if (!g_str_has_suffix(ent, ".xml"))
            continue;
        if (!g_file_get_contents(from, &data, &len, NULL)) {
            error_report(DOM, VK_ERR_OPERATION_FAILED, _("cannot read '%s'"), from);
            return -1;
        }
        if (file_write_atomic(to, data, len, 0600, DOM) < 0)
            return -1;
    }
    return 0;
}

int
iface_clear_xml_dir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, ent, NULL);

        if (g_str_has_suffix(ent, ".xml") && file_remove_durable(path, DOM) < 0)
            return -1;
    }
    return 0;
}

static int
ckpt_remove(IfaceDriver *drv)
{
    g_autofree char *defs = ckpt_file(drv, "defs");
    g_autofree char *live = ckpt_file(drv, "live.ini");
    g_autofree char *touched = ckpt_file(drv, "touched");

    /* live.ini first: from then on no transaction is running */
    if (file_remove_durable(live, DOM) < 0 || iface_clear_xml_dir(defs) < 0)
        return -1;
    unlink(touched);
    rmdir(defs);
    rmdir(drv->ckpt_dir);
    return 0;
}

void
iface_txn_touch(IfaceDriver *drv, const char *name)
{
    g_autofree char *path = ckpt_file(drv, "touched");
    g_autofree char *line = g_strconcat(name, "\n", NULL);
    int fd;

    if (!txn_running(drv))
        return;
    if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0)
        return;
    if (write(fd, line, strlen(line)) >= 0)
        fsync(fd);
    close(fd);
}

static void
save_link(GKeyFile *kf, struct nl_sock *sk, const IfaceNlLink *l)
{
    g_autoptr(GPtrArray) addrs = g_ptr_array_new_with_free_func(g_free);

    g_key_file_set_integer(kf, l->name, "type", (int) l->type);
    g_key_file_set_boolean(kf, l->name, "up", l->up);
    g_key_file_set_integer(kf, l->name, "mtu", (int) l->mtu);
    if (l->master)
        g_key_file_set_string(kf, l->name, "master", l->master);
    for (guint i = 0; i < l->addrs->len; i++) {
        const InterfaceIP *ip = &g_array_index(l->addrs, InterfaceIP, i);
        g_autofree char *a = net_addr_format(&ip->address);

        g_ptr_array_add(addrs, g_strdup_printf("%s/%d", a, ip->prefix));
    }
    g_key_file_set_string_list(kf, l->name, "addrs", (const char *const *) addrs->pdata,
                               addrs->len);
    if (l->type != INTERFACE_TYPE_ETHERNET) {
        g_autoptr(InterfaceDef) def = iface_nl_read(sk, l->name);
        g_autofree char *xml = def ? interface_def_format(def, 0) : NULL;

        if (xml)
            g_key_file_set_string(kf, l->name, "xml", xml);
        error_reset();
    }
}

int
iface_driver_change_begin(IfaceDriver *drv, unsigned flags)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&drv->lock);
    g_autoptr(IfaceSock) sk = NULL;
    g_autoptr(GPtrArray) links = NULL;
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *defs = ckpt_file(drv, "defs");
    g_autofree char *live = ckpt_file(drv, "live.ini");
    g_autofree char *data = NULL;
    gsize len;

    if (flags) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                     flags, "virInterfaceChangeBegin");
        return -1;
    }
    if (txn_running(drv)) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, "%s",
                     _("there is another transaction running."));
        return -1;
    }
    if (ckpt_remove(drv) < 0 || iface_copy_xml_dir(drv->def_dir, defs) < 0 ||
        !(sk = iface_nl_open()) || !(links = iface_nl_links(sk)))
        return -1;
    for (guint i = 0; i < links->len; i++)
        save_link(kf, sk, links->pdata[i]);
    data = g_key_file_to_data(kf, &len, NULL);
    return file_write_atomic(live, data, len, 0600, DOM);
}

int
iface_driver_change_commit(IfaceDriver *drv, unsigned flags)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&drv->lock);

    if (flags) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                     flags, "virInterfaceChangeCommit");
        return -1;
    }
    if (!txn_running(drv)) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, "%s",
                     _("no transaction running, nothing to be committed."));
        return -1;
    }
    return ckpt_remove(drv);
}

/* Rollback state: the first error is kept, later ones only logged. */
typedef struct {
    struct nl_sock *sk;
    GKeyFile *kf;
    GHashTable *managed;    /* set of names */
    VkError *first;
} Rollback;

static void
rb_failed(Rollback *rb)
{
    if (!rb->first)
        rb->first = error_steal_last();
    else
        error_reset();
}

static int
rb_send(Rollback *rb, struct nl_msg *msg, const char *what)
{
    int r = msg ? iface_nl_send(rb->sk, msg, what, NULL) : -1;

    if (msg)
        nlmsg_free(msg);
    if (r < 0)
        rb_failed(rb);
    return r;
}

static void
manage_def_ports(GHashTable *managed, GHashTable *defs)
{
    GHashTableIter it;
    InterfaceDef *def;

    g_hash_table_iter_init(&it, defs);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *) &def)) {
        g_hash_table_add(managed, g_strdup(def->name));
        for (guint i = 0; def->ports && i < def->ports->len; i++)
            g_hash_table_add(managed, g_strdup(((InterfaceDef *) def->ports->pdata[i])->name));
    }
}

static void
manage_collect(IfaceDriver *drv, Rollback *rb, GHashTable *begin_defs, GHashTable *cur_defs,
               GPtrArray *links)
{
    g_autofree char *touched_path = ckpt_file(drv, "touched");
    g_autofree char *touched = NULL;
    g_auto(GStrv) groups = g_key_file_get_groups(rb->kf, NULL);

    if (g_file_get_contents(touched_path, &touched, NULL, NULL)) {
        g_auto(GStrv) lines = g_strsplit(touched, "\n", -1);

        for (char **l = lines; *l; l++)
            if (**l)
                g_hash_table_add(rb->managed, g_strdup(*l));
    }
    manage_def_ports(rb->managed, begin_defs);
    manage_def_ports(rb->managed, cur_defs);
    /* links enslaved to a managed master, then or now */
    for (char **g = groups; *g; g++) {
        g_autofree char *m = g_key_file_get_string(rb->kf, *g, "master", NULL);

        if (m && g_hash_table_contains(rb->managed, m))
            g_hash_table_add(rb->managed, g_strdup(*g));
    }
    for (guint i = 0; i < links->len; i++) {
        IfaceNlLink *l = links->pdata[i];

        if (l->master && g_hash_table_contains(rb->managed, l->master))
            g_hash_table_add(rb->managed, g_strdup(l->name));
    }
}

/* Deletes virtual links created since BEGIN, recreates removed ones. */
static void
rb_links(Rollback *rb, GPtrArray *links)
{
    GHashTableIter it;
    const char *name;

    g_hash_table_iter_init(&it, rb->managed);
    while (g_hash_table_iter_next(&it, (gpointer *) &name, NULL)) {
        IfaceNlLink *l = iface_links_find(links, name);
        bool was = g_key_file_has_group(rb->kf, name);

        if (!was && l && l->type != INTERFACE_TYPE_ETHERNET && iface_nl_destroy(rb->sk, name) < 0)
            rb_failed(rb);
        if (was && !l) {
            g_autofree char *xml = g_key_file_get_string(rb->kf, name, "xml", NULL);
            g_autoptr(InterfaceDef) def = xml ? interface_def_parse_string(xml, 0) : NULL;

            if (!def)
                continue;   /* an ethernet link that vanished: nothing to recreate */
            g_ptr_array_set_size(def->ports, 0);
            def->ipv4.present = def->ipv6.present = false;
            if (iface_nl_create(rb->sk, def, false) < 0)
                rb_failed(rb);
        }
    }
}

static int
rb_ifindex(Rollback *rb, const char *name)
{
    int idx = name ? iface_nl_ifindex(rb->sk, name) : 0;

    if (idx < 0) {
        rb_failed(rb);
        return -1;
    }
    return idx;
}

static void
rb_addrs(Rollback *rb, const char *name, int idx, const IfaceNlLink *l)
{
    g_auto(GStrv) want = g_key_file_get_string_list(rb->kf, name, "addrs", NULL, NULL);
    g_autoptr(GArray) wanted = g_array_new(FALSE, TRUE, sizeof(InterfaceIP));

    for (char **w = want; w && *w; w++) {
        g_auto(GStrv) parts = g_strsplit(*w, "/", 2);
        InterfaceIP ip = { .prefix = parts[1] ? atoi(parts[1]) : 0 };

        if (parts[0] && net_addr_parse(parts[0], &ip.address) == 0)
            g_array_append_val(wanted, ip);
        error_reset();
    }
    for (guint i = 0; i < l->addrs->len; i++) {
        const InterfaceIP *a = &g_array_index(l->addrs, InterfaceIP, i);
        bool keep = false;

        for (guint j = 0; j < wanted->len; j++)
            keep |= net_addr_equal(&g_array_index(wanted, InterfaceIP, j).address, &a->address);
        if (!keep)
            rb_send(rb, iface_nl_build_del_address(idx, &a->address, a->prefix), name);
    }
    for (guint j = 0; j < wanted->len; j++) {
        const InterfaceIP *w = &g_array_index(wanted, InterfaceIP, j);
        bool have = false;

        for (guint i = 0; i < l->addrs->len; i++)
            have |= net_addr_equal(&g_array_index(l->addrs, InterfaceIP, i).address, &w->address);
        if (!have)
            rb_send(rb, iface_nl_build_add_address(idx, &w->address, w->prefix), name);
    }
}

/* Masters first (a bridge's MTU follows its ports), then MTU, addresses, up. */
static void
rb_restore(Rollback *rb)
{
    g_autoptr(GPtrArray) links = iface_nl_links(rb->sk);
    GHashTableIter it;
    const char *name;

    if (!links) {
        rb_failed(rb);
        return;
    }
    for (int phase = 0; phase < 2; phase++) {
        g_hash_table_iter_init(&it, rb->managed);
        while (g_hash_table_iter_next(&it, (gpointer *) &name, NULL)) {
            IfaceNlLink *l = iface_links_find(links, name);
            g_autofree char *master = g_key_file_get_string(rb->kf, name, "master", NULL);
            int idx, midx, mtu;

            if (!l || !g_key_file_has_group(rb->kf, name) || (idx = rb_ifindex(rb, name)) < 0)
                continue;
            if (phase == 0) {
                if (g_strcmp0(master, l->master) == 0 || (midx = rb_ifindex(rb, master)) < 0)
                    continue;
                /* the bonding driver refuses slaves that are up; phase 1 restores it */
                if (master && g_key_file_get_integer(rb->kf, master, "type", NULL) ==
                    INTERFACE_TYPE_BOND)
                    rb_send(rb, iface_nl_build_set_up(idx, false), name);
                rb_send(rb, iface_nl_build_set_master(idx, midx), name);
                continue;
            }
            mtu = g_key_file_get_integer(rb->kf, name, "mtu", NULL);
            if (mtu > 0 && (unsigned) mtu != l->mtu)
                rb_send(rb, iface_nl_build_set_mtu(idx, (unsigned) mtu), name);
            rb_addrs(rb, name, idx, l);
            rb_send(rb, iface_nl_build_set_up(idx, g_key_file_get_boolean(rb->kf, name, "up",
                                                                          NULL)), name);
        }
    }
}

int
iface_driver_change_rollback(IfaceDriver *drv, unsigned flags)
{
    g_autoptr(GMutexLocker) G_GNUC_UNUSED locker = g_mutex_locker_new(&drv->lock);
    g_autofree char *defs_dir = ckpt_file(drv, "defs");
    g_autofree char *live = ckpt_file(drv, "live.ini");
    g_autoptr(GHashTable) begin_defs = NULL, cur_defs = NULL, managed = NULL;
    g_autoptr(GPtrArray) links = NULL;
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(IfaceSock) sk = NULL;
    Rollback rb = { 0 };

    if (flags) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                     flags, "virInterfaceChangeRollback");
        return -1;
    }
    if (!txn_running(drv)) {
        error_report(DOM, VK_ERR_OPERATION_INVALID, "%s",
                     _("no transaction running, nothing to rollback."));
        return -1;
    }
    if (!g_key_file_load_from_file(kf, live, G_KEY_FILE_NONE, NULL)) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR, _("cannot read checkpoint '%s'"), live);
        return -1;
    }
    if (!(sk = iface_nl_open()) || !(links = iface_nl_links(sk)))
        return -1;
    begin_defs = iface_defs_load(defs_dir);
    cur_defs = iface_defs_load(drv->def_dir);
    managed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    rb = (Rollback) { .sk = sk, .kf = kf, .managed = managed };
    manage_collect(drv, &rb, begin_defs, cur_defs, links);
    rb_links(&rb, links);
    rb_restore(&rb);
    if (iface_clear_xml_dir(drv->def_dir) < 0 || iface_copy_xml_dir(defs_dir, drv->def_dir) < 0 ||
        ckpt_remove(drv) < 0)
        rb_failed(&rb);
    if (rb.first) {
        error_restore(rb.first);
        return -1;
    }
    return 0;
}
