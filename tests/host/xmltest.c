/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "conf/xml-util.h"
#include "tests/host/xmltest.h"

void
xmltest_assert_valid(const char *xml, const char *schema)
{
    g_autofree char *path = g_path_is_absolute(schema) ? g_strdup(schema) :
                            g_build_filename(xml_schema_dir(), schema, NULL);
    g_autofree char *tmp = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    int status = -1;
    int fd = g_file_open_tmp("vk-xmltest-XXXXXX.xml", &tmp, &error);
    const char *argv[] = { "xmllint", "--noout", "--relaxng", path, NULL, NULL };

    g_assert_no_error(error);
    g_assert_true(g_file_set_contents(tmp, xml, -1, NULL));
    close(fd);
    argv[4] = tmp;
    g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH,
                               NULL, NULL, &out, &err, &status, &error));
    g_unlink(tmp);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("%s does not validate:\n%s\n%s", schema, err, xml);
}

xmlDoc *
xmltest_parse(const char *xml)
{
    xmlDoc *doc = xmlReadMemory(xml, strlen(xml), "test.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR);

    g_assert_nonnull(doc);
    return doc;
}

static xmlXPathObject *
xmltest_eval(xmlDoc *doc, const char *expr)
{
    xmlXPathContext *ctx = xmlXPathNewContext(doc);
    xmlXPathObject *obj = xmlXPathEvalExpression(BAD_CAST expr, ctx);

    xmlXPathFreeContext(ctx);
    g_assert_nonnull(obj);
    return obj;
}

char *
xmltest_xpath_string(xmlDoc *doc, const char *expr)
{
    g_autofree char *wrapped = g_strdup_printf("string(%s)", expr);
    xmlXPathObject *obj = xmltest_eval(doc, wrapped);
    char *ret = g_strdup((const char *) obj->stringval);

    xmlXPathFreeObject(obj);
    return ret;
}

double
xmltest_xpath_number(xmlDoc *doc, const char *expr)
{
    g_autofree char *wrapped = g_strdup_printf("number(%s)", expr);
    xmlXPathObject *obj = xmltest_eval(doc, wrapped);
    double ret = obj->floatval;

    xmlXPathFreeObject(obj);
    return ret;
}
