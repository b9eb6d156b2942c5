/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Storage pool XML and pool source (discovery) XML. */
#include <string.h>

#include "conf/storage/storage-priv.h"
#include "conf/xml-util.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM STORAGE_DOM

typedef struct {
    const char *name;
    const char *const *formats;   /* allowed <source><format type=''>, NULL: none */
    const char *default_target;   /* NULL: <target><path> required */
} PoolTypeInfo;

static const char *const fs_formats[] = {
    "auto", "ext2", "ext3", "ext4", "ufs", "iso9660", "udf", "gfs", "gfs2",
    "vfat", "hfs+", "xfs", "ocfs2", "vmfs", NULL,
};
static const char *const netfs_formats[] = { "auto", "nfs", "glusterfs", "cifs", NULL };
static const char *const disk_formats[] = {
    "unknown", "dos", "dvh", "gpt", "mac", "bsd", "pc98", "sun", "lvm2", NULL,
};
static const char *const logical_formats[] = { "unknown", "lvm2", NULL };

static const PoolTypeInfo pool_types[STORAGE_POOL_LAST] = {
    [STORAGE_POOL_DIR] = { "dir", NULL, NULL },
    [STORAGE_POOL_FS] = { "fs", fs_formats, NULL },
    [STORAGE_POOL_NETFS] = { "netfs", netfs_formats, NULL },
    [STORAGE_POOL_LOGICAL] = { "logical", logical_formats, "" },
    [STORAGE_POOL_DISK] = { "disk", disk_formats, "/dev" },
    [STORAGE_POOL_ISCSI] = { "iscsi", NULL, "/dev/disk/by-path" },
};

const char *
storage_pool_type_to_string(StoragePoolType type)
{
    return (unsigned) type < STORAGE_POOL_LAST ? pool_types[type].name : "unknown";
}

int
storage_pool_type_from_string(const char *str)
{
    for (int i = 0; str && i < STORAGE_POOL_LAST; i++) {
        if (strcmp(str, pool_types[i].name) == 0)
            return i;
    }
    return -1;
}

static void
source_host_free(StoragePoolSourceHost *h)
{
    g_free(h->name);
    g_free(h);
}

static void
source_device_free(StoragePoolSourceDevice *d)
{
    g_free(d->path);
    g_array_unref(d->free_extents);
    g_free(d);
}

static StoragePoolSource *
source_new(void)
{
    StoragePoolSource *src = g_new0(StoragePoolSource, 1);

    src->hosts = g_ptr_array_new_with_free_func((GDestroyNotify) source_host_free);
    src->devices = g_ptr_array_new_with_free_func((GDestroyNotify) source_device_free);
    src->kept = xml_kept_new();
    return src;
}

void
storage_pool_source_free(StoragePoolSource *src)
{
    if (!src)
        return;
    g_ptr_array_unref(src->hosts);
    g_ptr_array_unref(src->devices);
    g_free(src->dir);
    g_free(src->name);
    g_free(src->format);
    g_ptr_array_unref(src->kept);
    g_free(src);
}

static int
parse_host(xmlNode *node, StoragePoolSource *src)
{
    StoragePoolSourceHost *h = g_new0(StoragePoolSourceHost, 1);

    g_ptr_array_add(src->hosts, h);
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("name", "port")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0 ||
        xml_strict_uint(node, "port", 65535, DOM, &h->port, NULL) < 0)
        return -1;
    if (!(h->name = xml_get_prop(node, "name")) || !h->name[0]) {
        error_report(DOM, VK_ERR_XML_ERROR, _("missing storage pool host name"));
        return -1;
    }
    return 0;
}

static int
parse_device(xmlNode *node, StoragePoolSource *src)
{
    StoragePoolSourceDevice *d = g_new0(StoragePoolSourceDevice, 1);
    xmlNode *c = NULL;
    int err = 0;
    XmlTristate sep;

    d->free_extents = g_array_new(FALSE, TRUE, sizeof(StorageExtent));
    g_ptr_array_add(src->devices, d);
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("path", "part_separator")) < 0 ||
        xml_strict_tristate(node, "part_separator", false, DOM, &sep) < 0)
        return -1;
    d->part_separator = sep;
    if (!(d->path = xml_get_prop(node, "path")) || !d->path[0]) {
        error_report(DOM, VK_ERR_XML_ERROR, _("missing storage pool source device path"));
        return -1;
    }
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        if (!xml_node_is(c, "freeExtent"))
            return xml_strict_unknown_element(c, DOM);
        if (storage_extent_parse(c, d->free_extents) < 0)
            return -1;
    }
    return err;
}

