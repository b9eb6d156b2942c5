/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/xml-strict.h"
#include "conf/xml-util.h"
#include "util/error.h"
#include "util/i18n.h"

int
xml_strict_check_attrs(xmlNode *node, int dom, const char *const *allowed)
{
    for (xmlAttr *a = node->properties; a; a = a->next) {
        bool ok = false;

        for (size_t i = 0; allowed && allowed[i]; i++) {
            if (strcmp((const char *) a->name, allowed[i]) == 0 && !a->ns) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            error_report(dom, VK_ERR_CONFIG_UNSUPPORTED,
                         _("unknown attribute '%1$s' in element <%2$s>"),
                         (const char *) a->name, (const char *) node->name);
            return -1;
        }
    }
    return 0;
}

bool
xml_node_is(xmlNode *n, const char *name)
{
    return strcmp((const char *) n->name, name) == 0 && !n->ns;
}

int
xml_strict_unknown_element(xmlNode *child, int dom)
{
    error_report(dom, VK_ERR_CONFIG_UNSUPPORTED,
                 _("unknown element <%1$s> in <%2$s>"),
                 (const char *) child->name,
                 child->parent ? (const char *) child->parent->name : "?");
    return -1;
}

static bool
xml_is_blank(const xmlChar *s)
{
    for (; s && *s; s++) {
        if (!g_ascii_isspace(*s))
            return false;
    }
    return true;
}

xmlNode *
xml_strict_next_child(xmlNode *parent, xmlNode *prev, int dom, int *err)
{
    xmlNode *c = prev ? prev->next : parent->children;

    for (; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            return c;
        if (c->type == XML_ENTITY_REF_NODE) {
            error_report(dom, VK_ERR_XML_ERROR,
                         _("unexpected entity reference '%1$s' in element <%2$s>"),
                         (const char *) c->name, (const char *) parent->name);
            *err = -1;
            return NULL;
        }
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
            !xml_is_blank(c->content)) {
            error_report(dom, VK_ERR_XML_ERROR,
                         _("unexpected text in element <%s>"),
                         (const char *) parent->name);
            *err = -1;
            return NULL;
        }
    }
    return NULL;
}

int
xml_strict_check_empty(xmlNode *node, int dom)
{
    int err = 0;
    xmlNode *c = xml_strict_next_child(node, NULL, dom, &err);

    if (err < 0)
        return -1;
    if (c)
        return xml_strict_unknown_element(c, dom);
    return 0;
}

char *
xml_strict_text(xmlNode *node, int dom)
{
    g_autofree char *raw = NULL;

    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            xml_strict_unknown_element(c, dom);
            return NULL;
        }
    }
    raw = xml_get_content(node);
    return g_strdup(g_strstrip(raw));
}

int
xml_strict_text_once(xmlNode *node, int dom, char **field)
{
    if (*field) {
        error_report(dom, VK_ERR_XML_ERROR, _("more than one <%s> element"),
                     (const char *) node->name);
        return -1;
    }
    if (xml_strict_check_attrs(node, dom, NULL) < 0 ||
        !(*field = xml_strict_text(node, dom)))
        return -1;
    return 0;
}

int
xml_strict_uuid_once(xmlNode *node, int dom, bool *has_uuid, uint8_t uuid[16])
{
    g_autofree char *text = NULL;

    if (*has_uuid) {
        error_report(dom, VK_ERR_XML_ERROR, _("more than one <uuid> element"));
        return -1;
    }
    if (xml_strict_text_once(node, dom, &text) < 0)
        return -1;
    if (xml_uuid_parse(text, uuid) < 0) {
        error_report(dom, VK_ERR_XML_ERROR, _("malformed uuid element '%s'"), text);
        return -1;
    }
    *has_uuid = true;
    return 0;
}

int
xml_strict_tristate(xmlNode *node, const char *name, bool onoff,
                    int dom, XmlTristate *out)
{
    g_autofree char *v = xml_get_prop(node, name);

    *out = XML_TRISTATE_ABSENT;
    if (!v)
        return 0;
    if (strcmp(v, onoff ? "on" : "yes") == 0) {
        *out = XML_TRISTATE_YES;
    } else if (strcmp(v, onoff ? "off" : "no") == 0) {
        *out = XML_TRISTATE_NO;
    } else {
        error_report(dom, VK_ERR_XML_ERROR,
                     _("invalid value '%1$s' for attribute '%2$s' of <%3$s>"),
                     v, name, (const char *) node->name);
        return -1;
    }
    return 0;
}

const char *
xml_tristate_str(XmlTristate t, bool onoff)
{
    if (t == XML_TRISTATE_YES)
        return onoff ? "on" : "yes";
    return onoff ? "off" : "no";
}

int
xml_strict_parse_uint(const char *str, const char *what, uint64_t max,
                      int dom, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v;

    errno = 0;
    if (!str || !g_ascii_isdigit(str[0])) {
        error_report(dom, VK_ERR_XML_ERROR, _("invalid number '%1$s' for %2$s"),
                     str ? str : "", what);
        return -1;
    }
    v = strtoull(str, &end, 10);
    if (*end != '\0') {
        error_report(dom, VK_ERR_XML_ERROR, _("invalid number '%1$s' for %2$s"),
                     str, what);
        return -1;
    }
    if (errno == ERANGE || v > max) {
        error_report(dom, VK_ERR_XML_ERROR, _("value '%1$s' for %2$s is out of range"),
                     str, what);
        return -1;
    }
    *out = v;
    return 0;
}

