/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Strict element/attribute walking shared by the network, interface and
 * storage documents: what a parser does not know is an error naming it,
 * and elements we keep without interpreting (metadata, bandwidth, auth...)
 * are copied verbatim.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <libxml/tree.h>

/* A NULL-terminated attribute list for xml_strict_check_attrs(). */
#define XML_ATTRS(...) ((const char *const[]) { __VA_ARGS__, NULL })

/* A yes/no or on/off attribute that may be absent. */
typedef enum {
    XML_TRISTATE_ABSENT = 0,
    XML_TRISTATE_YES,
    XML_TRISTATE_NO,
} XmlTristate;

/*
 * Fails with VK_ERR_CONFIG_UNSUPPORTED naming the first attribute of
 * @node not in the NULL-terminated @allowed list.
 */
int xml_strict_check_attrs(xmlNode *node, int dom, const char *const *allowed);

/* True if @n is the element @name in no namespace. */
bool xml_node_is(xmlNode *n, const char *name);

/* Reports an unknown child element @child of its parent. Returns -1. */
int xml_strict_unknown_element(xmlNode *child, int dom);

/*
 * Child iteration: returns the next element child after @prev (first if
 * NULL), or NULL at the end.  Non-blank text between elements is an error:
 * *err is set to -1 then.
 */
xmlNode *xml_strict_next_child(xmlNode *parent, xmlNode *prev, int dom, int *err);

/* Fails if @node has element children or non-blank text. */
int xml_strict_check_empty(xmlNode *node, int dom);

/* Element text with surrounding blanks stripped; fails if it has element children. */
char *xml_strict_text(xmlNode *node, int dom);

/*
 * A text element that may appear once (<name>, <path>...): no attributes,
 * stored into *field; a second one is an error.
 */
int xml_strict_text_once(xmlNode *node, int dom, char **field);

/* A <uuid> element that may appear once; sets *has_uuid. */
int xml_strict_uuid_once(xmlNode *node, int dom, bool *has_uuid, uint8_t uuid[16]);

/* Parses "yes"/"no" (or "on"/"off" when @onoff) attribute @name into @out. */
int xml_strict_tristate(xmlNode *node, const char *name, bool onoff,
                        int dom, XmlTristate *out);
const char *xml_tristate_str(XmlTristate t, bool onoff);

/* Unsigned attribute in [0, max]; *present tells if it was given. */
int xml_strict_uint(xmlNode *node, const char *name, uint64_t max,
                    int dom, uint64_t *out, bool *present);
int xml_strict_parse_uint(const char *str, const char *what, uint64_t max,
                          int dom, uint64_t *out);

/* Deep copy of @node without blank text nodes, detached from any document. */
xmlNode *xml_strict_keep(xmlNode *node);

/* A GPtrArray of kept nodes (freed with xmlFreeNode). */
GPtrArray *xml_kept_new(void);
void xml_kept_format(GPtrArray *kept, xmlNode *parent);

/* Output helpers: add child, add text child, set a printf attribute. */
xmlNode *xml_out_child(xmlNode *parent, const char *name);
xmlNode *xml_out_text(xmlNode *parent, const char *name, const char *text);
void xml_out_attr(xmlNode *node, const char *name, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void xml_out_attr_str(xmlNode *node, const char *name, const char *value);

/* Parses a UUID in libvirt's accepted forms (hyphens anywhere, hex). */
int xml_uuid_parse(const char *str, uint8_t uuid[16]);
void xml_uuid_format(const uint8_t uuid[16], char out[37]);
void xml_uuid_generate(uint8_t uuid[16]);
/* Adds <uuid>TEXT</uuid> to @parent. */
void xml_out_uuid(xmlNode *parent, const uint8_t uuid[16]);

/* Parses a MAC "aa:bb:cc:dd:ee:ff"; also accepts '-' separators. */
int xml_mac_parse(const char *str, uint8_t mac[6]);
void xml_mac_format(const uint8_t mac[6], char out[18]);
/* Sets attribute @name of @node to @mac formatted. */
void xml_out_mac_attr(xmlNode *node, const char *name, const uint8_t mac[6]);

/* A new document with root element @root_name; returns the root. */
xmlNode *xml_out_new_doc(const char *root_name, xmlDoc **doc);
/* Serialises @doc (xml_format_doc()) newline-terminated, as libvirt's output is. */
char *xml_out_finish(xmlDoc *doc);
