/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The element grammar checker, attribute getters, unit scaling, the output
 * tree builder and the libvirt-style serializer shared by conf/domain.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain/domain-priv.h"

typedef enum {
    SPEC_ANY,
    SPEC_ENUM,
    SPEC_UINT,
    SPEC_INT,
    SPEC_HEXID,     /* 0x + 4 hex digits (USB/PCI ids) */
    SPEC_WORD,      /* [A-Za-z0-9_.:+/-]+ */
    SPEC_PATH,      /* absolute path */
    SPEC_UUID,      /* 8-4-4-4-12 hex digits */
    SPEC_CPUSET,    /* 0-3,^2,8 */
    SPEC_PORT,      /* -1 or 0..65535 */
    SPEC_DNS,       /* [A-Za-z0-9.-]+ */
    SPEC_CHARSET,   /* [set]: one or more characters of the set */
    SPEC_NONE,      /* text only: no text allowed */
} SpecKind;

typedef struct {
    char *name;
    SpecKind kind;
    char **values;  /* SPEC_ENUM */
    unsigned long long lo, hi;  /* SPEC_UINT range */
    guint8 set[32];             /* SPEC_CHARSET bitmap */
} SpecAttr;

struct DomSpec {
    char *name;
    bool repeat;
    bool opaque;            /* "...": checked by its own parser */
    GPtrArray *attrs;       /* SpecAttr* */
    GPtrArray *children;    /* DomSpec* */
    SpecAttr text;          /* name unused */
};

static GMutex spec_lock;
static GHashTable *spec_cache;

static void
spec_parse_value(SpecAttr *a, const char *v)
{
    a->hi = G_MAXUINT64;
    if (!v) {
        a->kind = SPEC_ANY;
    } else if (v[0] == '#') {
        a->kind = SPEC_UINT;
        if (v[1])
            g_assert(sscanf(v + 1, "%llu-%llu", &a->lo, &a->hi) == 2);
    } else if (strcmp(v, "x") == 0) {
        a->kind = SPEC_HEXID;
    } else if (strcmp(v, "w") == 0) {
        a->kind = SPEC_WORD;
    } else if (strcmp(v, "/") == 0) {
        a->kind = SPEC_PATH;
    } else if (strcmp(v, "u") == 0) {
        a->kind = SPEC_UUID;
    } else if (strcmp(v, "c") == 0) {
        a->kind = SPEC_CPUSET;
    } else if (strcmp(v, "p") == 0) {
        a->kind = SPEC_PORT;
    } else if (strcmp(v, "d") == 0) {
        a->kind = SPEC_DNS;
    } else if (v[0] == '[') {
        a->kind = SPEC_CHARSET;
        for (const char *c = v + 1; *c && *c != ']'; c++) {
            unsigned char from = (unsigned char) *c;
            unsigned char to = from;

            if (c[1] == '-' && c[2] && c[2] != ']') {
                to = (unsigned char) c[2];
                c += 2;
            }
            for (unsigned int k = from; k <= to; k++)
                a->set[k / 8] |= (guint8) (1u << (k % 8));
        }
    } else if (strcmp(v, "-#") == 0) {
        a->kind = SPEC_INT;
    } else {
        a->kind = SPEC_ENUM;
        a->values = g_strsplit(v, "|", -1);
    }
}

static void
spec_parse_token(DomSpec *s, const char *tok)
{
    const char *eq;

    if (strcmp(tok, "...") == 0) {
        s->opaque = true;
        return;
    }
    if (tok[0] == ':') {
        spec_parse_value(&s->text, tok[1] ? tok + 1 : NULL);
        return;
    }
    eq = strchr(tok, '=');
    {
        SpecAttr *a = g_new0(SpecAttr, 1);

        a->name = eq ? g_strndup(tok, (gsize) (eq - tok)) : g_strdup(tok);
        spec_parse_value(a, eq ? eq + 1 : NULL);
        g_ptr_array_add(s->attrs, a);
    }
}

