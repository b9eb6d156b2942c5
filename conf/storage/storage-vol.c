/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Storage volume XML. */
#include <string.h>

#include "conf/storage/storage-priv.h"
#include "conf/xml-util.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM STORAGE_DOM

static const char *const vol_type_names[STORAGE_VOL_LAST] = {
    "file", "block", "dir", "network", "netdir", "ploop",
};

static const char *const file_formats[] = {
    "none", "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat",
    "vhd", "ploop", "cow", "qcow", "qcow2", "qed", "vmdk", "luks", NULL,
};
static const char *const part_formats[] = {
    "none", "linux", "fat16", "fat32", "linux-swap", "linux-lvm", "linux-raid",
    "extended", NULL,
};

static const char *const *
pool_vol_formats(const StoragePoolDef *pool)
{
    return pool && pool->type == STORAGE_POOL_DISK ? part_formats : file_formats;
}

/* Format used when the XML names none: raw for file pools, none for disks. */
static const char *
pool_vol_default_format(const StoragePoolDef *pool)
{
    if (!pool)
        return NULL;
    switch (pool->type) {
    case STORAGE_POOL_DIR:
    case STORAGE_POOL_FS:
    case STORAGE_POOL_NETFS:
        return "raw";
    case STORAGE_POOL_DISK:
        return "none";
    default:
        return NULL;
    }
}

int
storage_vol_name_validate(const char *name)
{
    if (!name || !name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        error_report(DOM, VK_ERR_XML_ERROR, _("invalid volume name '%s'"), name ? name : "");
        return -1;
    }
    if (strchr(name, '/')) {
        error_report(DOM, VK_ERR_XML_ERROR, _("volume name '%s' cannot contain '/'"), name);
        return -1;
    }
    return 0;
}

static void
vol_source_device_free(StorageVolSourceDevice *d)
{
    g_free(d->path);
    g_array_unref(d->extents);
    g_free(d);
}

void
storage_vol_def_free(StorageVolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->key);
    g_ptr_array_unref(def->source_devices);
    g_free(def->target_path);
    g_free(def->target_format);
    storage_perms_clear(&def->target_perms);
    g_free(def->compat);
    g_ptr_array_unref(def->target_kept);
    g_free(def->backing_path);
    g_free(def->backing_format);
    storage_perms_clear(&def->backing_perms);
    g_free(def);
}

static int
parse_vol_source(xmlNode *node, StorageVolDef *def)
{
    xmlNode *c = NULL;
    int err = 0;

    if (xml_strict_check_attrs(node, DOM, NULL) < 0)
        return -1;
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        StorageVolSourceDevice *d;
        xmlNode *e = NULL;

        if (!xml_node_is(c, "device"))
            return xml_strict_unknown_element(c, DOM);
        d = g_new0(StorageVolSourceDevice, 1);
        d->extents = g_array_new(FALSE, TRUE, sizeof(StorageExtent));
        g_ptr_array_add(def->source_devices, d);
        if (xml_strict_check_attrs(c, DOM, XML_ATTRS("path")) < 0)
            return -1;
        if (!(d->path = xml_get_prop(c, "path"))) {
            error_report(DOM, VK_ERR_XML_ERROR, _("missing volume source device path"));
            return -1;
        }
        while ((e = xml_strict_next_child(c, e, DOM, &err))) {
            if (!xml_node_is(e, "extent"))
                return xml_strict_unknown_element(e, DOM);
            if (storage_extent_parse(e, d->extents) < 0)
                return -1;
        }
        if (err < 0)
            return -1;
    }
    return err;
}

static int
parse_format_type(xmlNode *node, char **field)
{
    if (*field) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one <format> element"));
        return -1;
    }
    if (xml_strict_check_attrs(node, DOM, XML_ATTRS("type")) < 0 ||
        xml_strict_check_empty(node, DOM) < 0)
        return -1;
    if (!(*field = xml_get_prop(node, "type"))) {
        error_report(DOM, VK_ERR_XML_ERROR, _("missing 'type' attribute in <format>"));
        return -1;
    }
    return 0;
}

static int
parse_features(xmlNode *node, StorageVolDef *def)
{
    xmlNode *c = NULL;
    int err = 0;

    if (def->has_features) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one <features> element"));
        return -1;
    }
    def->has_features = true;
    if (xml_strict_check_attrs(node, DOM, NULL) < 0)
        return -1;
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        if (!xml_node_is(c, "lazy_refcounts") || def->lazy_refcounts)
            return xml_strict_unknown_element(c, DOM);
        if (xml_strict_check_attrs(c, DOM, NULL) < 0 || xml_strict_check_empty(c, DOM) < 0)
            return -1;
        def->lazy_refcounts = true;
    }
    return err;
}

