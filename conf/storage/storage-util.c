/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/storage/storage-priv.h"
#include "conf/xml-util.h"
#include "util/error.h"
#include "util/i18n.h"

/* Multiplier for a libvirt size unit, 0 if unknown. */
static uint64_t
unit_scale(const char *unit)
{
    static const char prefixes[] = "kmgtpe";
    const char *p;
    uint64_t base, scale = 1;

    if (!unit || !unit[0] || g_ascii_strcasecmp(unit, "b") == 0 ||
        g_ascii_strcasecmp(unit, "byte") == 0 || g_ascii_strcasecmp(unit, "bytes") == 0)
        return 1;
    if (!(p = strchr(prefixes, g_ascii_tolower(unit[0]))))
        return 0;
    if (unit[1] == '\0' || g_ascii_strcasecmp(unit + 1, "iB") == 0)
        base = 1024;
    else if (g_ascii_strcasecmp(unit + 1, "B") == 0)
        base = 1000;
    else
        return 0;
    for (long i = 0; i <= p - prefixes; i++)
        scale *= base;
    return scale;
}

int
storage_parse_scaled(const char *text, const char *unit, const char *what, uint64_t *out)
{
    uint64_t scale = unit_scale(unit);
    unsigned long long v;
    char *end = NULL;

    if (scale == 0) {
        error_report(STORAGE_DOM, VK_ERR_XML_ERROR, _("unknown unit '%1$s' for %2$s"),
                     unit, what);
        return -1;
    }
    while (text && g_ascii_isspace(*text))
        text++;
    if (!text || !g_ascii_isdigit(*text)) {
        error_report(STORAGE_DOM, VK_ERR_XML_ERROR, _("malformed %1$s value '%2$s'"),
                     what, text ? text : "");
        return -1;
    }
    errno = 0;
    v = strtoull(text, &end, 10);
    while (g_ascii_isspace(*end))
        end++;
    if (*end) {
        error_report(STORAGE_DOM, VK_ERR_XML_ERROR, _("malformed %1$s value '%2$s'"),
                     what, text);
        return -1;
    }
    if (errno == ERANGE || v > UINT64_MAX / scale) {
        error_report(STORAGE_DOM, VK_ERR_OVERFLOW, _("value too large for %1$s: %2$s %3$s"),
                     what, text, unit ? unit : "bytes");
        return -1;
    }
    *out = v * scale;
    return 0;
}

int
storage_size_parse(xmlNode *node, uint64_t *out)
{
    g_autofree char *unit = xml_get_prop(node, "unit");
    g_autofree char *text = NULL;

    if (xml_strict_check_attrs(node, STORAGE_DOM, XML_ATTRS("unit")) < 0 ||
        !(text = xml_strict_text(node, STORAGE_DOM)))
        return -1;
    return storage_parse_scaled(text, unit, (const char *) node->name, out);
}

void
storage_size_format(xmlNode *parent, const char *name, uint64_t value)
{
    g_autofree char *text = g_strdup_printf("%llu", (unsigned long long) value);
    xmlNode *n = xml_out_text(parent, name, text);

    xml_out_attr_str(n, "unit", "bytes");
}

static int
perms_id(xmlNode *node, int64_t *out)
{
    g_autofree char *text = NULL;
    uint64_t v;

    if (xml_strict_text_once(node, STORAGE_DOM, &text) < 0)
        return -1;
    if (strcmp(text, "-1") == 0) {
        *out = -1;
        return 0;
    }
    if (xml_strict_parse_uint(text, (const char *) node->name, UINT32_MAX - 1,
                              STORAGE_DOM, &v) < 0)
        return -1;
    *out = (int64_t) v;
    return 0;
}

static int
perms_mode(xmlNode *node, int64_t *out)
{
    g_autofree char *text = NULL;
    char *end = NULL;
    long v;

    if (xml_strict_text_once(node, STORAGE_DOM, &text) < 0)
        return -1;
    v = strtol(text, &end, 8);
    if (!text[0] || *end || v < 0 || v > 07777) {
        error_report(STORAGE_DOM, VK_ERR_XML_ERROR, _("malformed octal mode '%s'"), text);
        return -1;
    }
    *out = v;
    return 0;
}

