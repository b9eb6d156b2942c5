/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pool, volume (in a dir and a disk pool) and source-list XML. */
#include "conf/storage/storage-conf.h"
#include "tests/netconf/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_pool(const char *xml)
{
    g_autoptr(StoragePoolDef) def = storage_pool_def_parse_string(xml, 0);
    g_autoptr(StoragePoolDef) def2 = NULL;
    g_autofree char *first = NULL, *second = NULL;

    if (!def)
        return;
    first = storage_pool_def_format(def, 0);
    if ((def2 = storage_pool_def_parse_string(first, 0)))
        second = storage_pool_def_format(def2, 0);
    fuzz_check_stable(first, second);
}

static void
fuzz_vol(const char *pool_xml, const char *xml)
{
    g_autoptr(StoragePoolDef) pool = storage_pool_def_parse_string(pool_xml, 0);
    g_autoptr(StorageVolDef) def = NULL;
    g_autoptr(StorageVolDef) def2 = NULL;
    g_autofree char *first = NULL, *second = NULL;

    if (!pool)
        abort();
    if (!(def = storage_vol_def_parse_string(pool, xml, 0)))
        return;
    first = storage_vol_def_format(pool, def, 0);
    if ((def2 = storage_vol_def_parse_string(pool, first, 0)))
        second = storage_vol_def_format(pool, def2, 0);
    fuzz_check_stable(first, second);
}

static void
fuzz_sources(const char *xml)
{
    g_autoptr(StoragePoolSourceList) list = NULL;
    g_autoptr(StoragePoolSourceList) list2 = NULL;
    g_autofree char *first = NULL, *second = NULL;

    if (!(list = storage_pool_source_list_parse_string(STORAGE_POOL_NETFS, xml)))
        return;
    first = storage_pool_source_list_format(list);
    if ((list2 = storage_pool_source_list_parse_string(STORAGE_POOL_NETFS, first)))
        second = storage_pool_source_list_format(list2);
    fuzz_check_stable(first, second);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = fuzz_input_string(data, size);

    if (!xml)
        return 0;
    fuzz_pool(xml);
    fuzz_vol("<pool type='dir'><name>d</name><target><path>/d</path></target></pool>", xml);
    fuzz_vol("<pool type='disk'><name>k</name><source><device path='/dev/sdb'/></source>"
             "<target><path>/dev</path></target></pool>", xml);
    fuzz_sources(xml);
    error_reset();
    return 0;
}