static int
parse_path_attr_once(xmlNode *node, char **field)
{
    if (*field) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one <%s> element"),
                     (const char *) node->name);
        return -1;
    }
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("path")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0)
        return -1;
    if (!(*field = xml_get_prop(node, "path")) || !(*field)[0]) {
        error_report(DOM, VK_ERR_XML_ERROR, _("missing 'path' attribute in <%s>"),
                     (const char *) node->name);
        return -1;
    }
    return 0;
}

static int
parse_format(xmlNode *node, StoragePoolType type, StoragePoolSource *src)
{
    const char *const *formats = pool_types[type].formats;

    if (src->format) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one source <format> element"));
        return -1;
    }
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("type")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0)
        return -1;
    src->format = xml_get_prop(node, "type");
    for (size_t i = 0; formats && src->format && formats[i]; i++) {
        if (strcmp(formats[i], src->format) == 0)
            return 0;
    }
    error_report(DOM, VK_ERR_XML_ERROR, _("unknown pool format type '%1$s' for %2$s pools"),
                 src->format ? src->format : "", pool_types[type].name);
    return -1;
}

static bool
is_kept_source_child(xmlNode *c)
{
    static const char *const kept[] = {
        "adapter", "auth", "initiator", "vendor", "product", "protocol", NULL,
    };

    for (size_t i = 0; kept[i]; i++) {
        if (xml_node_is(c, kept[i]))
            return true;
    }
    return false;
}

static int
parse_source_child(xmlNode *c, StoragePoolType type, StoragePoolSource *src)
{
    if (xml_node_is(c, "host"))
        return parse_host(c, src);
    if (xml_node_is(c, "device"))
        return parse_device(c, src);
    if (xml_node_is(c, "dir"))
        return parse_path_attr_once(c, &src->dir);
    if (xml_node_is(c, "name"))
        return xml_strict_text_once(c, DOM, &src->name);
    if (xml_node_is(c, "format"))
        return parse_format(c, type, src);
    if (is_kept_source_child(c)) {
        g_ptr_array_add(src->kept, xml_strict_keep(c));
        return 0;
    }
    return xml_strict_unknown_element(c, DOM);
}

static StoragePoolSource *
parse_source(xmlNode *node, StoragePoolType type)
{
    g_autoptr(StoragePoolSource) src = source_new();
    xmlNode *c = NULL;
    int err = 0;

    if (xml_strict_check_attrs(node, DOM, NULL) < 0)
        return NULL;
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        if (parse_source_child(c, type, src) < 0)
            return NULL;
    }
    if (err < 0)
        return NULL;
    return g_steal_pointer(&src);
}

/* What each pool type needs in <source>. */
static int
check_source(StoragePoolDef *def)
{
    StoragePoolSource *src = def->source;
    const char *missing = NULL;

    switch (def->type) {
    case STORAGE_POOL_DIR:
        if (src->hosts->len || src->devices->len || src->dir || src->name || src->format) {
            error_report(DOM, VK_ERR_XML_ERROR, _("dir pools take no <source> contents"));
            return -1;
        }
        break;
    case STORAGE_POOL_FS:
    case STORAGE_POOL_DISK:
        if (src->devices->len != 1)
            missing = "exactly one <device>";
        break;
    case STORAGE_POOL_NETFS:
        if (src->hosts->len != 1)
            missing = "one <host>";
        else if (!src->dir)
            missing = "<dir>";
        break;
    case STORAGE_POOL_LOGICAL:
        if (!src->name && !(src->name = g_strdup(def->name)))
            missing = "<name>";
        break;
    case STORAGE_POOL_ISCSI:
        if (src->hosts->len != 1)
            missing = "one <host>";
        else if (src->devices->len != 1)
            missing = "one <device> (the target IQN)";
        break;
    case STORAGE_POOL_LAST:
        break;
    }
    if (missing) {
        error_report(DOM, VK_ERR_XML_ERROR, _("%1$s pool '%2$s' needs %3$s in <source>"),
                     pool_types[def->type].name, def->name, missing);
        return -1;
    }
    return 0;
}