int
xml_strict_uint(xmlNode *node, const char *name, uint64_t max,
                int dom, uint64_t *out, bool *present)
{
    g_autofree char *v = xml_get_prop(node, name);
    g_autofree char *what = NULL;

    if (present)
        *present = v != NULL;
    if (!v)
        return 0;
    what = g_strdup_printf("%s/@%s", (const char *) node->name, name);
    return xml_strict_parse_uint(v, what, max, dom, out);
}

static void
xml_strip_blanks(xmlNode *node)
{
    xmlNode *c = node->children;

    while (c) {
        xmlNode *next = c->next;

        if (c->type == XML_TEXT_NODE && xml_is_blank(c->content) &&
            (c->prev || c->next)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        } else if (c->type == XML_ELEMENT_NODE) {
            xml_strip_blanks(c);
        }
        c = next;
    }
}

xmlNode *
xml_strict_keep(xmlNode *node)
{
    xmlNode *copy = xmlCopyNode(node, 1);

    if (copy)
        xml_strip_blanks(copy);
    return copy;
}

static void
xml_kept_free(gpointer p)
{
    xmlFreeNode(p);
}

GPtrArray *
xml_kept_new(void)
{
    return g_ptr_array_new_with_free_func(xml_kept_free);
}

void
xml_kept_format(GPtrArray *kept, xmlNode *parent)
{
    for (guint i = 0; kept && i < kept->len; i++)
        xmlAddChild(parent, xmlDocCopyNode(kept->pdata[i], parent->doc, 1));
}

xmlNode *
xml_out_child(xmlNode *parent, const char *name)
{
    return xmlNewChild(parent, NULL, (const xmlChar *) name, NULL);
}

xmlNode *
xml_out_text(xmlNode *parent, const char *name, const char *text)
{
    return xmlNewTextChild(parent, NULL, (const xmlChar *) name, (const xmlChar *) text);
}

void
xml_out_attr_str(xmlNode *node, const char *name, const char *value)
{
    if (value)
        xmlNewProp(node, (const xmlChar *) name, (const xmlChar *) value);
}

void
xml_out_attr(xmlNode *node, const char *name, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *v = NULL;

    va_start(ap, fmt);
    v = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    xml_out_attr_str(node, name, v);
}

xmlNode *
xml_out_new_doc(const char *root_name, xmlDoc **doc)
{
    xmlNode *root;

    *doc = xmlNewDoc((const xmlChar *) "1.0");
    root = xmlNewDocNode(*doc, NULL, (const xmlChar *) root_name, NULL);
    xmlDocSetRootElement(*doc, root);
    return root;
}

char *
xml_out_finish(xmlDoc *doc)
{
    g_autofree char *text = xml_format_doc(doc);

    return g_strconcat(text, "\n", NULL);
}

int
xml_uuid_parse(const char *str, uint8_t uuid[16])
{
    size_t n = 0;

    if (!str)
        return -1;
    while (g_ascii_isspace(*str))
        str++;
    for (; *str && n < 32; str++) {
        int v;

        if (*str == '-')
            continue;
        v = g_ascii_xdigit_value(*str);
        if (v < 0)
            return -1;
        if (n % 2 == 0)
            uuid[n / 2] = (uint8_t) (v << 4);
        else
            uuid[n / 2] |= (uint8_t) v;
        n++;
    }
    while (g_ascii_isspace(*str))
        str++;
    return (n == 32 && *str == '\0') ? 0 : -1;
}

void
xml_uuid_format(const uint8_t u[16], char out[37])
{
    g_snprintf(out, 37,
               "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
               u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
               u[10], u[11], u[12], u[13], u[14], u[15]);
}

void
xml_uuid_generate(uint8_t uuid[16])
{
    g_autofree char *s = g_uuid_string_random();

    xml_uuid_parse(s, uuid);
}

void
xml_out_uuid(xmlNode *parent, const uint8_t uuid[16])
{
    char text[37];

    xml_uuid_format(uuid, text);
    xml_out_text(parent, "uuid", text);
}

int
xml_mac_parse(const char *str, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        int hi, lo;

        if (!str[0] || !str[1])
            return -1;
        hi = g_ascii_xdigit_value(str[0]);
        lo = g_ascii_xdigit_value(str[1]);
        if (hi < 0 || lo < 0)
            return -1;
        mac[i] = (uint8_t) (hi << 4 | lo);
        str += 2;
        if (i < 5) {
            if (*str != ':' && *str != '-')
                return -1;
            str++;
        }
    }
    return *str == '\0' ? 0 : -1;
}

void
xml_mac_format(const uint8_t m[6], char out[18])
{
    g_snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
               m[0], m[1], m[2], m[3], m[4], m[5]);
}

void
xml_out_mac_attr(xmlNode *node, const char *name, const uint8_t mac[6])
{
    char text[18];

    xml_mac_format(mac, text);
    xml_out_attr_str(node, name, text);
}
