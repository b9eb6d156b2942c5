/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libxml2 helpers shared by every XML document in conf/. */
#pragma once

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)

/*
 * Parses untrusted XML text (no network, no entity expansion, no DTD
 * loading).  @what names the document in errors ("domain", "network").
 * Returns the document, or NULL with VK_ERR_XML_ERROR reported, whose
 * message carries libxml2's line and reason.
 */
xmlDoc *xml_parse_string(const char *xml, const char *what, int err_domain);

/*
 * Validates @doc against libvirt's RelaxNG schema @schema_name
 * ("domain.rng") from the system schema directory.  0, or -1 with
 * VK_ERR_XML_INVALID_SCHEMA reported.
 */
int xml_validate_schema(xmlDoc *doc, const char *schema_name, int err_domain);

/* The directory libvirt's schemas are read from; overridable for tests. */
const char *xml_schema_dir(void);

/* Value of attribute @name of @node, newly allocated, or NULL if absent. */
char *xml_get_prop(xmlNode *node, const char *name);

/* Text content of @node, newly allocated (never NULL for a non-NULL node). */
char *xml_get_content(xmlNode *node);

/* Serialises @doc's root element, indented, without the XML declaration. */
char *xml_format_doc(xmlDoc *doc);
