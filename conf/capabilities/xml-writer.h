/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A thin layer over libxml2's xmlTextWriter for the formatters of
 * conf/capabilities: every text and attribute value is escaped by libxml2,
 * so host-provided strings can never break the document; characters XML 1.0
 * cannot carry at all (C0 controls, invalid UTF-8) are written as '?'.  Errors are
 * sticky: after the first failure every call is a no-op and
 * xml_writer_finish() reports it.
 */
#pragma once

#include <glib.h>

typedef struct XmlWriter XmlWriter;

XmlWriter *xml_writer_new(void);
void xml_writer_free(XmlWriter *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmlWriter, xml_writer_free)

void xml_writer_start(XmlWriter *w, const char *element);
void xml_writer_end(XmlWriter *w);
void xml_writer_attr(XmlWriter *w, const char *name, const char *value);
void xml_writer_attr_fmt(XmlWriter *w, const char *name,
                         const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void xml_writer_attr_uint(XmlWriter *w, const char *name, unsigned long long v);
void xml_writer_text(XmlWriter *w, const char *text);

/* <element>text</element>; nothing when @text is NULL. */
void xml_writer_element(XmlWriter *w, const char *element, const char *text);
void xml_writer_element_uint(XmlWriter *w, const char *element,
                             unsigned long long v);
/* <element/> */
void xml_writer_empty(XmlWriter *w, const char *element);

/*
 * Closes open elements and returns the document (newline-terminated),
 * newly allocated; NULL with an error reported (@err_domain) on failure.
 */
char *xml_writer_finish(XmlWriter *w, int err_domain);
