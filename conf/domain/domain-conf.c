/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The <domain> document: top-level parse/format entry points, lifetime. */
#include <string.h>

#include "conf/domain/domain-priv.h"

DomainDef *
domain_def_new(void)
{
    DomainDef *def = g_new0(DomainDef, 1);

    def->id = -1;
    def->os.bootmenu = def->os.bootmenu_timeout = -1;
    def->os.bios_useserial = def->os.bios_reboot_timeout = -1;
    def->on_poweroff = DOMAIN_LIFECYCLE_DESTROY;
    def->on_reboot = DOMAIN_LIFECYCLE_RESTART;
    def->on_crash = DOMAIN_LIFECYCLE_DESTROY;
    def->seclabels = g_ptr_array_new_with_free_func((GDestroyNotify) xmlFreeNode);
    def->disks = g_ptr_array_new_with_free_func((GDestroyNotify) domain_disk_free);
    def->controllers = g_ptr_array_new_with_free_func((GDestroyNotify) domain_controller_free);
    def->nets = g_ptr_array_new_with_free_func((GDestroyNotify) domain_net_free);
    def->serials = g_ptr_array_new_with_free_func((GDestroyNotify) domain_chr_free);
    def->consoles = g_ptr_array_new_with_free_func((GDestroyNotify) domain_chr_free);
    def->channels = g_ptr_array_new_with_free_func((GDestroyNotify) domain_chr_free);
    def->rngs = g_ptr_array_new_with_free_func((GDestroyNotify) domain_rng_free);
    def->generic = g_ptr_array_new_with_free_func((GDestroyNotify) domain_generic_free);
    return def;
}

static void
free_node(xmlNode *n)
{
    if (n)
        xmlFreeNode(n);
}

static void
domain_def_free_kept(DomainDef *def)
{
    xmlNode *kept[] = {
        def->metadata, def->memory_backing, def->memtune, def->blkiotune,
        def->numatune, def->cputune, def->iothreads, def->cpu.node, def->sysinfo,
        def->features, def->clock, def->pm, def->resource, def->perf,
    };

    for (size_t i = 0; i < G_N_ELEMENTS(kept); i++)
        free_node(kept[i]);
}

void
domain_def_free(DomainDef *def)
{
    if (!def)
        return;
    domain_def_free_kept(def);
    g_free(def->name);
    g_free(def->genid);
    g_free(def->title);
    g_free(def->description);
    g_free(def->vcpu_placement);
    g_free(def->vcpu_cpuset);
    domain_os_clear(&def->os);
    g_ptr_array_unref(def->seclabels);
    g_free(def->emulator);
    g_ptr_array_unref(def->disks);
    g_ptr_array_unref(def->controllers);
    g_ptr_array_unref(def->nets);
    g_ptr_array_unref(def->serials);
    g_ptr_array_unref(def->consoles);
    g_ptr_array_unref(def->channels);
    g_ptr_array_unref(def->rngs);
    domain_memballoon_free(def->memballoon);
    g_ptr_array_unref(def->generic);
    g_free(def);
}

static int
parse_text_once(xmlNode *node, char **out)
{
    if (node->properties) {
        dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unknown attribute '%1$s' of element <%2$s>"),
                  (const char *) node->properties->name, (const char *) node->name);
        return -1;
    }
    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unknown element <%1$s> in <%2$s>"),
                      (const char *) c->name, (const char *) node->name);
            return -1;
        }
    }
    *out = xml_get_content(node);
    return 0;
}

static int
parse_name(DomainDef *def, xmlNode *node)
{
    if (parse_text_once(node, &def->name) < 0)
        return -1;
    g_strstrip(def->name);
    if (!*def->name || strchr(def->name, '/')) {
        dom_error(VK_ERR_XML_ERROR, _("invalid domain name '%1$s'"), def->name);
        return -1;
    }
    if (!g_utf8_validate(def->name, -1, NULL)) {
        dom_error(VK_ERR_XML_ERROR, _("domain name is not valid UTF-8"));
        return -1;
    }
    return 0;
}

static int
parse_uuid(DomainDef *def, xmlNode *node)
{
    g_autofree char *s = NULL;

    if (parse_text_once(node, &s) < 0)
        return -1;
    g_strstrip(s);
    if (domain_uuid_parse(s, def->uuid) < 0) {
        dom_error(VK_ERR_XML_ERROR, _("malformed uuid element '%1$s'"), s);
        return -1;
    }
    return 0;
}

static int
parse_genid(DomainDef *def, xmlNode *node)
{
    unsigned char tmp[DOMAIN_UUID_BUFLEN];

    if (parse_text_once(node, &def->genid) < 0)
        return -1;
    g_strstrip(def->genid);
    if (!*def->genid) {
        g_clear_pointer(&def->genid, g_free);
        def->genid_requested = true;
        return 0;
    }
    if (domain_uuid_parse(def->genid, tmp) < 0) {
        dom_error(VK_ERR_XML_ERROR, _("malformed genid element '%1$s'"), def->genid);
        return -1;
    }
    g_free(def->genid);
    def->genid = g_malloc(DOMAIN_UUID_STRLEN);
    domain_uuid_format(tmp, def->genid);    /* canonical form */
    return 0;
}