static DomSpec *
spec_new_line(const char *line)
{
    g_auto(GStrv) toks = g_strsplit(line, " ", -1);
    DomSpec *s = g_new0(DomSpec, 1);
    const char *name = toks[0];

    s->attrs = g_ptr_array_new();
    s->children = g_ptr_array_new();
    s->text.kind = SPEC_NONE;
    if (name[0] == '*') {
        s->repeat = true;
        name++;
    }
    s->name = g_strdup(name);
    for (size_t i = 1; toks[i]; i++) {
        if (toks[i][0])
            spec_parse_token(s, toks[i]);
    }
    return s;
}

static DomSpec *
spec_compile(const char *grammar)
{
    g_auto(GStrv) lines = g_strsplit(grammar, "\n", -1);
    DomSpec *stack[32] = { NULL };
    DomSpec *root = NULL;

    for (size_t i = 0; lines[i]; i++) {
        const char *l = lines[i];
        size_t sp = strspn(l, " ");
        size_t depth = sp / 2;
        DomSpec *s;

        if (!l[sp])
            continue;
        g_assert(depth < G_N_ELEMENTS(stack));
        s = spec_new_line(l + sp);
        if (depth == 0) {
            g_assert(!root);
            root = s;
        } else {
            g_assert(stack[depth - 1]);
            g_ptr_array_add(stack[depth - 1]->children, s);
        }
        stack[depth] = s;
        for (size_t d = depth + 1; d < G_N_ELEMENTS(stack); d++)
            stack[d] = NULL;
    }
    g_assert(root);
    return root;
}

static const DomSpec *
spec_get(const char *grammar)
{
    DomSpec *s;

    g_mutex_lock(&spec_lock);
    if (!spec_cache)
        spec_cache = g_hash_table_new(g_direct_hash, g_direct_equal);
    s = g_hash_table_lookup(spec_cache, grammar);
    if (!s) {
        s = spec_compile(grammar);
        g_hash_table_insert(spec_cache, (gpointer) grammar, s);
    }
    g_mutex_unlock(&spec_lock);
    return s;
}

bool
dom_cpuset_valid(const char *v)
{
    return g_regex_match_simple("^(\\^?[0-9]+|[0-9]+-[0-9]+)(,(\\^?[0-9]+|[0-9]+-[0-9]+))*$",
                                v, 0, 0);
}

static bool
spec_value_ok(const SpecAttr *a, const char *v)
{
    char *end = NULL;

    switch (a->kind) {
    case SPEC_ANY:
        return true;
    case SPEC_ENUM:
        return g_strv_contains((const char *const *) a->values, v);
    case SPEC_UINT: {
        unsigned long long n;

        if (!*v || *v == '-' || *v == '+' || g_ascii_isspace(*v))
            return false;
        errno = 0;
        n = g_ascii_strtoull(v, &end, 0);
        return errno == 0 && end && !*end && n >= a->lo && n <= a->hi;
    }
    case SPEC_HEXID:
        return g_regex_match_simple("^0x[0-9a-fA-F]{4}$", v, 0, 0);
    case SPEC_CPUSET:
        return dom_cpuset_valid(v);
    case SPEC_PORT: {
        long long n;

        errno = 0;
        n = g_ascii_strtoll(v, &end, 10);
        return *v && errno == 0 && end && !*end && n >= -1 && n <= 65535;
    }
    case SPEC_DNS:
        return *v && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789.-") == strlen(v);
    case SPEC_UUID:
        return g_uuid_string_is_valid(v);
    case SPEC_CHARSET:
        for (const unsigned char *c = (const unsigned char *) v; *c; c++) {
            if (!(a->set[*c / 8] & (1u << (*c % 8))))
                return false;
        }
        return *v != '\0';
    case SPEC_PATH:
        return v[0] == '/' && !strpbrk(v, "\r\n");
    case SPEC_WORD:
        return *v && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789_.:+/-") == strlen(v);
    case SPEC_INT:
        if (!*v || g_ascii_isspace(*v))
            return false;
        errno = 0;
        (void) g_ascii_strtoll(v, &end, 10);
        return errno == 0 && end && !*end;
    case SPEC_NONE:
        return false;
    }
    return false;
}