static int
parse_target(xmlNode *node, StoragePoolDef *def)
{
    xmlNode *c = NULL;
    int err = 0;

    if (xml_strict_check_attrs(node, DOM, NULL) < 0)
        return -1;
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        int r;

        if (xml_node_is(c, "path"))
            r = xml_strict_text_once(c, DOM, &def->target_path);
        else if (xml_node_is(c, "permissions"))
            r = storage_perms_parse(c, &def->target_perms);
        else
            r = xml_strict_unknown_element(c, DOM);
        if (r < 0)
            return -1;
    }
    return err;
}

void
storage_pool_def_free(StoragePoolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    storage_pool_source_free(def->source);
    g_free(def->target_path);
    storage_perms_clear(&def->target_perms);
    g_free(def);
}

static int
parse_pool_type(xmlNode *root, StoragePoolDef *def)
{
    g_autofree char *type = xml_get_prop(root, "type");
    int t = storage_pool_type_from_string(type);

    if (!type) {
        error_report(DOM, VK_ERR_XML_ERROR, _("storage pool missing type attribute"));
        return -1;
    }
    if (t < 0) {
        error_report(DOM, VK_ERR_CONFIG_UNSUPPORTED, _("unsupported storage pool type '%s'"),
                     type);
        return -1;
    }
    def->type = t;
    return 0;
}

static int
parse_pool_child(xmlNode *c, StoragePoolDef *def)
{
    if (xml_node_is(c, "name"))
        return xml_strict_text_once(c, DOM, &def->name);
    if (xml_node_is(c, "uuid"))
        return xml_strict_uuid_once(c, DOM, &def->has_uuid, def->uuid);
    if (xml_node_is(c, "capacity"))
        return storage_size_parse(c, &def->capacity);
    if (xml_node_is(c, "allocation"))
        return storage_size_parse(c, &def->allocation);
    if (xml_node_is(c, "available"))
        return storage_size_parse(c, &def->available);
    if (xml_node_is(c, "source") && !def->source)
        return (def->source = parse_source(c, def->type)) ? 0 : -1;
    if (xml_node_is(c, "target") && !def->target_path && !def->target_perms.present)
        return parse_target(c, def);
    return xml_strict_unknown_element(c, DOM);
}

static int
check_pool_name(const StoragePoolDef *def)
{
    if (!def->name) {
        error_report(DOM, VK_ERR_NO_NAME, _("missing pool source name element"));
        return -1;
    }
    if (!def->name[0] || strchr(def->name, '/')) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("invalid pool name '%s': must not be empty or contain '/'"), def->name);
        return -1;
    }
    return 0;
}

static int
check_target(StoragePoolDef *def)
{
    const char *dflt = pool_types[def->type].default_target;

    if (!def->target_path) {
        if (!dflt) {
            error_report(DOM, VK_ERR_XML_ERROR, _("missing storage pool target path"));
            return -1;
        }
        def->target_path = dflt[0] ? g_strdup(dflt) :
                           g_strdup_printf("/dev/%s", def->source->name);
    }
    return storage_path_clean("target path", &def->target_path);
}

