/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "conf/capabilities/xml-writer.h"
#include "util/error.h"
#include "util/i18n.h"

struct XmlWriter {
    xmlBuffer *buf;
    xmlTextWriter *tw;
    gboolean failed;
};

static void
xml_writer_check(XmlWriter *w, int rc)
{
    if (rc < 0)
        w->failed = TRUE;
}

XmlWriter *
xml_writer_new(void)
{
    XmlWriter *w = g_new0(XmlWriter, 1);

    w->buf = xmlBufferCreate();
    if (w->buf)
        w->tw = xmlNewTextWriterMemory(w->buf, 0);
    if (!w->tw) {
        w->failed = TRUE;
        return w;
    }
    xml_writer_check(w, xmlTextWriterSetIndent(w->tw, 1));
    xml_writer_check(w, xmlTextWriterSetIndentString(w->tw, BAD_CAST "  "));
    xml_writer_check(w, xmlTextWriterSetQuoteChar(w->tw, '\''));
    return w;
}

void
xml_writer_free(XmlWriter *w)
{
    if (!w)
        return;
    if (w->tw)
        xmlFreeTextWriter(w->tw);
    if (w->buf)
        xmlBufferFree(w->buf);
    g_free(w);
}

void
xml_writer_start(XmlWriter *w, const char *element)
{
    if (!w->failed)
        xml_writer_check(w, xmlTextWriterStartElement(w->tw, BAD_CAST element));
}

void
xml_writer_end(XmlWriter *w)
{
    if (!w->failed)
        xml_writer_check(w, xmlTextWriterEndElement(w->tw));
}

/*
 * @text as XML 1.0 can carry it: invalid UTF-8 and characters XML forbids
 * even as references (C0 controls but tab/LF/CR, U+FFFE/U+FFFF) become '?'.
 * NULL when @text needs no change.
 */
static char *
xml_writer_sanitize(const char *text)
{
    const char *p = text;
    GString *out = NULL;

    while (*p) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        gboolean bad = c == (gunichar) -1 || c == (gunichar) -2 ||
                       (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
                       c == 0xFFFE || c == 0xFFFF;
        const char *next = bad && (c == (gunichar) -1 || c == (gunichar) -2) ?
                           p + 1 : g_utf8_next_char(p);

        if (bad && !out)
            out = g_string_new_len(text, p - text);
        if (out) {
            if (bad)
                g_string_append_c(out, '?');
            else
                g_string_append_len(out, p, next - p);
        }
        p = next;
    }
    return out ? g_string_free(out, FALSE) : NULL;
}

void
xml_writer_attr(XmlWriter *w, const char *name, const char *value)
{
    /* libxml2 escapes '"' but never '\'': such values need double quotes */
    g_autofree char *clean = value ? xml_writer_sanitize(value) : NULL;
    gboolean apos;

    if (w->failed || !value)
        return;
    if (clean)
        value = clean;
    apos = strchr(value, '\'') != NULL;
    if (apos)
        xml_writer_check(w, xmlTextWriterSetQuoteChar(w->tw, '"'));
    xml_writer_check(w, xmlTextWriterWriteAttribute(w->tw, BAD_CAST name,
                                                    BAD_CAST value));
    if (apos)
        xml_writer_check(w, xmlTextWriterSetQuoteChar(w->tw, '\''));
}

void
xml_writer_attr_fmt(XmlWriter *w, const char *name, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *value = NULL;

    va_start(ap, fmt);
    value = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    xml_writer_attr(w, name, value);
}

void
xml_writer_attr_uint(XmlWriter *w, const char *name, unsigned long long v)
{
    xml_writer_attr_fmt(w, name, "%llu", v);
}

void
xml_writer_text(XmlWriter *w, const char *text)
{
    g_autofree char *clean = NULL;

    if (w->failed || !text)
        return;
    clean = xml_writer_sanitize(text);
    xml_writer_check(w, xmlTextWriterWriteString(w->tw,
                                                 BAD_CAST (clean ? clean : text)));
}

void
xml_writer_element(XmlWriter *w, const char *element, const char *text)
{
    if (!text)
        return;
    xml_writer_start(w, element);
    xml_writer_text(w, text);
    xml_writer_end(w);
}

void
xml_writer_element_uint(XmlWriter *w, const char *element, unsigned long long v)
{
    g_autofree char *text = g_strdup_printf("%llu", v);

    xml_writer_element(w, element, text);
}

void
xml_writer_empty(XmlWriter *w, const char *element)
{
    xml_writer_start(w, element);
    xml_writer_end(w);
}

char *
xml_writer_finish(XmlWriter *w, int err_domain)
{
    if (!w->failed)
        xml_writer_check(w, xmlTextWriterEndDocument(w->tw));
    if (!w->failed)
        xml_writer_check(w, xmlTextWriterFlush(w->tw));
    if (w->failed) {
        error_report(err_domain, VK_ERR_INTERNAL_ERROR, "%s",
                     _("failed to format XML document"));
        return NULL;
    }
    return g_strdup((const char *) xmlBufferContent(w->buf));
}
