/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* <memory>, <currentMemory>, <maxMemory>, <memoryBacking>, <memtune>,
 * <blkiotune>, <numatune>. Sizes are stored in KiB. */
#include <string.h>

#include "conf/domain/domain-priv.h"

/* 4 PiB: far above any host, far below overflow when scaled to bytes */
#define DOMAIN_MEMORY_MAX_KIB (1ULL << 42)

static const char memory_grammar[] = "memory unit :#\n";
static const char current_grammar[] = "currentMemory unit :#\n";
static const char max_grammar[] = "maxMemory unit slots=# :#\n";

static const char backing_grammar[] =
    "memoryBacking\n"
    "  hugepages\n"
    "    *page size=# unit nodeset=c\n"
    "  nosharepages\n"
    "  locked\n"
    "  source type=file|anonymous|memfd\n"
    "  access mode=shared|private\n"
    "  allocation mode=immediate|ondemand threads=#\n"
    "  discard\n";

static const char memtune_grammar[] =
    "memtune\n"
    "  hard_limit unit :#\n"
    "  soft_limit unit :#\n"
    "  swap_hard_limit unit :#\n"
    "  min_guarantee unit :#\n";

static const char blkiotune_grammar[] =
    "blkiotune\n"
    "  weight :#100-1000\n"
    "  *device\n"
    "    path :\n"
    "    weight :#100-1000\n"
    "    read_iops_sec :#\n"
    "    write_iops_sec :#\n"
    "    read_bytes_sec :#\n"
    "    write_bytes_sec :#\n";

static const char numatune_grammar[] =
    "numatune\n"
    "  memory mode=interleave|strict|preferred|restrictive nodeset=c placement=static|auto\n"
    "  *memnode cellid=# mode=interleave|strict|preferred|restrictive nodeset=c\n";

static int
memory_check_range(unsigned long long kib, const char *what)
{
    if (kib > DOMAIN_MEMORY_MAX_KIB) {
        dom_error(VK_ERR_OVERFLOW, _("<%1$s> of %2$llu KiB is too large"), what, kib);
        return -1;
    }
    return 0;
}

static int
memory_parse_one(xmlNode *root, const char *name, const char *grammar,
                 unsigned long long *kib)
{
    xmlNode *n = dom_child(root, name);
    int r;

    if (n && dom_spec_check(grammar, n, name) < 0)
        return -1;
    if ((r = dom_parse_memory_elem(root, name, kib)) < 0)
        return -1;
    if (r > 0 && memory_check_range(*kib, name) < 0)
        return -1;
    return r;
}

int
domain_memory_parse(DomainDef *def, xmlNode *root)
{
    int r;

    if ((r = memory_parse_one(root, "memory", memory_grammar, &def->memory_kib)) < 0)
        return -1;
    if (r == 0) {
        dom_error(VK_ERR_XML_ERROR, _("missing <memory> element"));
        return -1;
    }
    if (def->memory_kib == 0) {
        dom_error(VK_ERR_XML_ERROR, _("memory size must be greater than 0"));
        return -1;
    }
    if ((r = memory_parse_one(root, "currentMemory", current_grammar,
                              &def->current_memory_kib)) < 0)
        return -1;
    if (r == 0 || def->current_memory_kib == 0 ||
        def->current_memory_kib > def->memory_kib)
        def->current_memory_kib = def->memory_kib;
    if (memory_parse_one(root, "maxMemory", max_grammar, &def->max_memory_kib) < 0)
        return -1;
    if (def->max_memory_kib) {
        xmlNode *m = dom_child(root, "maxMemory");

        if (dom_prop_uint(m, "slots", &def->max_memory_slots) < 0)
            return -1;
        if (def->max_memory_kib < def->memory_kib) {
            dom_error(VK_ERR_XML_ERROR, _("maximum memory size must be equal or greater than the actual memory size"));
            return -1;
        }
    }
    return 0;
}

