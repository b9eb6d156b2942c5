/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers for tests that check XML documents. */
#pragma once

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "conf/xml-util.h"   /* g_autoptr(xmlDoc) */

/*
 * Runs `xmllint --noout --relaxng SCHEMA` on @xml; @schema is a file name in
 * libvirt's schema directory or an absolute path.  Asserts it validates.
 */
void xmltest_assert_valid(const char *xml, const char *schema);

/* Parses @xml (asserting success); free with xmlFreeDoc. */
xmlDoc *xmltest_parse(const char *xml);

/* String value of XPath @expr (string(...) semantics), newly allocated. */
char *xmltest_xpath_string(xmlDoc *doc, const char *expr);

/* Number value of XPath @expr (count(), number()). */
double xmltest_xpath_number(xmlDoc *doc, const char *expr);

/*
 * Asserts that the string value of XPath @expr in @doc is @expected.  A
 * macro, so that a failure names the test's own line.
 */
#define xmltest_assert_xpath_str(doc, expr, expected) \
    do { \
        g_autofree char *xmltest_value_ = xmltest_xpath_string((doc), (expr)); \
        g_assert_cmpstr(xmltest_value_, ==, (expected)); \
    } while (0)
