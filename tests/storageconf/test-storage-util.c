/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Size units, volume names and pool source specs. */
#include <string.h>

#include <glib.h>

#include "conf/storage/storage-conf.h"
#include "util/error.h"

typedef struct {
    const char *text;
    const char *unit;
    guint64 want;      /* 0 with code != 0: must fail */
    int code;
} UnitCase;

static const UnitCase unit_cases[] = {
    { "1", NULL, 1, 0 },
    { "1", "b", 1, 0 },
    { "7", "bytes", 7, 0 },
    { "7", "byte", 7, 0 },
    { "1", "k", 1024, 0 },
    { "1", "K", 1024, 0 },
    { "1", "KiB", 1024, 0 },
    { "1", "KB", 1000, 0 },
    { "1", "kb", 1000, 0 },
    { "3", "M", 3ULL << 20, 0 },
    { "3", "MiB", 3ULL << 20, 0 },
    { "3", "MB", 3000000, 0 },
    { "2", "G", 2ULL << 30, 0 },
    { "2", "GiB", 2ULL << 30, 0 },
    { "2", "GB", 2000000000ULL, 0 },
    { "5", "T", 5ULL << 40, 0 },
    { "5", "TB", 5000000000000ULL, 0 },
    { "1", "P", 1ULL << 50, 0 },
    { "1", "PiB", 1ULL << 50, 0 },
    { "15", "E", 15ULL << 60, 0 },
    { "18", "EB", 18000000000000000000ULL, 0 },
    { "18446744073709551615", NULL, 18446744073709551615ULL, 0 },
    { "18446744073709551616", NULL, 0, VK_ERR_OVERFLOW },
    { "16", "EiB", 0, VK_ERR_OVERFLOW },
    { "19", "EB", 0, VK_ERR_OVERFLOW },
    { "17179869184", "G", 0, VK_ERR_OVERFLOW },
    { "1", "Q", 0, VK_ERR_XML_ERROR },
    { "1", "KiBB", 0, VK_ERR_XML_ERROR },
    { "-1", NULL, 0, VK_ERR_XML_ERROR },
    { "1.5", "G", 0, VK_ERR_XML_ERROR },
    { "", NULL, 0, VK_ERR_XML_ERROR },
};

static void
test_units(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(unit_cases); i++) {
        const UnitCase *c = &unit_cases[i];
        uint64_t v = 0;
        int r = storage_parse_scaled(c->text, c->unit, "capacity", &v);

        if (c->code == 0) {
            if (r != 0)
                g_error("'%s %s' failed: %s", c->text, c->unit, error_get_last()->message);
            g_assert_cmpuint(v, ==, c->want);
        } else {
            g_assert_cmpint(r, ==, -1);
            g_assert_cmpint(error_get_last()->code, ==, c->code);
            g_assert_cmpint(error_get_last()->domain, ==, VK_FROM_STORAGE);
        }
    }
}

static void
test_vol_names(void)
{
    const char *good[] = { "a", "disk.qcow2", ".hidden", "..x", "a b", NULL };
    const char *bad[] = { "", ".", "..", "a/b", "/abs", "../x", NULL };

    for (size_t i = 0; good[i]; i++)
        g_assert_cmpint(storage_vol_name_validate(good[i]), ==, 0);
    for (size_t i = 0; bad[i]; i++) {
        g_assert_cmpint(storage_vol_name_validate(bad[i]), ==, -1);
        g_assert_cmpint(error_get_last()->code, ==, VK_ERR_XML_ERROR);
    }
    g_assert_cmpint(storage_vol_name_validate(NULL), ==, -1);
}

static void
test_source_spec(void)
{
    g_autoptr(StoragePoolSource) src = NULL;
    g_autoptr(StoragePoolSourceList) list = storage_pool_source_list_new(STORAGE_POOL_NETFS);
    g_autofree char *xml = NULL;
    const StoragePoolSourceHost *h;

    src = storage_pool_source_parse_string(STORAGE_POOL_NETFS,
                                           "<source><host name='nfs.example.com'/></source>");
    g_assert_nonnull(src);
    g_assert_cmpuint(src->hosts->len, ==, 1);
    h = src->hosts->pdata[0];
    g_assert_cmpstr(h->name, ==, "nfs.example.com");
    g_assert_null(src->dir);
    g_ptr_array_add(list->sources, g_steal_pointer(&src));
    xml = storage_pool_source_list_format(list);
    g_assert_cmpstr(xml, ==, "<sources>\n  <source>\n    <host name=\"nfs.example.com\"/>\n"
                             "  </source>\n</sources>\n");
    g_assert_null(storage_pool_source_parse_string(STORAGE_POOL_NETFS, "<sources/>"));
    g_assert_null(storage_pool_source_parse_string(STORAGE_POOL_NETFS,
                                                   "<source><format type='ext4'/></source>"));
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_XML_ERROR);
}

static void
test_vol_without_capacity_flag(void)
{
    g_autoptr(StoragePoolDef) pool = storage_pool_def_parse_string(
        "<pool type='dir'><name>p</name><target><path>/p</path></target></pool>", 0);
    g_autoptr(StorageVolDef) vol = NULL;

    g_assert_nonnull(pool);
    g_assert_null(storage_vol_def_parse_string(pool, "<volume><name>c</name></volume>", 0));
    vol = storage_vol_def_parse_string(pool, "<volume><name>c</name></volume>",
                                       STORAGE_VOL_PARSE_OPT_CAPACITY);
    g_assert_nonnull(vol);
    g_assert_false(vol->has_capacity);
    g_assert_cmpstr(vol->target_format, ==, "raw");
}

static void
test_validate_flags(void)
{
    const char *pool_xml = "<pool type='iscsi'><name>i</name><source><host name='h'/>"
                           "<device path='iqn.2013-06.com.example:x'/><auth type='chap'/></source></pool>";
    g_autoptr(StoragePoolDef) pool = storage_pool_def_parse_string(pool_xml, 0);
    g_autoptr(StoragePoolDef) dir = storage_pool_def_parse_string(
        "<pool type='dir'><name>p</name><target><path>/p</path></target></pool>",
        STORAGE_POOL_PARSE_VALIDATE);
    g_autoptr(StorageVolDef) vol = NULL;
    const char *vol_xml = "<volume><name>v</name><capacity>1</capacity><target>"
                          "<encryption format='luks'><bogus/></encryption></target></volume>";

    g_assert_nonnull(pool);
    g_assert_nonnull(dir);
    g_assert_null(storage_pool_def_parse_string(pool_xml, STORAGE_POOL_PARSE_VALIDATE));
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_XML_INVALID_SCHEMA);
    vol = storage_vol_def_parse_string(dir, vol_xml, 0);
    g_assert_nonnull(vol);
    g_assert_null(storage_vol_def_parse_string(dir, vol_xml, STORAGE_VOL_PARSE_VALIDATE));
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_XML_INVALID_SCHEMA);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/storage/units", test_units);
    g_test_add_func("/storage/vol-names", test_vol_names);
    g_test_add_func("/storage/source-spec", test_source_spec);
    g_test_add_func("/storage/vol-opt-capacity", test_vol_without_capacity_flag);
    g_test_add_func("/storage/validate-flags", test_validate_flags);
    return g_test_run();
}