/* Children "<x unit='..'>N</x>" rewritten to KiB, as libvirt reports. */
static int
memory_normalize_children(xmlNode *node)
{
    for (xmlNode *c = node->children; c; c = c->next) {
        g_autofree char *unit = NULL;
        g_autofree char *v = NULL;
        unsigned long long n;
        unsigned long long kib;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (dom_text_ull(c, &n) < 0)
            return -1;
        unit = xml_get_prop(c, "unit");
        if (dom_scale_to_kib(n, unit, "KiB", (const char *) c->name, &kib) < 0)
            return -1;
        v = g_strdup_printf("%llu", kib);
        xmlNodeSetContent(c, (const xmlChar *) v);
        dom_set(c, "unit", "KiB");
    }
    return 0;
}

static int
memory_parse_backing(DomainDef *def, xmlNode *node)
{
    xmlNode *hp;
    xmlNode *x;

    if (dom_spec_check(backing_grammar, node, "memoryBacking") < 0)
        return -1;
    def->memory_backing = dom_keep_node(node);
    hp = dom_child(def->memory_backing, "hugepages");
    def->hugepages = hp != NULL;
    for (xmlNode *p = hp ? hp->children : NULL; p; p = p->next) {
        g_autofree char *unit = NULL;
        unsigned long long size = 0;
        unsigned long long kib;

        if (p->type != XML_ELEMENT_NODE)
            continue;
        if (dom_prop_ull(p, "size", &size) <= 0) {
            if (!xmlHasProp(p, (const xmlChar *) "size"))
                dom_error(VK_ERR_XML_ERROR, _("missing hugepage size"));
            return -1;
        }
        unit = xml_get_prop(p, "unit");
        if (dom_scale_to_kib(size, unit, "KiB", "page", &kib) < 0)
            return -1;
        dom_set_uint(p, "size", kib);
        dom_set(p, "unit", "KiB");
    }
    if ((x = dom_child(node, "source"))) {
        g_autofree char *t = xml_get_prop(x, "type");
        def->memfd = g_strcmp0(t, "memfd") == 0;
    }
    if ((x = dom_child(node, "access"))) {
        g_autofree char *m = xml_get_prop(x, "mode");
        def->mem_shared = g_strcmp0(m, "shared") == 0;
    }
    return 0;
}

int
domain_memory_parse_tune(DomainDef *def, xmlNode *node)
{
    const char *name = (const char *) node->name;

    if (strcmp(name, "memoryBacking") == 0)
        return memory_parse_backing(def, node);
    if (strcmp(name, "memtune") == 0) {
        if (dom_spec_check(memtune_grammar, node, name) < 0)
            return -1;
        def->memtune = dom_keep_node(node);
        return memory_normalize_children(def->memtune);
    }
    if (strcmp(name, "blkiotune") == 0) {
        if (dom_spec_check(blkiotune_grammar, node, name) < 0)
            return -1;
        def->blkiotune = dom_keep_node(node);
        return 0;
    }
    if (dom_spec_check(numatune_grammar, node, name) < 0)
        return -1;
    def->numatune = dom_keep_node(node);
    return 0;
}

static void
memory_format_one(xmlNode *root, const char *name, unsigned long long kib)
{
    g_autofree char *v = g_strdup_printf("%llu", kib);

    dom_set(dom_add_text(root, name, v), "unit", "KiB");
}

void
domain_memory_format(const DomainDef *def, xmlNode *root)
{
    if (def->max_memory_kib) {
        g_autofree char *v = g_strdup_printf("%llu", def->max_memory_kib);
        xmlNode *m = dom_add_text(root, "maxMemory", v);

        dom_set_uint(m, "slots", def->max_memory_slots);
        dom_set(m, "unit", "KiB");
    }
    memory_format_one(root, "memory", def->memory_kib);
    memory_format_one(root, "currentMemory", def->current_memory_kib);
    if (def->blkiotune)
        dom_add_copy(root, def->blkiotune);
    if (def->memtune)
        dom_add_copy(root, def->memtune);
    if (def->memory_backing)
        dom_add_copy(root, def->memory_backing);
}