static int
parse_target_child(xmlNode *c, StorageVolDef *def)
{
    if (xml_node_is(c, "path"))
        return xml_strict_text_once(c, DOM, &def->target_path);
    if (xml_node_is(c, "format"))
        return parse_format_type(c, &def->target_format);
    if (xml_node_is(c, "permissions"))
        return storage_perms_parse(c, &def->target_perms);
    if (xml_node_is(c, "compat"))
        return xml_strict_text_once(c, DOM, &def->compat);
    if (xml_node_is(c, "features"))
        return parse_features(c, def);
    if (xml_node_is(c, "clusterSize") && !def->cluster_size)
        return storage_size_parse(c, &def->cluster_size);
    if (xml_node_is(c, "encryption") || xml_node_is(c, "timestamps")) {
        g_ptr_array_add(def->target_kept, xml_strict_keep(c));
        return 0;
    }
    return xml_strict_unknown_element(c, DOM);
}

static int
parse_children(xmlNode *node, StorageVolDef *def, bool backing)
{
    xmlNode *c = NULL;
    int err = 0;

    if (xml_strict_check_attrs(node, DOM, NULL) < 0)
        return -1;
    while ((c = xml_strict_next_child(node, c, DOM, &err))) {
        int r;

        if (!backing)
            r = parse_target_child(c, def);
        else if (xml_node_is(c, "path"))
            r = xml_strict_text_once(c, DOM, &def->backing_path);
        else if (xml_node_is(c, "format"))
            r = parse_format_type(c, &def->backing_format);
        else if (xml_node_is(c, "permissions"))
            r = storage_perms_parse(c, &def->backing_perms);
        else
            r = xml_strict_unknown_element(c, DOM);
        if (r < 0)
            return -1;
    }
    return err;
}

static int
parse_size_once(xmlNode *node, uint64_t *value, bool *has)
{
    if (*has) {
        error_report(DOM, VK_ERR_XML_ERROR, _("more than one <%s> element"),
                     (const char *) node->name);
        return -1;
    }
    *has = true;
    return storage_size_parse(node, value);
}

static int
parse_vol_child(xmlNode *c, StorageVolDef *def)
{
    if (xml_node_is(c, "name"))
        return xml_strict_text_once(c, DOM, &def->name);
    if (xml_node_is(c, "key"))
        return xml_strict_text_once(c, DOM, &def->key);
    if (xml_node_is(c, "source"))
        return parse_vol_source(c, def);
    if (xml_node_is(c, "capacity"))
        return parse_size_once(c, &def->capacity, &def->has_capacity);
    if (xml_node_is(c, "allocation"))
        return parse_size_once(c, &def->allocation, &def->has_allocation);
    if (xml_node_is(c, "physical"))
        return parse_size_once(c, &def->physical, &def->has_physical);
    if (xml_node_is(c, "target"))
        return parse_children(c, def, false);
    if (xml_node_is(c, "backingStore") && !def->has_backing) {
        def->has_backing = true;
        return parse_children(c, def, true);
    }
    return xml_strict_unknown_element(c, DOM);
}

static int
check_format(const StoragePoolDef *pool, const char *format, const char *what)
{
    const char *const *formats = pool_vol_formats(pool);

    if (!format)
        return 0;
    for (size_t i = 0; formats[i]; i++) {
        if (strcmp(formats[i], format) == 0)
            return 0;
    }
    error_report(DOM, VK_ERR_XML_ERROR, _("unknown %1$s format type '%2$s'"), what, format);
    return -1;
}

static int
check_qcow2_options(const StorageVolDef *def)
{
    bool qcow2 = g_strcmp0(def->target_format, "qcow2") == 0;
    uint64_t cs = def->cluster_size;

    if ((def->compat || def->has_features || cs) && !qcow2) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("compat, features and clusterSize are only supported for qcow2 volumes"));
        return -1;
    }
    if (def->compat && strcmp(def->compat, "0.10") != 0 && strcmp(def->compat, "1.1") != 0) {
        error_report(DOM, VK_ERR_XML_ERROR, _("unsupported qcow2 compat level '%s'"),
                     def->compat);
        return -1;
    }
    if (def->lazy_refcounts && g_strcmp0(def->compat, "0.10") == 0) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("lazy_refcounts not supported with compat level 0.10"));
        return -1;
    }
    if (cs && (cs < 512 || cs > 2 * 1024 * 1024 || (cs & (cs - 1)))) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("invalid qcow2 cluster size %llu: a power of two from 512 B to 2 MiB"),
                     (unsigned long long) cs);
        return -1;
    }
    return 0;
}

static int
check_vol(const StoragePoolDef *pool, StorageVolDef *def, unsigned flags)
{
    if (!def->name) {
        error_report(DOM, VK_ERR_NO_NAME, _("missing volume name element"));
        return -1;
    }
    if (storage_vol_name_validate(def->name) < 0)
        return -1;
    if (!def->has_capacity && !(flags & STORAGE_VOL_PARSE_OPT_CAPACITY)) {
        error_report(DOM, VK_ERR_XML_ERROR, _("missing capacity element"));
        return -1;
    }
    if (!def->has_allocation)
        def->allocation = def->capacity;
    if (!def->target_format && pool_vol_default_format(pool))
        def->target_format = g_strdup(pool_vol_default_format(pool));
    if (check_format(pool, def->target_format, "volume") < 0 ||
        check_format(pool, def->backing_format, "backing store") < 0 ||
        check_qcow2_options(def) < 0)
        return -1;
    if (def->has_backing && !def->backing_path) {
        error_report(DOM, VK_ERR_XML_ERROR, _("missing backing store path"));
        return -1;
    }
    return 0;
}