static bool
text_is_blank(const xmlChar *t)
{
    for (; t && *t; t++) {
        if (!g_ascii_isspace(*t))
            return false;
    }
    return true;
}

static const DomSpec *
spec_find_child(const DomSpec *s, const char *name)
{
    for (guint i = 0; i < s->children->len; i++) {
        const DomSpec *c = g_ptr_array_index(s->children, i);

        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

static int
spec_check_attrs(const DomSpec *s, xmlNode *node, const char *path)
{
    for (xmlAttr *a = node->properties; a; a = a->next) {
        const SpecAttr *sa = NULL;
        g_autofree char *v = NULL;

        for (guint i = 0; !a->ns && i < s->attrs->len; i++) {
            const SpecAttr *x = g_ptr_array_index(s->attrs, i);

            if (strcmp(x->name, (const char *) a->name) == 0)
                sa = x;
        }
        if (!sa) {
            dom_error(VK_ERR_CONFIG_UNSUPPORTED,
                      _("unknown attribute '%1$s' of element <%2$s>"),
                      (const char *) a->name, path);
            return -1;
        }
        v = xml_get_prop(node, sa->name);
        /* line breaks fit no attribute of the schema */
        if (!spec_value_ok(sa, v) || strpbrk(v, "\r\n")) {
            dom_error(VK_ERR_XML_ERROR,
                      _("invalid value '%1$s' for attribute '%2$s' of element <%3$s>"),
                      v, sa->name, path);
            return -1;
        }
    }
    return 0;
}

static int spec_check_node(const DomSpec *s, xmlNode *node, const char *path);

static int
spec_check_children(const DomSpec *s, xmlNode *node, const char *path)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    bool has_text = false;

    for (xmlNode *c = node->children; c; c = c->next) {
        const DomSpec *cs;
        g_autofree char *cpath = NULL;

        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (!text_is_blank(c->content))
                has_text = true;
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        cs = c->ns ? NULL : spec_find_child(s, (const char *) c->name);
        if (!cs) {
            dom_error(VK_ERR_CONFIG_UNSUPPORTED,
                      _("unknown element <%1$s> in <%2$s>"),
                      (const char *) c->name, path);
            return -1;
        }
        if (!cs->repeat && !g_hash_table_add(seen, (gpointer) cs->name)) {
            dom_error(VK_ERR_XML_ERROR,
                      _("element <%1$s> may appear only once in <%2$s>"),
                      cs->name, path);
            return -1;
        }
        cpath = g_strdup_printf("%s/%s", path, cs->name);
        if (spec_check_node(cs, c, cpath) < 0)
            return -1;
    }
    if (has_text && s->text.kind == SPEC_NONE) {
        dom_error(VK_ERR_XML_ERROR, _("unexpected text in element <%1$s>"), path);
        return -1;
    }
    return 0;
}

static int
spec_check_node(const DomSpec *s, xmlNode *node, const char *path)
{
    if (s->opaque)
        return 0;
    if (spec_check_attrs(s, node, path) < 0 ||
        spec_check_children(s, node, path) < 0)
        return -1;
    if (s->text.kind != SPEC_ANY && s->text.kind != SPEC_NONE) {
        g_autofree char *t = xml_get_content(node);

        g_strstrip(t);
        /* an empty path is an absent one (rng builtin, ejected media) */
        if (!(s->text.kind == SPEC_PATH && !*t) && !spec_value_ok(&s->text, t)) {
            dom_error(VK_ERR_XML_ERROR, _("invalid value '%1$s' in element <%2$s>"),
                      t, path);
            return -1;
        }
    }
    return 0;
}

int
dom_spec_check(const char *grammar, xmlNode *node, const char *path)
{
    const DomSpec *s = spec_get(grammar);

    g_assert(strcmp(s->name, (const char *) node->name) == 0);
    return spec_check_node(s, node, path ? path : s->name);
}

xmlNode *
dom_child(xmlNode *node, const char *name)
{
    for (xmlNode *c = node ? node->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && !c->ns &&
            strcmp((const char *) c->name, name) == 0)
            return c;
    }
    return NULL;
}

