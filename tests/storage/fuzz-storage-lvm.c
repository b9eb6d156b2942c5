/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lvm's JSON reports (lvs, vgs) as the logical backend parses them. */
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "driver/storage/storage-priv.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static StoragePoolDef *def;
    g_autofree char *text = g_strndup((const char *) data, size);
    StoragePoolObj obj = { 0 };
    g_autofree char *sources = NULL;

    if (!def)
        def = storage_pool_def_parse_string("<pool type='logical'><name>vg</name>"
                                            "<target><path>/dev/vg</path></target></pool>", 0);
    obj.def = def;
    obj.vols = g_ptr_array_new_with_free_func((GDestroyNotify) storage_vol_obj_free);
    storage_logical_parse_lvs(&obj, text);
    g_ptr_array_unref(obj.vols);
    sources = storage_logical_parse_vgs(text);
    error_reset();
    return 0;
}
