/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "conf/network/network-conf.h"
#include "tests/netconf/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = fuzz_input_string(data, size);
    g_autoptr(NetworkDef) def = NULL;
    g_autoptr(NetworkDef) def2 = NULL;
    g_autofree char *first = NULL, *second = NULL;

    if (!xml || !(def = network_def_parse_string(xml, 0)))
        return 0;
    first = network_def_format(def, 0);
    if ((def2 = network_def_parse_string(first, 0)))
        second = network_def_format(def2, 0);
    fuzz_check_stable(first, second);
    /* the dhcp host update path takes the same untrusted bytes */
    network_def_update_dhcp_host(def, xml, true);
    network_def_update_dhcp_host(def, xml, false);
    error_reset();
    return 0;
}
