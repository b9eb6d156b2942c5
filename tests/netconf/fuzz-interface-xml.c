/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "conf/interface/interface-conf.h"
#include "tests/netconf/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = fuzz_input_string(data, size);
    g_autoptr(InterfaceDef) def = NULL;
    g_autoptr(InterfaceDef) def2 = NULL;
    g_autofree char *first = NULL, *second = NULL;

    if (!xml || !(def = interface_def_parse_string(xml, 0)))
        return 0;
    first = interface_def_format(def, 0);
    if ((def2 = interface_def_parse_string(first, 0)))
        second = interface_def_format(def2, 0);
    fuzz_check_stable(first, second);
    error_reset();
    return 0;
}