static int
bad_value(xmlNode *node, const char *attr, const char *v)
{
    dom_error(VK_ERR_XML_ERROR,
              _("invalid value '%1$s' for attribute '%2$s' of element <%3$s>"),
              v, attr, (const char *) node->name);
    return -1;
}

int
dom_prop_ull(xmlNode *node, const char *attr, unsigned long long *out)
{
    g_autofree char *v = xml_get_prop(node, attr);
    char *end = NULL;
    unsigned long long r;

    if (!v)
        return 0;
    errno = 0;
    r = g_ascii_strtoull(v, &end, 0);
    if (!*v || *v == '-' || errno || !end || *end)
        return bad_value(node, attr, v);
    *out = r;
    return 1;
}

int
dom_prop_uint(xmlNode *node, const char *attr, unsigned int *out)
{
    unsigned long long v = 0;
    int r = dom_prop_ull(node, attr, &v);

    if (r <= 0)
        return r;
    if (v > G_MAXUINT) {
        g_autofree char *s = xml_get_prop(node, attr);
        return bad_value(node, attr, s);
    }
    *out = (unsigned int) v;
    return 1;
}

int
dom_prop_int(xmlNode *node, const char *attr, int *out)
{
    g_autofree char *v = xml_get_prop(node, attr);
    char *end = NULL;
    long long r;

    if (!v)
        return 0;
    errno = 0;
    r = g_ascii_strtoll(v, &end, 10);
    if (!*v || errno || !end || *end || r < G_MININT || r > G_MAXINT)
        return bad_value(node, attr, v);
    *out = (int) r;
    return 1;
}

int
dom_prop_enum(xmlNode *node, const char *attr, int (*from)(const char *),
              int *out)
{
    g_autofree char *v = xml_get_prop(node, attr);
    int r;

    if (!v)
        return 0;
    if ((r = from(v)) < 0) {
        dom_error(VK_ERR_CONFIG_UNSUPPORTED,
                  _("unsupported value '%1$s' for attribute '%2$s' of element <%3$s>"),
                  v, attr, (const char *) node->name);
        return -1;
    }
    *out = r;
    return 1;
}

int
dom_prop_bool(xmlNode *node, const char *attr, bool onoff, int *out)
{
    g_autofree char *v = xml_get_prop(node, attr);

    if (!v)
        return 0;
    if (strcmp(v, onoff ? "on" : "yes") == 0)
        *out = 1;
    else if (strcmp(v, onoff ? "off" : "no") == 0)
        *out = 0;
    else
        return bad_value(node, attr, v);
    return 1;
}

int
dom_text_ull(xmlNode *node, unsigned long long *out)
{
    g_autofree char *v = xml_get_content(node);
    char *end = NULL;

    g_strstrip(v);
    errno = 0;
    *out = g_ascii_strtoull(v, &end, 10);
    if (!*v || *v == '-' || errno || !end || *end) {
        dom_error(VK_ERR_XML_ERROR, _("invalid value '%1$s' in element <%2$s>"),
                  v, (const char *) node->name);
        return -1;
    }
    return 1;
}

