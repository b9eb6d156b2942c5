/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include <libxml/relaxng.h>
#include <libxml/xmlsave.h>

#include "conf/xml-util.h"
#include "util/error.h"
#include "util/i18n.h"

typedef struct {
    GString *text;
} XmlErrorSink;

static void
xml_collect_error(void *opaque, xmlError *err)
{
    XmlErrorSink *sink = opaque;

    if (!err || !err->message || sink->text->len > 0)
        return;
    g_string_append_printf(sink->text, _("at line %1$d: %2$s"), err->line, err->message);
    /* libxml2 ends its messages with a newline */
    while (sink->text->len > 0 && sink->text->str[sink->text->len - 1] == '\n')
        g_string_truncate(sink->text, sink->text->len - 1);
}

xmlDoc *
xml_parse_string(const char *xml, const char *what, int err_domain)
{
    XmlErrorSink sink = { g_string_new(NULL) };
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    xmlDoc *doc = NULL;

    if (!ctxt) {
        g_string_free(sink.text, TRUE);
        error_report(err_domain, VK_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    /* libxml2's error handler is per thread, so this is safe in workers */
    xmlSetStructuredErrorFunc(&sink, xml_collect_error);
    doc = xmlCtxtReadMemory(ctxt, xml, (int) strlen(xml), what, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!doc || !xmlDocGetRootElement(doc)) {
        if (sink.text->len == 0)
            g_string_append(sink.text, _("empty document"));
        error_report(err_domain, VK_ERR_XML_ERROR, _("%1$s definition: %2$s"), what, sink.text->str);
        if (doc)
            xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    g_string_free(sink.text, TRUE);
    return doc;
}

const char *
xml_schema_dir(void)
{
    const char *dir = g_getenv("VIRTKVM_SCHEMA_DIR");

    return dir ? dir : "/usr/share/libvirt/schemas";
}

int
xml_validate_schema(xmlDoc *doc, const char *schema_name, int err_domain)
{
    g_autofree char *path = g_build_filename(xml_schema_dir(), schema_name, NULL);
    XmlErrorSink sink = { g_string_new(NULL) };
    xmlRelaxNGParserCtxt *pctxt = xmlRelaxNGNewParserCtxt(path);
    xmlRelaxNG *schema = NULL;
    xmlRelaxNGValidCtxt *vctxt = NULL;
    int ret = -1;

    if (!pctxt || !(schema = xmlRelaxNGParse(pctxt))) {
        error_report(err_domain, VK_ERR_INTERNAL_ERROR, _("cannot load schema '%s'"), path);
        goto out;
    }
    vctxt = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidStructuredErrors(vctxt, xml_collect_error, &sink);
    if (xmlRelaxNGValidateDoc(vctxt, doc) != 0) {
        error_report(err_domain, VK_ERR_XML_INVALID_SCHEMA, "%s",
                     sink.text->len ? sink.text->str : schema_name);
        goto out;
    }
    ret = 0;
 out:
    if (vctxt)
        xmlRelaxNGFreeValidCtxt(vctxt);
    if (schema)
        xmlRelaxNGFree(schema);
    if (pctxt)
        xmlRelaxNGFreeParserCtxt(pctxt);
    g_string_free(sink.text, TRUE);
    return ret;
}

char *
xml_get_prop(xmlNode *node, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *) name);
    char *ret;

    if (!v)
        return NULL;
    ret = g_strdup((const char *) v);
    xmlFree(v);
    return ret;
}

char *
xml_get_content(xmlNode *node)
{
    xmlChar *v = xmlNodeGetContent(node);
    char *ret = g_strdup(v ? (const char *) v : "");

    xmlFree(v);
    return ret;
}

char *
xml_format_doc(xmlDoc *doc)
{
    xmlBuffer *buf = xmlBufferCreate();
    xmlSaveCtxt *save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
    char *ret;

    xmlSaveTree(save, xmlDocGetRootElement(doc));
    xmlSaveClose(save);
    ret = g_strdup((const char *) xmlBufferContent(buf));
    xmlBufferFree(buf);
    return ret;
}