static StoragePoolDef *
pool_parse_root(xmlNode *root)
{
    g_autoptr(StoragePoolDef) def = g_new0(StoragePoolDef, 1);
    xmlNode *c = NULL;
    int err = 0;

    storage_perms_clear(&def->target_perms);
    if (!xml_node_is(root, "pool")) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("unexpected root element <%s>, expecting <pool>"),
                     (const char *) root->name);
        return NULL;
    }
    if (xml_strict_check_attrs(root, DOM, XML_ATTRS("type")) < 0 || parse_pool_type(root, def) < 0)
        return NULL;
    while ((c = xml_strict_next_child(root, c, DOM, &err))) {
        if (parse_pool_child(c, def) < 0)
            return NULL;
    }
    if (err < 0 || check_pool_name(def) < 0)
        return NULL;
    if (!def->source)
        def->source = source_new();
    if (check_source(def) < 0 || check_target(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

StoragePoolDef *
storage_pool_def_parse_string(const char *xml, unsigned flags)
{
    g_autoptr(xmlDoc) doc = xml_parse_string(xml, "storage pool", DOM);

    if (!doc)
        return NULL;
    if ((flags & STORAGE_POOL_PARSE_VALIDATE) &&
        xml_validate_schema(doc, "storagepool.rng", DOM) < 0)
        return NULL;
    return pool_parse_root(xmlDocGetRootElement(doc));
}

static void
format_source(const StoragePoolSource *src, xmlNode *parent)
{
    xmlNode *n = xml_out_child(parent, "source");

    for (guint i = 0; i < src->hosts->len; i++) {
        const StoragePoolSourceHost *h = src->hosts->pdata[i];
        xmlNode *hn = xml_out_child(n, "host");

        xml_out_attr_str(hn, "name", h->name);
        if (h->port)
            xml_out_attr(hn, "port", "%llu", (unsigned long long) h->port);
    }
    for (guint i = 0; i < src->devices->len; i++) {
        const StoragePoolSourceDevice *d = src->devices->pdata[i];
        xmlNode *dn = xml_out_child(n, "device");

        xml_out_attr_str(dn, "path", d->path);
        if (d->part_separator)
            xml_out_attr_str(dn, "part_separator", xml_tristate_str(d->part_separator, false));
        storage_extents_format(d->free_extents, "freeExtent", dn);
    }
    if (src->dir)
        xml_out_attr_str(xml_out_child(n, "dir"), "path", src->dir);
    if (src->name)
        xml_out_text(n, "name", src->name);
    if (src->format)
        xml_out_attr_str(xml_out_child(n, "format"), "type", src->format);
    xml_kept_format(src->kept, n);
}

char *
storage_pool_def_format(const StoragePoolDef *def, unsigned flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlNode *root = xml_out_new_doc("pool", &doc);
    xmlNode *target;

    xml_out_attr_str(root, "type", pool_types[def->type].name);
    xml_out_text(root, "name", def->name);
    if (def->has_uuid)
        xml_out_uuid(root, def->uuid);
    storage_size_format(root, "capacity", def->capacity);
    storage_size_format(root, "allocation", def->allocation);
    storage_size_format(root, "available", def->available);
    format_source(def->source, root);
    target = xml_out_child(root, "target");
    xml_out_text(target, "path", def->target_path);
    storage_perms_format(&def->target_perms, target);
    return xml_out_finish(doc);
}

StoragePoolSource *
storage_pool_source_parse_string(StoragePoolType type, const char *xml)
{
    g_autoptr(xmlDoc) doc = xml_parse_string(xml, "storage pool source", DOM);
    xmlNode *root;

    if (!doc)
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (!xml_node_is(root, "source")) {
        error_report(DOM, VK_ERR_XML_ERROR, _("expecting <source>, got <%s>"),
                     (const char *) root->name);
        return NULL;
    }
    return parse_source(root, type);
}

StoragePoolSourceList *
storage_pool_source_list_new(StoragePoolType type)
{
    StoragePoolSourceList *list = g_new0(StoragePoolSourceList, 1);

    list->type = type;
    list->sources = g_ptr_array_new_with_free_func((GDestroyNotify) storage_pool_source_free);
    return list;
}

void
storage_pool_source_list_free(StoragePoolSourceList *list)
{
    if (!list)
        return;
    g_ptr_array_unref(list->sources);
    g_free(list);
}

char *
storage_pool_source_list_format(const StoragePoolSourceList *list)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlNode *root = xml_out_new_doc("sources", &doc);

    for (guint i = 0; i < list->sources->len; i++)
        format_source(list->sources->pdata[i], root);
    return xml_out_finish(doc);
}

StoragePoolSourceList *
storage_pool_source_list_parse_string(StoragePoolType type, const char *xml)
{
    g_autoptr(xmlDoc) doc = xml_parse_string(xml, "storage pool sources", DOM);
    g_autoptr(StoragePoolSourceList) list = storage_pool_source_list_new(type);
    xmlNode *root, *c = NULL;
    int err = 0;

    if (!doc)
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (!xml_node_is(root, "sources")) {
        error_report(DOM, VK_ERR_XML_ERROR, _("expecting <sources>, got <%s>"),
                     (const char *) root->name);
        return NULL;
    }
    if (xml_strict_check_attrs(root, DOM, NULL) < 0)
        return NULL;
    while ((c = xml_strict_next_child(root, c, DOM, &err))) {
        StoragePoolSource *src;

        if (!xml_node_is(c, "source"))
            return xml_strict_unknown_element(c, DOM), NULL;
        if (!(src = parse_source(c, type)))
            return NULL;
        g_ptr_array_add(list->sources, src);
    }
    return err < 0 ? NULL : g_steal_pointer(&list);
}