static const struct {
    const char *name;
    unsigned int shift;     /* power of 1024 */
    unsigned int pow10;     /* power of 1000, when decimal */
} unit_table[] = {
    { "b", 0, 0 }, { "bytes", 0, 0 },
    { "k", 1, 0 }, { "KiB", 1, 0 }, { "KB", 0, 1 },
    { "M", 2, 0 }, { "MiB", 2, 0 }, { "MB", 0, 2 },
    { "G", 3, 0 }, { "GiB", 3, 0 }, { "GB", 0, 3 },
    { "T", 4, 0 }, { "TiB", 4, 0 }, { "TB", 0, 4 },
    { "P", 5, 0 }, { "PiB", 5, 0 }, { "PB", 0, 5 },
    { "E", 6, 0 }, { "EiB", 6, 0 }, { "EB", 0, 6 },
};

int
dom_scale_to_kib(unsigned long long value, const char *unit,
                 const char *default_unit, const char *what,
                 unsigned long long *kib)
{
    const char *u = unit ? unit : default_unit;
    unsigned long long factor = 1;
    bool found = false;

    for (size_t i = 0; i < G_N_ELEMENTS(unit_table); i++) {
        if (strcmp(unit_table[i].name, u) != 0)
            continue;
        found = true;
        for (unsigned int k = 0; k < unit_table[i].shift; k++)
            factor *= 1024;
        for (unsigned int k = 0; k < unit_table[i].pow10; k++)
            factor *= 1000;
    }
    if (!found) {
        dom_error(VK_ERR_XML_ERROR, _("unknown unit '%1$s' for <%2$s>"), u, what);
        return -1;
    }
    if (value > G_MAXUINT64 / factor) {
        dom_error(VK_ERR_OVERFLOW, _("<%1$s> of %2$llu %3$s"), what, value, u);
        return -1;
    }
    value *= factor;
    /* KiB, rounded up like libvirt does for byte counts */
    *kib = value / 1024 + (value % 1024 ? 1 : 0);
    if (*kib > G_MAXUINT64 / 1024 / 2) {
        dom_error(VK_ERR_OVERFLOW, _("<%1$s> of %2$llu KiB"), what, *kib);
        return -1;
    }
    return 0;
}

int
dom_parse_memory_elem(xmlNode *parent, const char *name,
                      unsigned long long *kib)
{
    xmlNode *n = dom_child(parent, name);
    g_autofree char *unit = NULL;
    unsigned long long v;

    if (!n)
        return 0;
    if (dom_text_ull(n, &v) < 0)
        return -1;
    unit = xml_get_prop(n, "unit");
    if (dom_scale_to_kib(v, unit, "KiB", name, kib) < 0)
        return -1;
    return 1;
}

xmlNode *
dom_keep_node(xmlNode *node)
{
    return xmlCopyNode(node, 1);
}

void
dom_drop_children(xmlNode *node, const char *name)
{
    xmlNode *c = node->children;

    while (c) {
        xmlNode *next = c->next;

        if (c->type == XML_ELEMENT_NODE && !c->ns &&
            strcmp((const char *) c->name, name) == 0) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
        c = next;
    }
}

xmlNode *
dom_add(xmlNode *parent, const char *name)
{
    return xmlNewChild(parent, NULL, (const xmlChar *) name, NULL);
}

xmlNode *
dom_add_text(xmlNode *parent, const char *name, const char *text)
{
    return xmlNewTextChild(parent, NULL, (const xmlChar *) name,
                           (const xmlChar *) text);
}

void
dom_set(xmlNode *node, const char *attr, const char *value)
{
    if (value)
        xmlSetProp(node, (const xmlChar *) attr, (const xmlChar *) value);
}

void
dom_setf(xmlNode *node, const char *attr, const char *fmt, ...)
{
    va_list ap;
    char buf[64];
    g_autofree char *big = NULL;
    int n;

    va_start(ap, fmt);
    n = g_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n >= (int) sizeof(buf)) {
        va_start(ap, fmt);
        big = g_strdup_vprintf(fmt, ap);
        va_end(ap);
    }
    dom_set(node, attr, big ? big : buf);
}