static int
parse_vol_type(xmlNode *root, StorageVolDef *def)
{
    g_autofree char *type = xml_get_prop(root, "type");

    if (!type)
        return 0;
    for (int i = 0; i < STORAGE_VOL_LAST; i++) {
        if (strcmp(type, vol_type_names[i]) == 0) {
            def->type = i;
            def->type_given = true;
            return 0;
        }
    }
    error_report(DOM, VK_ERR_XML_ERROR, _("unknown volume type '%s'"), type);
    return -1;
}

static StorageVolDef *
vol_new(void)
{
    StorageVolDef *def = g_new0(StorageVolDef, 1);

    def->source_devices = g_ptr_array_new_with_free_func((GDestroyNotify) vol_source_device_free);
    def->target_kept = xml_kept_new();
    storage_perms_clear(&def->target_perms);
    storage_perms_clear(&def->backing_perms);
    return def;
}

StorageVolDef *
storage_vol_def_parse_string(const StoragePoolDef *pool, const char *xml, unsigned flags)
{
    g_autoptr(xmlDoc) doc = xml_parse_string(xml, "storage volume", DOM);
    g_autoptr(StorageVolDef) def = NULL;
    xmlNode *root, *c = NULL;
    int err = 0;

    if (!doc)
        return NULL;
    if ((flags & STORAGE_VOL_PARSE_VALIDATE) && xml_validate_schema(doc, "storagevol.rng", DOM) < 0)
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (!xml_node_is(root, "volume")) {
        error_report(DOM, VK_ERR_XML_ERROR,
                     _("unexpected root element <%s>, expecting <volume>"),
                     (const char *) root->name);
        return NULL;
    }
    def = vol_new();
    if (xml_strict_check_attrs(root, DOM, XML_ATTRS("type")) < 0 || parse_vol_type(root, def) < 0)
        return NULL;
    while ((c = xml_strict_next_child(root, c, DOM, &err))) {
        if (parse_vol_child(c, def) < 0)
            return NULL;
    }
    if (err < 0 || check_vol(pool, def, flags) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static void
format_vol_source(const StorageVolDef *def, xmlNode *root)
{
    xmlNode *src = xml_out_child(root, "source");

    for (guint i = 0; i < def->source_devices->len; i++) {
        const StorageVolSourceDevice *d = def->source_devices->pdata[i];
        xmlNode *dn = xml_out_child(src, "device");

        xml_out_attr_str(dn, "path", d->path);
        storage_extents_format(d->extents, "extent", dn);
    }
}

static void
format_vol_target(const StorageVolDef *def, xmlNode *root)
{
    xmlNode *t = xml_out_child(root, "target");

    if (def->target_path)
        xml_out_text(t, "path", def->target_path);
    if (def->target_format)
        xml_out_attr_str(xml_out_child(t, "format"), "type", def->target_format);
    storage_perms_format(&def->target_perms, t);
    xml_kept_format(def->target_kept, t);
    if (def->compat)
        xml_out_text(t, "compat", def->compat);
    if (def->cluster_size) {
        g_autofree char *cs = g_strdup_printf("%llu", (unsigned long long) def->cluster_size);

        xml_out_attr_str(xml_out_text(t, "clusterSize", cs), "unit", "B");
    }
    if (def->has_features) {
        xmlNode *f = xml_out_child(t, "features");

        if (def->lazy_refcounts)
            xml_out_child(f, "lazy_refcounts");
    }
}

char *
storage_vol_def_format(const StoragePoolDef *pool, const StorageVolDef *def, unsigned flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlNode *root = xml_out_new_doc("volume", &doc);

    if (def->type_given)
        xml_out_attr_str(root, "type", vol_type_names[def->type]);
    xml_out_text(root, "name", def->name);
    if (def->key)
        xml_out_text(root, "key", def->key);
    format_vol_source(def, root);
    if (def->has_capacity)
        storage_size_format(root, "capacity", def->capacity);
    storage_size_format(root, "allocation", def->allocation);
    if (def->has_physical)
        storage_size_format(root, "physical", def->physical);
    format_vol_target(def, root);
    if (def->has_backing) {
        xmlNode *b = xml_out_child(root, "backingStore");

        xml_out_text(b, "path", def->backing_path);
        if (def->backing_format)
            xml_out_attr_str(xml_out_child(b, "format"), "type", def->backing_format);
        storage_perms_format(&def->backing_perms, b);
    }
    return xml_out_finish(doc);
}