int
storage_perms_parse(xmlNode *node, StoragePerms *perms)
{
    xmlNode *c = NULL;
    int err = 0;

    if (perms->present) {
        error_report(STORAGE_DOM, VK_ERR_XML_ERROR, _("more than one <permissions> element"));
        return -1;
    }
    perms->present = true;
    if (xml_strict_check_attrs(node, STORAGE_DOM, NULL) < 0)
        return -1;
    while ((c = xml_strict_next_child(node, c, STORAGE_DOM, &err))) {
        int r;

        if (xml_node_is(c, "mode") && perms->mode < 0)
            r = perms_mode(c, &perms->mode);
        else if (xml_node_is(c, "owner") && perms->owner < 0)
            r = perms_id(c, &perms->owner);
        else if (xml_node_is(c, "group") && perms->group < 0)
            r = perms_id(c, &perms->group);
        else if (xml_node_is(c, "label"))
            r = xml_strict_text_once(c, STORAGE_DOM, &perms->label);
        else
            r = xml_strict_unknown_element(c, STORAGE_DOM);
        if (r < 0)
            return -1;
    }
    return err;
}

void
storage_perms_format(const StoragePerms *perms, xmlNode *parent)
{
    xmlNode *n;
    g_autofree char *mode = NULL, *owner = NULL, *group = NULL;

    if (!perms->present)
        return;
    n = xml_out_child(parent, "permissions");
    if (perms->mode >= 0) {
        mode = g_strdup_printf("%04llo", (unsigned long long) perms->mode);
        xml_out_text(n, "mode", mode);
    }
    if (perms->owner >= 0) {
        owner = g_strdup_printf("%lld", (long long) perms->owner);
        xml_out_text(n, "owner", owner);
    }
    if (perms->group >= 0) {
        group = g_strdup_printf("%lld", (long long) perms->group);
        xml_out_text(n, "group", group);
    }
    if (perms->label)
        xml_out_text(n, "label", perms->label);
}

void
storage_perms_clear(StoragePerms *perms)
{
    g_free(perms->label);
    memset(perms, 0, sizeof(*perms));
    perms->mode = perms->owner = perms->group = -1;
}

int
storage_extent_parse(xmlNode *node, GArray *extents)
{
    StorageExtent e = { 0 };
    bool has_start = false, has_end = false;

    if (xml_strict_check_attrs(node, STORAGE_DOM, XML_ATTRS("start", "end")) < 0 ||
        xml_strict_check_empty(node, STORAGE_DOM) < 0 ||
        xml_strict_uint(node, "start", UINT64_MAX, STORAGE_DOM, &e.start, &has_start) < 0 ||
        xml_strict_uint(node, "end", UINT64_MAX, STORAGE_DOM, &e.end, &has_end) < 0)
        return -1;
    if (!has_start || !has_end || e.start > e.end) {
        error_report(STORAGE_DOM, VK_ERR_XML_ERROR,
                     _("extent needs start and end attributes with start <= end"));
        return -1;
    }
    g_array_append_val(extents, e);
    return 0;
}

void
storage_extents_format(const GArray *extents, const char *name, xmlNode *parent)
{
    for (guint i = 0; i < extents->len; i++) {
        const StorageExtent *e = &g_array_index(extents, StorageExtent, i);
        xmlNode *n = xml_out_child(parent, name);

        xml_out_attr(n, "start", "%llu", (unsigned long long) e->start);
        xml_out_attr(n, "end", "%llu", (unsigned long long) e->end);
    }
}

int
storage_path_clean(const char *what, char **path)
{
    GString *out;
    const char *p = *path;

    if (!p || p[0] != '/') {
        error_report(STORAGE_DOM, VK_ERR_XML_ERROR, _("%1$s '%2$s' must be an absolute path"),
                     what, p ? p : "");
        return -1;
    }
    out = g_string_new(NULL);
    for (; *p; p++) {
        if (*p == '/' && out->len && out->str[out->len - 1] == '/')
            continue;
        g_string_append_c(out, *p);
    }
    if (out->len > 1 && out->str[out->len - 1] == '/')
        g_string_truncate(out, out->len - 1);
    g_free(*path);
    *path = g_string_free(out, FALSE);
    return 0;
}