static int
parse_metadata(DomainDef *def, xmlNode *node)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    for (xmlNode *c = node->children; c; c = c->next) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
            !xmlIsBlankNode(c)) {
            dom_error(VK_ERR_XML_ERROR, _("unexpected text in element <metadata>"));
            return -1;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!c->ns || !c->ns->href) {
            dom_error(VK_ERR_XML_ERROR,
                      _("metadata element <%1$s> needs its own XML namespace"),
                      (const char *) c->name);
            return -1;
        }
        if (!g_hash_table_add(seen, (gpointer) c->ns->href)) {
            dom_error(VK_ERR_XML_ERROR, _("duplicate metadata namespace '%1$s'"),
                      (const char *) c->ns->href);
            return -1;
        }
    }
    def->metadata = dom_keep_node(node);
    return 0;
}

static int
parse_text_field(DomainDef *def, xmlNode *node)
{
    char **slot = strcmp((const char *) node->name, "title") == 0 ?
                  &def->title : &def->description;

    if (parse_text_once(node, slot) < 0)
        return -1;
    if (slot == &def->title && strpbrk(*slot, "\r\n")) {
        dom_error(VK_ERR_XML_ERROR, _("title can't contain newlines"));
        return -1;
    }
    return 0;
}

static int
parse_ignore(DomainDef *def, xmlNode *node)
{
    /* handled from the root by its family parser */
    return 0;
}


typedef int (*TopParseFn)(DomainDef *def, xmlNode *node);

static const struct {
    const char *name;
    TopParseFn parse;
    bool repeat;
} top_elements[] = {
    { "name", parse_name, false },
    { "uuid", parse_uuid, false },
    { "genid", parse_genid, false },
    { "title", parse_text_field, false },
    { "description", parse_text_field, false },
    { "metadata", parse_metadata, false },
    { "memory", parse_ignore, false },
    { "currentMemory", parse_ignore, false },
    { "maxMemory", parse_ignore, false },
    { "memoryBacking", domain_memory_parse_tune, false },
    { "memtune", domain_memory_parse_tune, false },
    { "blkiotune", domain_memory_parse_tune, false },
    { "numatune", domain_memory_parse_tune, false },
    { "vcpu", parse_ignore, false },
    { "iothreads", domain_cpu_parse_tune, false },
    { "cputune", domain_cpu_parse_tune, false },
    { "cpu", domain_cpu_parse, false },
    { "os", domain_os_parse, false },
    { "features", domain_features_parse, false },
    { "clock", domain_features_parse, false },
    { "pm", domain_features_parse, false },
    { "resource", domain_features_parse, false },
    { "perf", domain_features_parse, false },
    { "sysinfo", domain_features_parse, false },
    { "on_poweroff", domain_lifecycle_parse, false },
    { "on_reboot", domain_lifecycle_parse, false },
    { "on_crash", domain_lifecycle_parse, false },
    { "seclabel", domain_seclabel_parse, true },
    { "devices", domain_devices_parse, false },
};

static int
parse_top_element(DomainDef *def, xmlNode *c, GHashTable *seen)
{
    for (size_t i = 0; i < G_N_ELEMENTS(top_elements); i++) {
        if (c->ns || strcmp(top_elements[i].name, (const char *) c->name) != 0)
            continue;
        if (!top_elements[i].repeat && !g_hash_table_add(seen, (gpointer) top_elements[i].name)) {
            dom_error(VK_ERR_XML_ERROR, _("element <%1$s> may appear only once in <domain>"),
                      top_elements[i].name);
            return -1;
        }
        return top_elements[i].parse(def, c);
    }
    dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unknown element <%1$s> in <domain>"),
              (const char *) c->name);
    return -1;
}

static int
parse_root_attrs(DomainDef *def, xmlNode *root, unsigned int flags)
{
    g_autofree char *type = xml_get_prop(root, "type");

    for (xmlAttr *a = root->properties; a; a = a->next) {
        if (a->ns || (strcmp((const char *) a->name, "type") != 0 &&
                      strcmp((const char *) a->name, "id") != 0)) {
            dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unknown attribute '%1$s' of element <domain>"),
                      (const char *) a->name);
            return -1;
        }
    }
    if (!type) {
        dom_error(VK_ERR_XML_ERROR, _("missing domain type attribute"));
        return -1;
    }
    if (strcmp(type, "kvm") != 0) {
        dom_error(VK_ERR_CONFIG_UNSUPPORTED,
                  _("unsupported domain type '%1$s': this host only runs 'kvm' guests"), type);
        return -1;
    }
    if ((flags & DOMAIN_DEF_PARSE_STATUS) && dom_prop_int(root, "id", &def->id) < 0)
        return -1;
    return 0;
}