void
dom_set_uint(xmlNode *node, const char *attr, unsigned long long v)
{
    char buf[24];

    g_snprintf(buf, sizeof(buf), "%llu", v);
    dom_set(node, attr, buf);
}

xmlNode *
dom_add_copy(xmlNode *parent, const xmlNode *kept)
{
    xmlNode *c = xmlDocCopyNode((xmlNode *) kept, parent->doc, 1);

    return xmlAddChild(parent, c);
}

static void
ser_indent(GString *s, int depth)
{
    for (int i = 0; i < depth; i++)
        g_string_append_len(s, "  ", 2);
}

static void
ser_escape(GString *s, const xmlChar *t, bool attr)
{
    for (; t && *t; t++) {
        switch (*t) {
        case '&': g_string_append(s, "&amp;"); break;
        case '<': g_string_append(s, "&lt;"); break;
        case '>': g_string_append(s, "&gt;"); break;
        case '\'': g_string_append(s, "&apos;"); break;
        case '"': g_string_append(s, "&quot;"); break;
        case '\n':
            g_string_append(s, attr ? "&#10;" : "\n");
            break;
        case '\t':
            g_string_append(s, attr ? "&#9;" : "\t");
            break;
        case '\r':
            /* a raw CR would come back as LF */
            g_string_append(s, "&#13;");
            break;
        default: g_string_append_c(s, (char) *t);
        }
    }
}

static void
ser_qname(GString *s, const xmlNs *ns, const xmlChar *name)
{
    if (ns && ns->prefix)
        g_string_append_printf(s, "%s:", (const char *) ns->prefix);
    g_string_append(s, (const char *) name);
}

static void
ser_start(GString *s, xmlNode *n)
{
    g_string_append_c(s, '<');
    ser_qname(s, n->ns, n->name);
    for (xmlNs *ns = n->nsDef; ns; ns = ns->next) {
        g_string_append(s, ns->prefix ? " xmlns:" : " xmlns");
        if (ns->prefix)
            g_string_append(s, (const char *) ns->prefix);
        g_string_append(s, "='");
        ser_escape(s, ns->href, true);
        g_string_append_c(s, '\'');
    }
    for (xmlAttr *a = n->properties; a; a = a->next) {
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);

        g_string_append_c(s, ' ');
        ser_qname(s, a->ns, a->name);
        g_string_append(s, "='");
        ser_escape(s, v, true);
        g_string_append_c(s, '\'');
        xmlFree(v);
    }
}

static void
ser_node(GString *s, xmlNode *n, int depth)
{
    bool has_elem = false;
    bool has_text = false;

    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            has_elem = true;
        else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
                 !text_is_blank(c->content))
            has_text = true;
    }
    ser_indent(s, depth);
    ser_start(s, n);
    if (!has_elem && !has_text) {
        g_string_append(s, "/>\n");
        return;
    }
    if (!has_elem) {
        xmlChar *t = xmlNodeGetContent(n);

        g_string_append_c(s, '>');
        ser_escape(s, t, false);
        xmlFree(t);
    } else {
        g_string_append(s, ">\n");
        for (xmlNode *c = n->children; c; c = c->next) {
            if (c->type == XML_ELEMENT_NODE) {
                ser_node(s, c, depth + 1);
            } else if ((c->type == XML_TEXT_NODE ||
                        c->type == XML_CDATA_SECTION_NODE) &&
                       !text_is_blank(c->content)) {
                g_autofree char *t = g_strstrip(g_strdup((const char *) c->content));

                ser_indent(s, depth + 1);
                ser_escape(s, (const xmlChar *) t, false);
                g_string_append_c(s, '\n');
            }
        }
        ser_indent(s, depth);
    }
    g_string_append(s, "</");
    ser_qname(s, n->ns, n->name);
    g_string_append(s, ">\n");
}

char *
dom_serialize(xmlNode *root)
{
    GString *s = g_string_new(NULL);

    ser_node(s, root, 0);
    return g_string_free(s, FALSE);
}
