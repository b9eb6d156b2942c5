/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Golden-file test for network, interface, storage pool and volume XML.
 *   xml2xml-test DIR
 * DIR/xml2xml-in/<kind>-*.xml are parsed and formatted; the result must
 * equal DIR/xml2xml-out/<same name> (VIRTKVM_TEST_REGENERATE_OUTPUT=1
 * rewrites it) and be a fixed point of parse+format.  <kind> is network,
 * interface, pool, or vol-<pooltype>.  DIR/xml2xml-fail/<kind>-*.xml must
 * fail; their first line is "<!-- expect CODE: substring -->" naming the
 * libvirt error code and a substring of the message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "conf/interface/interface-conf.h"
#include "conf/network/network-conf.h"
#include "conf/storage/storage-conf.h"
#include "util/error.h"

static int failures;

static char *
vol_roundtrip(const char *name, const char *xml)
{
    g_autofree char *type = g_strdup(name + strlen("vol-"));
    g_autoptr(StoragePoolDef) pool = NULL;
    g_autoptr(StorageVolDef) vol = NULL;
    g_autofree char *pool_xml = NULL;
    char *dash = strchr(type, '-');

    if (dash)
        *dash = '\0';
    if (strcmp(type, "dir") == 0)
        pool_xml = g_strdup("<pool type='dir'><name>p</name>"
                            "<target><path>/var/lib/virtkvm/images</path></target></pool>");
    else
        pool_xml = g_strdup_printf("<pool type='%s'><name>p</name><source><device path='/dev/sdz'/>"
                                   "<name>vg</name><host name='h'/><dir path='/d'/></source>"
                                   "<target><path>/dev/p</path></target></pool>", type);
    if (!(pool = storage_pool_def_parse_string(pool_xml, 0))) {
        fprintf(stderr, "cannot build pool of type %s: %s\n", type,
                error_get_last() ? error_get_last()->message : "?");
        return NULL;
    }
    if (!(vol = storage_vol_def_parse_string(pool, xml, 0)))
        return NULL;
    return storage_vol_def_format(pool, vol, 0);
}

/* Parses and formats @xml as the document kind named by the file @name. */
static char *
roundtrip(const char *name, const char *xml, bool *known)
{
    *known = true;
    if (g_str_has_prefix(name, "network-")) {
        g_autoptr(NetworkDef) def = network_def_parse_string(xml, 0);
        return def ? network_def_format(def, 0) : NULL;
    }
    if (g_str_has_prefix(name, "interface-")) {
        g_autoptr(InterfaceDef) def = interface_def_parse_string(xml, 0);
        return def ? interface_def_format(def, 0) : NULL;
    }
    if (g_str_has_prefix(name, "pool-")) {
        g_autoptr(StoragePoolDef) def = storage_pool_def_parse_string(xml, 0);
        return def ? storage_pool_def_format(def, 0) : NULL;
    }
    if (g_str_has_prefix(name, "vol-"))
        return vol_roundtrip(name, xml);
    if (g_str_has_prefix(name, "sources-")) {
        g_autofree char *type = g_strdup(name + strlen("sources-"));
        g_autoptr(StoragePoolSourceList) list = NULL;
        int t;

        if (strchr(type, '-'))
            *strchr(type, '-') = '\0';
        if ((t = storage_pool_type_from_string(type)) < 0)
            return NULL;
        list = storage_pool_source_list_parse_string(t, xml);
        return list ? storage_pool_source_list_format(list) : NULL;
    }
    *known = false;
    return NULL;
}

static void
fail(const char *name, const char *why)
{
    printf("not ok - %s: %s\n", name, why);
    failures++;
}

static void
test_good(const char *dir, const char *name)
{
    g_autofree char *in = g_build_filename(dir, "xml2xml-in", name, NULL);
    g_autofree char *out = g_build_filename(dir, "xml2xml-out", name, NULL);
    g_autofree char *xml = NULL, *got = NULL, *again = NULL, *want = NULL;
    bool known;

    if (!g_file_get_contents(in, &xml, NULL, NULL))
        return fail(name, "cannot read input");
    if (!(got = roundtrip(name, xml, &known))) {
        const VkError *e = error_get_last();

        return fail(name, !known ? "unknown kind" : e ? e->message : "parse failed");
    }
    if (g_getenv("VIRTKVM_TEST_REGENERATE_OUTPUT")) {
        if (!g_file_set_contents(out, got, -1, NULL))
            return fail(name, "cannot write output");
    }
    if (!g_file_get_contents(out, &want, NULL, NULL))
        return fail(name, "missing expected output");
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "--- expected %s\n%s--- got\n%s", out, want, got);
        return fail(name, "output differs");
    }
    if (!(again = roundtrip(name, got, &known)) || strcmp(again, got) != 0)
        return fail(name, "output is not stable under parse+format");
    printf("ok - %s\n", name);
}

static void
test_bad(const char *dir, const char *name)
{
    g_autofree char *in = g_build_filename(dir, "xml2xml-fail", name, NULL);
    g_autofree char *xml = NULL, *got = NULL, *substr = NULL;
    const VkError *e;
    int code = -1;
    bool known;
    char *p;

    if (!g_file_get_contents(in, &xml, NULL, NULL))
        return fail(name, "cannot read input");
    if (!(p = strstr(xml, "<!-- expect ")) || sscanf(p, "<!-- expect %d:", &code) != 1)
        return fail(name, "no '<!-- expect CODE: text -->' header");
    p = strchr(p, ':') + 1;
    substr = g_strndup(p, strstr(p, "-->") ? (gsize) (strstr(p, "-->") - p) : 0);
    g_strstrip(substr);
    error_reset();
    if ((got = roundtrip(name, xml, &known)))
        return fail(name, "parsed although it must fail");
    if (!known)
        return fail(name, "unknown kind");
    if (!(e = error_get_last()))
        return fail(name, "failed without an error");
    if (e->code != code || !strstr(e->message, substr)) {
        fprintf(stderr, "%s: got code %d message '%s', want %d '%s'\n",
                name, e->code, e->message, code, substr);
        return fail(name, "wrong error");
    }
    printf("ok - %s (%s)\n", name, e->message);
}

static gint
name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static GPtrArray *
list_dir(const char *dir, const char *sub)
{
    g_autofree char *path = g_build_filename(dir, sub, NULL);
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        if (g_str_has_suffix(n, ".xml"))
            g_ptr_array_add(names, g_strdup(n));
    }
    g_ptr_array_sort(names, name_cmp);
    return names;
}

int
main(int argc, char **argv)
{
    g_autoptr(GPtrArray) good = NULL;
    g_autoptr(GPtrArray) bad = NULL;

    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    good = list_dir(argv[1], "xml2xml-in");
    bad = list_dir(argv[1], "xml2xml-fail");
    for (guint i = 0; i < good->len; i++)
        test_good(argv[1], good->pdata[i]);
    for (guint i = 0; i < bad->len; i++)
        test_bad(argv[1], bad->pdata[i]);
    printf("%u good, %u bad cases, %d failures\n", good->len, bad->len, failures);
    if (good->len == 0)
        return 1;
    return failures ? 1 : 0;
}