static DomainDef *
domain_def_parse_node(xmlNode *root, unsigned int flags)
{
    g_autoptr(DomainDef) def = domain_def_new();
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    bool have_uuid = false;

    if (root->ns || strcmp((const char *) root->name, "domain") != 0) {
        dom_error(VK_ERR_XML_ERROR, _("expected root element <domain>, not <%1$s>"),
                  (const char *) root->name);
        return NULL;
    }
    if (parse_root_attrs(def, root, flags) < 0)
        return NULL;
    for (xmlNode *c = root->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && !xmlIsBlankNode(c)) {
            dom_error(VK_ERR_XML_ERROR, _("unexpected text in element <domain>"));
            return NULL;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (parse_top_element(def, c, seen) < 0)
            return NULL;
        have_uuid |= strcmp((const char *) c->name, "uuid") == 0;
    }
    if (!def->name) {
        dom_error(VK_ERR_NO_NAME, "%s", _("domain"));
        return NULL;
    }
    if (!dom_child(root, "os")) {
        dom_error(VK_ERR_XML_ERROR, _("missing <os> element"));
        return NULL;
    }
    if (domain_memory_parse(def, root) < 0 ||
        domain_cpu_parse_vcpu(def, dom_child(root, "vcpu")) < 0)
        return NULL;
    if (!have_uuid)
        domain_uuid_generate(def->uuid);
    return g_steal_pointer(&def);
}

DomainDef *
domain_def_parse_string(const char *xml, unsigned int flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(DomainDef) def = NULL;

    if (!xml) {
        dom_error(VK_ERR_INVALID_ARG, _("no domain XML given"));
        return NULL;
    }
    if (!(doc = xml_parse_string(xml, "domain", VK_FROM_DOMAIN)))
        return NULL;
    if (doc->intSubset || doc->extSubset) {
        /* no entity declarations: nothing to expand, nothing to hide */
        dom_error(VK_ERR_XML_ERROR, _("a DOCTYPE is not allowed in domain XML"));
        return NULL;
    }
    if ((flags & DOMAIN_DEF_PARSE_VALIDATE) &&
        xml_validate_schema(doc, "domain.rng", VK_FROM_DOMAIN) < 0)
        return NULL;
    if (!(def = domain_def_parse_node(xmlDocGetRootElement(doc), flags)))
        return NULL;
    if (!(flags & DOMAIN_DEF_PARSE_SKIP_DEFAULTS) &&
        domain_defaults_apply(def, flags) < 0)
        return NULL;
    if (domain_def_check(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static void
format_header(const DomainDef *def, xmlNode *root)
{
    char uuid[DOMAIN_UUID_STRLEN];

    dom_add_text(root, "name", def->name);
    domain_uuid_format(def->uuid, uuid);
    dom_add_text(root, "uuid", uuid);
    if (def->genid)
        dom_add_text(root, "genid", def->genid);
    else if (def->genid_requested)
        dom_add(root, "genid");
    if (def->title)
        dom_add_text(root, "title", def->title);
    if (def->description)
        dom_add_text(root, "description", def->description);
    if (def->metadata)
        dom_add_copy(root, def->metadata);
}


char *
domain_def_format(const DomainDef *def, unsigned int flags)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc((const xmlChar *) "1.0");
    xmlNode *root = xmlNewDocNode(doc, NULL, (const xmlChar *) "domain", NULL);

    xmlDocSetRootElement(doc, root);
    dom_set(root, "type", "kvm");
    if (def->id >= 0 && !(flags & DOMAIN_DEF_FORMAT_INACTIVE))
        dom_setf(root, "id", "%d", def->id);
    format_header(def, root);
    domain_memory_format(def, root);
    domain_cpu_format_vcpu(def, root);
    if (def->numatune)
        dom_add_copy(root, def->numatune);
    if (def->resource)
        dom_add_copy(root, def->resource);
    if (def->sysinfo)
        dom_add_copy(root, def->sysinfo);
    domain_os_format(def, root);
    domain_features_format(def, root);
    domain_cpu_format(def, root);
    if (def->clock)
        dom_add_copy(root, def->clock);
    domain_lifecycle_format(def, root);
    domain_devices_format(def, root, flags);
    domain_seclabel_format(def, root);
    return dom_serialize(root);
}

DomainDef *
domain_def_copy(const DomainDef *def)
{
    g_autofree char *xml = domain_def_format(def, DOMAIN_DEF_FORMAT_SECURE |
                                                  DOMAIN_DEF_FORMAT_STATUS);

    return domain_def_parse_string(xml, DOMAIN_DEF_PARSE_SKIP_DEFAULTS |
                                        DOMAIN_DEF_PARSE_STATUS);
}
