/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* UUIDs, MAC-free accessors and the custom metadata element API. */
#include <string.h>

#include "conf/domain/domain-priv.h"

void
domain_uuid_format(const unsigned char *u, char *buf)
{
    g_snprintf(buf, DOMAIN_UUID_STRLEN,
               "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
               u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
               u[11], u[12], u[13], u[14], u[15]);
}

/* Accepts libvirt's forms: with or without dashes, surrounding spaces. */
int
domain_uuid_parse(const char *str, unsigned char *uuid)
{
    size_t n = 0;
    const char *p = str;

    if (!str)
        return -1;
    while (g_ascii_isspace(*p))
        p++;
    while (n < DOMAIN_UUID_BUFLEN) {
        int hi;
        int lo;

        if (*p == '-') {
            p++;
            continue;
        }
        hi = g_ascii_xdigit_value(p[0]);
        lo = hi >= 0 ? g_ascii_xdigit_value(p[1]) : -1;
        if (hi < 0 || lo < 0)
            return -1;
        uuid[n++] = (unsigned char) (hi << 4 | lo);
        p += 2;
    }
    while (g_ascii_isspace(*p))
        p++;
    return *p ? -1 : 0;
}

void
domain_uuid_generate(unsigned char *uuid)
{
    for (size_t i = 0; i < DOMAIN_UUID_BUFLEN; i += 4) {
        guint32 r = g_random_int();

        memcpy(uuid + i, &r, 4);
    }
    uuid[6] = (uuid[6] & 0x0f) | 0x40;     /* version 4 */
    uuid[8] = (uuid[8] & 0x3f) | 0x80;     /* RFC 4122 variant */
}

const char *
domain_def_get_name(const DomainDef *def)
{
    return def->name;
}

int
domain_def_set_name(DomainDef *def, const char *name)
{
    if (!name || !*name || strchr(name, '/')) {
        dom_error(VK_ERR_INVALID_ARG, _("invalid domain name '%1$s'"), name ? name : "");
        return -1;
    }
    g_free(def->name);
    def->name = g_strdup(name);
    return 0;
}

void
domain_def_get_uuid_string(const DomainDef *def, char *buf)
{
    domain_uuid_format(def->uuid, buf);
}

int
domain_def_get_id(const DomainDef *def)
{
    return def->id;
}

void
domain_def_set_id(DomainDef *def, int id)
{
    def->id = id;
}

unsigned long long
domain_def_get_memory(const DomainDef *def)
{
    return def->memory_kib;
}

unsigned long long
domain_def_get_max_memory(const DomainDef *def)
{
    return def->max_memory_kib ? def->max_memory_kib : def->memory_kib;
}

unsigned long long
domain_def_get_current_memory(const DomainDef *def)
{
    return def->current_memory_kib;
}

unsigned int
domain_def_get_vcpus_max(const DomainDef *def)
{
    return def->vcpus_max;
}

unsigned int
domain_def_get_vcpus(const DomainDef *def)
{
    return def->vcpus_current;
}

const char *
domain_def_get_os_type(const DomainDef *def)
{
    return def->os.type ? def->os.type : "hvm";
}

const char *
domain_def_get_arch(const DomainDef *def)
{
    return def->os.arch ? def->os.arch : "x86_64";
}

const char *
domain_def_get_machine(const DomainDef *def)
{
    return def->os.machine;
}

void
domain_def_set_title(DomainDef *def, const char *title)
{
    g_free(def->title);
    def->title = title && *title ? g_strdup(title) : NULL;
}

void
domain_def_set_description(DomainDef *def, const char *desc)
{
    g_free(def->description);
    def->description = desc && *desc ? g_strdup(desc) : NULL;
}

static xmlNode *
metadata_find(const DomainDef *def, const char *uri)
{
    for (xmlNode *c = def->metadata ? def->metadata->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && c->ns && c->ns->href &&
            strcmp((const char *) c->ns->href, uri) == 0)
            return c;
    }
    return NULL;
}

char *
domain_def_get_metadata_element(const DomainDef *def, const char *uri)
{
    xmlNode *n = uri ? metadata_find(def, uri) : NULL;
    g_autoptr(xmlDoc) doc = NULL;
    xmlNode *copy;
    char *s;

    if (!n) {
        dom_error(VK_ERR_NO_DOMAIN_METADATA, _("Requested metadata element is not present"));
        return NULL;
    }
    doc = xmlNewDoc((const xmlChar *) "1.0");
    copy = xmlDocCopyNode(n, doc, 1);
    xmlDocSetRootElement(doc, copy);
    xmlReconciliateNs(doc, copy);
    s = dom_serialize(copy);
    g_strchomp(s);
    return s;
}

/* Like libvirt: every element of the new subtree goes into @ns. */
static void
metadata_set_ns(xmlNode *node, xmlNs *ns)
{
    for (xmlNode *c = node; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        xmlSetNs(c, ns);
        metadata_set_ns(c->children, ns);
    }
}

static xmlNode *
metadata_parse_new(const char *xml, const char *key, const char *uri)
{
    g_autoptr(xmlDoc) doc = xml_parse_string(xml, "metadata", VK_FROM_DOMAIN);
    xmlNode *root;
    xmlNode *copy;
    xmlNs *ns;

    if (!doc)
        return NULL;
    root = xmlDocGetRootElement(doc);
    copy = xmlCopyNode(root, 1);
    ns = xmlNewNs(copy, (const xmlChar *) uri, (const xmlChar *) key);
    metadata_set_ns(copy, ns);
    return copy;
}

int
domain_def_set_metadata_element(DomainDef *def, const char *xml,
                                const char *key, const char *uri)
{
    xmlNode *old;
    xmlNode *fresh = NULL;

    if (!uri || (xml && !key)) {
        dom_error(VK_ERR_INVALID_ARG, _("metadata needs a namespace URI and a key"));
        return -1;
    }
    if (xml && !(fresh = metadata_parse_new(xml, key, uri)))
        return -1;
    if ((old = metadata_find(def, uri))) {
        xmlUnlinkNode(old);
        xmlFreeNode(old);
    }
    if (!fresh)
        return 0;
    if (!def->metadata)
        def->metadata = xmlNewNode(NULL, (const xmlChar *) "metadata");
    xmlAddChild(def->metadata, fresh);
    return 0;
}

DomainDiskDef *
domain_def_find_disk(const DomainDef *def, const char *name)
{
    for (guint i = 0; name && i < def->disks->len; i++) {
        DomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (g_strcmp0(d->dst, name) == 0 || g_strcmp0(d->src_path, name) == 0)
            return d;
    }
    return NULL;
}

DomainNetDef *
domain_def_find_net(const DomainDef *def, const char *name)
{
    unsigned char mac[6];
    bool is_mac = name && domain_mac_parse(name, mac) == 0;

    for (guint i = 0; name && i < def->nets->len; i++) {
        DomainNetDef *n = g_ptr_array_index(def->nets, i);

        if ((is_mac && n->mac_set && memcmp(n->mac, mac, 6) == 0) ||
            g_strcmp0(n->target_dev, name) == 0)
            return n;
    }
    return NULL;
}

const char *
domain_default_emulator(void)
{
    const char *env = g_getenv("VIRTKVM_VMM");

    return env && *env ? env : VMM_INSTALL_PATH;
}
